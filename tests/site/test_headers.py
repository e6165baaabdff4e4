"""The production headers: the generated _headers (CSP), netlify.toml, and the local server."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import tomllib
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.core.netlify import HeaderRule, parse_headers_file, parse_netlify_toml
from api.web.site_server import SiteApp, mount_site
from tests.support.asgi import call
from tests.support.site_build import PROJECT_ROOT, Build

pytestmark = pytest.mark.xdist_group("site")

NETLIFY_TOML = PROJECT_ROOT / "netlify.toml"
CSP = "Content-Security-Policy"
FORM_PAGES = {
    f"{prefix}{page}/{index}"
    for prefix in ("/", "/en/")
    for page in ("contact", "dpa", "subprocessors")
    for index in ("", "index.html")
}
NOT_FOUND_PAGES = ("404.html", "en/404.html")
HIDDEN = {"_headers", "_redirects"}
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", re.S
)
META_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def header_rules(site_dir: Path) -> list[HeaderRule]:
    return parse_headers_file((site_dir / "_headers").read_text("utf-8"))


def toml_rules() -> list[HeaderRule]:
    return parse_netlify_toml(NETLIFY_TOML.read_text("utf-8"))[0]


def served_paths(site_dir: Path) -> dict[str, Path]:
    """Every request path answered with a file, as Netlify serves them: x/index.html at /x/ too."""
    paths = {}
    for file in site_dir.rglob("*"):
        if file.is_file() and file.name not in HIDDEN:
            path = "/" + file.relative_to(site_dir).as_posix()
            paths[path] = file
            if file.name == "index.html":
                paths[path.removesuffix("index.html")] = file
    return paths


def policy_of(rules: list[HeaderRule], path: str) -> str:
    found = [rule.values[CSP] for rule in rules if CSP in rule.values and rule.pattern.match(path)]
    assert len(found) == 1, (path, len(found))
    return found[0]


def meta_policy(page: Path) -> str:
    match = META_POLICY.search(page.read_text("utf-8"))
    assert match, page
    return html.unescape(match[1])


def all_policies(site_dir: Path) -> list[str]:
    policies = [rule.values[CSP] for rule in header_rules(site_dir) if CSP in rule.values]
    return policies + [meta_policy(site_dir / page) for page in NOT_FOUND_PAGES]


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
    for policy in all_policies(site.site_dir):
        script_src = directives(policy)["script-src"]
        for script in scripts:
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in script_src
        assert "'unsafe-inline'" not in policy
        assert "'unsafe-eval'" not in policy


def test_csp_directives(site: Build) -> None:
    policies = set(all_policies(site.site_dir))
    # The strict policy, the form pages' one, and the strict one without frame-ancestors (meta).
    assert len(policies) == 3
    for policy in policies:
        parsed = directives(policy)
        assert parsed["default-src"] == ["'self'"]
        assert parsed["object-src"] == ["'none'"]
        assert parsed["base-uri"] == ["'self'"]
        assert parsed["form-action"] == ["'self'"]
    for rule in header_rules(site.site_dir):
        assert directives(rule.values[CSP])["frame-ancestors"] == ["'none'"]


def test_no_two_matching_rules_set_one_header(site: Build) -> None:
    """Each served path gets each header from one rule: nothing is left to Netlify's merging.

    Matched with api/core/netlify.py's patterns, over _headers and netlify.toml together.
    """
    generated, static = header_rules(site.site_dir), toml_rules()
    paths = served_paths(site.site_dir)
    assert "/" in paths and "/en/contact/" in paths and "/assets/javascripts/forms.js" in paths
    server = SiteApp(site.site_dir, NETLIFY_TOML)
    for path, file in paths.items():
        assert server.resolve(path) == file.resolve(), path
        setters: dict[str, int] = {}
        for rule in generated + static:
            if rule.pattern.match(path):
                for name in rule.values:
                    setters[name.lower()] = setters.get(name.lower(), 0) + 1
        assert setters.get(CSP.lower()) == 1, path
        assert max(setters.values()) == 1, (path, setters)
    # Every rule serves a path: no rule for a file that is not there.
    assert all(any(rule.pattern.match(path) for path in paths) for rule in generated)


def test_hcaptcha_only_on_the_form_pages(site: Build) -> None:
    rules = header_rules(site.site_dir)
    paths = served_paths(site.site_dir)
    assert FORM_PAGES.issubset(paths)
    for path in paths:
        allows = "https://*.hcaptcha.com" in directives(policy_of(rules, path))["script-src"]
        assert allows == (path in FORM_PAGES), path
        frames = directives(policy_of(rules, path))["frame-src"]
        assert frames == (
            ["https://hcaptcha.com", "https://*.hcaptcha.com"] if allows else ["'none'"]
        )


def test_not_found_pages_carry_the_strict_policy_in_a_meta(site: Build) -> None:
    """Netlify's 404 responses match no _headers rule, so the page brings its own policy."""
    rules = header_rules(site.site_dir)
    strict = policy_of(rules, "/toms/")
    for page in NOT_FOUND_PAGES:
        text = (site.site_dir / page).read_text("utf-8")
        assert len(META_POLICY.findall(text)) == 1, page
        meta = META_POLICY.search(text)
        assert meta
        # Ahead of everything the policy covers; only <meta charset> (first 1024 bytes) precedes it.
        head = text[text.index("<head>") + len("<head>") : meta.start()]
        assert re.fullmatch(r'\s*<meta charset="utf-8">', head), head
        expected = directives(strict)
        del expected["frame-ancestors"]  # ignored in a meta; X-Frame-Options: DENY covers it
        assert directives(meta_policy(site.site_dir / page)) == expected
    # Elsewhere the header alone: a second (meta) policy would be enforced as well.
    for path, file in served_paths(site.site_dir).items():
        if file.suffix == ".html" and file.name != "404.html":
            assert not META_POLICY.search(file.read_text("utf-8")), path


def test_fingerprinted_assets_are_cached_for_a_year(site: Build) -> None:
    rules = header_rules(site.site_dir)
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
    # Set per path in _headers only (see test_no_two_matching_rules_set_one_header).
    for rule in config["headers"]:
        assert not {CSP.lower(), "cache-control"} & {name.lower() for name in rule["values"]}
    assert site_wide["X-Frame-Options"] == "DENY"  # the 404 pages' meta policy cannot forbid it
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
    for path in ("/en/contact/", "/dpa/index.html"):
        form = client.get(path)
        assert "https://*.hcaptcha.com" in form.headers["content-security-policy"], path
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
    # No file at this path, so no _headers rule: the 404 page's own meta policy applies.
    assert "content-security-policy" not in response.headers
    assert META_POLICY.search(response.text)
    assert response.headers["x-frame-options"] == "DENY"


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
    assert META_POLICY.search(response.text)


def test_local_server_redirects_within_the_site(site: Build) -> None:
    # "//en" must not be answered with the protocol-relative (other host) "//en/".
    moved = SiteApp(site.site_dir, NETLIFY_TOML).respond("GET", "//en")
    assert moved.status_code == 301 and moved.headers["location"] == "/en/"


def test_local_server_rewrites_material_sitemap_lookups(client: TestClient) -> None:
    """Material fetches sitemap.xml next to each hreflang alternate; netlify.toml rewrites it."""
    sitemap = client.get("/sitemap.xml").text
    for path in ("/toms/sitemap.xml", "/en/toms/sitemap.xml"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.text == sitemap
    # The English root has a sitemap of its own (the English pages).
    english = client.get("/en/sitemap.xml")
    assert english.status_code == 200 and english.text != sitemap
    assert client.get("/en/toms/x/sitemap.xml").status_code == 404


def test_sitemap_has_absolute_hreflang_alternates(site: Build) -> None:
    sitemap = (site.site_dir / "sitemap.xml").read_text("utf-8")
    assert sitemap.count("<url>") == 2 * 12  # every page, in both languages
    assert re.search(r'hreflang="en" href="https://[^"]+/en/toms/"', sitemap)
    assert re.search(r'hreflang="de" href="https://[^"]+/toms/"', sitemap)


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"), ("", None)],
)
def test_local_server_compresses_like_netlify(
    client: TestClient, accept: str, encoding: str | None
) -> None:
    """Brotli where the browser takes it, else gzip; never zstd, which Netlify does not send."""
    response = client.get("/toms/", headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("content-encoding") == encoding
    assert "Accept-Encoding" in response.headers["vary"]
    # The production headers stay on the compressed response.
    assert "script-src" in response.headers["content-security-policy"]
    assert "<h1" in response.text


def test_local_server_leaves_small_and_compressed_files_alone(client: TestClient) -> None:
    for path in ("/search/search_index.json", "/assets/brand/apple-touch-icon.png"):
        response = client.get(path, headers={"Accept-Encoding": "br, gzip"})
        assert response.status_code == 200, path
        assert "content-encoding" not in response.headers, path


@pytest.mark.parametrize(
    ("path", "canonical"),
    [
        ("//contact/", "/contact/"),
        ("/contact//", "/contact/"),
        ("/./contact/", "/contact/"),
        ("/en//contact/", "/en/contact/"),
        ("/en/./contact/./", "/en/contact/"),
        ("/en/../contact/", "/contact/"),
        ("//en//dpa//index.html", "/en/dpa/index.html"),
        ("/../../contact/", "/contact/"),
    ],
)
def test_local_server_redirects_non_canonical_paths(site: Build, path: str, canonical: str) -> None:
    """A page served under another spelling of its path would match no _headers rule and go
    out without its Content-Security-Policy."""
    app = SiteApp(site.site_dir, NETLIFY_TOML)
    for method in ("GET", "HEAD"):
        answer = call(app, method, path)
        assert answer.status == 301, (method, path)
        assert answer.headers["location"] == canonical
    assert CSP.lower() in call(app, "GET", canonical).headers


def test_local_server_never_sends_a_page_without_a_policy(site: Build, tmp_path: Path) -> None:
    """Whatever the site holds, a page answered 200 carries a CSP (here one _headers lacks)."""
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(site.site_dir, copy)
    (copy / "stray.html").write_text("<h1>left over</h1>", encoding="utf-8")
    answer = call(SiteApp(copy, NETLIFY_TOML), "GET", "/stray.html")
    assert answer.status == 200
    assert "default-src 'none'" in answer.headers[CSP.lower()]


@pytest.mark.parametrize(
    "path",
    ["/", "/en/toms/", "/en/toms", "/no-such-page", "/sitemap.xml", "/en/subprocessors.atom"],
)
def test_local_server_answers_head_like_get_without_a_body(site: Build, path: str) -> None:
    app = SiteApp(site.site_dir, NETLIFY_TOML)
    get, head = call(app, "GET", path), call(app, "HEAD", path)
    assert head.status == get.status
    assert head.headers == get.headers
    assert head.body == b""
