"""Serve the built site like Netlify does, so `make run` shows the production headers locally.

Every static response gets the ``[[headers]]`` of ``netlify.toml`` and the rules of the generated
``site/_headers`` (one rule per served path, with its Content-Security-Policy), every rule whose
path matches the request. The generated files never let two matching rules set the same header
(how Netlify would merge them is not documented), so the order of the rules does not matter. A
directory ``x/`` serves ``x/index.html``; where no file exists, the ``[[redirects]]`` that serve a
local file apply: rewrites (status 200) and the 404 page of the visitor's language (status 404),
whose policy is in its ``<meta>`` since its path matches no ``_headers`` rule.
"""

from __future__ import annotations

import logging
import mimetypes
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send

logger = logging.getLogger(__name__)

DEFAULT_NETLIFY_TOML = Path(__file__).resolve().parent.parent / "netlify.toml"
# Netlify reads these as configuration and never serves them.
HIDDEN = {"_headers", "_redirects"}
MEDIA_TYPES = {
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain",
}


def path_pattern(rule: str) -> re.Pattern[str]:
    """A Netlify path rule (``/*``, ``/en/*``, ``/a/:slug``, ``/exact``) as a regular expression."""
    parts = [part for part in rule.split("/") if part]
    if not parts:
        return re.compile(r"^/$")
    regex = "/".join(
        ".*" if part == "*" else "[^/]+" if part.startswith(":") else re.escape(part)
        for part in parts
    )
    return re.compile(f"^/{regex}/?$", re.IGNORECASE)


@dataclass(frozen=True)
class HeaderRule:
    pattern: re.Pattern[str]
    values: dict[str, str]


@dataclass(frozen=True)
class RouteRule:
    """A ``[[redirects]]`` rule that serves a local file: a rewrite (200) or a 404 page."""

    pattern: re.Pattern[str]
    page: str
    status: int


def parse_headers_file(text: str) -> list[HeaderRule]:
    """Parse Netlify's ``_headers``: a path line, then indented ``Name: value`` lines."""
    rules: list[HeaderRule] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not raw[0].isspace():
            rules.append(HeaderRule(path_pattern(line), {}))
            continue
        name, sep, value = line.partition(":")
        if not rules or not sep:
            raise ValueError(f"_headers line {number}: expected 'Name: value' under a path")
        rules[-1].values[name.strip()] = value.strip()
    return rules


def parse_netlify_toml(text: str) -> tuple[list[HeaderRule], list[RouteRule]]:
    config: dict[str, Any] = tomllib.loads(text)
    headers = [
        HeaderRule(path_pattern(rule["for"]), {k: str(v) for k, v in rule["values"].items()})
        for rule in config.get("headers", [])
    ]
    routes = [
        RouteRule(path_pattern(rule["from"]), str(rule["to"]), int(rule["status"]))
        for rule in config.get("redirects", [])
        if int(rule.get("status", 301)) in (200, 404) and str(rule["to"]).startswith("/")
    ]
    return headers, routes


def merged_headers(rules: list[HeaderRule], path: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for rule in rules:
        if rule.pattern.match(path):
            for name, value in rule.values.items():
                for existing in [key for key in merged if key.lower() == name.lower()]:
                    del merged[existing]
                merged[name] = value
    return merged


class SiteApp:
    """An ASGI app serving ``site_dir`` with Netlify's headers and per-language 404 pages."""

    def __init__(self, site_dir: Path, netlify_toml: Path) -> None:
        self.root = site_dir.resolve()
        toml_headers, self.routes = parse_netlify_toml(netlify_toml.read_text("utf-8"))
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
        found = self.resolve(path)
        if found is not None:
            if not path.endswith("/") and (self.root / path.lstrip("/")).is_dir():
                # One leading slash: "//en" must not become the protocol-relative "//en/".
                return RedirectResponse("/" + path.lstrip("/") + "/", status_code=301)
            return self._file(found)
        # Like Netlify without `force`: a rule applies only where no file exists; first match wins.
        for rule in self.routes:
            page = self.resolve(rule.page)
            if rule.pattern.match(path) and page is not None:
                return self._file(page, rule.status)
        return PlainTextResponse("Not Found", 404)

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
        await response(scope, receive, send)


def mount_site(app: FastAPI, site_dir: Path, netlify_toml: Path = DEFAULT_NETLIFY_TOML) -> None:
    """Serve the built site at ``/``; call it after every API route has been added."""
    if not site_dir.is_dir():
        logger.warning(
            "site directory %s not found: run `make build`; serving the API only", site_dir
        )
        return
    app.mount("/", SiteApp(site_dir, netlify_toml), name="site")
