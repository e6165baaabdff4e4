"""The site's side of subscriptions: the form on the subprocessors page, the pages the mails'
links open, the URLs the mails use, and hCaptcha allowed exactly where a captcha form is."""

from __future__ import annotations

import json
import re

import pytest

from api.content import LANGUAGES, Content, Lang
from api.core.i18n import language_prefix
from api.core.netlify import parse_headers_file
from api.inquiries.schemas import RequestType
from api.subscriptions import mails
from api.subscriptions.schemas import SubscribeRequest
from tests.site.conftest import page_path
from tests.site.test_forms import _form
from tests.support.site_build import Build

pytestmark = pytest.mark.xdist_group("site")

CAPTCHA_FORM = re.compile(r'id="[a-z]+-captcha-field"')


def test_the_subprocessors_page_carries_the_subscription_form(
    site: Build, lang: Lang, content: Content
) -> None:
    form = _form(site, lang, "subprocessors")
    controls = {str(c.get("id")): c for c in form.controls}
    email = controls["subscribe-email"]
    assert (email["type"], email["name"]) == ("email", "email")
    assert (
        int(str(email["maxlength"]))
        == SubscribeRequest.model_json_schema()["properties"]["email"]["maxLength"]
    )
    languages = [c for c in form.controls if c.get("name") == "language"]
    assert languages[0]["value"] == lang  # the page's language first ...
    assert "checked" in languages[0] and len(languages) == len(LANGUAGES)  # ... and chosen
    assert controls["subscribe-website"]["tabindex"] == "-1"  # the honeypot
    texts = json.loads(form.blocks["subscribe-texts"])
    assert texts["email"] == content.messages.t("field.email", lang)
    assert texts["done"] == content.messages.t("subscription.form.done", lang)
    html = page_path(site.site_dir, lang, "subprocessors").read_text(encoding="utf-8")
    assert 'id="subscribe-captcha-field"' in html
    for script in ("forms.js", "subscribe-form.js"):
        (src,) = re.findall(rf'src="([^"]*/{script})"', html)
        assert (page_path(site.site_dir, lang, "subprocessors").parent / src).resolve().is_file()
    assert "privacy/#subscriptions" in html


@pytest.mark.parametrize("action", ["confirm", "unsubscribe"])
def test_the_link_pages_post_only_with_their_button(
    site: Build, lang: Lang, content: Content, action: str
) -> None:
    slug = {"confirm": "subscription-confirm", "unsubscribe": "unsubscribe"}[action]
    path = page_path(site.site_dir, lang, slug)
    html = path.read_text(encoding="utf-8")
    assert re.search(rf'<form id="{action}-form"[^>]* data-action="{action}"[^>]* hidden>', html)
    button = content.messages.t(f"subscription.link.{action}", lang)
    assert f'<button type="submit" class="md-button md-button--primary">{button}</button>' in html
    texts = json.loads(_form(site, lang, slug).blocks[f"{action}-texts"])
    assert texts["done"] == content.messages.t(f"subscription.link.{action}_done", lang)
    (src,) = re.findall(r'src="([^"]*/subscription-link\.js)"', html)
    assert (path.parent / src).resolve().is_file()
    # Reached from mails only: not in the navigation, not in the search.
    assert f'href="{slug}/"' not in page_path(site.site_dir, lang, "").read_text(encoding="utf-8")
    index = (site.site_dir / language_prefix(lang) / "search" / "search_index.json").read_text()
    assert f"{slug}/" not in index


def test_every_url_of_the_mails_is_a_page_of_the_site(site: Build) -> None:
    links = mails.Links("https://trust.example")
    for lang in LANGUAGES:
        for url in (
            links.confirm(lang, "t"),
            links.unsubscribe_page(lang, "t"),
            links.page(lang, mails.SUBPROCESSORS_PAGE),
            links.page(lang, mails.FEED),
            links.objection(lang),
            f"{links.base}/{mails.JSON_EXPORT}",
        ):
            path = url.removeprefix(links.base + "/").split("#")[0].split("?")[0]
            target = site.site_dir / path
            assert (target / "index.html").is_file() or target.is_file(), url
    assert mails.OBJECTION_TYPE in {kind.value for kind in RequestType}


def test_hcaptcha_is_allowed_exactly_on_the_pages_with_a_captcha_form(site: Build) -> None:
    rules = {
        rule.pattern.pattern: rule
        for rule in parse_headers_file((site.site_dir / "_headers").read_text("utf-8"))
    }
    checked = 0
    for page in site.site_dir.rglob("index.html"):
        path = "/" + page.relative_to(site.site_dir).as_posix().removesuffix("index.html")
        (policy,) = [
            rule.values["Content-Security-Policy"]
            for rule in rules.values()
            if rule.pattern.match(path) and "Content-Security-Policy" in rule.values
        ]
        has_form = bool(CAPTCHA_FORM.search(page.read_text(encoding="utf-8")))
        assert ("https://*.hcaptcha.com" in policy) == has_form, path
        checked += has_form
    assert checked == 3 * len(LANGUAGES)  # contact, DPA, subprocessors
