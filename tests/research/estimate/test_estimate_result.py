"""PopulationEstimate: frame, dict, repr, summary; methods on larger tables."""

from __future__ import annotations

import json

import pytest

from zicht.research.estimate import PopulationEstimate, estimate
from zicht.research.estimate.simulate import Scenario, simulate


@pytest.fixture(scope="module")
def result(uk5) -> PopulationEstimate:
    return estimate(uk5, "stepwise")


def test_frame_has_the_fixed_columns(result):
    frame = result.to_frame()
    assert list(frame.columns) == ["estimate", "se", "ci_lower", "ci_upper", "level"]
    assert frame.loc[0, "level"] == 0.95


def test_json_keys(result):
    doc = json.loads(json.dumps(result.to_dict()))
    for key in ("observed", "estimate", "ci_lower", "ci_upper", "method", "model", "candidates"):
        assert key in doc
    assert doc["model"][0] == "LA:NG"
    assert doc["candidates"][0]["model"] == []  # the stepwise path starts at main effects
    assert doc["provenance"]["p_threshold"] == 0.02


def test_repr_and_summary(result):
    assert "method='stepwise'" in repr(result) and "n=2744" in repr(result)
    text = result.summary()
    assert "11,313.0" in text and "profile likelihood" in text


def test_result_is_frozen(result):
    with pytest.raises(AttributeError):
        result.estimate = 1.0  # type: ignore[misc]


def test_other_level_widens(result):
    lo99, hi99 = result.confidence_interval(0.99)
    assert lo99 < result.ci_lower and hi99 > result.ci_upper


def test_wald_interval(uk5):
    r = estimate(uk5, "stepwise", interval="wald")
    assert r.interval == "wald"
    assert r.ci_lower == pytest.approx(9884.4, rel=1e-4)  # SparseMSE's normal-on-log limits


def test_aic_and_main(hiv):
    assert estimate(hiv, "main").model == ()
    r = estimate(hiv, "aic", max_order=2)
    assert r.candidates[0]["aic"] <= r.candidates[1]["aic"]


def test_stepwise_on_ten_lists():
    sc = Scenario("ten", 20000, (tuple([0.05, 0.08, 0.03, 0.06, 0.04] * 2),), (1.0,),
                  ((0, 1, 3.0),))
    table = simulate(sc, 5)
    r = estimate(table, "stepwise")
    assert table.k == 10
    assert "L1:L2" in r.model
    assert r.estimate == pytest.approx(20000, rel=0.1)


def test_public_names_exist():
    import zicht.research.estimate as pkg

    for name in pkg.__all__:
        assert getattr(pkg, name) is not None


@pytest.mark.filterwarnings("ignore::zicht.core.errors.ConvergenceWarning")  # short chains
@pytest.mark.parametrize("method", ["stepwise", "dga", "lcmcr", "rcapture-mh-chao"])
def test_every_result_type_speaks_one_vocabulary(artificial, method: str) -> None:
    """One base (``result_base.EstimateResult``): the same fields, frame, JSON head,
    repr and summary frame for every result type."""
    from zicht.research.estimate.result_base import FRAME_COLUMNS, EstimateResult

    options = {"samples": 200, "burn_in": 200, "chains": 2, "seed": 1} \
        if method == "lcmcr" else {}
    res = estimate(artificial, method, **options)
    assert isinstance(res, EstimateResult)
    assert res.ci_lower <= res.estimate <= res.ci_upper
    assert res.hidden == res.estimate - res.observed
    frame = res.to_frame()
    assert list(frame.columns)[:5] == list(FRAME_COLUMNS) and len(frame) == 1
    doc = json.loads(json.dumps(res.to_dict()))
    assert list(doc)[:8] == ["method", "observed", "estimate", "se", "ci_lower", "ci_upper",
                             "level", "interval"]
    assert list(doc)[-3:] == ["lists", "warnings", "provenance"]
    assert doc["ci_lower"] == round(res.ci_lower, 4)
    assert repr(res).startswith(f"{type(res).__name__}(method={res.method!r}, n=96, ")
    lines = res.summary().splitlines()
    assert lines[1] == "  observed           96" and "interval" in res.summary()
    assert [x for x in lines if x.startswith("  warning: ")] == \
        [f"  warning: {w}" for w in res.warnings]
