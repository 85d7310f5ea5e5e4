"""The disclosure rules: rounding to a base, the policies as data."""

from __future__ import annotations

import pytest

from zicht.disclosure import POLICIES, get_policy, round_to_base


@pytest.mark.parametrize(("value", "expected"), [
    (0, 0), (1, 0), (2, 0), (3, 5), (5, 5), (7, 5), (8, 10), (12, 10), (13, 15),
    (261_602, 261_600), (261_603, 261_605), (1_631_630, 1_631_630),
])
def test_round_to_base_five(value: int, expected: int) -> None:
    assert round_to_base(value, 5) == expected


def test_policies_are_data_and_unknown_is_an_error() -> None:
    assert {p.code for p in POLICIES} == {"registry", "protected"}
    protected = get_policy("protected")
    assert protected.round_counts and protected.suppress_small
    with pytest.raises(ValueError, match="Unknown disclosure policy 'protectd'"):
        get_policy("protectd")


def test_the_policy_table_in_the_docs_is_current() -> None:
    """docs/disclosure.md shows the rules table of rules.py; `make docs` regenerates it."""
    from pathlib import Path

    from zicht.disclosure.doc import render

    page = (Path(__file__).parents[2] / "docs" / "disclosure.md").read_text()
    assert render(page) == page, "docs/disclosure.md is stale: run `make docs`"
