"""Production builds refuse example values; a data change reaches every page, export and feed;
invalid content stops the build before anything is written."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import feedparser
import pytest

from api.content import load_content
from api.content.completeness import readable
from tests.support.site_build import PROJECT_ROOT, Build, build_site

pytestmark = pytest.mark.xdist_group("site")

API_ORIGIN = "https://api.trust.example.org"
STAGING_URL = "https://staging.trust.example.org/"


def copy_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    return data


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_production_build_lists_the_example_values(tmp_path: Path) -> None:
    content = load_content()
    assert content.examples, "data/ is expected to hold example values until UNOY supplies them"
    target = tmp_path / "site"
    built = build_site(target, env={"TRUSTCENTER_ENV": "production"})
    assert not built.ok
    assert "production build refused" in built.output
    for example in content.examples:
        assert f"{readable(example, content)}: still an example value" in built.output
    assert "data/subprocessors.yml: hubspot.address: still an example value" in built.output
    assert "TRUSTCENTER_API_ORIGIN: not set" in built.output
    assert not target.exists()


@pytest.fixture(scope="module")
def changed_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """A production build of a copy of data/ with no example left and a few facts changed."""
    tmp = tmp_path_factory.mktemp("changed")
    data = copy_data(tmp)
    for path in data.glob("*.yml"):
        path.write_text(re.sub(r" ?!example(?=\s)", "", path.read_text("utf-8")), "utf-8")
    edit(
        data / "toms.yml",
        "Wir führen für unsere Kundenprodukte",
        "Wir führen seit heute für unsere Kundenprodukte",
    )
    edit(
        data / "toms.yml",
        "We apply a uniform password policy",
        "We now apply a uniform password policy",
    )
    edit(data / "subprocessors.yml", "name: Stripe Inc.", "name: Stripe Payments Europe Ltd.")
    edit(
        data / "subprocessors.yml",
        "legal_entity: Stripe Inc.",
        "legal_entity: Stripe Payments Europe Ltd.",
    )
    with (data / "subprocessors.yml").open("a", encoding="utf-8") as log:
        log.write(
            "  - kind: changed\n"
            "    subprocessor: stripe\n"
            "    notice_date: 2027-01-04\n"
            "    effective_date: 2027-02-04\n"
            "    summary:\n"
            "      de: Vertragspartner ist nun Stripe Payments Europe.\n"
            "      en: The contracting entity is now Stripe Payments Europe.\n"
        )
    built = build_site(
        tmp / "site",
        data_dir=data,
        env={
            "TRUSTCENTER_ENV": "production",
            "TRUSTCENTER_API_ORIGIN": API_ORIGIN,
            "TRUSTCENTER_SITE_URL": STAGING_URL,
        },
    )
    assert built.ok, built.output
    return built


def test_a_data_change_shows_up_everywhere(changed_site: Build) -> None:
    site = changed_site.site_dir
    toms, security = (
        (site / "toms/index.html").read_text("utf-8"),
        (site / "security/index.html").read_text("utf-8"),
    )
    en_toms = (site / "en/toms/index.html").read_text("utf-8")
    en_security = (site / "en/security/index.html").read_text("utf-8")
    assert "seit heute" in toms and "seit heute" in security
    assert "We now apply" in en_toms and "We now apply" in en_security
    for page in ("subprocessors/index.html", "en/subprocessors/index.html"):
        html = (site / page).read_text("utf-8")
        assert "Stripe Payments Europe Ltd." in html and "Stripe Inc." not in html
        assert '<time datetime="2027-02-04">' in html
    document = json.loads((site / "subprocessors.json").read_text("utf-8"))
    assert document["version"] == "2027-02-04"
    names = [entry["name"] for group in document["groups"] for entry in group["subprocessors"]]
    assert "Stripe Payments Europe Ltd." in names
    for feed_path, summary in [
        ("subprocessors.atom", "Vertragspartner ist nun Stripe Payments Europe."),
        ("en/subprocessors.atom", "The contracting entity is now Stripe Payments Europe."),
    ]:
        feed = feedparser.parse((site / feed_path).read_bytes())
        latest = feed.entries[0]  # newest first, like the change log on the page
        assert latest.summary == summary
        assert "2027-02-04" in latest.content[0].value


def test_production_build_writes_the_api_rewrite(changed_site: Build) -> None:
    lines = (changed_site.site_dir / "_redirects").read_text("utf-8").splitlines()
    assert f"/api/*  {API_ORIGIN}/api/:splat  200!" in lines


def test_invalid_content_stops_the_build_and_keeps_the_old_site(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    edit(
        data / "toms.yml",
        "          en: >-\n            We apply a uniform password policy",
        "          fr: >-\n            We apply a uniform password policy",
    )
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("previous site", "utf-8")
    built = build_site(target, data_dir=data)
    assert not built.ok
    assert "data/toms.yml: categories[0].measures[2].text.en: missing translation" in built.output
    assert [path.name for path in target.iterdir()] == ["index.html"]
    assert (target / "index.html").read_text("utf-8") == "previous site"


def test_production_build_rejects_an_api_origin_that_is_not_https(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    for path in data.glob("*.yml"):
        path.write_text(re.sub(r" ?!example(?=\s)", "", path.read_text("utf-8")), "utf-8")
    built = build_site(
        tmp_path / "site",
        data_dir=data,
        env={"TRUSTCENTER_ENV": "production", "TRUSTCENTER_API_ORIGIN": "http://api.example.org"},
    )
    assert not built.ok
    assert "TRUSTCENTER_API_ORIGIN: 'http://api.example.org' is not an https origin" in built.output


def test_site_url_from_the_environment(changed_site: Build) -> None:
    site = changed_site.site_dir
    security_txt = (site / ".well-known" / "security.txt").read_text("utf-8")
    assert f"Canonical: {STAGING_URL}.well-known/security.txt" in security_txt
    feed = feedparser.parse((site / "en" / "subprocessors.atom").read_bytes())
    assert feed.feed.id == f"{STAGING_URL}en/subprocessors.atom"
    assert f'<link rel="canonical" href="{STAGING_URL}en/toms/">' in (
        site / "en" / "toms" / "index.html"
    ).read_text("utf-8")


def test_a_complete_site_says_no_draft_on_the_dpa_page(changed_site: Build) -> None:
    for page in ("dpa/index.html", "en/dpa/index.html"):
        html = (changed_site.site_dir / page).read_text("utf-8")
        assert 'id="dpa-form"' in html and 'id="dpa-draft"' not in html
