"""Write ``site/_headers`` (Netlify): the Content-Security-Policy and caching of the built files.

Material puts small inline scripts in every page (and their text depends on the page's depth), so
the policy allows scripts from this origin plus the SHA-256 of every inline script found in the
built HTML, never ``'unsafe-inline'``. hCaptcha's origins are allowed only on the form pages.

Netlify does not document what happens when two *different* matching path rules set the same
header; if it combined them, the browser would enforce both policies (the strict one) and the forms
would break. So no two rules can match one request and set the same header: there is one rule per
served path (``x/index.html`` is served at ``/x/`` and ``/x/index.html``), carrying that path's
only Content-Security-Policy and, for files whose names carry a content hash, a year of caching.
``netlify.toml``'s ``/*`` rule holds the headers that are the same everywhere (HSTS, nosniff, ...)
and sets neither. Responses for paths without a file (the per-language 404 page served through
``[[redirects]]``) match no rule here, so the two 404 pages carry the strict policy in a ``<meta>``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from html import escape
from pathlib import Path

import trustcenter_build as build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from api.content import LANGUAGES
from api.core.netlify import HIDDEN

HCAPTCHA = "https://hcaptcha.com https://*.hcaptcha.com"
FORM_PAGES = ("contact", "dpa", "subprocessors")
SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}
TYPE_ATTR = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
SRC_ATTR = re.compile(r"\bsrc\s*=", re.IGNORECASE)
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.min\.(?:js|css)$")
IMMUTABLE = "public, max-age=31536000, immutable"
NOT_FOUND_PAGE = "404.html"
META_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>\s*', re.IGNORECASE)
CHARSET = re.compile(r"<meta charset=[^>]*>", re.IGNORECASE)
HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script the browser would execute."""
    scripts = []
    for match in SCRIPT.finditer(html):
        attrs = match["attrs"]
        if SRC_ATTR.search(attrs):
            continue
        kind = TYPE_ATTR.search(attrs)
        if kind and kind.group(1).lower() not in EXECUTABLE_TYPES:
            continue
        scripts.append(match["body"])
    return scripts


def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def site_script_hashes(site_dir: Path) -> list[str]:
    hashes = {
        script_hash(script)
        for page in site_dir.rglob("*.html")
        for script in inline_scripts(page.read_text(encoding="utf-8"))
    }
    return sorted(hashes)


def policy(hashes: Iterable[str], *, hcaptcha: bool, meta: bool = False) -> str:
    """The page policy; ``meta=True`` for a ``<meta>`` tag, which cannot carry frame-ancestors."""
    extra = f" {HCAPTCHA}" if hcaptcha else ""
    directives = [
        "default-src 'self'",
        "script-src 'self' " + " ".join(hashes) + extra,
        f"style-src 'self'{extra}",
        # Material's icons are data: SVGs in its stylesheet.
        "img-src 'self' data:",
        "font-src 'self'",
        f"connect-src 'self'{extra}",
        f"frame-src {HCAPTCHA}" if hcaptcha else "frame-src 'none'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    if not meta:
        directives.append("frame-ancestors 'none'")
    return "; ".join(directives)


def form_paths() -> set[str]:
    pages = [f"/{build.language_prefix(lang)}{page}/" for lang in LANGUAGES for page in FORM_PAGES]
    return {*pages, *(page + "index.html" for page in pages)}


def served_paths(site_dir: Path) -> list[str]:
    """Every request path that Netlify answers with a file of ``site_dir``."""
    paths = []
    for file in sorted(site_dir.rglob("*")):
        if not file.is_file() or file.name in HIDDEN:
            continue
        path = "/" + file.relative_to(site_dir).as_posix()
        if file.name == "index.html":
            paths.append(path.removesuffix("index.html"))
        paths.append(path)
    return paths


def headers_file(site_dir: Path) -> str:
    hashes = site_script_hashes(site_dir)
    strict, forms = policy(hashes, hcaptcha=False), policy(hashes, hcaptcha=True)
    with_hcaptcha = form_paths()
    rules = ["# Generated at build time by overrides/hooks/csp_headers.py; do not edit."]
    for path in served_paths(site_dir):
        rules += [path, f"  Content-Security-Policy: {forms if path in with_hcaptcha else strict}"]
        if FINGERPRINTED.search(path):
            rules.append(f"  Cache-Control: {IMMUTABLE}")
    return "\n".join(rules) + "\n"


def with_meta_policy(html: str, meta_policy: str) -> str:
    """``html`` with ``meta_policy`` in a ``<meta>`` ahead of everything it has to cover.

    It follows ``<meta charset>`` (which must stay within the first 1024 bytes) and precedes every
    script, style sheet and link. A ``<meta>`` policy cannot carry frame-ancestors: framing is
    refused by ``X-Frame-Options: DENY`` from netlify.toml, which applies to every response.
    """
    html = META_POLICY.sub("", html)
    # Only the quote and the ampersand need escaping inside a double-quoted attribute.
    content = escape(meta_policy, quote=False).replace('"', "&quot;")
    tag = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    anchor = CHARSET.search(html) or HEAD.search(html)
    if anchor is None:
        raise ValueError("a 404 page without <head>")
    return html[: anchor.end()] + tag + html[anchor.end() :]


def add_not_found_policies(site_dir: Path) -> None:
    """Netlify serves the 404 pages for paths that match no ``_headers`` rule: they carry a meta."""
    hashes = site_script_hashes(site_dir)
    meta_policy = policy(hashes, hcaptcha=False, meta=True)
    for lang in LANGUAGES:
        page = site_dir / build.language_prefix(lang) / NOT_FOUND_PAGE
        page.write_text(with_meta_policy(page.read_text("utf-8"), meta_policy), encoding="utf-8")
    # A meta tag is not a script; should that ever change, the policy would block the page.
    if site_script_hashes(site_dir) != hashes:
        raise PluginError("the 404 pages' meta policy changed the inline scripts it hashes")


@event_priority(-130)  # last: after every other hook has written its HTML
def on_post_build(config: MkDocsConfig) -> None:
    if not build.is_site_complete(config):
        return
    site_dir = Path(config.site_dir)
    add_not_found_policies(site_dir)
    (site_dir / "_headers").write_text(headers_file(site_dir), encoding="utf-8")
