"""The deterministic reference values of ``data/README.md`` (from ``shared/mse/README.md``).

Sources of each number:
- UK stepwise 11,313.0 (5 lists) and 11,418 (6 lists), the 5-list model and the profile
  intervals "about 9,889-13,063" / "about 9,982-13,182": Chan, Silverman & Vincent
  (2021, JASA), SparseMSE ``estimatepopulation`` with ``pthresh = 0.02``.
- UK 5 lists exhaustive BIC (Poisson, npar log(n_obs)): pairs only 22,991.33; all orders
  up to 4: 25,311.29; second-best pairs-only model 12,262.41 (shared/mse/README.md,
  reproduced with Rcapture ``closedpMS.t``).
- Artificial 3 lists: Chan, Silverman & Vincent (2021), Tables 2-3 (SparseMSE
  ``checkident``): [12,13,23] code 2, [12,3] code 1, [13,23,1,2] code 0.
"""

from __future__ import annotations

import pytest

from zicht.core.errors import EstimationError
from zicht.research.estimate import check_model, estimate

REL = 1e-3  # the README's "to about 0.1%"


def test_uk5_stepwise_estimate_and_model(uk5):
    r = estimate(uk5, "stepwise", p_threshold=0.02)
    assert r.estimate == pytest.approx(11313.0, rel=REL)
    assert set(r.model) == {"LA:NG", "NG:GP", "PFNCA:GP", "LA:PFNCA", "GO:GP", "NG:GO"}
    assert r.observed == 2744


def test_uk6_stepwise_estimate(uk6):
    r = estimate(uk6, "stepwise")
    assert r.estimate == pytest.approx(11418, rel=REL)


@pytest.mark.parametrize(("name", "lower", "upper"), [
    ("uk5", 9889, 13063),
    ("uk6", 9982, 13182),
])
def test_profile_interval_matches_reference(name, lower, upper, request):
    """Cormack's multinomial profile likelihood (Rcapture closedpCI.t)."""
    r = estimate(request.getfixturevalue(name), "stepwise")
    assert r.interval == "profile"
    assert r.ci_upper == pytest.approx(upper, rel=REL)
    assert r.ci_lower == pytest.approx(lower, rel=REL)


def test_uk5_bic_pairs_only(uk5):
    r = estimate(uk5, "bic", max_order=2)
    assert r.estimate == pytest.approx(22991.33, rel=REL)
    assert r.candidates[1]["estimate"] == pytest.approx(12262.41, rel=REL)
    assert set(r.model) == {"LA:NG", "LA:PFNCA", "NG:PFNCA", "NG:GP", "PFNCA:GO"}
    assert any("factor" in w for w in r.warnings)  # near-equal BIC, factor 2 apart


def test_uk5_bic_all_orders(uk5):
    r = estimate(uk5, "bic")  # all orders up to k - 1 = 4
    assert r.estimate == pytest.approx(25311.29, rel=REL)
    assert "LA:NG:PFNCA" in r.model


@pytest.mark.parametrize(("model", "code"), [
    (["A:B", "A:C", "B:C"], 2),  # [12,13,23]: not identifiable
    (["A:B"], 1),  # [12,3]: no extended MLE
    (["A:C", "B:C"], 0),  # [13,23,1,2]: fine (both pairs fixed at -inf)
])
def test_artificial_check_codes(artificial, model, code):
    assert check_model(artificial, model) == code


def test_failing_fixed_model_raises_with_code(artificial):
    with pytest.raises(EstimationError) as err:
        estimate(artificial, model=["A:B"])
    assert err.value.context["code"] == 1
    assert "does not exist" in err.value.message


def test_zero_overlap_terms_fixed_at_minus_infinity(artificial):
    r = estimate(artificial, model=["A:C", "B:C"])
    assert set(r.infinite_terms) == {"A:C", "B:C"}
    assert r.estimate > r.observed
