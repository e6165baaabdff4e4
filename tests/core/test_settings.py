"""Settings: development needs nothing; production refuses development defaults, naming each."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, cast

import pytest
from pydantic import ValidationError

from api.core.crypto import DataKeyError, cipher_from_settings, generate_key
from api.core.settings import PRODUCTION_REQUIRED, Settings, describe_settings_error

PRODUCTION: dict[str, Any] = {
    "ENV": "production",
    "DATABASE_URL": "postgresql+psycopg://trustcenter@db.internal/trustcenter",
    "DATA_KEYS": generate_key(),
    "HCAPTCHA_SITEKEY": "sitekey",
    "HCAPTCHA_SECRET": "0xsecret",
    "SMTP_URL": "smtp+starttls://mailer:pw@smtp.internal:587",
    "MAIL_FROM": "trustcenter@unoy.com",
    "PRIVACY_INBOX": "privacy@unoy.com",
    "RATE_LIMIT_STORAGE": "redis://cache.internal:6379/0",
    "PUBLIC_URL": "https://trust.unoy.com",
}


def test_development_needs_no_configuration(tmp_path: Path) -> None:
    settings = Settings(VAR_DIR=tmp_path)
    assert settings.ENV == "development"
    assert settings.database_url == f"sqlite:///{tmp_path.as_posix()}/trustcenter.db"
    assert settings.captcha_mode == "development"
    # a key is generated once and then reused
    first = cipher_from_settings(settings).encrypt("x")
    assert (tmp_path / "data.key").stat().st_mode & 0o777 == 0o600
    assert cipher_from_settings(settings).decrypt(first) == "x"


def test_production_with_everything_set_starts() -> None:
    settings = Settings(**PRODUCTION)
    assert settings.captcha_mode == "hcaptcha"
    assert settings.captcha_hostnames == ["trust.unoy.com"]


def test_production_names_every_development_default() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(ENV="production")
    message = str(caught.value)
    for name in PRODUCTION_REQUIRED:
        assert f"TRUSTCENTER_{name}" in message


@pytest.mark.parametrize("name", PRODUCTION_REQUIRED)
def test_production_refuses_each_missing_setting(name: str) -> None:
    values: dict[str, Any] = {key: value for key, value in PRODUCTION.items() if key != name}
    with pytest.raises(ValidationError) as caught:
        Settings(**values)
    assert f"TRUSTCENTER_{name}" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("MAIL_FROM", "trustcenter@localhost", "MAIL_FROM is the development default"),
        ("PRIVACY_INBOX", "privacy@localhost", "PRIVACY_INBOX is the development default"),
        ("RATE_LIMIT_STORAGE", "memory://", "RATE_LIMIT_STORAGE is the development default"),
        ("PUBLIC_URL", "http://trust.unoy.com", "PUBLIC_URL must use https"),
        ("HCAPTCHA_VERIFY_URL", "http://127.0.0.1:9/x", "HCAPTCHA_VERIFY_URL must use https"),
        ("DATABASE_URL", "sqlite:////srv/trustcenter.db", "DATABASE_URL must be PostgreSQL"),
        ("SMTP_URL", "smtp://mailer:pw@smtp.internal:587", "SMTP_URL must enforce TLS"),
        ("SMTP_URL", "smtp://smtp.internal:25", "SMTP_URL must enforce TLS"),
    ],
)
def test_production_refuses_unsafe_values(name: str, value: str, expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        Settings(**{**PRODUCTION, name: value})


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTCENTER_RATE_LIMIT_CONTACT", "3/hour")
    monkeypatch.setenv("TRUSTCENTER_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1")
    monkeypatch.setenv("TRUSTCENTER_HCAPTCHA_HOSTNAMES", '["a.example", "b.example"]')
    settings = Settings()
    assert settings.RATE_LIMIT_CONTACT == "3/hour"
    assert settings.TRUSTED_PROXIES == ["10.0.0.0/8", "192.0.2.1"]
    assert settings.HCAPTCHA_HOSTNAMES == ["a.example", "b.example"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RATE_LIMIT_CONTACT", "lots"),
        ("RATE_LIMIT_DPA", "5 per fortnight"),
        ("RATE_LIMIT_SUBSCRIBE", "once in a while"),
        ("NOTIFY_ON_SCHEDULE", "sometimes"),
        ("TRUSTED_PROXIES", "not-an-ip"),
        ("PUBLIC_URL", "trust.unoy.com"),
        ("ENV", "staging"),
    ],
)
def test_malformed_values_are_refused(name: str, value: str) -> None:
    with pytest.raises(ValidationError):
        Settings(**cast(dict[str, Any], {name: value}))


def test_a_malformed_data_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataKeyError):
        cipher_from_settings(Settings(VAR_DIR=tmp_path, DATA_KEYS="not-a-key"))


def test_production_never_generates_a_key(tmp_path: Path) -> None:
    settings = Settings.model_construct(
        ENV="production", VAR_DIR=tmp_path, DATA_KEYS=Settings().DATA_KEYS
    )
    with pytest.raises(DataKeyError):
        cipher_from_settings(settings)
    assert not (tmp_path / "data.key").exists()


@pytest.mark.parametrize(
    ("name", "value", "secret"),
    [
        ("HCAPTCHA_SECRET", "0xsecret-in-the-log", "0xsecret-in-the-log"),
        ("DATABASE_URL", "postgresql+psycopg://app:db-pw@db.internal/tc", "db-pw"),
        ("SMTP_URL", "smtp://mailer:smtp-pw@smtp.internal:587", "smtp-pw"),
    ],
)
def test_a_refused_production_start_quotes_no_secret(name: str, value: str, secret: str) -> None:
    # The refusal is logged at start-up: it names settings, never their values.
    with pytest.raises(ValidationError) as caught:
        Settings(**cast(dict[str, Any], {"ENV": "production", name: value}))
    message = str(caught.value)
    assert "TRUSTCENTER_DATA_KEYS" in message
    assert secret not in message


def test_each_refusal_is_named_once() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(ENV="production")
    assert str(caught.value).count("TRUSTCENTER_MAIL_FROM") == 1


def test_connection_urls_stay_out_of_repr() -> None:
    text = repr(Settings(**PRODUCTION))
    assert "PUBLIC_URL='https://trust.unoy.com'" in text
    for value in (PRODUCTION["DATABASE_URL"], PRODUCTION["RATE_LIMIT_STORAGE"], "0xsecret", ":pw@"):
        assert value not in text


def test_processes_starting_together_share_one_development_key(tmp_path: Path) -> None:
    # Every starter must read the key that won, never a file not yet written.
    settings = Settings(VAR_DIR=tmp_path)
    start = threading.Barrier(8)

    def start_up(_: int) -> str:
        start.wait()
        return cipher_from_settings(settings).encrypt("x")

    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(start_up, range(8)))
    cipher = cipher_from_settings(settings)
    assert [cipher.decrypt(token) for token in tokens] == ["x"] * 8
    assert [p.name for p in tmp_path.iterdir()] == ["data.key"]


@pytest.mark.parametrize("storage", ["mongodb://db/limits", "redis", "async+redis://h:6379"])
def test_an_unknown_rate_limit_storage_is_refused_at_start(storage: str) -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(RATE_LIMIT_STORAGE=storage)
    assert "RATE_LIMIT_STORAGE must be memory:// or a redis:// URL" in str(raised.value)


@pytest.mark.parametrize(
    "url", ["smtps://mailer:pw@smtp.internal", "smtp+starttls://smtp.internal"]
)
def test_production_accepts_smtp_with_enforced_tls(url: str) -> None:
    assert Settings(**{**PRODUCTION, "SMTP_URL": url}).SMTP_URL.get_secret_value() == url


def test_production_refuses_interactive_docs_it_cannot_serve_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The docs' assets come from the installed package or not at all: never from a CDN."""
    monkeypatch.setattr("api.core.settings.docs_assets_installed", lambda: False)
    with pytest.raises(ValidationError, match="TRUSTCENTER_API_DOCS"):
        Settings(**PRODUCTION)
    assert Settings(**{**PRODUCTION, "API_DOCS": False}).API_DOCS is False


def test_each_production_refusal_is_one_line_naming_its_setting() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(
            **{
                **PRODUCTION,
                "DATABASE_URL": "sqlite:////srv/trustcenter.db",
                "SMTP_URL": "smtp://smtp.internal",
                "PUBLIC_URL": "http://trust.unoy.com",
            }
        )
    lines = describe_settings_error(caught.value).splitlines()
    assert lines[0] == "refusing to start in production:"
    named = [line.split()[1] for line in lines[1:]]
    assert named == [
        "TRUSTCENTER_DATABASE_URL",
        "TRUSTCENTER_SMTP_URL",
        "TRUSTCENTER_PUBLIC_URL",
    ]
    assert all(line.startswith("  - TRUSTCENTER_") for line in lines[1:])


def test_a_malformed_setting_is_named_in_one_line() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(RATE_LIMIT_CONTACT="lots", PUBLIC_URL="trust.unoy.com")
    lines = describe_settings_error(caught.value).splitlines()
    assert lines[0] == "invalid configuration:"
    assert [line.split(":")[0] for line in lines[1:]] == [
        "  - TRUSTCENTER_RATE_LIMIT_CONTACT",
        "  - TRUSTCENTER_PUBLIC_URL",
    ]
