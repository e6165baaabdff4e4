"""Characters that XML 1.0 cannot carry.

A .docx is XML: one such character in a customer's value would make Word refuse the whole file.
Validation already refuses control characters in single-line fields with a message the person
can act on; this is the last line of defence for everything else (e.g. U+FFFE), applied to
every string of the template context.
"""

from __future__ import annotations

import re
from typing import Any

# Everything outside XML 1.0's `Char` production.
_XML_ILLEGAL = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def sanitize(value: Any) -> Any:
    """The same structure with XML-illegal characters removed from every string in it."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {key: sanitize(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(sanitize(item) for item in value)
    return value
