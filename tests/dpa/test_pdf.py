"""PDF through LibreOffice. Skipped with a reason where `soffice` is missing, except in CI
(`TRUSTCENTER_TEST_REQUIRE_PDF=1`), where a missing LibreOffice fails instead."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from api.db.dpa import DpaRecord
from api.dpa.clauses import load_clause_map
from api.dpa.pdf import PDF_MEDIA_TYPE
from tests.dpa.sample import CUSTOMER, all_text, dpa_body, open_docx
from tests.support.app import ClientFactory
from tests.support.content import complete_data

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
