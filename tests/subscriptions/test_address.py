"""Which addresses count as one: for the subscription (case) and for the hourly mail limit
(case and +suffix)."""

from __future__ import annotations

import pytest

from api.subscriptions.address import canonical, identity


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Erika@Example.COM", "erika@example.com"),
        ("erika+trust@example.com", "erika@example.com"),
        ("Erika+a+b@example.com", "erika@example.com"),
        ("+only@example.com", "+only@example.com"),  # nothing before the +: kept as it is
        ("straße@beispiel.de", "strasse@beispiel.de"),  # casefold, as identity
    ],
)
def test_canonical(given: str, expected: str) -> None:
    assert canonical(given) == expected


def test_identity_keeps_the_suffix() -> None:
    assert identity(" Erika+Trust@Example.com ") == "erika+trust@example.com"
    assert identity("erika+a@example.com") != identity("erika+b@example.com")
