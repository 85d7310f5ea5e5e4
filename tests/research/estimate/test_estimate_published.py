"""The published rule (``published.published_rows``) on hand-built method rows."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from zicht.research.estimate.published import local_level_smooth, published_rows


def _row(year: int, method: str, est: float | None, lo: float | None,
         hi: float | None) -> dict[str, Any]:
    return {"year": year, "method": method, "family": "", "assumes": "", "observed": 100,
            "estimate": est, "ci_lower": lo, "ci_upper": hi, "error": None}


ROWS = [
    # 2020: credible 1000, 1100, 900 -> median 1000; envelope 500-2000 (x4 on the log
    # scale); main effects are shown for reference only
    _row(2020, "stepwise", 1000, 800, 1300), _row(2020, "rcapture-mth-chao", 1100, 900, 2000),
    _row(2020, "rcapture-mth-darroch", 900, 500, 1350), _row(2020, "main", 500, 450, 560),
    # 2021: credible 1100, 1300, 1000 -> median 1100; envelope 600-2400 (x4); lcmcr and
    # dga are compared but not credible
    _row(2021, "stepwise", 1100, 1000, 1500), _row(2021, "multiyear", 1300, 1100, 2400),
    _row(2021, "rcapture-mh-darroch", 1000, 600, 1400), _row(2021, "lcmcr", 3000, 2000, 4000),
    _row(2021, "dga", 5000, 100, 9000),
    # 2022: one credible method, 950 (450-1800, x4)
    _row(2022, "stepwise", 950, 450, 1800),
    # 2023: no credible estimate
    _row(2023, "main", 700, 600, 800), _row(2023, "stepwise", None, None, None),
]


def test_rule_golden() -> None:
    """Centres 1000, 1100, 950 with equal weights (every envelope spans a factor 4) and
    too little spread for a moving level: the maximum-likelihood level variance is at its
    lower bound, so the smoothed level is the weighted mean of the log centres, here the
    geometric mean (1000 * 1100 * 950) ** (1/3) = 1014.78 in every year."""
    out = {r["year"]: r for r in published_rows(ROWS)}
    for year, (lo, hi, band, n) in {2020: (500, 2000, (900, 1100), 3),
                                    2021: (600, 2400, (1000, 1300), 3),
                                    2022: (450, 1800, (950, 950), 1)}.items():
        r = out[year]
        assert r["estimate"] == pytest.approx(1014.78, abs=0.01)
        assert (r["ci_lower"], r["ci_upper"]) == (lo, hi)
        assert (r["band_lower"], r["band_upper"], r["methods_in_band"]) == (*band, n)
        assert r["chosen"] == "smoothed_median_of_credible"
    assert out[2023] == {"year": 2023, "observed": 100, "estimate": None, "ci_lower": None,
                         "ci_upper": None, "band_lower": None, "band_upper": None,
                         "methods_in_band": 0, "chosen": "not_estimable"}


def test_two_years_publish_the_median_and_the_interval_holds_it() -> None:
    rows = [r for r in ROWS if r["year"] in (2020, 2021)]
    out = {r["year"]: r for r in published_rows(rows)}
    assert out[2020]["estimate"] == 1000 and out[2021]["estimate"] == 1100
    assert {r["chosen"] for r in out.values()} == {"median_of_credible"}
    # an even number of credible methods: the geometric mean of the middle two; the
    # interval is stretched to hold the estimate
    even = [_row(2020, "stepwise", 400, 300, 420),
            _row(2020, "rcapture-mh-darroch", 900, 850, 1000)]
    (r,) = published_rows(even)
    assert r["estimate"] == 600 and (r["ci_lower"], r["ci_upper"]) == (300, 1000)


def test_a_fit_with_no_one_hidden_does_not_count() -> None:
    rows = [_row(2020, "stepwise", 1000, 800, 1300),
            _row(2020, "rcapture-mh-darroch", 100, 100, 104),  # = observed: boundary
            _row(2020, "rcapture-mth-chao", 1200, 900, 1600)]
    (r,) = published_rows(rows)
    assert r["methods_in_band"] == 2 and (r["band_lower"], r["band_upper"]) == (1000, 1200)
    assert (r["ci_lower"], r["ci_upper"]) == (800, 1600)


def test_local_level_smoother_equals_statsmodels() -> None:
    """Equal known variances: the same smoothed level as statsmodels' local level model
    with the irregular variance fixed and the level variance by maximum likelihood."""
    import statsmodels.api as sm

    y = np.log([1000.0, 1300, 900, 2000, 1800, 2100, 1500, 2600])
    fit = sm.tsa.UnobservedComponents(y, "llevel").fit_constrained(
        {"sigma2.irregular": 0.02}, disp=False)
    ours = local_level_smooth(y, np.full(len(y), 0.02))
    np.testing.assert_allclose(ours, fit.smoothed_state[0], atol=1e-5)
