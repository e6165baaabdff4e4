"""PDF through LibreOffice headless, where it is installed.

LibreOffice keeps one user profile per running instance and refuses (or silently hands the job
to the other instance) when two conversions share one, so every conversion gets its own
throw-away profile directory. Each runs in its own process group with a timeout, so a hung
`soffice.bin` is killed together with its launcher. A semaphore caps how many run at once:
each instance takes a few hundred MB.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from api.core.errors import DomainError
from api.core.settings import Settings

logger = logging.getLogger(__name__)

PDF_MEDIA_TYPE = "application/pdf"
TIMEOUT_SECONDS = 90.0
MAX_PARALLEL = 3
_slots = threading.BoundedSemaphore(MAX_PARALLEL)


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


def health_check(settings: Settings) -> Callable[[], str]:
    """For `/api/health`: `pdf: available|unavailable`."""
    return lambda: "available" if find_soffice(settings) else "unavailable"


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def docx_to_pdf(docx: bytes, soffice: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Convert in a private temporary directory; blocking (call it from a worker thread)."""
    if not _slots.acquire(timeout=timeout):
        raise PdfError("no conversion slot became free in time")
    try:
        with tempfile.TemporaryDirectory(prefix="trustcenter-pdf-") as work:
            workdir = Path(work)
            source = workdir / "dpa.docx"
            source.write_bytes(docx)
            profile = (workdir / "profile").as_uri()
            command = [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(workdir),
                str(source),
            ]
            # No personal data on the command line or in the environment: only file paths.
            process = subprocess.Popen(  # noqa: S603 (fixed argument list, no shell)
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=workdir,
                env={**os.environ, "HOME": str(workdir)},
                start_new_session=True,
            )
            try:
                _, stderr = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(process)
                logger.error("LibreOffice timed out after %.0f s", timeout)
                raise PdfError("timeout") from None
            target = workdir / "dpa.pdf"
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
