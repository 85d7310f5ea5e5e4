"""Bootstrap with re-selection: seeded, independent of the number of workers, BCa."""

from __future__ import annotations

import numpy as np
import pytest

from zicht.core.errors import EstimationError
from zicht.research.estimate import estimate
from zicht.research.estimate.interval import bca_interval, jackknife_acceleration


@pytest.fixture(scope="module")
def boot_one(uk5):
    return estimate(uk5, "stepwise", bootstrap=60, seed=11, workers=1)


def test_same_replicates_for_any_number_of_workers(uk5, boot_one):
    two = estimate(uk5, "stepwise", bootstrap=60, seed=11, workers=2)
    np.testing.assert_array_equal(boot_one.replicates, two.replicates)
    assert (boot_one.ci_lower, boot_one.ci_upper) == (two.ci_lower, two.ci_upper)


def test_seed_changes_the_replicates(uk5, boot_one):
    other = estimate(uk5, "stepwise", bootstrap=60, seed=12, workers=1)
    assert not np.array_equal(boot_one.replicates, other.replicates)


def test_bootstrap_interval_is_bca_and_brackets_the_estimate(boot_one):
    assert boot_one.interval == "bca"
    assert boot_one.ci_lower < boot_one.estimate < boot_one.ci_upper
    assert boot_one.acceleration is not None
    lo80, hi80 = boot_one.confidence_interval(0.8)
    assert boot_one.ci_lower <= lo80 < hi80 <= boot_one.ci_upper
    assert not any("too narrow" in w for w in boot_one.warnings)


def test_replicates_vary_the_model(boot_one):
    """Re-selection: replicates are not all from one model (the spread shows it)."""
    assert np.std(boot_one.replicates) > 100


def test_bca_without_bias_or_acceleration_is_the_percentile_interval():
    reps = np.arange(1, 1001, dtype=float)
    lo, hi = bca_interval(reps, 500.5, 0.0, 0.9)
    assert lo == pytest.approx(np.quantile(reps, 0.05, method="median_unbiased"), rel=1e-3)
    assert hi == pytest.approx(np.quantile(reps, 0.95, method="median_unbiased"), rel=1e-3)


def test_acceleration_is_zero_for_symmetric_jackknife():
    counts = np.array([1, 1, 1, 1])
    assert jackknife_acceleration(counts, np.array([1.0, 2.0, 3.0, 4.0])) == pytest.approx(0)
    assert jackknife_acceleration(counts, np.array([1.0, 1.0, 1.0, 9.0])) < 0


def test_too_few_replicates_is_an_error():
    with pytest.raises(EstimationError, match="at least 10"):
        bca_interval(np.array([1.0, 2.0]), 1.5, 0.0)


def test_bic_bootstrap_runs(hiv):
    r = estimate(hiv, "bic", max_order=2, bootstrap=20, seed=3, workers=1)
    assert r.interval == "bca" and r.ci_lower < r.ci_upper
