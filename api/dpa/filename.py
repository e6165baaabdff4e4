"""The download's file name: `UNOY-DPA-<customer>-<reference>.<ext>`, and
`UNOY-DPA-ENTWURF-<customer>-<reference>.<ext>` (the word in the document's language) for a draft.

Browsers take `filename*` (RFC 6266 / RFC 5987, UTF-8) when they understand it and the plain
ASCII `filename` otherwise, so both are sent: the customer's name with its umlauts where
possible, a transliterated ASCII fallback everywhere else.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_CUSTOMER_CHARS = 60
_NOT_ASCII_WORD = re.compile(r"[^A-Za-z0-9]+")
# Characters no file system or header should get from a customer's name.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|;,%\s]+')


def ascii_part(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    plain = decomposed.encode("ascii", "ignore").decode("ascii")
    return _NOT_ASCII_WORD.sub("-", plain).strip("-")[:MAX_CUSTOMER_CHARS].strip("-")


def unicode_part(text: str) -> str:
    # Without format characters (Cf): a right-to-left override would make the name read
    # backwards, e.g. "Evil\u202excod.exe" as "Evilexe.docx". Validation refuses them already.
    visible = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _UNSAFE.sub("-", unicodedata.normalize("NFC", visible)).strip("-.")[:MAX_CUSTOMER_CHARS]


def download_name(
    customer: str, reference: str, extension: str, *, ascii_only: bool, draft: str = ""
) -> str:
    part = ascii_part(customer) if ascii_only else unicode_part(customer)
    if ascii_only:
        draft = ascii_part(draft)
    stem = "-".join(piece for piece in ("UNOY-DPA", draft, part, reference) if piece)
    return f"{stem}.{extension}"


def content_disposition(customer: str, reference: str, extension: str, draft: str = "") -> str:
    """`draft`: the word that marks a draft in the file name ("ENTWURF"), or "" for none."""
    fallback = download_name(customer, reference, extension, ascii_only=True, draft=draft)
    full = download_name(customer, reference, extension, ascii_only=False, draft=draft)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(full, safe='')}"
