"""PDF through LibreOffice. Skipped with a reason where `soffice` is missing, except in CI
(`TRUSTCENTER_TEST_REQUIRE_PDF=1`), where a missing LibreOffice fails instead."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.dpa.clauses import load_clause_map
from api.dpa.pdf import PDF_MEDIA_TYPE
from tests.dpa.sample import CUSTOMER, dpa_body
from tests.support.app import ClientFactory

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
