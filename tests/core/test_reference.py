"""References: the documented shape, random, no look-alike characters."""

from __future__ import annotations

from api.core.reference import ALPHABET, DPA, INQUIRY, is_reference, new_reference


def test_the_shape() -> None:
    reference = new_reference(INQUIRY, 2026)
    assert is_reference(reference, INQUIRY)
    assert reference.startswith("PRV-2026-")
    assert len(reference) == len("PRV-2026-7KQ3ZC")
    assert is_reference("PRV-2026-7KQ3ZC", INQUIRY)
    assert not is_reference("PRV-2026-7KQ3Z0", INQUIRY)  # 0 is not in the alphabet


def test_no_look_alikes() -> None:
    assert not set("01ILO") & set(ALPHABET)


def test_references_are_spread_over_the_alphabet() -> None:
    references = {new_reference(INQUIRY, 2026) for _ in range(5000)}
    assert len(references) == 5000
    used = {ch for reference in references for ch in reference[9:]}
    assert used == set(ALPHABET)


def test_the_two_kinds_are_told_apart() -> None:
    dpa = new_reference(DPA, 2026)
    assert dpa.startswith("DPA-2026-") and is_reference(dpa, DPA)
    assert not is_reference(dpa, INQUIRY)
    assert not is_reference(new_reference(INQUIRY, 2026), DPA)
