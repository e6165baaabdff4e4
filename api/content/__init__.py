"""The content model: every fact of the Trust Center, read once from ``data/`` and validated.

The site build (MkDocs hooks), the exports, the DPA and the mails all read it from here, so a
fact written once in ``data/`` appears the same everywhere. Values that UNOY's source text does
not give are tagged ``!example`` in the YAML; their paths are in :attr:`Content.examples`.
"""

from api.content.loader import Content, get_content, load_content
from api.content.model import (
    Address,
    Area,
    Category,
    Change,
    Company,
    Contact,
    Details,
    DpaOptions,
    Faq,
    Measure,
    Note,
    Option,
    Person,
    Question,
    Reviews,
    Signatory,
    Subprocessor,
    SubprocessorGroup,
    Subprocessors,
    Text,
    Toms,
)
from api.core.errors import ContentError
from api.core.i18n import LANGUAGES, Lang

__all__ = [
    "LANGUAGES",
    "Address",
    "Area",
    "Category",
    "Change",
    "Company",
    "Contact",
    "Content",
    "ContentError",
    "Details",
    "DpaOptions",
    "Faq",
    "Lang",
    "Measure",
    "Note",
    "Option",
    "Person",
    "Question",
    "Reviews",
    "Signatory",
    "Subprocessor",
    "SubprocessorGroup",
    "Subprocessors",
    "Text",
    "Toms",
    "get_content",
    "load_content",
]
