"""UNOY's brand from one place: the palette passes WCAG AA in light and dark mode, and the logo,
icon and touch icon are the files of docs/assets/brand/ the site uses."""

from __future__ import annotations

import pytest

from tests.site.conftest import page_path
from tests.support.contrast import BRAND_CSS, PAIRS, blend, contrasts, palettes, ratio
from tests.support.site_build import Build

pytestmark = pytest.mark.xdist_group("site")


def test_the_ratio_is_wcag_s() -> None:
    assert ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    # The search overlay's result count before this palette: Material's #0000008a text on its
    # #00000012 background, over white.
    assert ratio(blend("#0000008a", "#ffffff"), blend("#00000012", "#ffffff")) < 4.5


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_colour_pair_passes_wcag_aa(scheme: str) -> None:
    checked = [row for row in contrasts() if row[0] == scheme]
    assert len(checked) == len(PAIRS)
    failing = [
        f"{fg} on {bg}: {value:.2f} < {minimum}"
        for _, fg, bg, value, minimum in checked
        if value < minimum
    ]
    assert failing == []


def test_dark_mode_changes_the_page_colours() -> None:
    light, dark = palettes()["light"], palettes()["dark"]
    for name in ("tc-text", "tc-bg", "tc-link", "tc-text-muted", "tc-error"):
        assert light[name] != dark[name], name


def test_the_site_uses_the_brand(site: Build) -> None:
    html = page_path(site.site_dir, "de", "").read_text("utf-8")
    logo = (BRAND_CSS.parent / "logo.svg").read_text("utf-8")
    # The logo inline in the header and the drawer, hidden from screen readers (the link
    # around it names the site); no Material library icon.
    assert html.count('<svg aria-hidden="true" focusable="false" xmlns') == 2
    assert logo.split('viewBox="', 1)[1].split('"', 1)[0] in html
    assert 'href="assets/brand/icon.svg"' in html
    assert 'rel="apple-touch-icon" href="assets/brand/apple-touch-icon.png"' in html
    assert 'href="assets/brand/brand.css"' in html
    for name in ("logo.svg", "icon.svg", "apple-touch-icon.png", "brand.css"):
        assert (site.site_dir / "assets" / "brand" / name).is_file(), name
    # No web font, no third-party asset.
    assert "fonts.googleapis" not in html and "@font-face" not in BRAND_CSS.read_text("utf-8")
