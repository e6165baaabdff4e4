"""The brand's touch icon (``docs/assets/brand/apple-touch-icon.png``), rendered from its icon.

iOS shows a 180 × 180 PNG on the home screen and lays its own rounded corners over it; the icon
sits on a white square with a margin, as Apple's guidelines draw it. ``make brand`` writes it
after a change of ``icon.svg``; ``tests/browser/test_brand.py`` checks that the committed file is
this rendering of the current icon.

Run: ``python -m tests.support.brand`` (needs the test extra's Playwright and a Chromium).
"""

from __future__ import annotations

import base64

from playwright.sync_api import Page, sync_playwright

from tests.support.site_build import PROJECT_ROOT

BRAND = PROJECT_ROOT / "docs" / "assets" / "brand"
ICON = BRAND / "icon.svg"
TOUCH_ICON = BRAND / "apple-touch-icon.png"
SIZE = 180
MARGIN = 20


def touch_icon_html(icon_svg: bytes) -> str:
    source = "data:image/svg+xml;base64," + base64.b64encode(icon_svg).decode("ascii")
    inner = SIZE - 2 * MARGIN
    return (
        '<!doctype html><html><body style="margin:0;background:#fff">'
        f'<img src="{source}" width="{inner}" height="{inner}" alt="" '
        f'style="display:block;margin:{MARGIN}px"></body></html>'
    )


def render_touch_icon(page: Page, icon_svg: bytes) -> bytes:
    page.set_viewport_size({"width": SIZE, "height": SIZE})
    page.set_content(touch_icon_html(icon_svg))
    page.locator("img").evaluate("img => img.decode()")
    png: bytes = page.screenshot(clip={"x": 0, "y": 0, "width": SIZE, "height": SIZE})
    return png


def main() -> None:
    from tests.browser.conftest import CHROMIUM_ARGS, SYSTEM_CHROMIUM

    with sync_playwright() as playwright:
        options = (
            {"executable_path": str(SYSTEM_CHROMIUM), "args": CHROMIUM_ARGS}
            if SYSTEM_CHROMIUM.exists()
            else {}
        )
        browser = playwright.chromium.launch(**options)  # type: ignore[arg-type]
        try:
            TOUCH_ICON.write_bytes(render_touch_icon(browser.new_page(), ICON.read_bytes()))
        finally:
            browser.close()
    print(f"wrote {TOUCH_ICON.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
