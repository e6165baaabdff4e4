"""hCaptcha against a real loopback siteverify stand-in: fail closed, store nothing."""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.core.settings import Settings
from tests.support.app import ClientFactory, count, valid_body
from tests.support.siteverify import Siteverify

SECRET = "0x" + "5ec7e7" * 7
SITEKEY = "10000000-ffff-ffff-ffff-000000000001"


@pytest.fixture
def siteverify() -> Iterator[Siteverify]:
    with Siteverify() as stub:
        yield stub


@pytest.fixture
def captcha_client(make_client: ClientFactory, siteverify: Siteverify) -> TestClient:
    return make_client(
        HCAPTCHA_SECRET=SECRET,
        HCAPTCHA_SITEKEY=SITEKEY,
        HCAPTCHA_VERIFY_URL=siteverify.url,
        HCAPTCHA_TIMEOUT=1.0,
        HCAPTCHA_HOSTNAMES="127.0.0.1,trust.unoy.example",
    )


def test_a_solved_captcha_is_verified_with_secret_token_sitekey_and_address(
    captcha_client: TestClient, siteverify: Siteverify
) -> None:
    response = captcha_client.post("/api/contact", json=valid_body(captcha_token="solved-1"))
    assert response.status_code == 201, response.text
    assert siteverify.requests == [
        {"secret": SECRET, "response": "solved-1", "sitekey": SITEKEY, "remoteip": "203.0.113.7"}
    ]
    assert count(captcha_client.app) == (1, 2)


def test_health_and_config_report_the_captcha_mode(captcha_client: TestClient) -> None:
    assert captcha_client.get("/api/health").json()["captcha"] == "hcaptcha"
    config = captcha_client.get("/api/config").json()
    assert config["captcha"] == {"mode": "hcaptcha", "sitekey": SITEKEY}


@pytest.mark.parametrize(
    "codes",
    [
        ["missing-input-response"],
        ["invalid-input-response"],
        ["invalid-or-already-seen-response"],
        ["expired-input-response"],
        ["not-using-dummy-passcode"],
        [],
    ],
)
def test_a_rejected_token_is_a_400_the_person_can_fix(
    captcha_client: TestClient, siteverify: Siteverify, codes: list[str]
) -> None:
    siteverify.configure(success=False, error_codes=codes)
    response = captcha_client.post(
        "/api/contact", json=valid_body(captcha_token="bad", language="en")
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "captcha_failed"
    assert "solve the captcha" in error["message"]
    assert "captcha_token" in error["fields"]
    assert count(captcha_client.app) == (0, 0)


@pytest.mark.parametrize(
    "codes",
    [
        ["missing-input-secret"],
        ["invalid-input-secret"],
        ["sitekey-secret-mismatch"],
        ["bad-request"],
        ["invalid-input-response", "invalid-input-secret"],
    ],
)
def test_our_own_misconfiguration_is_a_503_and_logged(
    captcha_client: TestClient,
    siteverify: Siteverify,
    codes: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    siteverify.configure(success=False, error_codes=codes)
    with caplog.at_level(logging.INFO):
        response = captcha_client.post("/api/contact", json=valid_body())
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "captcha_unavailable"
    assert "Es wurde nichts gespeichert" in response.json()["error"]["message"]
    assert any("rejected our request" in r.getMessage() for r in caplog.records)
    assert SECRET not in caplog.text
    assert count(captcha_client.app) == (0, 0)


def test_a_token_for_another_hostname_is_refused(
    captcha_client: TestClient, siteverify: Siteverify
) -> None:
    siteverify.configure(hostname="phishing.example")
    response = captcha_client.post("/api/contact", json=valid_body())
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "captcha_failed"
    assert count(captcha_client.app) == (0, 0)


def test_a_missing_token_is_refused_without_asking_the_verifier(
    captcha_client: TestClient, siteverify: Siteverify
) -> None:
    response = captcha_client.post("/api/contact", json=valid_body(captcha_token=None))
    assert response.status_code == 400
    assert siteverify.requests == []
    assert count(captcha_client.app) == (0, 0)


def test_a_slow_verifier_times_out_into_a_503(
    captcha_client: TestClient, siteverify: Siteverify
) -> None:
    siteverify.configure(delay=2.5)  # the app waits 1 s
    response = captcha_client.post("/api/contact", json=valid_body(language="en"))
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "captcha_unavailable"
    assert "Nothing was stored" in error["message"]
    assert response.headers["retry-after"]
    assert count(captcha_client.app) == (0, 0)


@pytest.mark.parametrize(("status", "body"), [(500, None), (200, "not json"), (200, "[1]")])
def test_a_confused_verifier_is_a_503(
    captcha_client: TestClient, siteverify: Siteverify, status: int, body: str | None
) -> None:
    siteverify.configure(status=status, body=body)
    response = captcha_client.post("/api/contact", json=valid_body())
    assert response.status_code == 503
    assert count(captcha_client.app) == (0, 0)


def _self_signed(tmp_path: Path) -> ssl.SSLContext:
    """A server context for 127.0.0.1 with a certificate no trust store knows."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "api.hcaptcha.com")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


def test_a_verifier_with_an_untrusted_certificate_is_never_asked(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    """siteverify's certificate is checked: an impostor answering "success" over TLS with a
    certificate no trust store vouches for gets no token and no secret, and nothing is stored."""
    with Siteverify(tls=_self_signed(tmp_path)) as impostor:
        client = make_client(
            HCAPTCHA_SECRET=SECRET, HCAPTCHA_SITEKEY=SITEKEY, HCAPTCHA_VERIFY_URL=impostor.url
        )
        response = client.post("/api/contact", json=valid_body())
        assert impostor.url.startswith("https://")
        assert impostor.requests == []
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "captcha_unavailable"
    assert count(client.app) == (0, 0)


def test_an_unreachable_verifier_is_a_503(make_client: ClientFactory) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    client = make_client(
        HCAPTCHA_SECRET=SECRET,
        HCAPTCHA_SITEKEY=SITEKEY,
        HCAPTCHA_VERIFY_URL=f"http://127.0.0.1:{port}/siteverify",
    )
    response = client.post("/api/contact", json=valid_body())
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "captcha_unavailable"
    assert count(client.app) == (0, 0)


# A retry (same Idempotency-Key, same request) carries the token its first attempt used up:
# it is still the same request, answered with the first receipt, whatever the verifier says.


def test_a_retry_with_its_used_up_token_gets_the_first_receipt(
    captcha_client: TestClient, siteverify: Siteverify
) -> None:
    siteverify.configure(single_use=True)
    headers = {"Idempotency-Key": "used-up-token-retry-0001"}
    first = captcha_client.post("/api/contact", json=valid_body(), headers=headers)
    assert first.status_code == 201, first.text
    again = captcha_client.post("/api/contact", json=valid_body(), headers=headers)
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert count(captcha_client.app) == (1, 2)
    # Without the key the used-up token is what it is: refused.
    refused = captcha_client.post("/api/contact", json=valid_body())
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "captcha_failed"
    assert count(captcha_client.app) == (1, 2)


def test_a_retry_while_the_verifier_is_down_gets_the_first_receipt(
    captcha_client: TestClient, siteverify: Siteverify
) -> None:
    headers = {"Idempotency-Key": "verifier-down-retry-0001"}
    first = captcha_client.post("/api/contact", json=valid_body(), headers=headers)
    assert first.status_code == 201, first.text
    siteverify.configure(status=500)
    again = captcha_client.post("/api/contact", json=valid_body(), headers=headers)
    assert again.status_code == 201 and again.json() == first.json()
    new = captcha_client.post(
        "/api/contact", json=valid_body(), headers={"Idempotency-Key": "verifier-down-new-0001"}
    )
    assert new.status_code == 503
    assert new.json()["error"]["code"] == "captcha_unavailable"
    assert count(captcha_client.app) == (1, 2)


def test_a_reused_key_with_a_used_up_token_and_another_request_is_refused(
    captcha_client: TestClient, siteverify: Siteverify
) -> None:
    siteverify.configure(single_use=True)
    headers = {"Idempotency-Key": "used-up-token-conflict-01"}
    first = captcha_client.post("/api/contact", json=valid_body(), headers=headers)
    assert first.status_code == 201, first.text
    other = valid_body(request_type="erasure")
    response = captcha_client.post("/api/contact", json=other, headers=headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_conflict"
    assert count(captcha_client.app) == (1, 2)


def test_development_mode_checks_nothing_and_says_so(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        client = make_client(HCAPTCHA_SECRET="")
    assert "captcha in DEVELOPMENT mode" in caplog.text
    assert client.get("/api/health").json()["captcha"] == "development"
    assert client.get("/api/config").json()["captcha"] == {"mode": "development", "sitekey": None}
    assert client.post("/api/contact", json=valid_body(captcha_token=None)).status_code == 201


def test_development_mode_does_not_exist_in_production() -> None:
    settings = Settings.model_construct(
        ENV="production", HCAPTCHA_SECRET=Settings.model_fields["HCAPTCHA_SECRET"].default
    )
    assert settings.captcha_mode == "hcaptcha"
