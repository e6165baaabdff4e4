"""The marker hook on its own: escaping, languages, and a marker that cannot be filled."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from types import ModuleType
from unittest.mock import Mock

import pytest
from mkdocs.exceptions import PluginError

from api.content import Content
from tests.support.site_build import PROJECT_ROOT

pytestmark = pytest.mark.xdist_group("site")

HOOKS = PROJECT_ROOT / "overrides" / "hooks"


@pytest.fixture(scope="module")
def hooks(content: Content) -> Iterator[ModuleType]:
    """content_pages as MkDocs loads it (its directory on sys.path), with content loaded."""
    sys.path.insert(0, str(HOOKS))
    try:
        module = importlib.import_module("content_pages")
        build = importlib.import_module("trustcenter_build")
        build.STATE.content = content
        yield module
    finally:
        sys.path.remove(str(HOOKS))


def page(src_uri: str = "security.en.md") -> Mock:
    return Mock(url="en/security/", file=Mock(src_uri=src_uri))


def config(lang: str) -> Mock:
    return Mock(theme={"language": lang})


def test_data_is_escaped_for_markdown_and_html(hooks: ModuleType) -> None:
    assert str(hooks.markdown_text("N+1 *fett* <b>&")) == r"N\+1 \*fett\* &lt;b&gt;&amp;"


def test_markers_render_in_the_page_language(hooks: ModuleType, content: Content) -> None:
    text = "<!-- trustcenter:value toms.title --> / <!-- trustcenter:measure encryption -->"
    for lang in ("de", "en"):
        out = hooks.on_page_markdown(text, page(), config(lang), Mock())
        assert out.startswith(str(hooks.markdown_text(content.toms.title(lang))))
        assert str(hooks.markdown_text(content.toms.measure("encryption").text(lang))) in out
        assert "{: #encryption }" in out


def test_values_render_by_kind(hooks: ModuleType, content: Content) -> None:
    """An address is a mailto link, a date is for people and machines, a list is a list, a
    measure is reached by its id, a message by its key."""

    def render(marker: str, lang: str = "en") -> str:
        return str(hooks.on_page_markdown(marker, page(), config(lang), Mock()))

    address = content.company.privacy_contact.email
    assert render("<!-- trustcenter:value company.privacy_contact.email -->") == (
        f'<a href="mailto:{address}">{address}</a>'
    )
    version = content.subprocessors.version
    assert render("<!-- trustcenter:value subprocessors.version -->", "de") == (
        f'<time datetime="{version.isoformat()}">{version.day}. November {version.year}</time>'
    )
    names = render("<!-- trustcenter:value subprocessors.names -->")
    assert names.startswith("Amazon Web Services, Hubspot Inc\\., ")
    assert render("<!-- trustcenter:value subprocessors.count -->") == "6"
    summary = content.toms.measure("encryption").summary
    assert summary is not None
    assert render("<!-- trustcenter:value toms.by_id.encryption.summary -->", "de") == summary.de
    assert render("<!-- trustcenter:message inquiry.request_type.access -->") == (
        "Access \\(Art\\. 15 GDPR\\)"
    )


@pytest.mark.parametrize(
    ("marker", "problem"),
    [
        ("<!-- trustcenter:message no.such.key -->", "unknown message 'no.such.key'"),
        ("<!-- trustcenter:value toms.by_id.no_such_measure -->", "unknown value 'toms.by_id"),
        ("<!-- trustcenter:value toms.by_id -->", "'toms.by_id' is not a single value"),
        ("<!-- trustcenter:measure no_such_measure -->", "unknown measure 'no_such_measure'"),
        ("<!-- trustcenter:measure -->", "unknown measure 'None'"),
        ("<!-- trustcenter:no-such-marker -->", "unknown marker 'no-such-marker'"),
        ("<!-- trustcenter:value company.no_such_field -->", "unknown value 'company.no_such"),
        ("<!-- trustcenter:value company.address -->", "'company.address' is not a single"),
    ],
)
def test_a_marker_that_cannot_be_filled_stops_the_build(
    hooks: ModuleType, marker: str, problem: str
) -> None:
    with pytest.raises(PluginError) as error:
        hooks.on_page_markdown(f"text\n{marker}\n", page(), config("en"), Mock())
    assert str(error.value).startswith(f"security.en.md: marker '{marker}': {problem}")
