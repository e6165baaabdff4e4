"""A resident LibreOffice (unoserver) that converts a DPA to PDF in ~0.2 s instead of the
~1.1 s of starting `soffice` for every document. Its lifecycle belongs to the API process:

- started lazily, in the background, by the first PDF wanted (that one, and any while it
  starts, are converted by a `soffice` of their own);
- one conversion at a time (unoserver serialises them anyway), each with a timeout;
- checked before each conversion (a ping of 2 s at most): dead or hung, it is stopped and
  started again, and the document goes to a `soffice` of its own meanwhile; a conversion that
  overruns its timeout stops it too;
- stopped with the process (atexit) and never outliving it: it runs under the reaper
  (api/dpa/reaper.py), which ends the whole process group when the API is gone, even after
  kill -9, and removes its files; its profile and temporary files are in the API process's
  private folder on tmpfs (api/dpa/workdir.py).

unoserver runs on a Python that has LibreOffice's UNO bridge (Debian: `python3-uno`, for
/usr/bin/python3; TRUSTCENTER_UNO_PYTHON): the API's own interpreter need not have it. That
Python gets only the `unoserver` package of this environment on its path (a folder with links to
it), nothing else. The client is plain xmlrpc.client with real timeouts: unoserver's own client
has none and retries for ~40 s.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import importlib.metadata
import importlib.util
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

START_TIMEOUT = 60.0
PING_TIMEOUT = 2.0
# unoserver ends LibreOffice itself after CONVERSION_TIMEOUT; the client waits a little longer.
CONVERSION_TIMEOUT = 25
CLIENT_TIMEOUT = 30.0
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


def unoserver_files() -> list[Path]:
    """The `unoserver` package and its metadata in this environment (none: not installed)."""
    spec = importlib.util.find_spec("unoserver")
    if spec is None or not spec.submodule_search_locations:
        return []
    package = Path(next(iter(spec.submodule_search_locations)))
    info = importlib.metadata.distribution("unoserver")
    metadata = Path(str(info.locate_file(f"unoserver-{info.version}.dist-info")))
    return [package, metadata] if metadata.is_dir() else [package]


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
        """Whether this machine can run it: unoserver here, and a Python with UNO."""
        if self._usable is None:
            self._usable = bool(unoserver_files()) and _imports_uno(self.python)
            if not self._usable:
                logger.warning(
                    "no resident PDF converter (unoserver, or python3-uno for %s, missing): "
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
        if not self._converting.acquire(timeout=CLIENT_TIMEOUT):
            raise ConverterUnavailable("busy")
        try:
            if not self._ping():
                logger.error("the resident PDF converter does not answer: restarting it")
                self._restart()
                raise ConverterUnavailable("no answer")
            try:
                with self._proxy(CLIENT_TIMEOUT) as proxy:
                    # update_index False: the table of contents stays as the template has it,
                    # as `soffice --convert-to` leaves it (the same document whichever way it
                    # is made; updating it would also cost ~50 ms).
                    result = proxy.convert(
                        None, xmlrpc.client.Binary(docx), None, "pdf", None, [], False, None, None
                    )
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
                return bool(proxy.info())
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
        lib = work / "lib"
        lib.mkdir(mode=0o700)
        for source in unoserver_files():
            (lib / source.name).symlink_to(source)
        port, uno_port = _free_port(), _free_port()
        environment = {
            **{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")},
            "PYTHONPATH": str(lib),
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
            "-m",
            "unoserver.server",
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--uno-interface",
            "127.0.0.1",
            "--uno-port",
            str(uno_port),
            "--executable",
            self.soffice,
            "--user-installation",
            str(work / "profile"),
            "--temp-dir",
            str(work / "tmp"),
            "--conversion-timeout",
            str(CONVERSION_TIMEOUT),
            "--quiet",
        ]
        with (work / "unoserver.log").open("wb") as log:
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
                raise RuntimeError(f"unoserver exited with {process.returncode}")
            if self._ping():
                logger.info("resident PDF converter ready")
                return
            time.sleep(0.25)
        raise RuntimeError("unoserver did not answer in time")

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
                process.terminate()  # the reaper ends unoserver, then the group
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(reaper.GRACE_SECONDS + 2)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if work is not None:
            reaper.remove_work_dir(work)


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
