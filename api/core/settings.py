"""The one place configuration is read: `TRUSTCENTER_*` environment variables.

Development (the default) needs no outside service. Production refuses to start while any
setting is still on its development default, and names every one of them at once so a
deployment can be fixed in a single round.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from limits import parse_many
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

HCAPTCHA_SITEVERIFY = "https://api.hcaptcha.com/siteverify"
DEV_PUBLIC_URL = "http://127.0.0.1:8000"
DEV_MAIL_FROM = "trustcenter@localhost"
DEV_PRIVACY_INBOX = "privacy@localhost"
# Defaults that are valid values, so production must also refuse them when set explicitly.
DEV_RATE_LIMIT_STORAGE = "memory://"
RATE_LIMIT_SCHEMES = ("memory", "redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster")
# In-process counters would let every instance (every Lambda) count on its own.
DEV_VALUES = {
    "MAIL_FROM": DEV_MAIL_FROM,
    "PRIVACY_INBOX": DEV_PRIVACY_INBOX,
    "RATE_LIMIT_STORAGE": DEV_RATE_LIMIT_STORAGE,
}

# Settings that must be set explicitly in production; a value equal to the development default
# (or one not set at all) stops start-up.
PRODUCTION_REQUIRED: tuple[str, ...] = (
    "DATABASE_URL",
    "DATA_KEYS",
    "HCAPTCHA_SITEKEY",
    "HCAPTCHA_SECRET",
    "SMTP_URL",
    "MAIL_FROM",
    "PRIVACY_INBOX",
    "RATE_LIMIT_STORAGE",
    "PUBLIC_URL",
)


def docs_assets_installed() -> bool:
    """Whether Swagger UI's files are installed to serve /api/docs from this server
    (`fastapi-offline`, part of the api extra): the docs never load them from a CDN."""
    return importlib.util.find_spec("fastapi_offline") is not None


class ProductionRefused(ValueError):
    """Settings production must not run with, one sentence per setting."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("refusing to start in production: " + "; ".join(problems))
        self.problems = problems


def _split_list(value: object) -> object:
    """Accept `a,b` as well as a JSON list, because operators write the former."""
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("["):
            return json.loads(value)
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    # hide_input_in_errors: pydantic would otherwise quote every setting it was given (secrets
    # included) in the error that refuses a production start, and that error goes to the log.
    model_config = SettingsConfigDict(
        env_prefix="TRUSTCENTER_", extra="ignore", validate_default=True, hide_input_in_errors=True
    )

    ENV: Literal["development", "production"] = "development"
    LOG_LEVEL: str = "INFO"

    # Where development state lives: the SQLite database and the generated data key.
    VAR_DIR: Path = Path("var")
    # The content (`data/`) and the DPA's Word templates (`dpa_templates/`); None means the
    # checkout's, else the copies installed with the package (see api/core/files.py).
    DATA_DIR: Path | None = None
    TEMPLATES_DIR: Path | None = None
    # The built site that `make run` serves at /; None means the repository's `site/`.
    SITE_DIR: Path | None = None

    # Empty means SQLite under VAR_DIR (development only). Kept out of repr(): it may hold a
    # password, as may RATE_LIMIT_STORAGE.
    DATABASE_URL: str = Field(default="", repr=False)
    MIGRATE_ON_START: bool = True
    # Comma-separated Fernet keys: the first encrypts, all decrypt (rotation).
    DATA_KEYS: SecretStr = SecretStr("")

    HCAPTCHA_SITEKEY: str = ""
    HCAPTCHA_SECRET: SecretStr = SecretStr("")
    HCAPTCHA_VERIFY_URL: str = HCAPTCHA_SITEVERIFY
    HCAPTCHA_TIMEOUT: float = Field(default=5.0, gt=0, le=30)
    # Hostnames a solved captcha may come from; empty means the host of PUBLIC_URL.
    HCAPTCHA_HOSTNAMES: Annotated[list[str], NoDecode] = []

    # smtp://user:password@host:587 (STARTTLS when offered) or smtps://host:465; empty keeps
    # mail in the outbox (development only).
    SMTP_URL: SecretStr = SecretStr("")
    SMTP_TIMEOUT: float = Field(default=10.0, gt=0)
    MAIL_FROM: str = DEV_MAIL_FROM
    PRIVACY_INBOX: str = DEV_PRIVACY_INBOX
    # Seconds between outbox runs of the in-process sender; 0 disables it (e.g. on Lambda,
    # where a scheduled `trustcenter outbox retry` drains it instead).
    OUTBOX_INTERVAL: float = Field(default=15.0, ge=0)
    OUTBOX_BACKOFF_BASE: float = Field(default=30.0, gt=0)
    OUTBOX_BACKOFF_MAX: float = Field(default=3600.0, gt=0)
    # Whether a scheduled Lambda run (`{"source": "aws.events"}`) also runs `trustcenter notify`
    # (notices go out by themselves once the API carries the new data); false leaves sending
    # notices to the privacy team's own `trustcenter notify` (the retention rules still run).
    NOTIFY_ON_SCHEDULE: bool = True

    RATE_LIMIT_STORAGE: str = Field(default=DEV_RATE_LIMIT_STORAGE, repr=False)
    RATE_LIMIT_CONTACT: str = "5/minute"
    RATE_LIMIT_DPA: str = "5/minute"
    # Subscribing to subprocessor changes, per client address and per canonical email address.
    RATE_LIMIT_SUBSCRIBE: str = "5/minute"
    # Proxies (addresses or CIDR networks) whose X-Forwarded-For is believed.
    TRUSTED_PROXIES: Annotated[list[str], NoDecode] = []
    # A header in which a trusted proxy states the client address, e.g. Netlify's
    # X-Nf-Client-Connection-Ip; empty means X-Forwarded-For.
    CLIENT_ADDRESS_HEADER: str = ""

    PUBLIC_URL: str = DEV_PUBLIC_URL
    MAX_BODY_BYTES: int = Field(default=64 * 1024, ge=1024)
    # `trustcenter serve` (api/web/server.py): seconds a client has for its request headers
    # (slowloris), connections at once before a 503, seconds an idle keep-alive stays open.
    SERVER_HEADER_TIMEOUT: float = Field(default=10.0, gt=0, le=120)
    SERVER_MAX_CONNECTIONS: int = Field(default=200, ge=1)
    SERVER_KEEPALIVE: float = Field(default=5.0, gt=0, le=300)
    # Interactive API docs at /api/docs (Swagger UI served by this server, never from a CDN).
    API_DOCS: bool = True

    # LibreOffice for DPA PDFs; None means `soffice` found on PATH.
    SOFFICE_PATH: str | None = None
    # Days a DPA record (the customer's details, encrypted, and the documents' hashes) is kept
    # after its issue; `trustcenter dpa purge` deletes older ones. The privacy notice states it.
    DPA_RETENTION_DAYS: int = Field(default=1095, ge=1, le=3650)

    # A Python with LibreOffice's UNO bridge (Debian: python3-uno) for the resident PDF
    # converter (api/dpa/converter.py); empty: a `soffice` per PDF, ~1 s slower.
    UNO_PYTHON: str = "/usr/bin/python3"

    @field_validator("HCAPTCHA_HOSTNAMES", "TRUSTED_PROXIES", mode="before")
    @classmethod
    def _lists(cls, value: object) -> object:
        return _split_list(value)

    @field_validator("TRUSTED_PROXIES")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)
        return value

    @field_validator("RATE_LIMIT_CONTACT", "RATE_LIMIT_DPA", "RATE_LIMIT_SUBSCRIBE")
    @classmethod
    def _limit(cls, value: str) -> str:
        parse_many(value)
        return value

    @field_validator("RATE_LIMIT_STORAGE")
    @classmethod
    def _limit_storage(cls, value: str) -> str:
        # Checked here: the storage itself is made on the first limited request.
        scheme, separator, _ = value.partition("://")
        if not separator or scheme.lower() not in RATE_LIMIT_SCHEMES:
            raise ValueError("RATE_LIMIT_STORAGE must be memory:// or a redis:// URL")
        return value

    @field_validator("PUBLIC_URL")
    @classmethod
    def _public_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("PUBLIC_URL must be an absolute http(s) URL")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _production_safe(self) -> Settings:
        if self.ENV != "production":
            return self
        problems: list[str] = []
        for name in PRODUCTION_REQUIRED:
            value = getattr(self, name)
            if name not in self.model_fields_set or not _configured(value):
                problems.append(f"TRUSTCENTER_{name} is not set (development default)")
            elif value == DEV_VALUES.get(name):
                problems.append(f"TRUSTCENTER_{name} is the development default")
        if self.DATABASE_URL.lower().startswith("sqlite"):
            problems.append(
                "TRUSTCENTER_DATABASE_URL must be PostgreSQL in production "
                "(postgresql+psycopg://…): SQLite is one file on one machine, one writer at a time"
            )
        if urlsplit(self.SMTP_URL.get_secret_value()).scheme.lower() == "smtp":
            problems.append(
                "TRUSTCENTER_SMTP_URL must enforce TLS in production: smtps://… (implicit TLS) or "
                "smtp+starttls://… (STARTTLS required); with smtp:// anyone on the way can strip "
                "STARTTLS and read the mail"
            )
        if not self.PUBLIC_URL.startswith("https://"):
            problems.append("TRUSTCENTER_PUBLIC_URL must use https in production")
        if (
            self.HCAPTCHA_VERIFY_URL != HCAPTCHA_SITEVERIFY
            and not self.HCAPTCHA_VERIFY_URL.startswith("https://")
        ):
            problems.append("TRUSTCENTER_HCAPTCHA_VERIFY_URL must use https in production")
        if self.API_DOCS and not docs_assets_installed():
            problems.append(
                "TRUSTCENTER_API_DOCS is on, but Swagger UI's files are not installed "
                "(fastapi-offline, in the api extra): install them or set it to false; "
                "the docs never load scripts from a CDN"
            )
        if problems:
            raise ProductionRefused(problems)
        return self

    # Derived values -----------------------------------------------------------------------

    @property
    def is_development(self) -> bool:
        return self.ENV == "development"

    @property
    def database_url(self) -> str:
        return self.DATABASE_URL or f"sqlite:///{(self.VAR_DIR / 'trustcenter.db').as_posix()}"

    @property
    def captcha_mode(self) -> Literal["hcaptcha", "development"]:
        """Development mode exists only in development and only while no secret is configured."""
        if self.is_development and not self.HCAPTCHA_SECRET.get_secret_value():
            return "development"
        return "hcaptcha"

    @property
    def captcha_hostnames(self) -> list[str]:
        if self.HCAPTCHA_HOSTNAMES:
            return self.HCAPTCHA_HOSTNAMES
        host = urlsplit(self.PUBLIC_URL).hostname
        return [host] if host else []

    @property
    def data_keys(self) -> list[str]:
        raw = self.DATA_KEYS.get_secret_value()
        return [key.strip() for key in raw.split(",") if key.strip()]


def _configured(value: object) -> bool:
    if isinstance(value, SecretStr):
        return bool(value.get_secret_value().strip())
    return bool(str(value).strip())


@lru_cache
def get_settings() -> Settings:
    return Settings()


def describe_settings_error(error: ValidationError) -> str:
    """One line per problem, each naming its `TRUSTCENTER_` variable, values never quoted."""
    lines: list[str] = []
    heading = "invalid configuration:"
    for problem in error.errors(include_input=False, include_url=False):
        cause = (problem.get("ctx") or {}).get("error")
        if isinstance(cause, ProductionRefused):
            heading = "refusing to start in production:"
            lines += [f"  - {text}" for text in cause.problems]
            continue
        where = ".".join(str(part) for part in problem.get("loc", ()))
        message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
        lines.append(f"  - TRUSTCENTER_{where}: {message}" if where else f"  - {message}")
    return "\n".join([heading, *lines])


def settings_or_exit() -> Settings:
    """For entry points: the settings, or the process ends with `describe_settings_error`'s
    lines on stderr and no traceback (a refused start is read by people, in a deploy log)."""
    try:
        return get_settings()
    except ValidationError as error:
        raise SystemExit(describe_settings_error(error)) from None
