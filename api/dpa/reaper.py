"""Keeps LibreOffice from outliving the API: the leader of each converter's process group.

Run as a script with the API's interpreter (the standard library only):

    python reaper.py API_PID WORK_DIR -- soffice … | python3 office_server.py …

It starts the command in its own (new) process group, which the command's children
(oosplash, soffice.bin) join, and watches two things every half second:

- the API process is gone (even after kill -9, where nothing of the API runs any more): kill
  the group and remove WORK_DIR (the plaintext .docx and .pdf, the profile) and LibreOffice's
  pipe in /tmp;
- the command ended by itself (a crashed LibreOffice ends the converter's server): kill what is
  left of the group, then exit with its status. The API removes WORK_DIR then.

PR_SET_PDEATHSIG would not do: it fires when the *thread* that started the child ends (the
API starts converters from worker threads) and reaches the direct child only.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

POLL_SECONDS = 0.5
GRACE_SECONDS = 3.0


def osl_pipe(profile: Path) -> Path:
    """LibreOffice's single-instance pipe of a profile, which it leaves in /tmp whatever
    TMPDIR says: named after the MD5 of the profile URL in UTF-16-LE, each byte in hex
    without zero padding."""
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le"), usedforsecurity=False).digest()
    name = "".join(format(byte, "x") for byte in digest)
    return Path(f"/tmp/OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{name}")  # noqa: S108


def remove_work_dir(work_dir: Path) -> None:
    """The folder and every LibreOffice pipe of a profile inside it."""
    for profile in work_dir.glob("**/profile"):
        osl_pipe(profile).unlink(missing_ok=True)
    shutil.rmtree(work_dir, ignore_errors=True)


def _group_members() -> list[int]:
    own, group = os.getpid(), os.getpgid(0)
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != own:
            try:
                if os.getpgid(int(entry)) == group:
                    members.append(int(entry))
            except ProcessLookupError:
                pass
    return members


def _end(child: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM the command alone (the converter's server then stops LibreOffice itself; a
    signal to the whole group at once left processes behind), then SIGKILL what is left."""
    if child.poll() is None:
        child.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(grace)
    for pid in _group_members():
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def main(argv: list[str]) -> int:
    api_pid, work_dir = int(argv[1]), Path(argv[2])
    command = argv[argv.index("--") + 1 :]
    if os.getppid() != api_pid:  # the API died before we got here
        remove_work_dir(work_dir)
        return 1
    child = subprocess.Popen(command)  # noqa: S603 (the API's own fixed command)

    def on_signal(signum: int, _frame: object) -> None:
        _end(child, GRACE_SECONDS)
        os._exit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, on_signal)
    while True:
        try:
            status = child.wait(timeout=POLL_SECONDS)
        except subprocess.TimeoutExpired:
            if os.getppid() != api_pid:
                _end(child, GRACE_SECONDS)
                remove_work_dir(work_dir)
                with contextlib.suppress(OSError):  # the API's folder, once it is empty
                    work_dir.parent.rmdir()
                return 0
            continue
        _end(child, 0)
        return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
