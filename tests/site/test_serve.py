"""`mkdocs serve` for writers (`make serve`): an edit of data/ shows without a restart, and the
pages' forms talk to a running API on another port."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.browser.conftest import free_port
from tests.support.site_build import PROJECT_ROOT

pytestmark = pytest.mark.xdist_group("site")

API = "http://127.0.0.1:8123/api"
WAIT = 90.0


def _wait_for(url: str, predicate: str | None, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        assert process.poll() is None, "mkdocs serve exited"
        try:
            response = httpx2.get(url, timeout=5)
            if response.status_code == 200 and (predicate is None or predicate in response.text):
                return response.text
        except httpx2.TransportError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not show {predicate!r} within {WAIT} s")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    data = shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRUSTCENTER_")},
        "NO_MKDOCS_2_WARNING": "1",
        "TRUSTCENTER_DATA_DIR": str(data),
        "TRUSTCENTER_SERVE_API": API,
    }
    with (tmp_path / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield f"http://127.0.0.1:{port}", data, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_an_edit_of_data_shows_and_the_forms_use_the_running_api(
    served: tuple[str, Path, subprocess.Popen[bytes]],
) -> None:
    base, data, process = served
    contact = _wait_for(f"{base}/en/contact/", 'id="contact-form"', process)
    assert f'data-api="{API}"' in contact
    page = _wait_for(f"{base}/subprocessors/", "Stripe", process)
    assert "Zahlungsabwicklung per Lastschrift" not in page

    path = data / "subprocessors.yml"
    text = path.read_text(encoding="utf-8")
    edited = text.replace(
        "purpose: {de: Zahlungen, en: Payments}",
        "purpose: {de: Zahlungsabwicklung per Lastschrift, en: Payments}",
    )
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    _wait_for(f"{base}/subprocessors/", "Zahlungsabwicklung per Lastschrift", process)
