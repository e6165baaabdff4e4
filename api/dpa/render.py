"""Fill a DPA template with docxtpl.

Two things docxtpl does not do by itself, both needed for "what the customer typed appears
exactly as typed": it renders with autoescape off unless told (so `&` or `<` would break the
XML), and after rendering it turns `{_{`, `}_}`, `{_%` and `%_}` anywhere in the output into
Jinja delimiters (its escape syntax for template authors). Writing `{` and `}` of every value
as character references keeps a value's braces out of reach of that replacement; Word reads
them back as the same characters.
"""

from __future__ import annotations

import hashlib
import io
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from api.core.files import content_dir
from api.core.i18n import Lang

if TYPE_CHECKING:
    from collections.abc import Callable

    from docxtpl import DocxTemplate
    from jinja2 import Environment
    from markupsafe import Markup

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def template_path(lang: Lang, template_dir: Path | None = None) -> Path:
    return content_dir("dpa_templates", template_dir) / f"dpa.{lang}.docx"


@lru_cache(maxsize=8)
def _template_bytes(path: Path, mtime_ns: int) -> bytes:
    return path.read_bytes()


def template_bytes(path: Path) -> bytes:
    """The template file, read again only when it changes on disk."""
    return _template_bytes(path, path.stat().st_mtime_ns)


def template_sha256(path: Path) -> str:
    return hashlib.sha256(template_bytes(path)).hexdigest()


def _finalize(value: Any) -> Markup:
    from markupsafe import Markup, escape

    escaped = escape(value)
    # Safe: the text was escaped above; only braces become character references.
    return Markup(str(escaped).replace("{", "&#123;").replace("}", "&#125;"))  # noqa: S704


# Distinct XML parts kept (cleaned or compiled) across templates and their edits on disk; more
# means a template is being edited in a loop (lint), and the cache starts again.
PARTS_MAX = 64


def _kept(cache: dict[str, Any], source: str, make: Callable[[str], Any]) -> Any:
    # Two threads may make the same entry at once: both results are equal, either is kept.
    value = cache.get(source)
    if value is None:
        if len(cache) >= PARTS_MAX:
            cache.clear()
        value = cache[source] = make(source)
    return value


def environment_options() -> dict[str, Any]:
    """autoescape on; a missing variable is an error rather than a silent gap in a contract."""
    # Jinja, like docxtpl below, loads with the first DPA (see render_docx).
    from jinja2 import StrictUndefined

    return {"autoescape": True, "undefined": StrictUndefined, "finalize": _finalize}


@cache
def jinja_environment() -> Environment:
    """The environment every DPA renders with (`environment_options`).

    docxtpl hands the same XML of each template part to `from_string` on every render, and
    compiling it is half of a render's time: each distinct part is compiled once. A compiled
    Jinja template is immutable and may be rendered by several threads at once."""
    from jinja2 import Environment, Template

    class CompilingOnce(Environment):
        compiled: dict[str, Template]

        def from_string(
            self,
            source: str | Any,
            globals: Any = None,
            template_class: type[Template] | None = None,
        ) -> Template:
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            template: Template = _kept(self.compiled, source, super().from_string)
            return template

    environment = CompilingOnce(**environment_options())
    environment.compiled = {}
    return environment


@cache
def _template_class() -> type[DocxTemplate]:
    from docxtpl import DocxTemplate

    class CleaningOnce(DocxTemplate):  # type: ignore[misc]
        """docxtpl cleans each part's XML for Jinja on every render (patch_xml: regexes over
        the whole part, a third of a render); the result depends on that XML alone."""

        cleaned: ClassVar[dict[str, str]] = {}

        def patch_xml(self, src_xml: str) -> str:
            patched: str = _kept(self.cleaned, src_xml, super().patch_xml)
            return patched

    return CleaningOnce


def render_docx(path: Path, context: dict[str, Any]) -> bytes:
    # docxtpl (with lxml and python-docx) loads on the first DPA: a cold start that serves only
    # inquiries never pays for it.
    template = _template_class()(io.BytesIO(template_bytes(path)))
    template.render(context, jinja_environment(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
