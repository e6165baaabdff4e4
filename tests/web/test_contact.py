"""POST /api/contact: the answer, the bad-input matrix, idempotency and the error shape."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.core.reference import INQUIRY, pattern
from api.inquiries.deadline import due_by
from tests.support.app import TOO_DEEP, ClientFactory, count, valid_body

ALL_TYPES = [
    "access",
    "rectification",
    "erasure",
    "restriction",
    "portability",
    "objection",
    "withdraw_consent",
    "subprocessor_objection",
    "complaint",
    "question",
]
ALL_ROLES = ["customer", "customer_data_subject", "prospect", "other"]


def test_an_inquiry_gets_a_reference_and_its_due_date(client: TestClient) -> None:
    response = client.post("/api/contact", json=valid_body())
    assert response.status_code == 201, response.text
    data = response.json()
    assert pattern(INQUIRY).match(data["reference"]), data["reference"]
    assert data["reference"].startswith(f"PRV-{datetime.now(UTC).year}-")
    received = datetime.fromisoformat(data["received_at"])
    assert abs((datetime.now(UTC) - received).total_seconds()) < 60
    assert date.fromisoformat(data["due_by"]) == due_by(received)
    assert data["notice"] is None
    assert count(client.app) == (1, 2)  # the inquiry and its two mails


@pytest.mark.parametrize("request_type", ALL_TYPES)
def test_every_request_type_is_accepted(client: TestClient, request_type: str) -> None:
    response = client.post("/api/contact", json=valid_body(request_type=request_type))
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_is_accepted_and_only_data_subjects_get_the_processor_notice(
    client: TestClient, role: str
) -> None:
    response = client.post("/api/contact", json=valid_body(requester_role=role, language="en"))
    assert response.status_code == 201
    notice = response.json()["notice"]
    if role == "customer_data_subject":
        assert "on behalf of its customer" in notice
        assert "forward your request" in notice
    else:
        assert notice is None


def test_the_processor_notice_is_in_german_for_german_requests(client: TestClient) -> None:
    body = valid_body(requester_role="customer_data_subject", language="de")
    notice = client.post("/api/contact", json=body).json()["notice"]
    assert "im Auftrag seines Kunden" in notice


def test_references_are_random_not_sequential(client: TestClient) -> None:
    refs = [client.post("/api/contact", json=valid_body()).json()["reference"] for _ in range(20)]
    assert len(set(refs)) == 20
    assert refs != sorted(refs)  # 20 random draws in order: 1 in 20! chance


def test_optional_company_may_be_blank_or_missing(client: TestClient) -> None:
    assert client.post("/api/contact", json=valid_body(company="  ")).status_code == 201
    assert client.post("/api/contact", json=valid_body(company=...)).status_code == 201


LONG = "x" * 5001
BAD_INPUTS: list[tuple[str, dict[str, Any], str]] = [
    ("missing name", {"name": ...}, "name"),
    ("blank name", {"name": "   "}, "name"),
    ("missing email", {"email": ...}, "email"),
    ("invalid email", {"email": "not-an-email"}, "email"),
    ("email with newline", {"email": "a@example.com\nBcc: x@example.com"}, "email"),
    ("name with CR/LF", {"name": "Erika\r\nBcc: spam@example.com"}, "name"),
    ("name with NUL", {"name": "Erika\x00"}, "name"),
    ("name with escape", {"name": "Erika\x1b[31m"}, "name"),
    ("name with line separator", {"name": "Erika\u2028Mustermann"}, "name"),
    ("company with tab", {"company": "Beispiel\tAG"}, "company"),
    ("name with right-to-left override", {"name": "Erika\u202eMustermann"}, "name"),
    ("company with zero-width space", {"company": "Beispiel\u200bAG"}, "company"),
    ("company too long", {"company": "c" * 201}, "company"),
    ("name too long", {"name": "n" * 201}, "name"),
    ("message too long", {"message": LONG}, "message"),
    ("message empty", {"message": ""}, "message"),
    ("message with control char", {"message": "hallo\x07"}, "message"),
    ("unknown request type", {"request_type": "delete_everything"}, "request_type"),
    ("unknown role", {"requester_role": "admin"}, "requester_role"),
    ("unknown language", {"language": "fr"}, "language"),
    ("privacy notice not accepted", {"privacy_notice_accepted": False}, "privacy_notice_accepted"),
    ("privacy notice as string", {"privacy_notice_accepted": "true"}, "privacy_notice_accepted"),
    ("privacy notice missing", {"privacy_notice_accepted": ...}, "privacy_notice_accepted"),
    ("name not a string", {"name": 42}, "name"),
    ("unknown field", {"is_admin": True}, "is_admin"),
    ("honeypot filled", {"website": "http://spam.example"}, "website"),
    ("captcha token too long", {"captcha_token": "t" * 9000}, "captcha_token"),
]


@pytest.mark.parametrize(("case", "changes", "field"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_refused_with_a_message_for_the_field_and_nothing_is_stored(
    client: TestClient, case: str, changes: dict[str, Any], field: str
) -> None:
    response = client.post("/api/contact", json=valid_body(**changes))
    assert 400 <= response.status_code < 500, (case, response.status_code)
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"] == "Bitte prüfen Sie die markierten Angaben."
    assert set(error["fields"]) == {field}
    assert len(error["fields"][field]) > 10  # a sentence, not a code
    assert response.headers["content-language"] == "de"
    assert count(client.app) == (0, 0)


def test_field_messages_say_what_to_do(client: TestClient) -> None:
    body = valid_body(name="a\nb", email="x", message=LONG, language="en")
    fields = client.post("/api/contact", json=body).json()["error"]["fields"]
    assert fields["name"] == "Please use a single line, without line breaks or control characters."
    assert "valid email address" in fields["email"]
    assert fields["message"] == "Please shorten this to at most 5000 characters."
    body = valid_body(company="Beispiel\u202eAG", language="en")
    fields = client.post("/api/contact", json=body).json()["error"]["fields"]
    assert fields["company"] == (
        "Please remove invisible formatting characters (such as text-direction marks)."
    )


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({}, {"language": "en"}, "en"),
        ({"Accept-Language": "en-GB,en;q=0.9"}, {}, "en"),
        ({"Accept-Language": "fr, en;q=0.5, de;q=0.8"}, {}, "de"),
        ({"Accept-Language": "en"}, {"language": "de"}, "de"),  # the body's language wins
        ({}, {}, "de"),
    ],
)
def test_errors_come_in_the_request_language(
    client: TestClient, headers: dict[str, str], body: dict[str, Any], expected: str
) -> None:
    payload = valid_body(name="", **body)
    if "language" not in body:
        payload.pop("language")
    response = client.post("/api/contact", json=payload, headers=headers)
    assert response.status_code == 422
    assert response.headers["content-language"] == expected
    message = response.json()["error"]["message"]
    assert message == (
        "Please check the marked fields."
        if expected == "en"
        else "Bitte prüfen Sie die markierten Angaben."
    )


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "malformed_body"),
        (TOO_DEEP, "application/json", 400, "malformed_body"),
        (b"", "application/json", 400, "malformed_body"),
        (b"[1, 2]", "application/json", 400, "malformed_body"),
        (b'"just a string"', "application/json", 400, "malformed_body"),
        (b"null", "application/json", 400, "malformed_body"),
        (b"name=Erika", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b"<xml/>", "text/xml", 415, "unsupported_media_type"),
        (b"\xff\xfe\x00garbage", "application/json", 400, "malformed_body"),
    ],
)
def test_unreadable_bodies_get_a_clear_error_and_store_nothing(
    client: TestClient, content: bytes, content_type: str, status: int, code: str
) -> None:
    response = client.post(
        "/api/contact",
        content=content,
        headers={"Content-Type": content_type, "Accept-Language": "en"},
    )
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert "JSON" in error["message"]
    assert count(client.app) == (0, 0)


def test_a_body_over_the_limit_gets_413(client: TestClient) -> None:
    big = valid_body(message="x" * 70_000)
    response = client.post("/api/contact", json=big, headers={"Accept-Language": "en"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert "too large" in response.json()["error"]["message"]
    assert count(client.app) == (0, 0)


def test_a_chunked_body_over_the_limit_gets_413(client: TestClient) -> None:
    def chunks() -> Any:
        for _ in range(100):
            yield b"x" * 1024

    response = client.post(
        "/api/contact", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert count(client.app) == (0, 0)


def test_idempotent_retries_store_once(client: TestClient) -> None:
    headers = {"Idempotency-Key": "4f0c7a9e-1b2d-4c3e-9f8a-7b6c5d4e3f2a"}
    first = client.post("/api/contact", json=valid_body(), headers=headers)
    again = client.post("/api/contact", json=valid_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert count(client.app) == (1, 2)
    other = client.post(
        "/api/contact", json=valid_body(), headers={"Idempotency-Key": "another-key-123"}
    )
    assert other.json()["reference"] != first.json()["reference"]
    assert count(client.app) == (2, 4)


def test_a_reused_idempotency_key_with_another_body_is_refused_and_stores_nothing(
    client: TestClient,
) -> None:
    """A second GDPR request must not be answered with the first one's receipt."""
    headers = {"Idempotency-Key": "0c7f3f1e-9a4e-4a8e-8f6b-2f0e6d7c1a55", "Accept-Language": "en"}
    first = client.post("/api/contact", json=valid_body(), headers=headers)
    assert first.status_code == 201
    other = valid_body(request_type="erasure", message="Bitte löschen Sie alle meine Daten.")
    response = client.post("/api/contact", json=other, headers=headers)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "idempotency_conflict"
    assert "Idempotency-Key" in error["message"]
    assert first.json()["reference"] not in response.text
    assert "idempotent-replayed" not in response.headers
    assert count(client.app) == (1, 2)
    # The same body again is still a retry: the first receipt, nothing new stored.
    again = client.post("/api/contact", json=valid_body(), headers=headers)
    assert again.status_code == 201 and again.json() == first.json()
    assert count(client.app) == (1, 2)


def test_two_requests_racing_with_one_key_store_one_and_refuse_the_other(
    make_client: ClientFactory, database_url: str
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    client = make_client(DATABASE_URL=database_url)
    headers = {"Idempotency-Key": "raced-key-5d1e0b7a-77c1"}
    bodies = [valid_body(request_type=kind) for kind in ("access", "erasure")] * 3
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        responses = list(
            pool.map(lambda body: client.post("/api/contact", json=body, headers=headers), bodies)
        )
    statuses = sorted(response.status_code for response in responses)
    assert set(statuses) == {201, 409}, statuses
    assert count(client.app) == (1, 2)
    references = {r.json()["reference"] for r in responses if r.status_code == 201}
    assert len(references) == 1


def test_a_retry_with_a_fresh_captcha_token_is_still_the_same_request(client: TestClient) -> None:
    headers = {"Idempotency-Key": "retry-after-solving-again-1234"}
    first = client.post("/api/contact", json=valid_body(captcha_token="one"), headers=headers)
    again = client.post("/api/contact", json=valid_body(captcha_token="two"), headers=headers)
    assert again.status_code == 201 and again.json() == first.json()
    assert count(client.app) == (1, 2)


def test_a_malformed_idempotency_key_is_refused(client: TestClient) -> None:
    response = client.post("/api/contact", json=valid_body(), headers={"Idempotency-Key": "short"})
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert count(client.app) == (0, 0)


def test_api_responses_carry_security_headers_and_no_store(client: TestClient) -> None:
    for response in (
        client.post("/api/contact", json=valid_body()),
        client.post("/api/contact", json=valid_body(name="")),
        client.get("/api/health"),
    ):
        headers = response.headers
        assert headers["cache-control"] == "no-store"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert "default-src 'none'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_production_responses_add_hsts(make_client: ClientFactory, make_settings: Any) -> None:
    from api.core.settings import Settings

    settings = make_settings()
    # Build a production-like app without the production validator: only hsts matters here.
    prod = Settings.model_construct(**{**settings.model_dump(), "ENV": "production"})
    client = make_client(prod)
    assert "max-age=" in client.get("/api/health").headers["strict-transport-security"]


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/contact", 405, "method_not_allowed"),
        ("DELETE", "/api/health", 405, "method_not_allowed"),
        ("GET", "/api/nothing-here", 404, "not_found"),
        ("POST", "/api/contact/extra", 404, "not_found"),
    ],
)
def test_unknown_routes_and_methods_answer_in_the_error_shape(
    client: TestClient, method: str, path: str, status: int, code: str
) -> None:
    response = client.request(method, path, headers={"Accept-Language": "en"})
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    if status == 405:
        assert response.headers["allow"]


def test_the_openapi_document_and_docs_are_under_api(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    assert "/api/contact" in schema["paths"]
    assert "/api/health" in schema["paths"]
    responses = schema["paths"]["/api/contact"]["post"]["responses"]
    assert {"201", "400", "413", "422", "429", "503"} <= set(responses)
    assert client.get("/api/docs").status_code == 200
    assert re.search(r"openapi\.json", client.get("/api/docs").text)


def test_unknown_api_paths_stay_json_with_the_site_mounted(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    from api.web.site_server import mount_site

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>site</h1>", encoding="utf-8")
    (site / "404.html").write_text("<h1>not here</h1>", encoding="utf-8")
    client = make_client()
    mount_site(client.app, site)  # type: ignore[arg-type]
    assert client.get("/").status_code == 200
    for method, path, status in (
        ("GET", "/api/nope", 404),
        ("GET", "/api/contact", 405),
        ("POST", "/api/health", 405),
    ):
        response = client.request(method, path)
        assert response.status_code == status, (method, path)
        assert response.json()["error"]["code"] in ("not_found", "method_not_allowed")


def test_the_docs_load_nothing_from_another_origin(client: TestClient) -> None:
    """Swagger UI, served by the API: no CDN, no inline script, a CSP that allows only 'self'."""
    page = client.get("/api/docs")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "http" not in policy
    assert "script-src 'self'" in policy
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text)  # no inline script
    references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert references and all(ref.startswith("/api/docs/") for ref in references)
    for ref in references:
        asset = client.get(ref)
        assert asset.status_code == 200, ref
        assert "unsafe-inline" not in asset.headers["content-security-policy"]
    assert client.get("/api/docs/index.html").status_code == 404


def test_the_docs_can_be_turned_off(make_client: ClientFactory) -> None:
    client = make_client(API_DOCS=False)
    assert client.get("/api/docs").status_code == 404
    assert client.get("/api/openapi.json").status_code == 200
