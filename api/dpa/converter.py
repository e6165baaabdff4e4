"""A resident LibreOffice that converts a DPA to PDF in a few hundred milliseconds instead of
the second or more of starting `soffice` for every document. Its lifecycle belongs to the API
process:

- started lazily, in the background, by the first PDF wanted (that one, and any while it
  starts, are converted by a `soffice` of their own);
- one conversion at a time, each with a timeout;
- checked before each conversion (a ping of 2 s at most that LibreOffice itself answers): dead
  or hung, it is stopped and started again, and the document goes to a `soffice` of its own
  meanwhile; a conversion that overruns its timeout stops it too;
- stopped with the process (atexit) and never outliving it: it runs under the reaper
  (api/dpa/reaper.py), which ends the whole process group when the API is gone, even after
  kill -9, and removes its files; its profile is in the API process's private folder on tmpfs
  (api/dpa/workdir.py), and the documents themselves never reach a file.

The server (api/dpa/office_server.py) runs on a Python that has LibreOffice's UNO bridge
(Debian: `python3-uno`, for /usr/bin/python3; TRUSTCENTER_UNO_PYTHON): the API's own
interpreter need not have it. The client is plain xmlrpc.client with real timeouts.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes.util
import http.client
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import xmlrpc.client
from pathlib import Path
from typing import Literal

from api.dpa import reaper
from api.dpa.workdir import process_dir

logger = logging.getLogger(__name__)

# Run by the UNO Python as a script: imported here, it would need `uno`.
OFFICE_SERVER = Path(__file__).with_name("office_server.py")

START_TIMEOUT = 60.0
PING_TIMEOUT = 2.0
# Overrun, the converter is stopped (LibreOffice with it) and started again.
CONVERSION_TIMEOUT = 30.0
# After a failed start, PDFs go to a `soffice` each for this long before the next attempt.
RETRY_AFTER = 60.0

Status = Literal["resident", "starting", "idle", "per-call"]


class ConverterUnavailable(Exception):
    """Not running, or it died or hung: convert this document another way."""


class ConverterTimeout(Exception):
    """The conversion overran its time; the converter was stopped."""


class ConversionFailed(Exception):
    """LibreOffice could not convert this document (the converter is fine)."""


class _Transport(xmlrpc.client.Transport):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host: str) -> http.client.HTTPConnection:  # type: ignore[override]
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ResidentConverter:
    def __init__(self, python: str, soffice: str) -> None:
        self.python = python
        self.soffice = soffice
        self._converting = threading.Lock()
        self._state = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._work: Path | None = None
        self._port = 0
        self._starting: threading.Thread | None = None
        self._not_before = 0.0
        self._usable: bool | None = None
        self._starts = 0

    # -- what it can do ----------------------------------------------------------------------

    def usable(self) -> bool:
        """Whether this machine can run it: a Python with UNO."""
        if self._usable is None:
            self._usable = _imports_uno(self.python)
            if not self._usable:
                logger.warning(
                    "no resident PDF converter (python3-uno for %s missing): "
                    "each PDF starts a LibreOffice of its own (~1 s)",
                    self.python,
                )
        return self._usable

    def status(self) -> Status:
        if self._usable is False:
            return "per-call"
        if self._alive() and self._starting is None:
            return "resident"
        return "starting" if self._starting is not None else "idle"

    def _alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    # -- converting ----------------------------------------------------------------------------

    def convert(self, docx: bytes) -> bytes:
        """The PDF, or ConverterUnavailable (not started yet: a start is begun) or
        ConverterTimeout. Blocking: call it from a worker thread."""
        if not self._ready():
            raise ConverterUnavailable("not running")
        if not self._converting.acquire(timeout=CONVERSION_TIMEOUT):
            raise ConverterUnavailable("busy")
        try:
            if not self._ping():
                logger.error("the resident PDF converter does not answer: restarting it")
                self._restart()
                raise ConverterUnavailable("no answer")
            try:
                with self._proxy(CONVERSION_TIMEOUT) as proxy:
                    result = proxy.convert(xmlrpc.client.Binary(docx))
            except xmlrpc.client.Fault:
                raise ConversionFailed() from None
            except TimeoutError:
                logger.error("the resident PDF converter timed out: restarting it")
                self._restart()
                raise ConverterTimeout() from None
            except (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError):
                logger.error("the resident PDF converter went away: restarting it")
                self._restart()
                raise ConverterUnavailable("connection lost") from None
            if not isinstance(result, xmlrpc.client.Binary):
                raise ConversionFailed()
            return result.data
        finally:
            self._converting.release()

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{self._port}", allow_none=True, transport=_Transport(timeout)
        )

    def _ping(self) -> bool:
        try:
            with self._proxy(PING_TIMEOUT) as proxy:
                return bool(proxy.ping())
        except (OSError, http.client.HTTPException, xmlrpc.client.Error):
            return False

    # -- lifecycle ------------------------------------------------------------------------------

    def _ready(self) -> bool:
        """Running and started; otherwise begin a start in the background (unless one runs,
        or the last one failed less than RETRY_AFTER ago)."""
        with self._state:
            if self._alive() and self._starting is None:
                return True
            if self._process is not None and not self._alive():
                logger.error("the resident PDF converter died: starting it again")
                self._clean_up()
            if self._starting is None and time.monotonic() >= self._not_before and self.usable():
                self._starting = threading.Thread(
                    target=self._start, name="pdf-converter-start", daemon=True
                )
                self._starting.start()
            return False

    def wait_until_ready(self, timeout: float = START_TIMEOUT) -> bool:
        """Start it if needed and wait (benchmarks, tests); whether it is ready."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._ready():
                return True
            if self._usable is False:
                return False
            time.sleep(0.1)
        return False

    def _start(self) -> None:
        try:
            self._launch()
        except Exception as exc:  # a broken install must not break the API: back off
            logger.error("the resident PDF converter did not start (%s)", exc)
            with self._state:
                self._clean_up()
                self._not_before = time.monotonic() + RETRY_AFTER
        finally:
            with self._state:
                self._starting = None

    def _launch(self) -> None:
        folder = process_dir()
        if self._starts == 0:
            # After process_dir's own atexit hook: at exit LibreOffice stops before the folder
            # it works in is removed.
            atexit.register(self.stop)
        self._starts += 1
        work = folder / f"resident-{self._starts}"
        (work / "tmp").mkdir(parents=True, mode=0o700)
        port, uno_port = _free_port(), _free_port()
        environment = {
            # Debian's Python with its own packages only: none of this environment's.
            **{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")},
            "TMPDIR": str(work / "tmp"),
            "HOME": str(work),
        }
        command = [
            sys.executable,
            reaper.__file__,
            str(os.getpid()),
            str(work),
            "--",
            self.python,
            "-I",  # isolated: neither the environment's nor the user's packages
            str(OFFICE_SERVER),
            "--port",
            str(port),
            "--uno-port",
            str(uno_port),
            "--soffice",
            self.soffice,
            "--work",
            str(work),
        ]
        preload = allocator()
        if preload:
            command += ["--preload", preload]
        with (work / "office_server.log").open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
                command,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        with self._state:
            self._process, self._work, self._port = process, work, port
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the converter exited with {process.returncode}")
            if self._ping():
                logger.info("resident PDF converter ready")
                return
            time.sleep(0.25)
        raise RuntimeError("the converter did not answer in time")

    def _restart(self) -> None:
        """Stop it now; the next PDF starts it again."""
        with self._state:
            self._clean_up()

    def stop(self) -> None:
        with self._state:
            self._clean_up()

    def _clean_up(self) -> None:
        """End the process group and remove its files (call with the state lock held)."""
        process, work = self._process, self._work
        self._process, self._work = None, None
        if process is not None:
            if process.poll() is None:
                process.terminate()  # the reaper ends the server, then the group
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(reaper.GRACE_SECONDS + 2)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if work is not None:
            reaper.remove_work_dir(work)


def allocator() -> str | None:
    """jemalloc where it is installed (Debian: libjemalloc2), for LibreOffice: a conversion
    spends ~17 % of its time in glibc's malloc, and takes 16-19 % less time with jemalloc (two
    converters taking turns: 381 vs 468 ms, 499 vs 597 ms; the same PDF)."""
    return ctypes.util.find_library("jemalloc")


def _imports_uno(python: str) -> bool:
    try:
        found = subprocess.run(  # noqa: S603 (fixed arguments)
            [python, "-c", "import uno"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return found.returncode == 0
