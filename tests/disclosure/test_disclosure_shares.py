"""Issue 12, finding 5: percentages undid rounding.

In ``aid/population`` only a denominator of 53 fitted every one-decimal share, which
gave the exact counts behind the rounded ones. The gate now computes the shares of
protected tables from the released (rounded) counts and the rounded denominator; the
same attack then finds only what the rounded counts already say.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from zicht.core.table import TableSpec
from zicht.disclosure import apply_rules
from zicht.disclosure.rules import rounding_interval

#: 53 linked victims by sex and age group (counts as in the issue's aid/population)
COUNTS = {"female": 31, "male": 22, "minor": 12, "adult": 41}
LINKED = 53


def _rows() -> list[dict[str, Any]]:
    rows = [{"category": "linked", "persons": LINKED, "share": 100.0}]
    rows += [{"category": k, "persons": v, "share": round(100 * v / LINKED, 1)}
             for k, v in COUNTS.items()]
    return rows


def attack(rows: Sequence[dict[str, Any]], shown: Callable[[float], float]
           ) -> set[tuple[int, tuple[int, ...]]]:
    """Every (denominator, counts) that rounds to the published counts and gives the
    published shares; one solution means the exact counts are known."""
    cells = [r for r in rows if r["category"] != "linked"]
    total = next(r["persons"] for r in rows if r["category"] == "linked")
    solutions = set()
    lo, hi = rounding_interval(total, 5)
    for d in range(max(lo, 10), hi + 1):
        options = []
        for r in cells:
            c_lo, c_hi = rounding_interval(r["persons"], 5)
            fits = [c for c in range(max(c_lo, 10), c_hi + 1) if shown(100 * c / d) ==
                    r["share"]]
            options.append(fits)
        if all(options):
            for combo in _product(options):
                solutions.add((d, combo))
    return solutions


def _product(options: list[list[int]]) -> list[tuple[int, ...]]:
    combos: list[tuple[int, ...]] = [()]
    for o in options:
        combos = [(*c, v) for c in combos for v in o]
    return combos


def test_one_decimal_shares_give_the_exact_counts_away() -> None:
    """The attack on what the gate used to release: rounded counts, one-decimal shares."""
    released = [{**r, "persons": 5 * math.floor(r["persons"] / 5 + 0.5)} for r in _rows()]
    assert attack(released, lambda x: round(x, 1)) == {(53, (31, 22, 12, 41))}


def test_shares_from_released_counts_no_longer_give_them_away() -> None:
    table = apply_rules(TableSpec("aid/population", _rows(), ("persons",), "P", "P",
                                  shares={"share": "persons"}))
    # 30 of 55, 20 of 55, ...: the released counts over the released denominator
    assert [(r["persons"], r["share"]) for r in table.rows] == [
        (55, 100.0), (30, 54.5), (20, 36.4), (10, 18.2), (40, 72.7)]
    solutions = attack(table.rows, lambda x: round(x, 1))
    assert (53, (31, 22, 12, 41)) not in solutions  # the exact counts no longer follow
    assert all(counts != (31, 22, 12, 41) for _, counts in solutions)
