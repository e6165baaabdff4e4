"""Where a conversion's plaintext lives and that nothing of it outlives its exit path: success,
failure, timeout, kill -9 of the API, and kill -9 of the API and its reaper (the start-up
sweep). A stand-in `soffice` (a shell script) makes these fast and independent of LibreOffice;
tests/dpa/test_pdf.py runs the real one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.dpa import pdf, workdir
from tests.support.site_build import PROJECT_ROOT

DOCX = b"PK\x03\x04 a .docx, as far as the check goes"

# Writes the PDF LibreOffice would write (`--outdir DIR … SOURCE`), after SLEEP seconds.
FAKE_SOFFICE = """#!/bin/sh
for last; do :; done
out=$(dirname "$last")
sleep "${FAKE_SOFFICE_SLEEP:-0}"
[ -n "$FAKE_SOFFICE_FAIL" ] && exit 1
printf '%%PDF-1.7 fake' > "$out/dpa.pdf"
"""

# An API process that converts with the stand-in and is killed while it does; its folders in
# a root of the test's own, out of reach of the sweeps of other processes (other test workers).
VICTIM = """
import sys
from pathlib import Path
from api.dpa import pdf, workdir
workdir.root = Path(sys.argv[2])
print(workdir.process_dir(), flush=True)
pdf._convert_once(b"PK\\x03\\x04 x", sys.argv[1], 600)
"""


@pytest.fixture
def soffice(tmp_path: Path) -> Path:
    script = tmp_path / "soffice"
    script.write_text(FAKE_SOFFICE, encoding="utf-8")
    script.chmod(0o755)
    return script


@pytest.fixture
def per_call(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(pdf, "_uno_python", None)  # no resident converter here
    yield


def _running_from(folder: Path) -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            line = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if str(folder).encode() in line:
            found.append(line.replace(b"\0", b" ").decode(errors="replace"))
    return found


def _conversions() -> list[Path]:
    return sorted(workdir.process_dir().glob("convert-*"))


def test_the_plaintext_stays_on_tmpfs_in_a_folder_only_we_can_read() -> None:
    folder = workdir.process_dir()
    if Path("/dev/shm").is_dir():
        assert folder.is_relative_to("/dev/shm")
    assert folder.stat().st_mode & 0o777 == 0o700
    assert folder.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.usefixtures("per_call")
def test_a_conversion_leaves_nothing_on_success_failure_or_timeout(
    soffice: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pdf.docx_to_pdf(DOCX, str(soffice)) == b"%PDF-1.7 fake"
    assert _conversions() == []
    monkeypatch.setenv("FAKE_SOFFICE_FAIL", "1")
    with pytest.raises(pdf.PdfError):
        pdf.docx_to_pdf(DOCX, str(soffice))
    assert _conversions() == []
    monkeypatch.delenv("FAKE_SOFFICE_FAIL")
    monkeypatch.setenv("FAKE_SOFFICE_SLEEP", "30")
    started = time.monotonic()
    with pytest.raises(pdf.PdfError):
        pdf.docx_to_pdf(DOCX, str(soffice), timeout=1)
    assert time.monotonic() - started < 10
    assert _conversions() == []
    # The hung "soffice" was killed too (a resident converter of other tests may run here).
    assert [line for line in _running_from(workdir.process_dir()) if "/convert-" in line] == []


def test_what_is_not_a_docx_is_not_converted(soffice: Path) -> None:
    with pytest.raises(pdf.PdfError):
        pdf.docx_to_pdf(b"this is not a docx", str(soffice))


def _victim(soffice: Path, root: Path) -> tuple[subprocess.Popen[str], Path]:
    env = {**os.environ, "FAKE_SOFFICE_SLEEP": "600", "PYTHONPATH": str(PROJECT_ROOT)}
    victim = subprocess.Popen(
        [sys.executable, "-c", VICTIM, str(soffice), str(root)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert victim.stdout is not None
    folder = Path(victim.stdout.readline().strip())
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if any("reaper.py" not in line for line in _running_from(folder)):  # "soffice" runs
            return victim, folder
        time.sleep(0.05)
    raise AssertionError("the conversion did not start")


def _gone_within(seconds: float, folder: Path) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _running_from(folder) and not folder.exists():
            return True
        time.sleep(0.1)
    return False


def test_kill_9_of_the_api_mid_conversion_leaves_no_process_and_no_file(
    soffice: Path, tmp_path: Path
) -> None:
    victim, folder = _victim(soffice, tmp_path)
    victim.kill()  # SIGKILL: nothing of the API runs any more
    victim.wait()
    assert _gone_within(8, folder), (_running_from(folder), list(folder.rglob("*")))


def test_the_start_up_sweep_removes_what_a_killed_api_and_reaper_left(
    soffice: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim, folder = _victim(soffice, tmp_path)
    reapers = [
        int(line)
        for line in subprocess.run(
            ["pgrep", "-f", f"reaper.py {victim.pid} "], capture_output=True, text=True
        ).stdout.split()
    ]
    assert reapers
    for pid in (victim.pid, *reapers):
        os.kill(pid, signal.SIGKILL)
    victim.wait()
    time.sleep(1)
    assert _running_from(folder)  # the stand-in LibreOffice, left running with the plaintext
    assert list(folder.glob("convert-*/dpa.docx"))
    monkeypatch.setattr(workdir, "root", tmp_path)
    running = folder.parent / workdir._name(os.getpid())  # a live process's folder
    running.mkdir()
    assert workdir.sweep() == 1
    assert _gone_within(5, folder)
    assert running.is_dir()
