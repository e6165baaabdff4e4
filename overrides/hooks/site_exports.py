"""Write the machine-readable files of the site once every language is built.

- ``/subprocessors.json``: both languages in one document, and its JSON Schema, both derived from
  the content model so the schema cannot drift from what is written;
- ``/subprocessors.atom`` (German) and ``/en/subprocessors.atom``: the change log as Atom feeds;
- ``/.well-known/security.txt`` (RFC 9116), whose ``Expires`` is computed at build time;
- ``/_redirects``: the Netlify rewrite of ``/api/*`` to ``TRUSTCENTER_API_ORIGIN``.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import trustcenter_build as build
from announcements import Announcement, announcements
from feedgen.feed import FeedGenerator
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.content import LANGUAGES, Change, Content, Lang, SubprocessorGroup
from api.core.i18n import long_date
from api.core.messages import Messages

# 2.0: each subprocessor states its legal entity, address, entity country, processing locations
# and a structured `transfer` (countries, nature, mechanisms) instead of `transfer_mechanism`.
SCHEMA_VERSION = "2.0"
JSON_PATH = "subprocessors.json"
SCHEMA_PATH = "subprocessors.schema.json"
FEED_PATH = "subprocessors.atom"
SECURITY_TXT_PATH = Path(".well-known") / "security.txt"
# RFC 9116 advises an Expires less than a year ahead; a build every few months keeps it fresh.
SECURITY_TXT_LIFETIME = timedelta(days=180)


class Publisher(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    legal_name: str
    website: str
    trust_center: str


class SubprocessorList(BaseModel):
    """The public subprocessor list (``/subprocessors.json``); bump SCHEMA_VERSION on change."""

    model_config = ConfigDict(
        extra="forbid",
        title="Subprocessor list",
        json_schema_extra={"description": "A vendor's subprocessors and their change log."},
    )

    schema_url: str = Field(alias="$schema")
    schema_version: Literal["2.0"] = Field(description="Version of this document's format.")
    version: date = Field(description="The list's version: its newest effective date.")
    generated_at: AwareDatetime = Field(description="When this file was generated (UTC).")
    publisher: Publisher
    objection_period_days: int = Field(
        description="Days customers have to object to an announced change.", ge=1
    )
    groups: list[SubprocessorGroup]
    changelog: list[Change]


def subprocessor_list(content: Content, site: str, now: datetime) -> SubprocessorList:
    company = content.company
    return SubprocessorList.model_validate(
        {
            "$schema": site + SCHEMA_PATH,
            "schema_version": SCHEMA_VERSION,
            "version": content.subprocessors.version,
            "generated_at": now,
            "publisher": Publisher(
                name=company.name,
                legal_name=company.legal_name,
                website=company.website,
                trust_center=company.trust_center_url,
            ),
            "objection_period_days": company.subprocessor_objection_days,
            "groups": content.subprocessors.groups,
            "changelog": content.subprocessors.changelog,
        }
    )


def json_schema(site: str) -> dict[str, Any]:
    schema = SubprocessorList.model_json_schema(by_alias=True, mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": site + SCHEMA_PATH,
        **schema,
    }


def _midnight(value: date) -> datetime:
    return datetime.combine(value, time(), tzinfo=UTC)


def _names(item: Announcement) -> str:
    return ", ".join(entry.name for entry in item.subprocessors)


def _change_text(item: Announcement, lang: Lang, messages: Messages) -> str:
    notice, effective = item.notice_date, item.effective_date
    return (
        f"{_names(item)}: {messages.t('change.' + item.kind, lang)}. {item.summary(lang)}\n"
        f"{messages.t('feed.notice', lang)}: {long_date(notice, lang)} ({notice.isoformat()})\n"
        f"{messages.t('feed.effective', lang)}: {long_date(effective, lang)} "
        f"({effective.isoformat()})"
    )


def atom_feed(content: Content, lang: Lang, site: str) -> bytes:
    """The change log as a feed: one entry per announcement (see announcements.py)."""
    company = content.company
    messages = content.messages
    prefix = build.language_prefix(lang)
    page = f"{site}{prefix}subprocessors/"
    host = urlsplit(site).hostname or "localhost"
    items = announcements(content.subprocessors)

    feed = FeedGenerator()
    feed.id(f"{site}{prefix}{FEED_PATH}")
    feed.title(messages.t("feed.title", lang, name=company.name))
    feed.subtitle(messages.t("feed.subtitle", lang, name=company.name))
    feed.author({"name": company.legal_name, "uri": company.website})
    feed.link(href=f"{site}{prefix}{FEED_PATH}", rel="self", type="application/atom+xml")
    feed.link(href=page, rel="alternate", type="text/html", hreflang=lang)
    feed.language(lang)
    # Deterministic: the feed changes only when the change log does.
    feed.updated(_midnight(max(item.notice_date for item in items)))
    for item in items:
        ids = "+".join(entry.id for entry in item.subprocessors)
        entry = feed.add_entry(order="append")
        # One id per announcement and language: the feeds are two documents, and a reader
        # subscribed to both must not take one language's entry for the other's.
        entry.id(
            f"tag:{host},{item.notice_date.isoformat()}:subprocessors:{lang}:"
            f"{item.kind}:{ids}:{item.effective_date.isoformat()}"
        )
        kind = messages.t(f"change.{item.kind}", lang)
        entry.title(f"{_names(item)}: {kind}")
        entry.link(href=f"{page}#changelog", rel="alternate", type="text/html")
        entry.published(_midnight(item.notice_date))
        entry.updated(_midnight(item.notice_date))
        entry.summary(item.summary(lang))
        entry.content(_change_text(item, lang, messages), type="text")
        entry.category(term=item.kind, label=kind)
    return bytes(feed.atom_str(pretty=True))


def security_txt(content: Content, site: str, now: datetime) -> str:
    contact = content.company.security_contact
    expires = (now + SECURITY_TXT_LIFETIME).replace(microsecond=0)
    lines = [
        f"# Security contact of {content.company.legal_name}; generated at build time.",
        f"Contact: mailto:{contact.email}",
    ]
    if contact.phone:
        lines.append("Contact: tel:" + contact.phone.replace(" ", ""))
    lines += [
        "Expires: " + expires.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Preferred-Languages: " + ", ".join(LANGUAGES),
        f"Canonical: {site}{SECURITY_TXT_PATH.as_posix()}",
        *(f"Policy: {site}{build.language_prefix(lang)}security/" for lang in LANGUAGES),
    ]
    return "\n".join(lines) + "\n"


def redirects() -> str:
    """Netlify's _redirects: the API rewrite, whose target is known only at build time."""
    origin = build.api_origin()
    header = "# Generated at build time by overrides/hooks/site_exports.py; do not edit.\n"
    if origin is None:
        return header + "# TRUSTCENTER_API_ORIGIN was not set: /api/* is not rewritten.\n"
    return header + f"/api/*  {origin}/api/:splat  200!\n"


def write_exports(content: Content, site_dir: Path, site: str, now: datetime) -> None:
    def write(path: Path | str, data: str | bytes) -> None:
        target = site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode("utf-8")
        target.write_bytes(data)

    document = subprocessor_list(content, site, now)
    write(JSON_PATH, document.model_dump_json(by_alias=True, indent=2) + "\n")
    write(SCHEMA_PATH, json.dumps(json_schema(site), indent=2, ensure_ascii=False) + "\n")
    for lang in LANGUAGES:
        write(Path(build.language_prefix(lang)) / FEED_PATH, atom_feed(content, lang, site))
    write(SECURITY_TXT_PATH, security_txt(content, site, now))
    write("_redirects", redirects())


@event_priority(-120)  # after language_pages (-110); the site is complete
def on_post_build(config: MkDocsConfig) -> None:
    if not build.is_site_complete(config):
        return
    now = datetime.now(UTC)
    write_exports(build.content(), Path(config.site_dir), build.site_url(config), now)
