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


@pytest.mark.parametrize(
    ("marker", "problem"),
    [
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
