"""Load: Locust against `make run` — privacy inquiries, DPA .docx and page views mixed.

    .venv/bin/python bench/bench_load.py [--users 50] [--duration 120] [--port 8765]

Starts `make run` (the site built, `trustcenter serve`) with its state in a temporary folder
(a fresh SQLite database), believing X-Forwarded-For from loopback, so that each simulated
person has an address of their own behind a proxy, as behind Netlify; the rate limits stay at
their defaults (5 a minute per address and per email), so 429s are expected and intended.
Each person sends inquiries with an Idempotency-Key per submission (a retry now and then
with the same key and body must get the same receipt), from addresses that vary only by case
and `+suffix` (the per-address limit counts them as one), fills in DPAs (.docx) and reads pages.

Passes when: no response other than 2xx, 3xx or an intended 429; every 201 is stored once
(checked against the database after the run: one inquiry per reference, as many as distinct
201s, two mails each; a replay names a stored reference); every DPA answered is recorded.
Prints p50/p99 per endpoint. Locust (gevent, FastHttpUser) is the `bench` extra: `make bench`
installs it. The run takes `--duration` seconds plus the site build and start-up.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()  # before anything opens a socket: Locust runs on gevent

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
from locust import FastHttpUser, between, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.dpa.sample import dpa_body  # noqa: E402
from tests.support.app import valid_body  # noqa: E402

PAGES = [
    "/",
    "/toms/",
    "/subprocessors/",
    "/security/",
    "/dpa/",
    "/contact/",
    "/en/",
    "/en/toms/",
    "/en/subprocessors/",
    "/en/dpa/",
    "/en/contact/",
]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Seconds the people get at the end to finish the request they are in.
STOP_TIMEOUT = 60
RECEIPTS: list[tuple[str, str, bool]] = []  # (Idempotency-Key, reference, replayed)
STATUSES: Counter[tuple[str, int]] = Counter()
DPA_REFERENCES: list[str] = []


def intended(response: Any, name: str) -> None:
    """2xx is the answer; 429 is the limiter at work (its own row, not a failure)."""
    STATUSES[(name, response.status_code)] += 1
    if response.status_code == 429:
        response.request_meta["name"] = f"{name} [429]"
        response.success()
    elif 200 <= response.status_code < 300:
        response.success()
    else:
        response.failure(f"HTTP {response.status_code}")


class Person(FastHttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        number = random.randrange(1, 2**24)
        self.address = f"10.{number >> 16}.{(number >> 8) & 255}.{number & 255}"
        self.email = f"person{number}@example.com"

    def _headers(self, **more: str) -> dict[str, str]:
        return {"X-Forwarded-For": self.address, **more}

    @task(2)
    def send_an_inquiry(self) -> None:
        # The same person as far as the limit goes: case and +suffix vary.
        local, domain = self.email.split("@")
        email = random.choice([self.email, f"{local}+{random.randrange(99)}@{domain}"])
        body = valid_body(email=email.upper() if random.random() < 0.2 else email)
        key = str(uuid.uuid4())
        retries = 2 if random.random() < 0.2 else 1  # a form's retry after a lost answer
        for _ in range(retries):
            with self.client.post(
                "/api/contact",
                json=body,
                headers=self._headers(**{"Idempotency-Key": key}),
                name="POST /api/contact",
                catch_response=True,
            ) as response:
                intended(response, "POST /api/contact")
                if response.status_code == 201:
                    replayed = response.headers.get("Idempotent-Replayed") == "true"
                    RECEIPTS.append((key, response.json()["reference"], replayed))

    @task(1)
    def fill_in_a_dpa(self) -> None:
        body = dpa_body(random.choice(["de", "en"]))
        # Locust's `json=` asks for `Accept: application/json`, which is the page's request for
        # the .docx and its PDF at once: ask for the .docx alone.
        with self.client.post(
            "/api/dpa",
            json=body,
            headers=self._headers(Accept=DOCX),
            name="POST /api/dpa (.docx)",
            catch_response=True,
        ) as response:
            intended(response, "POST /api/dpa (.docx)")
            if response.status_code == 200:
                if response.headers.get("Content-Type") != DOCX:
                    response.failure(f"not a .docx: {response.headers.get('Content-Type')}")
                DPA_REFERENCES.append(response.headers["X-DPA-Reference"])

    @task(5)
    def read_a_page(self) -> None:
        page = random.choice(PAGES)
        with self.client.get(
            page, headers=self._headers(), name="GET page", catch_response=True
        ) as response:
            intended(response, "GET page")
        if page.endswith("contact/") or page.endswith("dpa/"):
            with self.client.get(
                "/api/config", headers=self._headers(), name="GET /api/config", catch_response=True
            ) as response:
                intended(response, "GET /api/config")


def start_make_run(port: int, state: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTCENTER_")} | {
        "TRUSTCENTER_VAR_DIR": str(state),
        "TRUSTCENTER_TRUSTED_PROXIES": "127.0.0.1",
        "TRUSTCENTER_LOG_LEVEL": "WARNING",
    }
    log = (state / "server.log").open("wb")
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own group: make and the server stop together
    )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"make run exited:\n{(state / 'server.log').read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    raise SystemExit("make run did not answer in time")


def stop(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def check_the_store(database: Path) -> list[str]:
    """Every 201 stored once; what is wrong, else nothing."""
    with sqlite3.connect(database) as connection:
        stored = Counter(row[0] for row in connection.execute("SELECT reference FROM inquiries"))
        mails = Counter(row[0] for row in connection.execute("SELECT reference FROM outbox"))
        dpas = Counter(row[0] for row in connection.execute("SELECT reference FROM dpa_records"))
    problems = []
    first = [reference for _, reference, replayed in RECEIPTS if not replayed]
    answered = {reference for _, reference, _ in RECEIPTS}
    if len(first) != len(set(first)):
        problems.append("a reference was answered twice as new")
    by_key: dict[str, set[str]] = {}
    for key, reference, _ in RECEIPTS:
        by_key.setdefault(key, set()).add(reference)
    if any(len(references) > 1 for references in by_key.values()):
        problems.append("one Idempotency-Key, two references")
    if set(stored) != answered or any(count != 1 for count in stored.values()):
        problems.append(f"{len(answered)} distinct 201s, {sum(stored.values())} inquiries stored")
    if any(mails[reference] != 2 for reference in stored):
        problems.append("an inquiry without exactly two mails")
    if Counter(DPA_REFERENCES) != dpas:
        problems.append(f"{len(DPA_REFERENCES)} DPAs answered, {sum(dpas.values())} recorded")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=120)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    random.seed(10)

    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp)
        print(f"make run on :{args.port} (state in {state}) ...", flush=True)
        server = start_make_run(args.port, state)
        try:
            Person.host = f"http://127.0.0.1:{args.port}"
            # At the end each person finishes the task it is in: a request cut off in flight
            # would be stored by the server but never answered, and the store check would
            # count it as a surplus.
            environment = Environment(
                user_classes=[Person], events=events, stop_timeout=STOP_TIMEOUT
            )
            runner = environment.create_local_runner()
            print(f"{args.users} users for {args.duration} s ...", flush=True)
            runner.start(user_count=args.users, spawn_rate=10)

            def finish() -> None:
                runner.stop()
                runner.quit()

            gevent.spawn_later(args.duration, finish)
            runner.greenlet.join()
        finally:
            stop(server)

        print(f"\n{'endpoint':<30} {'requests':>8} {'failed':>6} {'p50 ms':>7} {'p99 ms':>7}")
        failures = 0
        for (name, method), entry in sorted(environment.stats.entries.items()):
            failures += entry.num_failures
            print(
                f"{method + ' ' + name if not name.startswith(method) else name:<30} "
                f"{entry.num_requests:>8} {entry.num_failures:>6} "
                f"{entry.get_response_time_percentile(0.5):>7.0f} "
                f"{entry.get_response_time_percentile(0.99):>7.0f}"
            )
        total = environment.stats.total
        print(f"{'all':<30} {total.num_requests:>8} {total.num_failures:>6}")
        print(
            "status codes:", json.dumps({f"{n} {c}": k for (n, c), k in sorted(STATUSES.items())})
        )
        replays = sum(1 for *_, replayed in RECEIPTS if replayed)
        print(f"201s: {len(RECEIPTS)} ({replays} replays of a first answer)")
        problems = check_the_store(state / "trustcenter.db")
        errors = [f"{failures} responses other than 2xx/3xx/intended 429"] if failures else []
        for problem in errors + problems:
            print("FAIL:", problem)
        if errors or problems:
            raise SystemExit(1)
        print("store: every 201 stored once, two mails each; every DPA recorded")


if __name__ == "__main__":
    main()
