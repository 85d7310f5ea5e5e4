"""The covariate log-linear model (stratum-specific main effects, shared interactions)."""

from __future__ import annotations

import pytest

from zicht.research.estimate import estimate
from zicht.research.estimate.covariate import estimate_covariate
from zicht.research.estimate.simulate import SCENARIOS, Scenario, simulate


def test_one_stratum_is_the_plain_stepwise_estimate(uk5):
    cov = estimate_covariate({(("year", 2013),): uk5})
    assert cov.estimate == pytest.approx(estimate(uk5, "stepwise").estimate, rel=1e-6)
    assert set(cov.model) == set(estimate(uk5, "stepwise").model)


def test_two_identical_strata_double_a_fixed_model(uk5):
    model = ["LA:NG", "NG:GP"]
    cov = estimate_covariate({(("s", 1),): uk5, (("s", 2),): uk5}, model=model)
    assert cov.estimate == pytest.approx(2 * estimate(uk5, model=model).estimate, rel=1e-6)
    assert cov.ci_lower < cov.estimate < cov.ci_upper


def test_strata_with_different_capture_rates():
    """Stratum-specific capture probabilities and one shared dependence: the covariate
    model recovers the total of both strata."""
    low = Scenario("low", 4000, ((0.05, 0.04, 0.03, 0.06),), (1.0,), ((0, 1, 3.0),))
    high = Scenario("high", 3000, ((0.15, 0.10, 0.08, 0.12),), (1.0,), ((0, 1, 3.0),))
    tables = {(("form", "a"),): simulate(low, 1), (("form", "b"),): simulate(high, 2)}
    cov = estimate_covariate(tables, bootstrap=40, seed=3, workers=1)
    assert cov.interval == "bca"
    assert "L1:L2" in cov.model
    assert cov.estimate == pytest.approx(7000, rel=0.15)
    rows = cov.rows()
    assert rows[-1]["row"] == "covariate model, total"


def test_lists_must_match():
    a = simulate(SCENARIOS[0], 1)
    b = a.collapse({"L4+L5": ["L4", "L5"]})
    with pytest.raises(Exception, match="same lists"):
        estimate_covariate({(("s", 1),): a, (("s", 2),): b})
