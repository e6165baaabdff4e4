"""Netlify's conventions, shared by the static build (which writes ``_headers`` and
``_redirects``) and the local server that imitates Netlify (``api/web/site_server.py``): which
files Netlify reads as configuration, and how its path rules and header files are read."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

# Netlify reads these as configuration and never serves them.
HIDDEN = {"_headers", "_redirects"}


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
