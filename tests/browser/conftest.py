"""Shared by every browser test: the real `make run` server and the Chromium that drives it.

``live_server`` builds the site into a temporary ``site/`` (``TRUSTCENTER_SITE_DIR``), starts
``python -m uvicorn api.main:app`` on a free loopback port with a throwaway SQLite database, waits
for ``/api/health`` and yields the base URL. Tests that need more of the server's environment
(a captcha stand-in, an SMTP server, ...) extend ``live_server_env``. All browser tests run in one
xdist group, so the site is built and the server started once per run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from playwright.sync_api import BrowserContext, Route

from tests.support.site_build import PROJECT_ROOT, build_site
from tests.support.siteverify import Siteverify
from tests.support.smtp import SmtpServer

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_DIR = Path(__file__).resolve().parent
STARTUP_TIMEOUT = 60.0
FAKE_SITEKEY = "10000000-ffff-ffff-ffff-000000000001"
FAKE_HCAPTCHA_JS = PROJECT_ROOT / "tests" / "support" / "fake_hcaptcha.js"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's chromium where it exists; Playwright's own browser otherwise."""
    if not SYSTEM_CHROMIUM.exists():
        return browser_type_launch_args
    return {
        **browser_type_launch_args,
        "executable_path": str(SYSTEM_CHROMIUM),
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def live_server_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the live server keeps its state (database, generated key, log)."""
    return tmp_path_factory.mktemp("live-server")


@pytest.fixture(scope="session")
def siteverify() -> Iterator[Siteverify]:
    """hCaptcha's siteverify on loopback: the live server checks every token against it."""
    with Siteverify() as stub:
        yield stub


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    """The SMTP server the live server delivers its mail to."""
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="session")
def live_server_env(
    live_server_dir: Path, siteverify: Siteverify, smtp_server: SmtpServer
) -> dict[str, str]:
    """The server's environment on top of os.environ; extend it in a session fixture."""
    return {
        "TRUSTCENTER_ENV": "development",
        "TRUSTCENTER_VAR_DIR": str(live_server_dir),
        "TRUSTCENTER_DATABASE_URL": f"sqlite:///{live_server_dir / 'trustcenter.db'}",
        # The real captcha flow, against the stand-ins (see `fake_hcaptcha` below).
        "TRUSTCENTER_HCAPTCHA_SITEKEY": FAKE_SITEKEY,
        "TRUSTCENTER_HCAPTCHA_SECRET": "0xbrowser-test-secret",
        "TRUSTCENTER_HCAPTCHA_VERIFY_URL": siteverify.url,
        "TRUSTCENTER_HCAPTCHA_HOSTNAMES": "127.0.0.1",
        "TRUSTCENTER_SMTP_URL": smtp_server.url,
        "TRUSTCENTER_RATE_LIMIT_CONTACT": "1000/minute",
        "TRUSTCENTER_RATE_LIMIT_DPA": "1000/minute",
        "TRUSTCENTER_RATE_LIMIT_SUBSCRIBE": "1000/minute",
    }


@pytest.fixture(autouse=True)
def fake_hcaptcha(context: BrowserContext) -> list[str]:
    """Every page gets the local stand-in for hCaptcha's script; returns the URLs requested,
    so a test can tell when (and whether) a page loaded it."""
    requested: list[str] = []

    def serve(route: Route) -> None:
        requested.append(route.request.url)
        route.fulfill(
            status=200,
            content_type="application/javascript; charset=utf-8",
            body=FAKE_HCAPTCHA_JS.read_text(encoding="utf-8"),
        )

    context.route("https://js.hcaptcha.com/**", serve)
    return requested


@pytest.fixture(scope="session")
def live_server_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, live_server_port: int) -> Path:
    # Each xdist worker serves a site of its own: a shared `site/` would be rebuilt (and
    # emptied by --clean) under the other worker's server. Built for the address it is served
    # from, as `make run` does (absolute hreflang alternates, sitemaps fetched next to them).
    site_dir = tmp_path_factory.mktemp("live-site") / "site"
    built = build_site(
        site_dir, env={"TRUSTCENTER_SITE_URL": f"http://127.0.0.1:{live_server_port}/"}
    )
    assert built.ok, built.output
    return site_dir


@pytest.fixture(scope="session")
def live_server(
    built_site: Path, live_server_env: dict[str, str], live_server_dir: Path, live_server_port: int
) -> Iterator[str]:
    port = live_server_port
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRUSTCENTER_")},
        **live_server_env,
        "TRUSTCENTER_SITE_DIR": str(built_site),
    }
    log_path = live_server_dir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while True:
                if process.poll() is not None:
                    pytest.fail(f"server exited:\n{log_path.read_text(errors='replace')}")
                try:
                    if httpx2.get(f"{base_url}/api/health", timeout=2).status_code < 500:
                        break
                except httpx2.TransportError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"server not ready:\n{log_path.read_text(errors='replace')}")
                time.sleep(0.2)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
