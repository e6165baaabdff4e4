"""The marker syntax: how a page or an FAQ answer says where a fact from data/ goes.

``<!-- trustcenter:measure authentication -->`` names a marker and, optionally, one argument.
The site build (``overrides/hooks/content_pages.py``) fills them; the content loader checks the
ones written in data/ (FAQ answers) before anything is built.
"""

from __future__ import annotations

import re

MARKER = re.compile(
    r"<!--\s*trustcenter:(?P<name>[a-z][a-z-]*)(?:\s+(?P<arg>[A-Za-z0-9_.]+))?\s*-->"
)


def markers(text: str) -> list[tuple[str, str | None]]:
    """Every marker of `text` as (name, argument), in order."""
    return [(match["name"], match["arg"]) for match in MARKER.finditer(text)]
