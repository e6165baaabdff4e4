"""The production headers: the generated _headers (CSP), netlify.toml, and the local server."""

from __future__ import annotations

import base64
import hashlib
import re
import tomllib
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.site_server import SiteApp, mount_site, parse_headers_file
from tests.support.site_build import PROJECT_ROOT, Build

pytestmark = pytest.mark.xdist_group("site")

NETLIFY_TOML = PROJECT_ROOT / "netlify.toml"
FORM_PATHS = ("/contact/*", "/en/contact/*", "/dpa/*", "/en/dpa/*")
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", re.S
)


def policies(site_dir: Path) -> dict[str, str]:
    text = (site_dir / "_headers").read_text("utf-8")
    return {
        rule.pattern.pattern: rule.values["Content-Security-Policy"]
        for rule in parse_headers_file(text)
        if "Content-Security-Policy" in rule.values
    }


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def test_csp_hashes_every_inline_script(site: Build) -> None:
    pages = list(site.site_dir.rglob("*.html"))
    assert len(pages) >= 18
    scripts = {
        script
        for page in pages
        for script in INLINE_SCRIPT.findall(page.read_text(encoding="utf-8"))
    }
    assert scripts, "Material's inline scripts were expected"
    for policy in policies(site.site_dir).values():
        script_src = directives(policy)["script-src"]
        for script in scripts:
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in script_src
        assert "'unsafe-inline'" not in policy
        assert "'unsafe-eval'" not in policy


def test_csp_directives(site: Build) -> None:
    rules = policies(site.site_dir)
    assert len(rules) == 1 + len(FORM_PATHS)
    for policy in rules.values():
        parsed = directives(policy)
        assert parsed["default-src"] == ["'self'"]
        assert parsed["object-src"] == ["'none'"]
        assert parsed["base-uri"] == ["'self'"]
        assert parsed["form-action"] == ["'self'"]
        assert parsed["frame-ancestors"] == ["'none'"]


def test_hcaptcha_only_on_the_form_pages(site: Build) -> None:
    text = (site.site_dir / "_headers").read_text("utf-8")
    rules = parse_headers_file(text)
    paths = [line for line in text.splitlines() if line.startswith("/")]
    for path, rule in zip(paths, rules, strict=True):
        policy = rule.values.get("Content-Security-Policy")
        if policy is None:
            continue
        allows = "https://*.hcaptcha.com" in directives(policy)["script-src"]
        assert allows == (path in FORM_PATHS), path
    # The site-wide rule comes first, so the form pages' rule is the one that applies there.
    assert paths[0] == "/*"


def test_fingerprinted_assets_are_cached_for_a_year(site: Build) -> None:
    rules = parse_headers_file((site.site_dir / "_headers").read_text("utf-8"))
    cached = [rule for rule in rules if "Cache-Control" in rule.values]
    bundles = list((site.site_dir / "assets" / "javascripts").glob("bundle.*.min.js"))
    assert cached and bundles
    assert any(rule.pattern.match("/assets/javascripts/" + bundles[0].name) for rule in cached)
    for rule in cached:
        assert rule.values["Cache-Control"] == "public, max-age=31536000, immutable"
        assert re.search(r"\\\.[0-9a-f]{8}\\\.min\\\.", rule.pattern.pattern), rule.pattern


def test_netlify_toml() -> None:
    config = tomllib.loads(NETLIFY_TOML.read_text("utf-8"))
    assert config["build"]["publish"] == "site/"
    assert "build" in config["build"]["command"]
    assert config["build"]["environment"]["TRUSTCENTER_ENV"] == "production"
    assert config["build"]["environment"]["PYTHON_VERSION"].startswith("3.")
    site_wide = next(rule["values"] for rule in config["headers"] if rule["for"] == "/*")
    hsts = site_wide["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))  # type: ignore[union-attr]
    assert max_age >= 31536000 and "includeSubDomains" in hsts and "preload" in hsts
    assert site_wide["X-Content-Type-Options"] == "nosniff"
    for name in ("Referrer-Policy", "Permissions-Policy", "Cross-Origin-Opener-Policy"):
        assert site_wide[name]
    not_found = [(r["from"], r["to"]) for r in config["redirects"] if r["status"] == 404]
    assert not_found == [("/en/*", "/en/404.html"), ("/*", "/404.html")]


@pytest.fixture(scope="module")
def client(site: Build) -> TestClient:
    app = FastAPI()

    @app.get("/api/ping")
    def ping() -> dict[str, bool]:
        return {"ok": True}

    mount_site(app, site.site_dir, NETLIFY_TOML)
    return TestClient(app)


def test_local_server_applies_the_production_headers(client: TestClient) -> None:
    page = client.get("/toms/")
    assert page.status_code == 200
    assert "hcaptcha" not in page.headers["content-security-policy"]
    assert "max-age=63072000" in page.headers["strict-transport-security"]
    assert page.headers["x-content-type-options"] == "nosniff"
    form = client.get("/en/contact/")
    assert "https://*.hcaptcha.com" in form.headers["content-security-policy"]
    assert client.get("/api/ping").json() == {"ok": True}


def test_local_server_pages_index_and_redirect(client: TestClient) -> None:
    assert '<html lang="en"' in client.get("/en/").text
    moved = client.get("/en/toms", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/en/toms/"
    feed = client.get("/en/subprocessors.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")


@pytest.mark.parametrize(
    ("path", "lang"), [("/en/no-such-page/", "en"), ("/no-such-page", "de"), ("/enx", "de")]
)
def test_local_server_not_found_in_the_visitors_language(
    client: TestClient, path: str, lang: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert f'<html lang="{lang}"' in response.text
    assert "content-security-policy" in response.headers


def test_local_server_hides_config_and_stays_in_the_site(client: TestClient) -> None:
    for path in ("/_headers", "/_redirects", "/../netlify.toml", "/%2e%2e/netlify.toml"):
        assert client.get(path).status_code == 404, path
    assert client.post("/toms/").status_code == 405


@pytest.mark.parametrize("path", ["/%00", "/en/toms%00/", "/" + "a" * 5000, "/en/" + "b" * 300])
def test_local_server_answers_impossible_file_names_with_the_404_page(
    client: TestClient, path: str
) -> None:
    # A NUL byte or a name the file system refuses is "no such file", not a 500 without headers.
    response = client.get(path)
    assert response.status_code == 404
    assert '<html lang="' in response.text
    assert "content-security-policy" in response.headers


def test_local_server_redirects_within_the_site(site: Build) -> None:
    # "//en" must not be answered with the protocol-relative (other host) "//en/".
    moved = SiteApp(site.site_dir, NETLIFY_TOML).respond("GET", "//en")
    assert moved.status_code == 301 and moved.headers["location"] == "/en/"


def test_local_server_rewrites_material_sitemap_lookups(client: TestClient) -> None:
    """Material fetches sitemap.xml next to each hreflang alternate; netlify.toml rewrites it."""
    sitemap = client.get("/sitemap.xml").text
    for path in ("/toms/sitemap.xml", "/en/toms/sitemap.xml", "/en/sitemap.xml"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.text == sitemap
    assert client.get("/en/toms/x/sitemap.xml").status_code == 404


def test_sitemap_has_absolute_hreflang_alternates(site: Build) -> None:
    sitemap = (site.site_dir / "sitemap.xml").read_text("utf-8")
    assert sitemap.count("<url>") == 2 * 8  # every page, in both languages
    assert re.search(r'hreflang="en" href="https://[^"]+/en/toms/"', sitemap)
    assert re.search(r'hreflang="de" href="https://[^"]+/toms/"', sitemap)
