"""File names, references and the XML clean-up."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

from api.core.reference import DPA, is_reference, new_reference
from api.dpa.filename import content_disposition, download_name
from api.dpa.sanitize import sanitize, xml_safe


def test_download_name_is_safe_ascii() -> None:
    name = download_name("Müller & Söhne <GmbH>", "DPA-2026-ABCDEF", "docx", ascii_only=True)
    assert name == "UNOY-DPA-Muller-Sohne-GmbH-DPA-2026-ABCDEF.docx"
    assert download_name("株式会社", "DPA-2026-ABCDEF", "pdf", ascii_only=True) == (
        "UNOY-DPA-DPA-2026-ABCDEF.pdf"
    )
    assert download_name("Straße", "R", "docx", ascii_only=True) == "UNOY-DPA-Strasse-R.docx"


def test_content_disposition_has_both_names() -> None:
    header = content_disposition('Müller/"Söhne"\\..', "DPA-2026-ABCDEF", "docx")
    assert header.isascii()
    assert 'filename="UNOY-DPA-Muller-Sohne-DPA-2026-ABCDEF.docx"' in header
    encoded = header.split("filename*=UTF-8''")[1]
    decoded = unquote(encoded)
    assert decoded.startswith("UNOY-DPA-Müller-") and decoded.endswith("-DPA-2026-ABCDEF.docx")
    assert "/" not in decoded and '"' not in decoded and "\\" not in decoded


def test_references_are_random_and_well_formed() -> None:
    refs = {new_reference(DPA, 2026) for _ in range(200)}
    assert len(refs) == 200
    assert all(is_reference(ref, DPA) for ref in refs)
    assert not is_reference("PRV-2026-ABCDEF", DPA)


def test_xml_illegal_characters_removed_everywhere() -> None:
    assert xml_safe("a\x00b\x0bc\ufffed\ud800e\U0001f680") == "abcde\U0001f680"
    assert xml_safe("tab\tand\nnewline") == "tab\tand\nnewline"
    assert sanitize({"a": ["x\x01", ("y\uffff",)], "b": 3, "c": None}) == {
        "a": ["x", ("y",)],
        "b": 3,
        "c": None,
    }


def test_the_download_name_is_never_reversed_by_a_format_character() -> None:
    """Validation refuses them; the file name drops them too, whatever reaches it."""
    header = content_disposition("Evil\u202excod.exe\u202c\u2066", "DPA-2026-ABCDEF", "docx")
    decoded = unquote(header.split("filename*=UTF-8''")[1])
    assert decoded == "UNOY-DPA-Evilxcod.exe-DPA-2026-ABCDEF.docx"
    assert not any(unicodedata.category(char) == "Cf" for char in decoded)
