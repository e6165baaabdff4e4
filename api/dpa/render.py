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
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.core.files import content_dir
from api.core.i18n import Lang

if TYPE_CHECKING:
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


def jinja_environment() -> Environment:
    """autoescape on; a missing variable is an error rather than a silent gap in a contract."""
    # Jinja, like docxtpl below, loads with the first DPA (see render_docx).
    from jinja2 import Environment, StrictUndefined

    return Environment(autoescape=True, undefined=StrictUndefined, finalize=_finalize)


def render_docx(path: Path, context: dict[str, Any]) -> bytes:
    # docxtpl (with lxml and python-docx) loads on the first DPA: a cold start that serves only
    # inquiries never pays for it.
    from docxtpl import DocxTemplate

    template = DocxTemplate(io.BytesIO(template_bytes(path)))
    template.render(context, jinja_environment(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
