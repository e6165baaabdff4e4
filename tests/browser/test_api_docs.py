"""/api/docs in Chromium against the real server: Swagger UI renders every operation from this
origin alone, with no CSP violation and no request to another host."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_contact_form import RECORD_VIOLATIONS, csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_the_api_docs_render_from_this_origin_only(page: Page, live_server: str) -> None:
    errors: list[str] = []
    hosts: set[str] = set()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server + "/api/docs")
    expect(page.get_by_text("UNOY Trust Center API").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/contact").first).to_be_visible()
    assert hosts == {urlsplit(live_server).netloc}
    assert csp_violations(page) == []
    assert errors == []
