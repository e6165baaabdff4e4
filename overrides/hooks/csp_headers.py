"""Write ``site/_headers`` (Netlify): the Content-Security-Policy and caching of the built files.

Material puts small inline scripts in every page (and their text depends on the page's depth), so
the policy allows scripts from this origin plus the SHA-256 of every inline script found in the
built HTML, never ``'unsafe-inline'``. hCaptcha's origins are allowed only on the two form pages,
in rules placed after the site-wide rule (for one header, the last matching rule wins on Netlify
and in ``api/site_server.py``). Files whose names carry a content hash are cached for a year.
The static headers (HSTS, nosniff, ...) live in ``netlify.toml``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

import trustcenter_build as build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

from api.content import LANGUAGES

HCAPTCHA = "https://hcaptcha.com https://*.hcaptcha.com"
FORM_PAGES = ("contact", "dpa")
SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}
TYPE_ATTR = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
SRC_ATTR = re.compile(r"\bsrc\s*=", re.IGNORECASE)
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.min\.(?:js|css)$")
IMMUTABLE = "public, max-age=31536000, immutable"


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


def policy(hashes: Iterable[str], *, hcaptcha: bool) -> str:
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
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def form_paths() -> list[str]:
    return [f"/{build.language_prefix(lang)}{page}/*" for lang in LANGUAGES for page in FORM_PAGES]


def headers_file(site_dir: Path) -> str:
    hashes = site_script_hashes(site_dir)
    rules = [
        "# Generated at build time by overrides/hooks/csp_headers.py; do not edit.",
        "/*",
        f"  Content-Security-Policy: {policy(hashes, hcaptcha=False)}",
    ]
    for path in form_paths():
        rules += [path, f"  Content-Security-Policy: {policy(hashes, hcaptcha=True)}"]
    for asset in sorted(site_dir.rglob("*")):
        if asset.is_file() and FINGERPRINTED.search(asset.name):
            rules += ["/" + asset.relative_to(site_dir).as_posix(), f"  Cache-Control: {IMMUTABLE}"]
    return "\n".join(rules) + "\n"


@event_priority(-130)  # last: after every other hook has written its HTML
def on_post_build(config: MkDocsConfig) -> None:
    if not build.is_site_complete(config):
        return
    site_dir = Path(config.site_dir)
    (site_dir / "_headers").write_text(headers_file(site_dir), encoding="utf-8")
