"""WCAG 2.1 contrast of the brand's palette (docs/assets/brand/brand.css), light and dark."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.site_build import PROJECT_ROOT

BRAND_CSS = PROJECT_ROOT / "docs" / "assets" / "brand" / "brand.css"
VARIABLE = re.compile(
    r"--(?P<name>[a-z][a-z0-9-]*):\s*(?P<value>#[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?)\s*;"
)
DARK = "@media (prefers-color-scheme: dark)"

# (foreground, background, minimum): text needs 4.5:1 (WCAG 1.4.3), a border or an icon 3:1
# (1.4.11). Backgrounds that are a translucent colour over the page are blended first
# ("a over b"); the search's result count sits on --md-default-fg-color--lightest.
PAIRS: tuple[tuple[str, str, float], ...] = (
    ("tc-text", "tc-bg", 4.5),
    ("tc-text-muted", "tc-bg", 4.5),
    ("tc-link", "tc-bg", 4.5),
    ("tc-accent", "tc-bg", 4.5),
    ("tc-error", "tc-bg", 4.5),
    ("tc-text", "tc-surface", 4.5),
    ("tc-text-muted", "tc-surface", 4.5),
    ("tc-link", "tc-surface", 4.5),
    ("tc-text-muted", "md-default-fg-color--lightest over tc-bg", 4.5),
    ("tc-link", "md-default-fg-color--lightest over tc-bg", 4.5),
    ("tc-on-brand", "tc-brand", 4.5),
    ("tc-on-footer", "tc-footer-bg", 4.5),
    ("md-footer-fg-color--light over tc-footer-bg", "tc-footer-bg", 4.5),
    ("tc-success", "tc-bg", 3.0),
)


def palettes(css: str | None = None) -> dict[str, dict[str, str]]:
    """The variables of the light palette and of the dark one (which overrides the light)."""
    css = BRAND_CSS.read_text("utf-8") if css is None else css
    light_part, _, dark_part = css.partition(DARK)
    light = {m["name"]: m["value"].lower() for m in VARIABLE.finditer(light_part)}
    dark = {**light, **{m["name"]: m["value"].lower() for m in VARIABLE.finditer(dark_part)}}
    return {"light": light, "dark": dark}


def _rgba(value: str) -> tuple[tuple[int, int, int], float]:
    digits = value.lstrip("#")
    rgb = (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))
    return rgb, (int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0)


def blend(top: str, bottom: str) -> str:
    (r, g, b), alpha = _rgba(top)
    (r2, g2, b2), _ = _rgba(bottom)
    mixed = (round(alpha * x + (1 - alpha) * y) for x, y in ((r, r2), (g, g2), (b, b2)))
    return "#" + "".join(f"{channel:02x}" for channel in mixed)


def luminance(value: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    (r, g, b), _ = _rgba(value)
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def ratio(first: str, second: str) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def colour(palette: dict[str, str], name: str) -> str:
    """A variable's opaque colour; "a over b" blends a translucent `a` onto `b`."""
    top, _, bottom = name.partition(" over ")
    value = palette[top]
    return blend(value, colour(palette, bottom)) if bottom else value


def contrasts(path: Path = BRAND_CSS) -> list[tuple[str, str, str, float, float]]:
    """(scheme, foreground, background, ratio, minimum) for every pair in both schemes."""
    found = []
    for scheme, palette in palettes(path.read_text("utf-8")).items():
        for foreground, background, minimum in PAIRS:
            value = ratio(colour(palette, foreground), colour(palette, background))
            found.append((scheme, foreground, background, value, minimum))
    return found
