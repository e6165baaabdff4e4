"""PDF through LibreOffice, where it is installed: `docx_to_pdf(docx, soffice)`.

A resident LibreOffice (api/dpa/converter.py, a few hundred ms a document) does the work where
this machine can run it (TRUSTCENTER_UNO_PYTHON); otherwise, and while it starts or restarts,
each document gets a `soffice --convert-to pdf` of its own (~1.1 s). Either way LibreOffice
sees the plaintext only in a private folder of this process on tmpfs, removed on every exit
path (api/dpa/workdir.py), and runs under a reaper that ends it with the API, even after
kill -9 (api/dpa/reaper.py).

A one-off `soffice` keeps one user profile per running instance and refuses (or silently hands
the job to the other instance) when two conversions share one, so each gets its own throw-away
profile. It runs in its own process group with a timeout, so a hung `soffice.bin` is killed
together with its launcher. A semaphore caps how many run at once: each takes a few hundred MB.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from api.core.errors import DomainError
from api.core.settings import Settings
from api.dpa import reaper, workdir

if TYPE_CHECKING:  # xmlrpc and friends load with the first PDF, not at a cold start
    from api.dpa.converter import ResidentConverter

logger = logging.getLogger(__name__)

PDF_MEDIA_TYPE = "application/pdf"
TIMEOUT_SECONDS = 90.0
MAX_PARALLEL = 3
DEFAULT_UNO_PYTHON = "/usr/bin/python3"
_slots = threading.BoundedSemaphore(MAX_PARALLEL)
_converters: dict[tuple[str, str], ResidentConverter] = {}
_converters_lock = threading.Lock()
_uno_python: str | None = DEFAULT_UNO_PYTHON


class PdfError(DomainError):
    """The conversion failed or took too long; the reason is logged, not shown."""

    code = "pdf_failed"
    retry_after = 30


class PdfUnavailable(DomainError):
    """PDF was asked for where LibreOffice is not installed."""

    code = "pdf_unavailable"

    def __init__(self, detail: str = "no LibreOffice") -> None:
        super().__init__(detail, fields={"format": "pdf_unavailable"})


def find_soffice(settings: Settings) -> str | None:
    if settings.SOFFICE_PATH:
        return shutil.which(settings.SOFFICE_PATH)
    return shutil.which("soffice") or shutil.which("libreoffice")


def configure(settings: Settings) -> None:
    """Which Python runs the resident converter (empty: none, a `soffice` per document)."""
    global _uno_python
    _uno_python = settings.UNO_PYTHON or None


def resident(soffice: str) -> ResidentConverter | None:
    """The process's resident converter for `soffice` (made, not started), or None."""
    if not _uno_python:
        return None
    from api.dpa.converter import ResidentConverter

    key = (_uno_python, soffice)
    with _converters_lock:
        if key not in _converters:
            _converters[key] = ResidentConverter(_uno_python, soffice)
        return _converters[key]


def health_check(settings: Settings) -> Callable[[], str]:
    """For `/api/health`: `pdf: available|unavailable`."""
    return lambda: "available" if find_soffice(settings) else "unavailable"


def converter_check(settings: Settings) -> Callable[[], str]:
    """For `/api/health`: `pdf_converter`: `resident` (running), `starting`, `idle` (starts
    with the next PDF) or `per-call` (no resident converter here: a `soffice` per PDF)."""

    def status() -> str:
        soffice = find_soffice(settings)
        converter = resident(soffice) if soffice else None
        if converter is None:
            return "per-call"
        converter.usable()  # once per process: a subprocess that imports uno
        return converter.status()

    return status


def sweep() -> int:
    """At start-up: remove what killed API processes left (see api/dpa/workdir.py)."""
    return workdir.sweep()


def docx_to_pdf(docx: bytes, soffice: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Convert; blocking (call it from a worker thread)."""
    if not docx.startswith(b"PK\x03\x04"):
        # LibreOffice would import anything else as plain text and make a PDF of it.
        raise PdfError("not a .docx")
    converter = resident(soffice)
    if converter is not None:
        from api.dpa.converter import ConversionFailed, ConverterTimeout, ConverterUnavailable

        try:
            return converter.convert(docx)
        except ConverterUnavailable:
            pass  # not (yet) running: this one gets a LibreOffice of its own
        except ConverterTimeout:
            raise PdfError("timeout") from None
        except ConversionFailed:
            logger.error("LibreOffice could not convert the document")
            raise PdfError("conversion failed") from None
    return _convert_once(docx, soffice, timeout)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _convert_once(docx: bytes, soffice: str, timeout: float) -> bytes:
    """A `soffice` of its own, in a private folder; blocking."""
    if not _slots.acquire(timeout=timeout):
        raise PdfError("no conversion slot became free in time")
    try:
        with workdir.conversion_dir() as work:
            folder = Path(work)
            source = folder / "dpa.docx"
            source.write_bytes(docx)
            profile = (folder / "profile").as_uri()
            command = [
                sys.executable,
                "-I",
                reaper.__file__,
                str(os.getpid()),
                str(folder),
                "--",
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(folder),
                str(source),
            ]
            # No personal data on the command line or in the environment: only file paths.
            process = subprocess.Popen(  # noqa: S603 (fixed argument list, no shell)
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=folder,
                env={**os.environ, "HOME": str(folder), "TMPDIR": str(folder)},
                start_new_session=True,
            )
            try:
                _, stderr = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(process)
                logger.error("LibreOffice timed out after %.0f s", timeout)
                raise PdfError("timeout") from None
            finally:
                reaper.osl_pipe(folder / "profile").unlink(missing_ok=True)
            target = folder / "dpa.pdf"
            if process.returncode != 0 or not target.exists():
                logger.error(
                    "LibreOffice failed (exit %s): %s",
                    process.returncode,
                    stderr.decode("utf-8", "replace")[-300:],
                )
                raise PdfError("conversion failed")
            return target.read_bytes()
    finally:
        _slots.release()
