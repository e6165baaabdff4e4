"""Fill the marker comments in docs/*.md with facts from data/, in the page's language.

A page says *where* a fact goes, e.g. ``<!-- trustcenter:measure authentication -->``; the fact
itself is rendered from ``overrides/hooks/templates/<marker>.html`` (Markdown with HTML), so
every measure, subprocessor and address is written once, in data/, and shows up the same on every
page. ``<!-- trustcenter:form contact -->`` renders a whole form from ``templates/forms/``, its
labels, hints and messages from the catalogue the API and the mails use too.
An unknown marker or id stops the build rather than leaving a hole in a page.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import trustcenter_build as build
from announcements import announcements
from babel import Locale
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from pydantic import BaseModel

from api.content import LANGUAGES, Content, Lang, Text
from api.content import markers as content_markers
from api.content.completeness import examples_for
from api.content.wording import countries, mechanism_texts
from api.core.i18n import BABEL_LOCALES, country_name, language_prefix, long_date
from api.dpa.schemas import DpaRequest
from api.inquiries.schemas import ContactRequest, RequesterRole, RequestType
from api.subscriptions.schemas import ConfirmRequest, SubscribeRequest

# The marker syntax is part of the content format (FAQ answers in data/ use it too).
MARKER = content_markers.MARKER
TEMPLATES = Path(__file__).resolve().parent / "templates"
# Characters Python-Markdown would read as markup; data is text, so they are escaped.
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
# The forms' requests, whose schemas give each field its maximum length.
FORM_SCHEMAS: dict[str, type[BaseModel]] = {
    "contact": ContactRequest,
    "dpa": DpaRequest,
    "subscribe": SubscribeRequest,
    # The pages the links of subscription mails open (their token travels in the URL).
    "confirm": ConfirmRequest,
    "unsubscribe": ConfirmRequest,
}


def markdown_text(value: object) -> Markup:
    """Escape a data value for a Markdown context (HTML-escaped and markup-escaped)."""
    # Safe: the value is HTML-escaped before the Markdown escapes are added.
    return Markup(MARKDOWN_SPECIALS.sub(r"\\\1", str(escape(str(value)))))  # noqa: S704


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_text
    return env


ENV = _environment()


class MarkerError(LookupError):
    """A marker that names no template, measure or value."""


def max_lengths(model: type[BaseModel]) -> dict[str, int]:
    """The `maxLength` of every string field of a request, by its API name (`customer.city`)."""
    schema = model.model_json_schema()
    definitions = schema.get("$defs", {})
    found: dict[str, int] = {}

    def walk(node: dict[str, Any], path: str) -> None:
        if "$ref" in node:
            walk(definitions[node["$ref"].rsplit("/", 1)[1]], path)
        for option in node.get("anyOf", []):
            walk(option, path)
        if "maxLength" in node and node.get("type") == "string":
            found[path] = int(node["maxLength"])
        for name, child in node.get("properties", {}).items():
            walk(child, f"{path}.{name}" if path else name)

    walk(schema, "")
    return found


def _lookup(content: Content, path: str) -> object:
    """A value by dotted path, e.g. ``company.subprocessor_objection_days`` or, through a
    mapping, ``toms.by_id.encryption.summary``."""
    current: Any = content
    for part in path.split("."):
        if part.startswith("_"):
            raise MarkerError(f"unknown value '{path}'")
        if isinstance(current, dict):
            if part not in current:
                raise MarkerError(f"unknown value '{path}'")
            current = current[part]
        elif hasattr(current, part):
            current = getattr(current, part)
        else:
            raise MarkerError(f"unknown value '{path}'")
    return current


def _text(value: object, lang: Lang) -> str | None:
    if isinstance(value, Text):
        return value(lang)
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    return None


def _value(content: Content, path: str, lang: Lang) -> str:
    """A single value by dotted path, as Markdown: text escaped, an email address a mailto
    link, a date for people (with its machine-readable form), a list of names comma-separated."""
    value = _lookup(content, path)
    if isinstance(value, date):
        return f'<time datetime="{value.isoformat()}">{escape(long_date(value, lang))}</time>'
    if isinstance(value, list | tuple) and value:
        items = [_text(item, lang) for item in value]
        if all(item is not None for item in items):
            return ", ".join(str(markdown_text(item)) for item in items)
    text = _text(value, lang)
    if text is None:
        raise MarkerError(f"'{path}' is not a single value")
    if path.rsplit(".", 1)[-1].endswith("email"):
        # Every address shown is a link to write to it.
        address = escape(text)
        return f'<a href="mailto:{address}">{address}</a>'
    return str(markdown_text(text))


def page_globals(lang: Lang, content: Content, page_url: str) -> dict[str, Any]:
    """What every template may use, in the page's language."""
    messages = content.messages

    def translate(key: str, **values: object) -> str:
        return messages.t(key, lang, **values)

    def translate_html(key: str, **markup: Markup) -> Markup:
        """A message with HTML put in its placeholders (e.g. a link); the message is escaped."""
        # Safe: the message is escaped; only the Markup values stay HTML.
        return Markup(escape(messages.t(key, lang))).format(**markup)  # noqa: S704

    locale = Locale.parse(BABEL_LOCALES[lang])
    return {
        "lang": lang,
        "languages": LANGUAGES,
        "t": translate,
        "t_html": translate_html,
        "prefix": language_prefix,
        "language_name": lambda code: locale.languages.get(code, code),
        "number": lambda value: format_decimal(value, locale=locale),
        "long_date": lambda value: long_date(value, lang),
        "country": lambda code: country_name(code, lang),
        "countries": lambda codes: countries(codes, lang),
        "mechanisms": lambda transfer: mechanism_texts(transfer, messages, lang),
        # From the site's root and relative to the page (`mkdocs serve` too).
        "root": "/" + language_prefix(lang),
        "root_relative": "../" * page_url.count("/"),
        "page_url": page_url,
        "api": build.forms_api(),
        "company": content.company,
        "toms": content.toms,
        "subprocessors": content.subprocessors,
        "announcements": announcements(content.subprocessors),
        # What a DPA issued now would still show as an example value (then: a draft).
        "dpa_examples": examples_for(content, "dpa"),
        "faq": content.faq,
        # Markers inside data (FAQ answers), filled like the page's own.
        "expand": lambda text: expand(text, lang, content, page_url),
    }


def _form_globals(form: str, lang: Lang, content: Content) -> dict[str, Any]:
    messages = content.messages
    field = messages.section("field", lang)
    shared = messages.section("form", lang)
    return {
        "limits": max_lengths(FORM_SCHEMAS[form]),
        "request_types": [
            (kind.value, messages.t(f"inquiry.request_type.{kind.value}", lang))
            for kind in RequestType
        ],
        "requester_roles": [
            (role.value, messages.t(f"inquiry.requester_role.{role.value}", lang))
            for role in RequesterRole
        ],
        # What forms.js shows for its own checks: the API's field messages, word for word.
        "common_texts": {
            "required": field["missing"],
            "choose": field["choose"],
            "tooLong": field["string_too_long"],
            "singleLine": field["single_line"],
            "controls": field["control_characters"],
            "formatChars": field["format_characters"],
            "email": field["email"],
            "accept": field["must_accept"],
            "captcha": shared["captcha_missing"],
            "summary": shared["summary"],
            "unexpected": shared["unexpected"],
            "locale": BABEL_LOCALES[lang].replace("_", "-"),
        },
    }


def render(name: str, arg: str | None, lang: Lang, content: Content, page_url: str) -> str:
    """Render one marker in one language."""
    if name == "value":
        if arg is None:
            raise MarkerError("a value marker needs a path")
        return _value(content, arg, lang)
    if name == "message":
        if arg is None or arg not in content.messages:
            raise MarkerError(f"unknown message '{arg}'")
        return str(markdown_text(content.messages.t(arg, lang)))
    values = page_globals(lang, content, page_url)
    if name == "form":
        if arg not in FORM_SCHEMAS:
            raise MarkerError(f"unknown form '{arg}'")
        template_name = f"forms/{arg}.html"
        values |= _form_globals(arg, lang, content)
    else:
        template_name = f"{name}.html"
    try:
        template = ENV.get_template(template_name)
    except TemplateNotFound:
        raise MarkerError(f"unknown marker '{name}'") from None
    measure = None
    if name == "measure":
        try:
            measure = content.toms.measure(arg or "")
        except KeyError:
            raise MarkerError(f"unknown measure '{arg}'") from None
    return template.render(arg=arg, measure=measure, **values)


def on_startup(command: str, dirty: bool) -> None:
    build.STATE.serving = command == "serve"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    content = build.load(config)
    company = content.company
    config.site_name = f"{company.name} Trust Center"
    # `mkdocs serve` points site_url at its own address: the preview's absolute links (hreflang
    # alternates, and the sitemaps Material fetches next to them) stay on it.
    if not (build.STATE.serving and config.site_url):
        config.site_url = os.environ.get(build.SITE_URL_VAR) or f"{company.trust_center_url}/"
    config.copyright = f"© {date.today().year} {company.legal_name}"
    return config


def on_serve(
    server: LiveReloadServer, config: MkDocsConfig, builder: Callable[..., Any]
) -> LiveReloadServer:
    # `mkdocs serve` rebuilds when the facts or the fact templates change, not only the pages.
    server.watch(str(build.data_dir(config)))
    server.watch(str(TEMPLATES))
    return server


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    # The theme's own templates (404.html, partials) speak the catalogue too.
    lang = build.language(config)
    messages = build.content().messages
    env.globals["t"] = lambda key, **values: messages.t(key, lang, **values)
    return env


def expand(text: str, lang: Lang, content: Content, page_url: str) -> str:
    """`text` with every marker filled in."""

    def replace(match: re.Match[str]) -> str:
        try:
            return render(match["name"], match["arg"], lang, content, page_url)
        except MarkerError as error:
            raise MarkerError(f"marker '{match[0]}': {error}") from None

    return MARKER.sub(replace, text)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    try:
        return expand(markdown, build.language(config), build.content(), page.url)
    except MarkerError as error:
        raise PluginError(f"{page.file.src_uri}: {error}") from None
