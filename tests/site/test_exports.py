"""The machine-readable files: subprocessors.json and its schema, the Atom feeds, security.txt."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import feedparser
import pytest
from jsonschema import Draft202012Validator
from sectxt import Parser

from api.content import Content, Lang
from tests.site.conftest import human_date, us_date
from tests.support.site_build import Build

pytestmark = pytest.mark.xdist_group("site")


def test_json_validates_against_its_schema(site: Build, content: Content) -> None:
    document = json.loads((site.site_dir / "subprocessors.json").read_text("utf-8"))
    schema = json.loads((site.site_dir / "subprocessors.schema.json").read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(document)) == []
    site_url = content.company.trust_center_url
    assert schema["$id"] == f"{site_url}/subprocessors.schema.json"
    assert document["$schema"] == schema["$id"]


def test_schema_rejects_what_the_list_must_not_contain(site: Build) -> None:
    document = json.loads((site.site_dir / "subprocessors.json").read_text("utf-8"))
    schema = json.loads((site.site_dir / "subprocessors.schema.json").read_text("utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    del document["groups"][0]["subprocessors"][0]["purpose"]["en"]
    document["changelog"][0]["notice_date"] = "26.11.2026"
    document["changelog"][0]["kind"] = "renamed"
    document["groups"][0]["subprocessors"][0]["transfer"]["mechanisms"] = [{"kind": "bcr"}]
    # an optional object's problems are inside the `anyOf` error that reports it
    errors = list(validator.iter_errors(document))
    while any(error.context for error in errors):
        errors = [sub for error in errors for sub in (error.context or [error])]
    messages = [error.message for error in errors]
    assert any("'en' is a required property" in message for message in messages)
    assert any("'26.11.2026' is not a 'date'" in message for message in messages)
    assert any("'renamed' is not one of" in message for message in messages)
    assert any("'bcr' is not one of" in message for message in messages)


def test_json_holds_both_languages_version_and_generation_time(
    site: Build, content: Content
) -> None:
    document = json.loads((site.site_dir / "subprocessors.json").read_text("utf-8"))
    assert document["schema_version"] == "2.0"
    assert document["version"] == content.subprocessors.version.isoformat()
    generated = datetime.fromisoformat(document["generated_at"])
    assert generated.tzinfo is not None
    assert abs(datetime.now(UTC) - generated) < timedelta(hours=1)
    entries = [entry for group in document["groups"] for entry in group["subprocessors"]]
    assert [entry["id"] for entry in entries] == [e.id for e in content.subprocessors.all()]
    for entry, expected in zip(entries, content.subprocessors.all(), strict=True):
        assert entry["name"] == expected.name
        assert entry["purpose"] == {"de": expected.purpose.de, "en": expected.purpose.en}
        assert entry["legal_entity"] == expected.legal_entity
        assert entry["entity_country"] == expected.entity_country
        assert entry["processing_locations"] == expected.processing_locations
        expected_transfer = expected.transfer.model_dump(mode="json") if expected.transfer else None
        assert entry["transfer"] == expected_transfer
    assert len(document["changelog"]) == len(content.subprocessors.changelog)
    assert document["objection_period_days"] == content.company.subprocessor_objection_days


@pytest.mark.parametrize("lang", ["de", "en"])
def test_feed_is_atom_with_notice_and_effective_dates(
    site: Build, content: Content, lang: Lang
) -> None:
    path = site.site_dir / ("" if lang == "de" else "en") / "subprocessors.atom"
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.language == lang
    site_url = content.company.trust_center_url
    prefix = "" if lang == "de" else "en/"
    assert feed.feed.id == f"{site_url}/{prefix}subprocessors.atom"
    changes = content.subprocessors.changelog
    # One entry per announcement: changes of the same kind, dates and summary (the six entries
    # of the list's first version) are announced together.
    announced = {(c.kind, c.notice_date, c.effective_date, c.summary(lang)) for c in changes}
    assert len(feed.entries) == len(announced) < len(changes)
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)
    for change in changes:
        name = content.subprocessors.get(change.subprocessor).name
        matching = [
            entry
            for entry in feed.entries
            if name in entry.title
            and entry.summary == change.summary(lang)
            and date(*entry.published_parsed[:3]) == change.notice_date
        ]
        assert len(matching) == 1, change
        text = matching[0].content[0].value
        assert f"({change.notice_date.isoformat()})" in text
        assert f"({change.effective_date.isoformat()})" in text
        assert ("Wirksam ab" if lang == "de" else "Effective from") in text
        assert human_date(change.effective_date, lang) in text
        assert us_date(change.effective_date) not in text


def test_feed_entry_ids_differ_between_languages(site: Build) -> None:
    """The German and the English entry of one announcement are two entries (RFC 4287: an id
    names one entry, and readers merge entries of the same id)."""
    ids = {
        lang: {entry.id for entry in feedparser.parse(path.read_bytes()).entries}
        for lang, path in (
            ("de", site.site_dir / "subprocessors.atom"),
            ("en", site.site_dir / "en" / "subprocessors.atom"),
        )
    }
    assert ids["de"] and ids["en"]
    assert ids["de"].isdisjoint(ids["en"])
    assert all(":subprocessors:de:" in entry_id for entry_id in ids["de"])
    assert all(":subprocessors:en:" in entry_id for entry_id in ids["en"])


def test_security_txt_is_valid(site: Build, content: Content) -> None:
    raw = (site.site_dir / ".well-known" / "security.txt").read_bytes()
    canonical = f"{content.company.trust_center_url}/.well-known/security.txt"
    parser = Parser(raw, urls=canonical)
    assert parser.is_valid(), parser.errors
    text = raw.decode("utf-8")
    assert f"Contact: mailto:{content.company.security_contact.email}\n" in text
    assert "Preferred-Languages: de, en\n" in text
    assert f"Policy: {content.company.trust_center_url}/security/\n" in text
    expires_line = next(line for line in text.splitlines() if line.startswith("Expires: "))
    expires = datetime.fromisoformat(expires_line.removeprefix("Expires: ").replace("Z", "+00:00"))
    # Computed at build time: well ahead of now, but less than a year (RFC 9116 advice).
    assert timedelta(days=150) < expires - datetime.now(UTC) < timedelta(days=365)


def test_redirects_without_an_api_origin(site: Build) -> None:
    lines = (site.site_dir / "_redirects").read_text("utf-8").splitlines()
    assert [line for line in lines if line and not line.startswith("#")] == []
