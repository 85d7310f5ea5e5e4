"""Unit tests of the building blocks: BSN bijection, exact allocation, age rule."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from zicht.synth import bsn as B
from zicht.synth.allocate import allocate_counts, assign_exact, pick_weighted
from zicht.synth.traits import birth_days_for, from_day, to_day


def test_bsn_slots_are_distinct_and_pass_the_eleven_test() -> None:
    slots = np.arange(0, 36_000_000, 977, dtype=np.int64)
    bsns = B.bsn_for_slots(slots)
    assert len(np.unique(bsns)) == len(slots)
    assert all(B.is_valid_bsn(str(b)) for b in bsns[:20_000])
    assert bsns.min() >= 100_000_000 and bsns.max() <= 999_999_999


@pytest.mark.parametrize("value, ok", [("111222333", True), ("123456782", True),
                                       ("123456789", False), ("12345678", False)])
def test_eleven_test(value: str, ok: bool) -> None:
    assert B.is_valid_bsn(value) is ok


@pytest.mark.parametrize("total, weights", [(1334, [52, 47, 1]), (7, [1, 1, 1]),
                                            (0, [1, 2]), (100, [0.333, 0.333, 0.334])])
def test_allocation_is_exact(total: int, weights: list[float]) -> None:
    counts = allocate_counts(total, weights)
    assert counts.sum() == total
    assert np.all(np.abs(counts - np.array(weights) / sum(weights) * total) < 1)


def test_assign_exact_and_pick_weighted() -> None:
    rng = np.random.default_rng(1)
    labels = assign_exact(rng, 1000, {"a": 0.52, "b": 0.48})
    assert (labels == "a").sum() == 520
    heavy = np.r_[np.full(10, 1e5), np.ones(990)]  # 99% of the weight
    chosen = pick_weighted(rng, heavy, 10)
    assert len(set(chosen.tolist())) == 10 and (chosen < 10).sum() >= 8


def test_birth_dates_agree_with_the_birth_year_rule() -> None:
    rng = np.random.default_rng(2)
    ref = rng.integers(to_day(dt.date(2010, 1, 1)), to_day(dt.date(2024, 12, 31)), 5000)
    age = rng.integers(12, 70, 5000)
    births = birth_days_for(rng, ref, age)
    for r, a, b in zip(ref, age, births, strict=True):
        rd, bd = from_day(int(r)), from_day(int(b))
        exact = rd.year - bd.year - ((rd.month, rd.day) < (bd.month, bd.day))
        july = dt.date(bd.year, 7, 1)
        by_year = rd.year - july.year - ((rd.month, rd.day) < (7, 1))
        assert exact == a == by_year
