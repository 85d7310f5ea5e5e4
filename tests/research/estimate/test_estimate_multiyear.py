"""The multi-year model (item 4 of issue 16): one log-linear model over all years, list
interactions shared and selected once, year-specific main effects, per-year intervals."""

from __future__ import annotations

import numpy as np
import pytest

from zicht.core.errors import EstimationError
from zicht.research.estimate import CaptureTable, estimate
from zicht.research.estimate.multiyear import compare_per_year, estimate_multiyear

LISTS = ("A", "B", "C", "D")
#: Per-list capture probabilities (the same lists every year, sizes vary by year).
_P = np.array([0.25, 0.15, 0.10, 0.20])
TRUE_N = {2019: 3000, 2020: 2500, 2021: 2800, 2022: 2200, 2023: 2600}


def _year_table(rng: np.random.Generator, n: int, scale: float) -> CaptureTable:
    """Independent lists except a planted A:B dependence (odds ratio 3)."""
    p = np.clip(_P * scale, 0, 0.9)
    caught = rng.random((n, 4)) < p
    boost = rng.random(n) < 0.35  # A found -> B more likely
    caught[:, 1] |= caught[:, 0] & boost
    h = (caught * (1 << np.arange(4))).sum(axis=1)
    counts = np.bincount(h, minlength=16)[1:].astype(np.int64)
    return CaptureTable(LISTS, counts)


@pytest.fixture(scope="module")
def years() -> dict[tuple[tuple[str, object], ...], CaptureTable]:
    rng = np.random.default_rng(7)
    return {(("year", y),): _year_table(rng, n, 0.8 + 0.1 * i)
            for i, (y, n) in enumerate(TRUE_N.items())}


@pytest.fixture(scope="module")
def multi(years):
    return estimate(years, "multiyear", bootstrap=60, seed=3)


def test_one_model_shared_by_all_years(multi) -> None:
    assert multi.method == "multiyear" and multi.interval == "parametric"
    assert "A:B" in multi.model  # the planted dependence, selected once on all years
    assert len(multi.keys) == 5 and len(multi.stratum_estimates) == 5


def test_per_year_intervals_hold_the_truth(multi) -> None:
    for (key, est, lo, hi) in zip(multi.keys, multi.stratum_estimates, multi.stratum_ci_lower,
                                  multi.stratum_ci_upper, strict=True):
        truth = TRUE_N[dict(key)["year"]]
        assert lo < est < hi
        assert lo <= truth <= hi, (key, lo, truth, hi)
    assert multi.ci_lower < multi.estimate < multi.ci_upper
    assert abs(multi.estimate / sum(TRUE_N.values()) - 1) < 0.1


def test_parametric_bootstrap_is_seeded(years, multi) -> None:
    again = estimate(years, "multiyear", bootstrap=60, seed=3)
    assert again.stratum_ci_lower == multi.stratum_ci_lower
    other = estimate(years, "multiyear", bootstrap=60, seed=4)
    assert other.stratum_ci_lower != multi.stratum_ci_lower


def test_vocabulary(multi) -> None:
    frame = multi.to_frame()
    assert {"year", "estimate", "se", "ci_lower", "ci_upper", "level"} <= set(frame.columns)
    assert len(frame) == 6  # five years and the total
    doc = multi.to_dict()
    assert doc["ci_lower"] == pytest.approx(multi.ci_lower, abs=0.01)
    assert [s["year"] for s in doc["strata"]] == list(TRUE_N)
    assert "2023" in multi.summary() and "A:B" in multi.summary()
    assert "multiyear" in repr(multi) and f"n={multi.observed}" in repr(multi)
    assert multi.stratum(year=2020)["estimate"] == pytest.approx(multi.stratum_estimates[1],
                                                                 abs=0.01)


def test_wald_without_bootstrap(years) -> None:
    r = estimate_multiyear(years, bootstrap=0)
    assert r.interval == "wald-log"
    assert all(lo < e < hi for e, lo, hi in zip(r.stratum_estimates, r.stratum_ci_lower,
                                               r.stratum_ci_upper, strict=True))


def test_compare_with_the_per_year_fit(years, multi) -> None:
    rows = compare_per_year(years, multi)
    assert [r["year"] for r in rows] == list(TRUE_N)
    for r in rows:
        assert r["per_year_estimate"] is not None and r["multiyear_estimate"] is not None
        assert r["ratio_multiyear_to_per_year"] == pytest.approx(
            r["multiyear_estimate"] / r["per_year_estimate"], rel=1e-3)


def test_contradictions_raise(years) -> None:
    with pytest.raises(EstimationError, match="contradicts"):
        estimate_multiyear(years, model=["A:B"], p_threshold=0.05)
    with pytest.raises(EstimationError, match="two or more years"):
        estimate_multiyear(dict(list(years.items())[:1]))
    with pytest.raises(EstimationError, match="need bootstrap > 0"):
        estimate_multiyear(years, bootstrap=0, interval="parametric")
    with pytest.raises(EstimationError, match="mapping"):
        estimate(next(iter(years.values())), "multiyear")


def test_worker_pool_changes_no_number(years, multi) -> None:
    """The parametric tables have their own streams: drawn on a shared pool of two
    worker processes (``zicht estimate --extract``) the intervals are the same, bit for
    bit, as in one process; and so are the per-year fits of the method comparison."""
    from zicht.research.estimate.bootstrap import shared_pool
    from zicht.research.estimate.published import QUICK, compare_methods

    alone = compare_methods(years, seed=3, bootstrap=60, methods=QUICK)
    with shared_pool(2):
        pooled = estimate(years, "multiyear", bootstrap=60, seed=3)
        shared = compare_methods(years, seed=3, bootstrap=60, methods=QUICK)
    assert pooled.stratum_ci_lower == multi.stratum_ci_lower
    assert pooled.stratum_ci_upper == multi.stratum_ci_upper
    assert (pooled.ci_lower, pooled.ci_upper) == (multi.ci_lower, multi.ci_upper)
    assert shared == alone
