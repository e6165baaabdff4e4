"""PDF through LibreOffice. Skipped with a reason where `soffice` is missing, except in CI
(`TRUSTCENTER_TEST_REQUIRE_PDF=1`), where a missing LibreOffice fails instead."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from api.db.dpa import DpaRecord
from api.dpa import pdf
from api.dpa.clauses import load_clause_map
from api.dpa.converter import ConversionFailed, ResidentConverter, allocator
from api.dpa.pdf import PDF_MEDIA_TYPE
from tests.dpa.sample import CUSTOMER, all_text, dpa_body, open_docx
from tests.support.app import ClientFactory
from tests.support.content import complete_data
from tests.support.site_build import PROJECT_ROOT

pytestmark = [pytest.mark.pdf, pytest.mark.xdist_group("pdf")]

# Every annex, by the titles the clause map gives them.
ANNEX_HEADINGS = {
    lang: [
        titles[lang]
        for section, titles in load_clause_map().sections.items()
        if section.startswith("annex-") and "." not in section
    ]
    for lang in ("de", "en")
}


@pytest.fixture(scope="module", autouse=True)
def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("TRUSTCENTER_TEST_REQUIRE_PDF") == "1":
            pytest.fail("LibreOffice (soffice) is required here (TRUSTCENTER_TEST_REQUIRE_PDF=1)")
        pytest.skip("LibreOffice (soffice) is not installed; PDF output is not tested")
    return found


@pytest.fixture
def resident(soffice: str) -> ResidentConverter:
    """The process's resident converter, running; skipped (failed in CI) where python3-uno is
    missing."""
    converter = pdf.resident(soffice)
    if converter is None or not converter.usable():
        reason = "no resident converter here (python3-uno for /usr/bin/python3)"
        if os.environ.get("TRUSTCENTER_TEST_REQUIRE_PDF") == "1":
            pytest.fail(f"{reason} (TRUSTCENTER_TEST_REQUIRE_PDF=1)")
        pytest.skip(reason)
    assert converter.wait_until_ready()
    return converter


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    return make_client(RATE_LIMIT_DPA="10000/minute")


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    # Layout extraction can break lines anywhere; compare with whitespace collapsed.
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


@pytest.mark.parametrize("lang", ["de", "en"])
def test_pdf_holds_customer_name_and_every_annex(client: TestClient, lang: str) -> None:
    response = client.post("/api/dpa", json=dpa_body(lang, "pdf"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == PDF_MEDIA_TYPE
    assert response.content.startswith(b"%PDF-")
    assert response.headers["x-dpa-sha256"] == hashlib.sha256(response.content).hexdigest()
    assert response.headers["content-disposition"].endswith(".pdf")
    text = pdf_text(response.content)
    assert CUSTOMER["legal_name"] in text
    assert response.headers["x-dpa-reference"] in text
    for heading in ANNEX_HEADINGS[lang]:
        assert heading in text, heading
    pages = len(PdfReader(io.BytesIO(response.content)).pages)
    page_word = {"de": "Seite", "en": "Page"}[lang]
    of_word = {"de": "von", "en": "of"}[lang]
    assert f"{page_word} {pages} {of_word} {pages}" in text


def test_concurrent_pdf_requests_all_succeed(client: TestClient) -> None:
    bodies = [dpa_body(lang, "pdf") for lang in ("de", "en", "de", "en")]
    for index, body in enumerate(bodies):
        body["customer"]["legal_name"] = f"Parallel {index} GmbH"
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        responses = list(pool.map(lambda body: client.post("/api/dpa", json=body), bodies))
    assert [r.status_code for r in responses] == [200] * len(bodies)
    for index, response in enumerate(responses):
        assert f"Parallel {index} GmbH" in pdf_text(response.content)
    assert len({r.headers["x-dpa-reference"] for r in responses}) == len(bodies)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_one_generation_gives_both_formats_with_one_reference_and_record(
    client: TestClient, lang: str
) -> None:
    """The page's JSON answer: the .docx and its PDF, one reference in both, the record holds
    both hashes; the draft marking is on every PDF page, the placeholders on the first."""
    response = client.post("/api/dpa", json=dpa_body(lang), headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    issued = response.json()
    reference = issued["reference"]
    assert [file["format"] for file in issued["files"]] == ["docx", "pdf"]
    bodies = {file["format"]: base64.b64decode(file["content_base64"]) for file in issued["files"]}
    for file in issued["files"]:
        assert file["sha256"] == hashlib.sha256(bodies[file["format"]]).hexdigest()
        assert reference in file["filename"] and file["filename"].endswith("." + file["format"])
    assert reference in all_text(open_docx(bodies["docx"]))
    reader = PdfReader(io.BytesIO(bodies["pdf"]))
    marking = {"de": "ENTWURF – nicht unterzeichnen", "en": "DRAFT – do not sign"}[lang]
    pages = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    assert all(marking in page and reference in page for page in pages)
    assert "data/company.yml: legal_name" in pages[0]
    app = client.app
    with app.state.store.session_factory() as session:  # type: ignore[attr-defined]
        record = session.scalars(select(DpaRecord)).one()
    assert record.reference == reference and record.draft is True
    hashes = {file["format"]: file["sha256"] for file in issued["files"]}
    assert (record.docx_sha256, record.pdf_sha256) == (hashes["docx"], hashes["pdf"])


def test_a_pdf_answer_records_the_docx_it_was_made_from(client: TestClient) -> None:
    response = client.post("/api/dpa", json=dpa_body("en", "pdf"))
    assert response.status_code == 200
    app = client.app
    with app.state.store.session_factory() as session:  # type: ignore[attr-defined]
        record = session.scalars(select(DpaRecord)).one()
    assert record.pdf_sha256 == record.output_sha256 == response.headers["x-dpa-sha256"]
    assert record.docx_sha256 is not None and record.docx_sha256 != record.pdf_sha256


def test_without_example_values_the_pdf_is_no_draft(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    client = make_client(DATA_DIR=complete_data(tmp_path), RATE_LIMIT_DPA="10000/minute")
    response = client.post("/api/dpa", json=dpa_body("de"), headers={"Accept": "application/json"})
    issued = response.json()
    assert issued["draft"] is False
    [pdf_file] = [file for file in issued["files"] if file["format"] == "pdf"]
    text = pdf_text(base64.b64decode(pdf_file["content_base64"]))
    for word in ("ENTWURF", "Platzhalter", "DRAFT", "placeholder"):
        assert word not in text
    assert issued["reference"] in text


# The resident converter (api/dpa/converter.py) -------------------------------------------------


def _sample_docx() -> bytes:
    from datetime import date

    from api.content import get_content
    from api.dpa.context import build_context, check_processing
    from api.dpa.render import render_docx, template_path
    from api.dpa.schemas import DpaRequest

    content = get_content()
    request = DpaRequest.model_validate(dpa_body("en"))
    chosen = check_processing(request.processing, content)
    context = build_context(
        request, chosen, content, reference="DPA-2026-TEST00", issued_on=date(2026, 12, 2)
    )
    return render_docx(template_path("en"), context)


def _libreoffice_of(converter: ResidentConverter) -> int:
    folder = str(converter._work).encode()
    for entry in os.listdir("/proc"):
        try:
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if folder in command and b"soffice.bin" in command:
            return int(entry)
    raise AssertionError("no soffice.bin of the resident converter")


def test_once_resident_the_converter_does_the_work(
    soffice: str, resident: ResidentConverter, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert resident.status() == "resident"

    def no_soffice_of_its_own(*args: object) -> bytes:
        raise AssertionError("converted by a soffice of its own")

    one_off = pdf._convert_once(_sample_docx(), soffice, pdf.TIMEOUT_SECONDS)
    monkeypatch.setattr(pdf, "_convert_once", no_soffice_of_its_own)
    resident_pdf = pdf.docx_to_pdf(_sample_docx(), soffice)
    assert "Annex I" in pdf_text(resident_pdf)
    # The same document whichever way it was made (table of contents included).
    assert pdf_text(resident_pdf) == pdf_text(one_off)


def test_the_resident_converter_leaves_no_document_behind_and_survives_a_bad_one(
    resident: ResidentConverter,
) -> None:
    office = _libreoffice_of(resident)
    work = resident._work
    assert work is not None
    before = {path for path in work.rglob("*") if path.is_file()}
    assert resident.convert(_sample_docx()).startswith(b"%PDF-")
    with pytest.raises(ConversionFailed):
        resident.convert(b"PK\x03\x04 not a document")
    # Loaded from memory, exported into memory: nothing of either document is left in the
    # converter's folder (LibreOffice's profile changes, nothing else).
    after = {path for path in work.rglob("*") if path.is_file()}
    made = {path for path in after - before if "profile" not in path.relative_to(work).parts}
    assert made == set()
    assert resident.status() == "resident"
    assert _libreoffice_of(resident) == office


def test_the_resident_libreoffice_allocates_with_jemalloc_where_installed(
    resident: ResidentConverter,
) -> None:
    if allocator() is None:
        reason = "no jemalloc here (Debian: libjemalloc2)"
        if os.environ.get("TRUSTCENTER_TEST_REQUIRE_PDF") == "1":
            pytest.fail(f"{reason} (TRUSTCENTER_TEST_REQUIRE_PDF=1)")
        pytest.skip(reason)
    maps = Path(f"/proc/{_libreoffice_of(resident)}/maps").read_text()
    assert "libjemalloc" in maps
    # LibreOffice only: the API's own process keeps its allocator.
    assert "libjemalloc" not in Path("/proc/self/maps").read_text()


@pytest.mark.parametrize("failure", [signal.SIGKILL, signal.SIGSTOP], ids=["dies", "hangs"])
def test_a_converter_that_dies_or_hangs_is_replaced_and_no_pdf_is_lost(
    soffice: str, resident: ResidentConverter, failure: signal.Signals
) -> None:
    converter = resident
    office = _libreoffice_of(converter)
    os.kill(office, failure)
    try:
        started = time.monotonic()
        assert pdf.docx_to_pdf(_sample_docx(), soffice).startswith(b"%PDF-")
        assert time.monotonic() - started < 30  # a soffice of its own meanwhile
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(office, signal.SIGKILL)
    assert converter.wait_until_ready()
    assert _libreoffice_of(converter) != office
    assert pdf.docx_to_pdf(_sample_docx(), soffice).startswith(b"%PDF-")


VICTIM = """
import sys
from api.dpa import pdf
converter = pdf.resident(sys.argv[1])
assert converter.wait_until_ready()
print(converter._work, flush=True)
import time; time.sleep(600)
"""


@pytest.mark.usefixtures("resident")
def test_the_resident_converter_never_outlives_the_api(soffice: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    api = subprocess.Popen(
        [sys.executable, "-c", VICTIM, soffice], env=env, stdout=subprocess.PIPE, text=True
    )
    assert api.stdout is not None
    folder = api.stdout.readline().strip()
    assert folder and Path(folder).is_dir()
    api.kill()  # kill -9: nothing of the API runs any more
    api.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        left = subprocess.run(["pgrep", "-f", folder], capture_output=True, text=True).stdout
        if not left and not Path(folder).exists():
            break
        time.sleep(0.2)
    assert not left, "LibreOffice outlived the API"
    assert not Path(folder).exists()


def test_without_uno_each_pdf_gets_a_soffice_and_health_says_so(
    make_client: ClientFactory,
) -> None:
    client = make_client(RATE_LIMIT_DPA="10000/minute", UNO_PYTHON="")
    checks = client.get("/api/health").json()["checks"]
    assert checks == {"pdf": "available", "pdf_converter": "per-call"}
    response = client.post("/api/dpa", json=dpa_body("de", "pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
