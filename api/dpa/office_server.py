"""The resident PDF converter's server: one LibreOffice, kept running, that turns a DPA's .docx
into a PDF over XML-RPC on loopback. Started and owned by api/dpa/converter.py, under the reaper.

Run as a script by a Python that has LibreOffice's UNO bridge (Debian's `python3-uno`), with the
standard library and `uno` only (it does not import the API's packages):

    python3 -I office_server.py --port PORT --uno-port PORT --soffice SOFFICE --work WORK_DIR \
        [--preload LIBRARY]

Why not unoserver, which did this before: it opens every document in a visible frame (a view,
laid out once for the screen and again for the PDF) and cannot be told otherwise, and it passes
the plaintext through files. Measured on the German DPA (19 pages), p50 of 18 conversions each,
taking turns: through unoserver 471 ms, the same LibreOffice loading it hidden 366 ms; this
server 539 ms against unoserver's 655 ms on a busier moment of the machine. Here each document
is loaded hidden, with its import filter named (no type detection), from memory into memory:
the customer's details never reach a file.

Methods: `ping()` asks LibreOffice itself (so a hung one fails it, not only a dead one) and
`convert(docx)` answers the PDF, or a fault when LibreOffice cannot read the document. When
LibreOffice exits this server exits too, so the API sees the converter gone and starts another;
timeouts are the API's (it ends the whole process group).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import threading
import time
import xmlrpc.client
from pathlib import Path
from typing import Any
from xmlrpc.server import SimpleXMLRPCServer

import uno  # type: ignore[import-not-found]  # LibreOffice's bridge, in the UNO Python only

START_TIMEOUT = 60.0
STOP_GRACE = 2.0
IMPORT_FILTER = "MS Word 2007 XML"
EXPORT_FILTER = "writer_pdf_Export"
READ_CHUNK = 1 << 20


def _property(name: str, value: Any) -> Any:
    prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    prop.Name, prop.Value = name, value
    return prop


class Office:
    """A LibreOffice of our own (its profile in the work folder) and its desktop."""

    def __init__(self, soffice: str, work: Path, uno_port: int, preload: str | None) -> None:
        address = f"socket,host=127.0.0.1,port={uno_port};urp;StarOffice.ComponentContext"
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
            [
                soffice,
                "--headless",
                "--invisible",
                "--nocrashreport",
                "--nodefault",
                "--nologo",
                "--nofirststartwizard",
                "--norestore",
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                f"--accept={address}",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "LD_PRELOAD": preload} if preload else None,
        )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                self.context = resolver.resolve(f"uno:{address}")
                break
            except Exception:  # NoConnectException until LibreOffice listens
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.services = self.context.ServiceManager
        self.desktop = self.services.createInstanceWithContext(
            "com.sun.star.frame.Desktop", self.context
        )

    def ping(self) -> bool:
        return self.desktop.getComponents() is not None

    def convert(self, docx: bytes) -> bytes:
        source = self.services.createInstanceWithArgumentsAndContext(
            "com.sun.star.io.SequenceInputStream", (uno.ByteSequence(docx),), self.context
        )
        document = self.desktop.loadComponentFromURL(
            "private:stream",
            "_blank",
            0,
            (
                _property("InputStream", source),
                _property("FilterName", IMPORT_FILTER),
                _property("Hidden", True),
                _property("ReadOnly", True),
            ),
        )
        if document is None:
            raise ValueError("LibreOffice could not read the document")
        try:
            sink = self.services.createInstanceWithContext("com.sun.star.io.Pipe", self.context)
            document.storeToURL(
                "private:stream",
                (_property("OutputStream", sink), _property("FilterName", EXPORT_FILTER)),
            )
        finally:
            document.close(True)
        sink.closeOutput()
        return _read_all(sink)


def _read_all(stream: Any) -> bytes:
    parts = []
    while True:
        count, data = stream.readBytes(None, READ_CHUNK)
        if count <= 0:
            break
        parts.append(data.value)
    return b"".join(parts)


def _exit_with(process: subprocess.Popen[bytes]) -> None:
    """LibreOffice ended (crashed, or killed): end this server too, so the API replaces it."""
    status = process.wait()
    os._exit(status if status > 0 else 1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Asked to stop (the reaper's SIGTERM): LibreOffice first, so it leaves no lock behind."""
    process.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(STOP_GRACE)
    os._exit(0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--uno-port", type=int, required=True)
    parser.add_argument("--soffice", required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--preload", help="a library LibreOffice loads first (its allocator)")
    args = parser.parse_args()

    office = Office(args.soffice, args.work, args.uno_port, args.preload)
    threading.Thread(target=_exit_with, args=(office.process,), daemon=True).start()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: _stop(office.process))
    # One request at a time: LibreOffice converts one document at a time anyway.
    server = SimpleXMLRPCServer(("127.0.0.1", args.port), allow_none=True, logRequests=False)

    def convert(docx: object) -> xmlrpc.client.Binary:
        if not isinstance(docx, xmlrpc.client.Binary):
            raise TypeError("convert takes the .docx as binary")
        return xmlrpc.client.Binary(office.convert(docx.data))

    server.register_function(office.ping, "ping")
    server.register_function(convert, "convert")
    server.serve_forever()


if __name__ == "__main__":
    main()
