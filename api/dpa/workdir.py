"""Where PDF conversion keeps its files, and the start-up sweep of what a killed process left.

A DPA's .docx and .pdf are the customer's details in plaintext, so LibreOffice gets them only in
folders of ours: `<root>/trustcenter-pdf-<uid>/<pid>-<start>/` (mode 0700), one per API process,
named after the process and its start time, on tmpfs (/dev/shm) where there is one, so nothing
reaches a disk. Inside: a folder per conversion and the resident converter's profile.

Every exit path removes them: the conversion's own `with` block, the process's exit (atexit),
the reaper when the process is killed (api/dpa/reaper.py), and, when the reaper was killed too,
the sweep at the next start-up: it kills every process still running from the folder of a
process that is gone (found by the folder in its command line, never by its name) and removes
the folder with LibreOffice's pipes.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import tempfile
import threading
from pathlib import Path

from api.dpa.reaper import remove_work_dir

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_own: Path | None = None
# Where the folders go; None: /dev/shm where writable, else the system's temporary folder.
root: Path | None = None


def base_dir() -> Path:
    shm = Path("/dev/shm")  # noqa: S108 (tmpfs: the files never reach a disk)
    default = shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())
    return (root or default) / f"trustcenter-pdf-{os.getuid()}"


def _start_time(pid: int) -> str | None:
    """The process's start (clock ticks since boot), or None if there is no such process:
    a pid alone may have been given to another process since."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return "?"
        return "?"  # alive, on a system without /proc
    return stat.rsplit(")", 1)[1].split()[19]


def _name(pid: int) -> str:
    return f"{pid}-{_start_time(pid)}"


def process_dir() -> Path:
    """This process's folder, made (after a sweep) on first use and removed at exit."""
    global _own
    with _lock:
        if _own is None:
            sweep()
            base = base_dir()
            base.mkdir(mode=0o700, exist_ok=True)
            os.chmod(base, 0o700)
            own = base / _name(os.getpid())
            own.mkdir(mode=0o700, exist_ok=True)
            atexit.register(remove_work_dir, own)
            _own = own
        return _own


def conversion_dir() -> tempfile.TemporaryDirectory[str]:
    """A private folder for one conversion, removed when its `with` block ends."""
    return tempfile.TemporaryDirectory(prefix="convert-", dir=process_dir())


def _processes_in(folder: Path) -> list[int]:
    marker = str(folder).encode()
    found = []
    for entry in os.listdir("/proc") if Path("/proc").is_dir() else []:
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            if marker in Path(f"/proc/{entry}/cmdline").read_bytes():
                found.append(int(entry))
        except OSError:
            continue
    return found


def sweep() -> int:
    """Remove what API processes that are gone left behind; returns the folders removed."""
    base = base_dir()
    if not base.is_dir():
        return 0
    removed = 0
    for folder in base.iterdir():
        pid, _, started = folder.name.partition("-")
        if pid.isdigit() and _start_time(int(pid)) == started:
            continue  # its process still runs (this one, or another API process)
        for orphan in _processes_in(folder):
            with contextlib.suppress(ProcessLookupError):
                os.kill(orphan, signal.SIGKILL)
        remove_work_dir(folder)
        removed += 1
    if removed:
        logger.warning("removed the PDF files of %d API process(es) that were killed", removed)
    return removed
