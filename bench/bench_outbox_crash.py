"""The outbox under kill -9: how many mails go out twice, and how long an abandoned claim waits.

A real `trustcenter serve` (its background sender at the default OUTBOX_INTERVAL) delivers a
queue of mails to an SMTP server on loopback (aiosmtpd, SMTP_DELAY seconds per mail, so that a
kill lands mid-send). The bench kills the server with SIGKILL at random moments while it sends,
notes the mails left claimed at that moment, starts it again at once, and at the end counts:

- mails received twice (at most one per kill: the one in flight),
- mails never received (none),
- for each abandoned claim, the seconds from the kill and from the restart until it was sent
  (within a minute: LEASE + one OUTBOX_INTERVAL).

    .venv/bin/python bench/bench_outbox_crash.py [--inquiries 370] [--kills 5]

370 inquiries are 740 mails, the queue of the report this bench answers. SQLite in a temporary
directory (`--database postgresql+psycopg://…` for another database, emptied first).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from api.core.crypto import generate_key  # noqa: E402
from api.core.settings import Settings  # noqa: E402
from api.db.outbox import OutboxMessage  # noqa: E402
from api.web.app import create_app  # noqa: E402
from tests.support.app import valid_body  # noqa: E402

SMTP_DELAY = 0.02
TRUSTCENTER = Path(sys.executable).parent / "trustcenter"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Catcher:
    """Counts every Message-ID it accepts, and when."""

    def __init__(self) -> None:
        self.received: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(SMTP_DELAY)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received[str(message["Message-ID"])] += 1
        return "250 OK"

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())


def queue_mails(settings: Settings, inquiries: int) -> None:
    """Inquiries stored through the API itself, their mail kept in the outbox (no SMTP_URL)."""
    with TestClient(create_app(settings)) as client:
        for index in range(inquiries):
            body = valid_body(email=f"person{index}@example.com")
            assert client.post("/api/contact", json=body).status_code == 201


def claimed_now(session: Session) -> list[int]:
    now = datetime.now(UTC)
    rows = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.status == "pending", OutboxMessage.claimed_until.is_not(None)
        )
    )
    return [row.id for row in rows if row.claimed_until and row.claimed_until > now]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inquiries", type=int, default=370)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--database", default="")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    random.seed(args.seed)
    logging.disable(logging.WARNING)

    catcher = Catcher()
    smtp_port = free_port()
    controller = Controller(catcher, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    with tempfile.TemporaryDirectory() as tmp:
        database = args.database or f"sqlite:///{tmp}/outbox.db"
        if args.database:
            with create_engine(database).begin() as connection:
                for table in ("outbox", "dpa_records", "inquiries", "alembic_version"):
                    connection.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
        key = generate_key()
        settings = Settings(
            VAR_DIR=Path(tmp),
            DATABASE_URL=database,
            DATA_KEYS=key,
            RATE_LIMIT_CONTACT="1000000/minute",
            OUTBOX_INTERVAL=0,
        )
        queue_mails(settings, args.inquiries)
        total = args.inquiries * 2
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTCENTER_")} | {
            "TRUSTCENTER_VAR_DIR": tmp,
            "TRUSTCENTER_SITE_DIR": tmp,
            "TRUSTCENTER_DATABASE_URL": database,
            "TRUSTCENTER_DATA_KEYS": key,
            "TRUSTCENTER_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            "TRUSTCENTER_LOG_LEVEL": "WARNING",
        }
        engine = create_engine(database)

        def serve() -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [str(TRUSTCENTER), "serve", "--port", str(free_port())],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

        print(f"{total} mails queued; sender: trustcenter serve (OUTBOX_INTERVAL 15 s)")
        waiting: dict[int, tuple[float, float]] = {}  # abandoned row: (killed, restarted)
        picked: dict[int, float] = {}
        stop = threading.Event()

        def watch() -> None:
            """When each abandoned claim is sent, polled every 0.1 s."""
            while not stop.is_set():
                with Session(engine) as session:
                    ids = list(waiting)
                    sent = session.scalars(
                        select(OutboxMessage.id).where(
                            OutboxMessage.id.in_(ids), OutboxMessage.status == "sent"
                        )
                    )
                    for row in sent:
                        picked.setdefault(row, time.monotonic())
                time.sleep(0.1)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        started = time.monotonic()
        server = serve()
        try:
            for kill in range(args.kills):
                # A random moment while it sends, spread over the queue.
                target = total * (kill + random.uniform(0.3, 0.9)) / (args.kills + 1)
                while catcher.total() < target:
                    time.sleep(0.005)
                os.kill(server.pid, signal.SIGKILL)
                server.wait()
                killed = time.monotonic()
                with Session(engine) as session:
                    left = [row for row in claimed_now(session) if row not in waiting]
                server = serve()
                restarted = time.monotonic()
                waiting.update(dict.fromkeys(left, (killed, restarted)))
                print(
                    f"  kill -9 #{kill + 1} after {catcher.total():>4} received: "
                    f"{len(left)} mail left claimed"
                )
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                with Session(engine) as session:
                    unsent = session.scalar(
                        select(func.count()).where(OutboxMessage.status != "sent")
                    )
                if not unsent and len(picked) == len(waiting):
                    break
                time.sleep(0.2)
        finally:
            stop.set()
            watcher.join()
            os.kill(server.pid, signal.SIGKILL)
            server.wait()
            controller.stop()
        elapsed = time.monotonic() - started

        with Session(engine) as session:
            rows = list(session.scalars(select(OutboxMessage)))
        sent_ids = {str(row.message_id) for row in rows if row.status == "sent"}
        twice = sum(1 for count in catcher.received.values() if count > 1)
        never = len({str(row.message_id) for row in rows} - set(catcher.received)) + sum(
            1 for row in rows if row.status != "sent"
        )
        print(f"\n{len(rows)} mails, {args.kills} kills, {elapsed:.0f} s in all")
        print(f"  sent (outbox)          {len(sent_ids)}")
        print(f"  received               {catcher.total()} ({len(catcher.received)} distinct)")
        print(f"  received twice         {twice}  (at most one per kill)")
        print(f"  never received         {never}")
        print(f"  abandoned claims       {len(waiting)}")
        for row, (killed, restarted) in sorted(waiting.items()):
            at = picked.get(row)
            if at is None:
                print(f"    mail {row}: NOT picked up")
            else:
                print(
                    f"    mail {row}: sent {at - killed:5.1f} s after the kill, "
                    f"{at - restarted:5.1f} s after the restart"
                )
        engine.dispose()


if __name__ == "__main__":
    main()
