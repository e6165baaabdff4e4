"""`POST /api/dpa` end to end: the file and its headers, the record (encrypted), and the
bad-input matrix where every refusal is a clear 4xx and leaves nothing behind."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from api.core.reference import DPA, is_reference
from api.db.dpa import DpaRecord
from api.dpa.issue import IssuedDpa
from api.dpa.issue import issue as real_issue
from api.dpa.render import DOCX_MEDIA_TYPE, template_path, template_sha256
from api.web.routes.dpa import DOCX_THREADS, PDF_THREADS
from tests.dpa.sample import CUSTOMER, all_text, dpa_body, open_docx
from tests.support.app import TOO_DEEP, ClientFactory, valid_body
from tests.support.siteverify import Siteverify


def records(app: FastAPI) -> int:
    with app.state.store.session_factory() as session:
        return session.scalar(select(func.count()).select_from(DpaRecord)) or 0


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    return make_client(RATE_LIMIT_DPA="10000/minute")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_answers_the_filled_docx_with_its_reference_and_hash(client: TestClient, lang: str) -> None:
    response = client.post("/api/dpa", json=dpa_body(lang))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX_MEDIA_TYPE
    reference = response.headers["x-dpa-reference"]
    assert is_reference(reference, DPA)
    assert response.headers["x-dpa-sha256"] == hashlib.sha256(response.content).hexdigest()
    assert response.headers["cache-control"] == "no-store"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; ")
    # the shipped data holds example values: the agreement is a draft, and its name says so
    draft = {"de": "ENTWURF", "en": "DRAFT"}[lang]
    assert response.headers["x-dpa-draft"] == "true"
    assert f'filename="UNOY-DPA-{draft}-Muller-Sohne-GmbH-{reference}.docx"' in disposition
    assert f"filename*=UTF-8''UNOY-DPA-{draft}-M%C3%BCller-" in disposition
    document = open_docx(response.content)
    text = all_text(document)
    assert CUSTOMER["legal_name"] in text
    assert reference in "".join(p.text for p in document.sections[0].header.paragraphs)


def test_record_holds_versions_and_hashes_and_customer_only_encrypted(
    make_client: ClientFactory, database_url: str
) -> None:
    client = make_client(DATABASE_URL=database_url, RATE_LIMIT_DPA="10000/minute")
    app: FastAPI = client.app  # type: ignore[assignment]
    response = client.post("/api/dpa", json=dpa_body("en"))
    assert response.status_code == 200
    reference = response.headers["x-dpa-reference"]
    with app.state.store.session_factory() as session:
        record = session.scalars(select(DpaRecord)).one()
        raw = session.execute(text("SELECT * FROM dpa_records")).one()
    assert record.reference == reference
    assert record.language == "en" and record.format == "docx"
    assert record.output_sha256 == response.headers["x-dpa-sha256"]
    assert record.template_sha256 == template_sha256(template_path("en"))
    assert len(record.data_sha256) == 64 and record.data_version
    raw_text = " ".join(str(value) for value in raw)
    for secret in ("Müller", "Zoë", "zoe.obrien", "Jörg", "Wien", "ATU12345678"):
        assert secret not in raw_text
    customer = json.loads(app.state.cipher.decrypt(record.customer_enc))
    assert customer["legal_name"] == CUSTOMER["legal_name"]
    assert customer["register"] == CUSTOMER["register"]
    assert json.loads(record.processing)["data_subjects"]  # the defaults, written out


def test_health_reports_pdf(make_client: ClientFactory) -> None:
    missing = make_client(SOFFICE_PATH="/nonexistent/soffice")
    assert missing.get("/api/health").json()["checks"]["pdf"] == "unavailable"


def test_pdf_without_libreoffice_is_a_clear_503_and_stores_nothing(
    make_client: ClientFactory,
) -> None:
    client = make_client(SOFFICE_PATH="/nonexistent/soffice")
    response = client.post("/api/dpa", json=dpa_body("en", "pdf"))
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "pdf_unavailable"
    assert ".docx" in error["message"] and "format" in error["fields"]
    assert records(client.app) == 0  # type: ignore[arg-type]


def test_an_unreachable_database_is_a_503_like_the_contact_endpoint(
    make_client: ClientFactory,
) -> None:
    """No document leaves without its record, and the answer is the contact endpoint's."""
    client = make_client(
        DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
        MIGRATE_ON_START=False,
        RATE_LIMIT_DPA="10000/minute",
    )
    response = client.post("/api/dpa", json=dpa_body("en"))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert int(response.headers["retry-after"]) > 0
    assert "x-dpa-reference" not in response.headers


def _without(path: str) -> dict[str, Any]:
    body = dpa_body("de")
    *parents, last = path.split(".")
    target = body
    for part in parents:
        target = target[part]
    del target[last]
    return body


def _with(path: str, value: Any) -> dict[str, Any]:
    body = dpa_body("de")
    *parents, last = path.split(".")
    target = body
    for part in parents:
        target = target[part]
    target[last] = value
    return body


BAD: list[tuple[str, dict[str, Any] | list[Any], str]] = [
    ("language missing", _without("language"), "language"),
    ("language unknown", _with("language", "fr"), "language"),
    ("format unknown", _with("format", "odt"), "format"),
    ("legal name missing", _without("customer.legal_name"), "customer.legal_name"),
    ("legal name blank", _with("customer.legal_name", "   "), "customer.legal_name"),
    ("legal name too long", _with("customer.legal_name", "A" * 201), "customer.legal_name"),
    ("line break", _with("customer.legal_name", "Müller\nSöhne"), "customer.legal_name"),
    ("carriage return", _with("customer.city", "Wi\ren"), "customer.city"),
    ("tab", _with("customer.street", "Ring\t1"), "customer.street"),
    ("form feed", _with("customer.signatory.name", "Jörg\fMüller"), "customer.signatory.name"),
    ("NUL", _with("customer.contact.position", "Legal\x00"), "customer.contact.position"),
    ("line separator", _with("customer.vat_id", "AT\u2028U1"), "customer.vat_id"),
    ("country unknown", _with("customer.country", "XX"), "customer.country"),
    ("country alpha-3", _with("customer.country", "AUT"), "customer.country"),
    ("country not a country", _with("customer.country", "EU"), "customer.country"),
    ("email invalid", _with("customer.contact.email", "zoe@"), "customer.contact.email"),
    ("dpo email invalid", _with("customer.dpo.email", "nope"), "customer.dpo.email"),
    ("signatory missing", _without("customer.signatory"), "customer.signatory"),
    ("unknown field", _with("customer.nickname", "x"), "customer.nickname"),
    ("unknown option", _with("processing", {"data_subjects": ["martians"]}), "processing"),
    ("empty options", _with("processing", {"data_categories": []}), "processing"),
    ("options not a list", _with("processing", {"data_categories": "contact"}), "processing"),
    ("special not bool", _with("processing", {"special_categories": "maybe"}), "processing"),
    ("name not text", _with("customer.city", 42), "customer.city"),
]


@pytest.mark.parametrize(("case", "body", "field"), BAD, ids=[case for case, _, _ in BAD])
def test_bad_input_is_a_clear_4xx_and_stores_nothing(
    client: TestClient, case: str, body: dict[str, Any], field: str
) -> None:
    response = client.post("/api/dpa", json=body)
    assert response.status_code == 422, (case, response.text)
    error = response.json()["error"]
    assert error["code"] == "validation_error" and error["message"]
    assert any(name.startswith(field) for name in error["fields"]), error["fields"]
    assert all(message for message in error["fields"].values())
    assert records(client.app) == 0  # type: ignore[arg-type]


def test_messages_in_the_requests_language(client: TestClient) -> None:
    english = client.post("/api/dpa", json=_with("customer.country", "XX") | {"language": "en"})
    german = client.post("/api/dpa", json=_with("customer.country", "XX"))
    assert "country" in english.json()["error"]["fields"]["customer.country"]
    assert "Land" in german.json()["error"]["fields"]["customer.country"]


@pytest.mark.parametrize(
    ("content", "headers", "status"),
    [
        (b"not json", {"content-type": "application/json"}, 400),
        (b"[1, 2]", {"content-type": "application/json"}, (400, 422)),
        (b"", {"content-type": "application/json"}, (400, 422)),
        (json.dumps({"x": "y" * 200_000}).encode(), {"content-type": "application/json"}, 413),
        (TOO_DEEP, {"content-type": "application/json"}, 400),
    ],
    ids=["not-json", "array", "empty", "too-large", "too-deep"],
)
def test_unreadable_bodies(
    client: TestClient, content: bytes, headers: dict[str, str], status: Any
) -> None:
    response = client.post("/api/dpa", content=content, headers=headers)
    expected = status if isinstance(status, tuple) else (status,)
    assert response.status_code in expected
    assert response.json()["error"]["message"]
    assert records(client.app) == 0  # type: ignore[arg-type]


@pytest.fixture
def siteverify() -> Iterator[Siteverify]:
    with Siteverify() as stub:
        yield stub


def test_captcha_is_checked_and_failure_stores_nothing(
    make_client: ClientFactory, siteverify: Siteverify
) -> None:
    client = make_client(
        HCAPTCHA_SECRET="0x" + "1" * 40,
        HCAPTCHA_SITEKEY="10000000-ffff-ffff-ffff-000000000001",
        HCAPTCHA_VERIFY_URL=siteverify.url,
        HCAPTCHA_HOSTNAMES="127.0.0.1",
        RATE_LIMIT_DPA="10000/minute",
    )
    siteverify.rejected_tokens.add("bad-token")
    refused = client.post("/api/dpa", json=dpa_body("en", captcha_token="bad-token"))
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "captcha_failed"
    missing = client.post("/api/dpa", json=dpa_body("en", captcha_token=None))
    assert missing.status_code == 400
    assert records(client.app) == 0  # type: ignore[arg-type]
    accepted = client.post("/api/dpa", json=dpa_body("en", captcha_token="good-token"))
    assert accepted.status_code == 200
    assert siteverify.requests[-1]["response"] == "good-token"
    assert records(client.app) == 1  # type: ignore[arg-type]


def test_captcha_outage_is_503_and_stores_nothing(
    make_client: ClientFactory, siteverify: Siteverify
) -> None:
    client = make_client(
        HCAPTCHA_SECRET="0x" + "1" * 40,
        HCAPTCHA_VERIFY_URL=siteverify.url,
        HCAPTCHA_TIMEOUT=0.5,
        RATE_LIMIT_DPA="10000/minute",
    )
    siteverify.configure(delay=2.0)
    response = client.post("/api/dpa", json=dpa_body("de"))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "captcha_unavailable"
    assert records(client.app) == 0  # type: ignore[arg-type]


def test_rate_limit_answers_429_with_retry_after(make_client: ClientFactory) -> None:
    client = make_client(RATE_LIMIT_DPA="2/minute")
    assert client.post("/api/dpa", json=dpa_body("de")).status_code == 200
    assert client.post("/api/dpa", json=dpa_body("de")).status_code == 200
    limited = client.post("/api/dpa", json=dpa_body("de"))
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()["error"]["code"] == "rate_limited"
    assert records(client.app) == 2  # type: ignore[arg-type]


def test_cli_lists_and_shows_records(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from api.cli import app as cli
    from api.core import settings as settings_module

    response = client.post("/api/dpa", json=dpa_body("de"))
    reference = response.headers["x-dpa-reference"]
    app_settings = client.app.state.settings  # type: ignore[attr-defined]
    monkeypatch.setattr(settings_module, "get_settings", lambda: app_settings)
    monkeypatch.setattr("api.cli.dpa.get_settings", lambda: app_settings)
    runner = CliRunner()
    listed = runner.invoke(cli, ["dpa", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [row["reference"] for row in rows] == [reference]
    assert "customer" not in rows[0]
    assert rows[0]["output_sha256"] == response.headers["x-dpa-sha256"]
    table = runner.invoke(cli, ["dpa", "list"])
    assert reference in table.output
    shown = runner.invoke(cli, ["dpa", "show", reference.lower(), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["customer"]["contact"]["name"] == "Zoë O'Brien"
    unknown = runner.invoke(cli, ["dpa", "show", "DPA-2026-AAAAAA"])
    assert unknown.exit_code == 1


def test_dpa_work_is_capped_and_leaves_threads_for_other_routes(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rendering holds a thread: more .docx requests than DOCX_THREADS wait their turn instead
    of taking the threads every other route needs."""
    client = make_client(RATE_LIMIT_DPA="10000/minute")
    lock = threading.Lock()
    release = threading.Event()
    inside = [0]
    most = [0]

    def slow_issue(*args: Any, **kwargs: Any) -> IssuedDpa:
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        try:
            release.wait(30)
            return real_issue(*args, **kwargs)
        finally:
            with lock:
                inside[0] -= 1

    monkeypatch.setattr("api.dpa.issue.issue", slow_issue)
    requests = DOCX_THREADS + 3
    with ThreadPoolExecutor(max_workers=requests) as pool:
        futures = [
            pool.submit(client.post, "/api/dpa", json=dpa_body("de")) for _ in range(requests)
        ]
        deadline = time.monotonic() + 20
        while inside[0] < DOCX_THREADS and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)  # room for any request beyond the cap to get in (it must not)
        assert inside[0] == DOCX_THREADS
        assert client.post("/api/contact", json=valid_body()).status_code == 201
        release.set()
        assert [future.result().status_code for future in futures] == [200] * requests
    assert most[0] == DOCX_THREADS
    assert records(client.app) == requests  # type: ignore[arg-type]


def test_the_page_gets_every_format_of_one_agreement_as_json(make_client: ClientFactory) -> None:
    """`Accept: application/json` (the DPA page): one reference, each file with its name and
    hash, the same hashes as the record; without LibreOffice the .docx alone."""
    client = make_client(RATE_LIMIT_DPA="10000/minute", SOFFICE_PATH="/nonexistent/soffice")
    response = client.post("/api/dpa", json=dpa_body("de"), headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    issued = response.json()
    reference = issued["reference"]
    assert response.headers["x-dpa-reference"] == reference and issued["draft"] is True
    [docx] = issued["files"]
    body = base64.b64decode(docx["content_base64"])
    assert docx["format"] == "docx" and docx["media_type"] == DOCX_MEDIA_TYPE
    assert docx["sha256"] == hashlib.sha256(body).hexdigest()
    assert docx["filename"] == f"UNOY-DPA-ENTWURF-Müller-&-Söhne-GmbH-{reference}.docx"
    assert reference in all_text(open_docx(body))
    with client.app.state.store.session_factory() as session:  # type: ignore[attr-defined]
        record = session.scalars(select(DpaRecord)).one()
    assert (record.docx_sha256, record.pdf_sha256) == (docx["sha256"], None)
    assert record.output_sha256 == docx["sha256"] and record.draft is True


def test_pdf_as_json_without_libreoffice_is_the_same_503(make_client: ClientFactory) -> None:
    client = make_client(SOFFICE_PATH="/nonexistent/soffice")
    response = client.post(
        "/api/dpa", json=dpa_body("en", "pdf"), headers={"Accept": "application/json"}
    )
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "pdf_unavailable"
    assert records(client.app) == 0  # type: ignore[arg-type]


def test_a_docx_never_waits_behind_pdf_conversions(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PDFs stuck in LibreOffice (here: held) take the PDF slots only; a .docx is served."""
    client = make_client(RATE_LIMIT_DPA="10000/minute", SOFFICE_PATH="/bin/true")
    release = threading.Event()
    converting = threading.Semaphore(0)

    def held(docx: bytes, soffice: str) -> bytes:
        converting.release()
        release.wait(30)
        return b"%PDF-1.7 held"

    monkeypatch.setattr("api.dpa.pdf.docx_to_pdf", held)
    pdfs = PDF_THREADS + 2
    with ThreadPoolExecutor(max_workers=pdfs + 1) as pool:
        futures = [
            pool.submit(client.post, "/api/dpa", json=dpa_body("de", "pdf")) for _ in range(pdfs)
        ]
        for _ in range(PDF_THREADS):
            assert converting.acquire(timeout=20)
        try:
            docx = pool.submit(client.post, "/api/dpa", json=dpa_body("de")).result(timeout=15)
            assert docx.status_code == 200
            assert docx.headers["content-type"] == DOCX_MEDIA_TYPE
        finally:
            release.set()
        assert [future.result().status_code for future in futures] == [200] * pdfs
