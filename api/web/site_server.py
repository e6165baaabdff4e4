"""Serve the built site like Netlify does, so `make run` shows the production headers locally.

Every static response gets the ``[[headers]]`` of ``netlify.toml`` and the rules of the generated
``site/_headers`` (one rule per served path, with its Content-Security-Policy), every rule whose
path matches the request. The generated files never let two matching rules set the same header
(how Netlify would merge them is not documented), so the order of the rules does not matter. A
directory ``x/`` serves ``x/index.html``; where no file exists, the ``[[redirects]]`` that serve a
local file apply: rewrites (status 200) and the 404 page of the visitor's language (status 404),
whose policy is in its ``<meta>`` since its path matches no ``_headers`` rule.

A path is answered under its canonical spelling only: ``//contact/``, ``/contact//`` or
``/./contact/`` would serve the page but match none of its rules, so they are redirected to
``/contact/``. A page answered 200 that no rule gives a policy gets the strictest one.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path

from fastapi import FastAPI
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette_compress import CompressMiddleware

from api.core.files import checkout_root
from api.core.netlify import HIDDEN, merged_headers, parse_headers_file, parse_netlify_toml

logger = logging.getLogger(__name__)

# Below this a compressed body saves less than its headers cost.
COMPRESS_MINIMUM_SIZE = 500

# For a page that no _headers rule covers (a stray file in site/): nothing runs, nothing loads.
STRICT_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

MEDIA_TYPES = {
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain",
}


def canonical_path(path: str) -> str:
    """`path` with empty and dot segments resolved (`//a/./b/../c//` → `/a/c/`); never above
    the root, always with one leading slash."""
    segments: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if segments:
                segments.pop()
        elif part not in ("", "."):
            segments.append(part)
    canonical = "/" + "/".join(segments)
    trailing = path.endswith(("/", "/.", "/.."))
    return canonical + "/" if trailing and segments else canonical


class SiteApp:
    """An ASGI app serving ``site_dir`` with Netlify's headers and per-language 404 pages."""

    def __init__(self, site_dir: Path, netlify_toml: Path | None) -> None:
        self.root = site_dir.resolve()
        toml_headers, self.routes = (
            parse_netlify_toml(netlify_toml.read_text("utf-8")) if netlify_toml else ([], [])
        )
        headers_file = self.root / "_headers"
        generated = (
            parse_headers_file(headers_file.read_text("utf-8")) if headers_file.is_file() else []
        )
        if not generated:
            logger.warning("%s has no rules: is the site built?", headers_file)
        # No two rules matching one path set the same header (see tests/site/test_headers.py).
        self.header_rules = generated + toml_headers

    def resolve(self, path: str) -> Path | None:
        """The file that serves `path` (a directory's index.html), or None."""
        try:
            candidate = (self.root / path.lstrip("/")).resolve()
            if not candidate.is_relative_to(self.root) or candidate.name in HIDDEN:
                return None
            if candidate.is_dir():
                candidate = candidate / "index.html"
            return candidate if candidate.is_file() else None
        except (OSError, ValueError):  # a NUL byte, a name longer than the file system allows
            return None

    def respond(self, method: str, path: str) -> Response:
        if method not in ("GET", "HEAD"):
            return PlainTextResponse("Method Not Allowed", 405, headers={"Allow": "GET, HEAD"})
        # One leading slash: "//en" must not become the protocol-relative "//en/".
        canonical = canonical_path(path)
        if not canonical.endswith("/") and self._is_directory(canonical):
            canonical += "/"  # its index.html, at x/
        if canonical != path:
            return RedirectResponse(canonical, status_code=301)
        found = self.resolve(path)
        if found is not None:
            return self._file(found)
        # Like Netlify without `force`: a rule applies only where no file exists; first match wins.
        for rule in self.routes:
            page = self.resolve(rule.page)
            if rule.pattern.match(path) and page is not None:
                return self._file(page, rule.status)
        return PlainTextResponse("Not Found", 404)

    def _is_directory(self, path: str) -> bool:
        """Whether `path` names a folder (served as its index.html)."""
        found = self.resolve(path)
        return found is not None and found.name == "index.html" and not path.endswith("/index.html")

    @staticmethod
    def _file(path: Path, status_code: int = 200) -> FileResponse:
        media_type = MEDIA_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        return FileResponse(
            path, status_code=status_code, media_type=media_type or "application/octet-stream"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        response = self.respond(scope["method"], path)
        for name, value in merged_headers(self.header_rules, path).items():
            response.headers[name] = value
        page = response.headers.get("content-type", "").startswith("text/html")
        if page and response.status_code < 300:
            response.headers.setdefault("Content-Security-Policy", STRICT_POLICY)
        await response(scope, receive, send)


def compressed(app: ASGIApp) -> ASGIApp:
    """Compress responses as Netlify does (brotli, else gzip, for the types worth it), so what
    a local run measures (tests/browser, bench/bench_lighthouse.py) is what visitors get.
    Netlify offers no zstd; brotli quality 4 is cheap enough to run per request."""
    return CompressMiddleware(app, minimum_size=COMPRESS_MINIMUM_SIZE, zstd=False)


def default_netlify_toml() -> Path | None:
    root = checkout_root()
    return root / "netlify.toml" if root is not None else None


def mount_site(app: FastAPI, site_dir: Path, netlify_toml: Path | None = None) -> None:
    """Serve the built site at ``/``; call it after every API route has been added.
    Without a ``netlify.toml`` (the checkout's by default) only ``site/_headers`` applies."""
    netlify_toml = netlify_toml or default_netlify_toml()
    if not site_dir.is_dir():
        logger.warning(
            "site directory %s not found: run `make build`; serving the API only", site_dir
        )
        return
    app.mount("/", compressed(SiteApp(site_dir, netlify_toml)), name="site")
