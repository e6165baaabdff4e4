"""`trustcenter notify` at scale: N confirmed subscribers, two pending changes, one run that
queues a notice per subscriber (with its proof records) and hands every mail to a real SMTP
server on loopback (aiosmtpd), then a second run that finds nothing to do.

    .venv/bin/python bench/bench_notify.py [--subscribers N] [--database URL]

Subscribers are written straight into the store (encrypted, with their keyed hashes), not
through the API, so the figures are notify's own cost. SQLite in a temporary directory unless
--database names another (e.g. an empty PostgreSQL database). Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.content import load_content
from api.core.clock import utcnow
from api.core.crypto import Cipher, generate_key
from api.core.reference import SUBSCRIPTION, new_reference
from api.core.settings import Settings
from api.db import migrate
from api.db.session import create_db_engine, session_factory, transaction
from api.db.subscription import Subscription
from api.mail.sender import parse_smtp_url
from api.subscriptions import service
from api.subscriptions.address import canonical, identity
from api.subscriptions.keys import hasher, new_token, token_hash
from api.subscriptions.notify import notify
from tests.support.smtp import SmtpServer
from tests.support.subscriptions import Announced, data_with


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=500)
    parser.add_argument("--database", default="")
    args = parser.parse_args()
    logging.disable(logging.INFO)

    with tempfile.TemporaryDirectory() as directory, SmtpServer() as smtp:
        root = Path(directory)
        url = args.database or f"sqlite:///{root / 'bench.db'}"
        settings = Settings(
            VAR_DIR=root, DATABASE_URL=url, DATA_KEYS=generate_key(), SMTP_URL=smtp.url
        )
        cipher = Cipher(settings.data_keys)
        engine = create_db_engine(url)
        migrate.upgrade(engine)
        factory = session_factory(engine)
        content = load_content(
            data_with(root / "data", Announced("hubspot"), Announced("stripe", "changed"))
        )

        started = time.perf_counter()
        keys = hasher(factory, cipher)
        with transaction(factory) as session:
            for index in range(args.subscribers):
                email = f"leser{index}@kunde{index % 50}.example"
                unsubscribe = new_token()
                session.add(
                    Subscription(
                        reference=new_reference(SUBSCRIPTION, 2026),
                        status=service.CONFIRMED,
                        language=("de", "en")[index % 2],
                        email_enc=cipher.encrypt(email),
                        email_digest=keys.email(identity(email)),
                        canonical_digest=keys.canonical(canonical(email)),
                        created_at=utcnow(),
                        confirmed_at=utcnow(),
                        unsubscribe_token_hash=token_hash(unsubscribe),
                        unsubscribe_token_enc=cipher.encrypt(unsubscribe),
                    )
                )
        print(f"{args.subscribers} subscribers stored in {time.perf_counter() - started:.2f} s")

        sender = parse_smtp_url(smtp.url)
        started = time.perf_counter()
        report = asyncio.run(notify(factory, cipher, settings, content, sender, force=True))
        elapsed = time.perf_counter() - started
        received = len(smtp.wait_for(report.queued))
        each = elapsed / max(1, report.queued) * 1000
        print(
            f"first run:  {report.queued} notices queued, {report.sent} handed to SMTP "
            f"({received} received) in {elapsed:.2f} s = {each:.1f} ms per subscriber"
        )
        started = time.perf_counter()
        again = asyncio.run(notify(factory, cipher, settings, content, sender, force=True))
        print(
            f"second run: {again.queued} queued, {again.sent} sent in "
            f"{time.perf_counter() - started:.2f} s"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
