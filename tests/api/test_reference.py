"""References: the documented shape, random, no look-alike characters."""

from __future__ import annotations

from api.inquiries.reference import ALPHABET, is_reference, new_reference


def test_the_shape() -> None:
    reference = new_reference(2026)
    assert is_reference(reference)
    assert reference.startswith("PRV-2026-")
    assert len(reference) == len("PRV-2026-7KQ3ZC")
    assert is_reference("PRV-2026-7KQ3ZC")
    assert not is_reference("PRV-2026-7KQ3Z0")  # 0 is not in the alphabet


def test_no_look_alikes() -> None:
    assert not set("01ILO") & set(ALPHABET)


def test_references_are_spread_over_the_alphabet() -> None:
    references = {new_reference(2026) for _ in range(5000)}
    assert len(references) == 5000
    used = {ch for reference in references for ch in reference[9:]}
    assert used == set(ALPHABET)
