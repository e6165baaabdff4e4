"""The forms are written once (a template per form, texts from the catalogue the API and the
mails use) and rendered into each language's page: no page carries form markup, and what a form
allows is what its API accepts."""

from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from api.content import Content, Lang
from api.dpa.schemas import DpaRequest
from api.inquiries.schemas import ContactRequest, RequesterRole, RequestType
from tests.dpa.sample import dpa_body
from tests.site.conftest import page_path
from tests.support.app import valid_body
from tests.support.site_build import PROJECT_ROOT, Build

pytestmark = pytest.mark.xdist_group("site")

FORM_TAGS = re.compile(r"<(form|input|select|textarea|label|fieldset)\b", re.IGNORECASE)


class _Form(HTMLParser):
    """The controls of a page and the JSON blocks it carries."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: list[dict[str, str | None]] = []
        self.options: dict[str, list[tuple[str, str]]] = {}
        self.blocks: dict[str, str] = {}
        self._select: str | None = None
        self._option: str | None = None
        self._block: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("input", "textarea", "select"):
            self.controls.append({"tag": tag, **values})
        if tag == "select":
            self._select = values.get("name")
            self.options[self._select or ""] = []
        elif tag == "option":
            self._option = values.get("value")
        elif tag == "script" and values.get("type") == "application/json":
            self._block = values.get("id")
            self.blocks[self._block or ""] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "script":
            self._block = None

    def handle_data(self, data: str) -> None:
        if self._select is not None and self._option is not None:
            self.options[self._select].append((self._option, data.strip()))
            self._option = None
        if self._block is not None:
            self.blocks[self._block] += data


def _form(site: Build, lang: Lang, slug: str) -> _Form:
    parser = _Form()
    parser.feed(page_path(site.site_dir, lang, slug).read_text(encoding="utf-8"))
    return parser


def _too_long_at(schema: type[BaseModel], body: dict[str, Any], name: str, length: int) -> bool:
    """Whether the API refuses `name` as too long when it holds `length` characters."""
    data = copy.deepcopy(body)
    *parents, last = name.split(".")
    target = data
    for part in parents:
        target = target.setdefault(part, {}) or {}
    target[last] = "x" * length
    try:
        schema.model_validate(data)
    except ValidationError as error:
        return any(
            ".".join(map(str, e["loc"])).startswith(name)
            and e["type"] in ("string_too_long", "too_long")
            for e in error.errors()
        )
    return False


@pytest.mark.parametrize("page", sorted(PROJECT_ROOT.glob("docs/*.md")), ids=lambda p: p.name)
def test_no_page_carries_form_markup(page: Path) -> None:
    assert FORM_TAGS.findall(page.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(("slug", "schema"), [("contact", ContactRequest), ("dpa", DpaRequest)])
def test_every_field_allows_what_the_api_accepts(
    site: Build, lang: Lang, slug: str, schema: type[ContactRequest] | type[DpaRequest]
) -> None:
    form = _form(site, lang, slug)
    body = valid_body() if slug == "contact" else dpa_body(lang)
    ours = [c for c in form.controls if str(c.get("id")).startswith(f"{slug}-")]
    typed = [c for c in ours if c.get("type") not in ("checkbox", "radio", None)]
    typed += [c for c in ours if c["tag"] == "textarea"]
    checked = 0
    for control in typed:
        name = str(control["name"])
        if name == "website":  # the honeypot: no limit a person could meet
            continue
        limit = int(str(control["maxlength"]))
        assert not _too_long_at(schema, body, name, limit), name
        assert _too_long_at(schema, body, name, limit + 1), name
        checked += 1
    assert checked >= (4 if slug == "contact" else 13)


def test_the_contact_form_offers_every_request_type_and_role_with_its_label(
    site: Build, lang: Lang, content: Content
) -> None:
    form = _form(site, lang, "contact")
    messages = content.messages
    assert form.options["request_type"][1:] == [
        (kind.value, messages.t(f"inquiry.request_type.{kind.value}", lang)) for kind in RequestType
    ]
    assert form.options["requester_role"][1:] == [
        (role.value, messages.t(f"inquiry.requester_role.{role.value}", lang))
        for role in RequesterRole
    ]


@pytest.mark.parametrize("slug", ["contact", "dpa"])
def test_the_forms_script_gets_the_apis_own_messages(
    site: Build, lang: Lang, content: Content, slug: str
) -> None:
    texts = json.loads(_form(site, lang, slug).blocks[f"{slug}-texts"])
    messages = content.messages
    assert texts["required"] == messages.t("field.missing", lang)
    assert texts["email"] == messages.t("field.email", lang)
    assert texts["tooLong"] == messages.section("field", lang)["string_too_long"]
    assert texts["locale"] == {"de": "de-DE", "en": "en-GB"}[lang]
    html = page_path(site.site_dir, lang, slug).read_text(encoding="utf-8")
    for script in ("forms.js", f"{slug}-form.js"):
        (src,) = re.findall(rf'src="([^"]*/{script})"', html)
        target = page_path(site.site_dir, lang, slug).parent / src
        assert target.resolve().is_file(), src
