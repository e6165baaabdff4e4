"""POST /api/contact under load, against GET /api/config of the same server in the same run.

A real uvicorn process (one worker, SQLite in a temporary directory, hCaptcha checked against
the loopback siteverify stand-in, mail kept in the outbox, rate limits in the Redis at
127.0.0.1:6379 as in production, or in memory where none answers); a client with CONCURRENCY
requests in flight. The stand-in runs in a process of its own, with keep-alive like hCaptcha's
endpoint, so that neither it nor the load generator takes CPU time from the other. Prints
requests per second and p50/p99 latency for both endpoints and the ratios, and the server's
CPU time per request (from /proc): on a 2-core machine the load generator's one core caps the
trivial endpoint's throughput before the server does, so the throughput ratio flatters the
contact endpoint, and the CPU ratio says what each request costs the server.

    .venv/bin/python bench/bench_contact.py [REQUESTS] [CONCURRENCY]
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.core.crypto import generate_key  # noqa: E402

# A database of its own on the Redis the tests use, emptied after the run.
REDIS = "redis://127.0.0.1:6379/14"
REQUESTS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
CONCURRENCY = int(sys.argv[2]) if len(sys.argv) > 2 else 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def body(index: int) -> dict[str, Any]:
    return {
        "request_type": "access",
        "requester_role": "customer",
        "name": f"Bench Person {index}",
        "email": f"bench{index}@example.com",
        "company": "Bench AG",
        "message": "Welche Daten speichern Sie über mich?\n" * 20,
        "language": "de",
        "privacy_notice_accepted": True,
        "captcha_token": f"bench-token-{index}",
    }


async def run(
    client: httpx2.AsyncClient, method: str, path: str, expected: int
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    counter = iter(range(REQUESTS))
    failures = 0

    async def worker() -> None:
        nonlocal failures
        for index in counter:
            started = time.perf_counter()
            if method == "POST":
                response = await client.post(
                    path, json=body(index), headers={"Idempotency-Key": uuid.uuid4().hex}
                )
            else:
                response = await client.get(path)
            latencies.append(time.perf_counter() - started)
            if response.status_code != expected:
                failures += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{failures} of {REQUESTS} {method} {path} did not answer {expected}")
    return elapsed, latencies


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far; None where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measured(
    server: subprocess.Popen[bytes],
    client: httpx2.AsyncClient,
    method: str,
    path: str,
    expected: int,
) -> tuple[float, list[float], float | None]:
    """`run`, and the server's CPU milliseconds per request during it."""
    before = cpu_seconds(server.pid)
    elapsed, latencies = await run(client, method, path, expected)
    after = cpu_seconds(server.pid)
    per_request = None
    if before is not None and after is not None:
        per_request = (after - before) * 1000 / len(latencies)
    return elapsed, latencies, per_request


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def report(
    name: str, elapsed: float, latencies: list[float], cpu: float | None
) -> tuple[float, float, float, float | None]:
    rps = len(latencies) / elapsed
    p50, p99 = quantile(latencies, 0.50) * 1000, quantile(latencies, 0.99) * 1000
    cost = f"   server CPU {cpu:5.2f} ms/request" if cpu is not None else ""
    print(f"{name:<22} {rps:8.1f} req/s   p50 {p50:7.2f} ms   p99 {p99:7.2f} ms{cost}")
    return rps, p50, p99, cpu


def rate_limit_storage() -> str:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return REDIS
    except OSError:
        return "memory://"


def start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, cwd=ROOT, env=env)


async def main() -> None:
    port, verify_port = free_port(), free_port()
    storage = rate_limit_storage()
    stand_in = start([sys.executable, "-m", "tests.support.siteverify", str(verify_port)])
    verify_url = f"http://127.0.0.1:{verify_port}/siteverify"
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("TRUSTCENTER_")},
            "TRUSTCENTER_ENV": "development",
            "TRUSTCENTER_VAR_DIR": tmp,
            "TRUSTCENTER_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "TRUSTCENTER_DATA_KEYS": generate_key(),
            "TRUSTCENTER_HCAPTCHA_SECRET": "0xbench",
            "TRUSTCENTER_HCAPTCHA_SITEKEY": "bench-sitekey",
            "TRUSTCENTER_HCAPTCHA_VERIFY_URL": verify_url,
            "TRUSTCENTER_HCAPTCHA_HOSTNAMES": "127.0.0.1",
            "TRUSTCENTER_RATE_LIMIT_CONTACT": "1000000/minute",
            "TRUSTCENTER_RATE_LIMIT_STORAGE": storage,
            "TRUSTCENTER_LOG_LEVEL": "WARNING",
        }
        server = start(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "api.web.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            env,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            limits = httpx2.Limits(max_connections=CONCURRENCY)
            async with httpx2.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
                for _ in range(200):
                    try:
                        if (await client.get("/api/health")).status_code == 200:
                            break
                    except httpx2.TransportError:
                        await asyncio.sleep(0.1)
                # Warm-up, then the two measurements.
                await run(client, "GET", "/api/config", 200)
                print(
                    f"{REQUESTS} requests each, {CONCURRENCY} in flight, one uvicorn worker, "
                    f"rate limits in {storage}"
                )
                trivial = report(
                    "GET /api/config", *await measured(server, client, "GET", "/api/config", 200)
                )
                contact = report(
                    "POST /api/contact",
                    *await measured(server, client, "POST", "/api/contact", 201),
                )
                verified = (await client.get(verify_url)).json()["requests"]
        finally:
            for process in (server, stand_in):
                process.terminate()
                process.wait(timeout=10)
            if storage != "memory://":
                import redis

                redis.Redis.from_url(storage).flushdb()
    print(f"siteverify calls: {verified}")
    print(
        f"contact / trivial: throughput {contact[0] / trivial[0]:.2f}x, "
        f"p50 {contact[1] / trivial[1]:.1f}x, p99 {contact[2] / trivial[2]:.1f}x"
    )
    if contact[3] is not None and trivial[3] is not None:
        print(f"trivial / contact: server CPU per request {trivial[3] / contact[3]:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
