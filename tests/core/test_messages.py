"""The message catalogue: complete in every language, the same placeholders in each, and every
key the code and the templates ask for exists (a missing one would be a KeyError at runtime)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.captcha import CaptchaFailed, CaptchaUnavailable
from api.core.crypto import DataKeyError
from api.core.errors import (
    ContentError,
    DomainError,
    IdempotencyConflict,
    InvalidInput,
    RateLimited,
    StoreUnavailable,
)
from api.core.i18n import LANGUAGES
from api.core.messages import Messages, load_messages, parse
from api.dpa.pdf import PdfError, PdfUnavailable
from api.inquiries.schemas import RequesterRole, RequestType
from api.web.errors import FIELD_KEYS, HTTP_CODES
from tests.support.site_build import PROJECT_ROOT

# `t("key"` or `messages.t("key"` with a literal key, in Python, Jinja and mail templates
# (Material's own `lang.t(...)` is not ours).
LITERAL_KEY = re.compile(r"""(?<!lang\.)\bt(?:_html)?\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")
SOURCES = [
    *PROJECT_ROOT.glob("api/**/*.py"),
    *PROJECT_ROOT.glob("api/mail/templates/*.txt"),
    *PROJECT_ROOT.glob("overrides/**/*.html"),
    *PROJECT_ROOT.glob("overrides/hooks/*.py"),
]


@pytest.fixture(scope="module")
def messages() -> Messages:
    return load_messages(PROJECT_ROOT / "data")


def test_every_literal_key_in_code_and_templates_exists(messages: Messages) -> None:
    used = {
        (path.relative_to(PROJECT_ROOT).as_posix(), key)
        for path in SOURCES
        for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))
    }
    assert len(used) > 100  # the scan finds the keys at all
    missing = sorted((path, key) for path, key in used if key not in messages)
    assert missing == []


def test_every_error_the_api_can_answer_has_its_message(messages: Messages) -> None:
    errors: list[type[DomainError]] = [
        InvalidInput,
        IdempotencyConflict,
        StoreUnavailable,
        RateLimited,
        ContentError,
        DataKeyError,
        CaptchaFailed,
        CaptchaUnavailable,
        PdfError,
        PdfUnavailable,
    ]
    codes = {error.code for error in errors} | set(HTTP_CODES.values()) | {"http_error"}
    assert sorted(code for code in codes if f"error.{code}" not in messages) == []
    fields = set(FIELD_KEYS.values()) | {"captcha", "unknown_option", "pdf_unavailable"}
    fields |= {"missing", "single_line", "control_characters", "email", "must_accept"}
    fields |= {"format_characters"}
    fields |= {"honeypot", "country_code", "invalid"}
    assert sorted(key for key in fields if f"field.{key}" not in messages) == []


def test_every_request_type_and_role_has_a_label(messages: Messages) -> None:
    for kind in RequestType:
        assert f"inquiry.request_type.{kind.value}" in messages
    for role in RequesterRole:
        assert f"inquiry.requester_role.{role.value}" in messages


def test_placeholders_are_filled_in_the_language_asked_for(messages: Messages) -> None:
    assert messages.t("error.rate_limited", "en", retry_after=7) == (
        "Too many requests. Please try again in 7 seconds."
    )
    assert "7 Sekunden" in messages.t("error.rate_limited", "de", retry_after=7)
    # A section for a page's script keeps its placeholders for the script to fill.
    assert "{max_length}" in messages.section("field", "de")["string_too_long"]


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"a": {"b": {"de": "x"}}}, "data/messages.yml: a.b.en: missing translation"),
        ({"a": {"de": "x", "en": " "}}, "data/messages.yml: a.en: empty translation"),
        ({"a": {"de": "x", "en": "y", "fr": "z"}}, "data/messages.yml: a.fr: unknown language"),
        ({"a": "plain text"}, "data/messages.yml: a: needs every language (de, en)"),
        (
            {"a": {"de": "{n} Tage", "en": "{count} days"}},
            "data/messages.yml: a.en: placeholders ['count'] differ from de's ['n']",
        ),
    ],
)
def test_an_incomplete_catalogue_is_refused_with_the_place(document: object, problem: str) -> None:
    with pytest.raises(ContentError) as raised:
        parse(document)
    assert problem in raised.value.problems


def test_the_catalogue_is_part_of_the_content_and_checked_with_it(tmp_path: Path) -> None:
    from shutil import copytree

    from api.content import load_content

    data = copytree(PROJECT_ROOT / "data", tmp_path / "data")
    path = data / "messages.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("    en: Please fill in this field.\n", "", 1),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as raised:
        load_content(data)
    assert raised.value.problems == ["data/messages.yml: field.missing.en: missing translation"]
    assert LANGUAGES == ("de", "en")
