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
    drawn = [new_reference(INQUIRY, 2026)[9:] for _ in range(5000)]
    # 31^6 suffixes: two of 5,000 draws coincide in ~1.4 % of runs (the store then draws
    # again), ten or more practically never.
    assert len(set(drawn)) > 4990
    # Every character at every position: one missing after 5,000 draws has odds of ~e^-164.
    for position in range(len(drawn[0])):
        assert {suffix[position] for suffix in drawn} == set(ALPHABET)


def test_the_two_kinds_are_told_apart() -> None:
    dpa = new_reference(DPA, 2026)
    assert dpa.startswith("DPA-2026-") and is_reference(dpa, DPA)
    assert not is_reference(dpa, INQUIRY)
    assert not is_reference(new_reference(INQUIRY, 2026), DPA)
