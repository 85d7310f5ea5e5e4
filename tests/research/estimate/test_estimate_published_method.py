"""``estimate(table, "published")`` and ``zicht estimate TABLE --compare``: the published
rule for a user who has only a capture table (issue 16, items 6-7).

The single-table figure is recomputed here from ``estimate(t, name)`` calls, not from
``published_rows``, so a change to the rule or its plumbing shows."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from zicht.cli import app
from zicht.core.errors import EstimationError
from zicht.research.estimate import METHODS, CaptureTable, estimate
from zicht.research.estimate.published import CREDIBLE, QUICK, RULE, compare_methods
from zicht.research.estimate.published_result import PublishedEstimate

runner = CliRunner()
Years = dict[tuple[tuple[str, object], ...], CaptureTable]


def _independent(table: CaptureTable) -> tuple[float, float, float, float, float, int]:
    """Median of the credible single-table methods' estimates (log scale), the envelope
    of their intervals stretched to hold it, and the band, from plain ``estimate()``."""
    fits = []
    for name in CREDIBLE:
        if name == "multiyear":  # needs two or more years
            continue
        try:
            r = estimate(table, name)
        except EstimationError:
            continue
        # a finite interval, and off the boundary: at least one person hidden
        if all(math.isfinite(v) for v in (r.estimate, r.ci_lower, r.ci_upper)) \
                and r.estimate - table.observed >= 0.5:
            fits.append(r)
    ests = [f.estimate for f in fits]
    centre = math.exp(statistics.median(math.log(e) for e in ests))
    lo = min(min(f.ci_lower for f in fits), centre)
    hi = max(max(f.ci_upper for f in fits), centre)
    return centre, lo, hi, min(ests), max(ests), len(fits)


@pytest.mark.parametrize("name", ["uk5", "hiv", "artificial"])
def test_one_table_is_the_median_and_envelope_of_the_credible_methods(
        name: str, request: pytest.FixtureRequest) -> None:
    table = request.getfixturevalue(name)
    r = estimate(table, "published")
    centre, lo, hi, band_lo, band_hi, n = _independent(table)
    assert isinstance(r, PublishedEstimate) and r.method == "published"
    # the rows round every figure to 2 decimals
    assert r.estimate == pytest.approx(centre, abs=0.01)
    assert (r.ci_lower, r.ci_upper) == (pytest.approx(lo, abs=0.01), pytest.approx(hi, abs=0.01))
    assert (r.band_lower, r.band_upper) == (pytest.approx(band_lo, abs=0.01),
                                            pytest.approx(band_hi, abs=0.01))
    assert r.methods_in_band == n and r.chosen == "median_of_credible"
    assert r.observed == table.observed and r.lists == table.lists and r.year is None
    # every method of QUICK but the multi-year model is shown, main effects included
    assert [m["method"] for m in r.methods] == [m for m in QUICK if m != "multiyear"]
    main = estimate(table, "main")
    row = next(m for m in r.methods if m["method"] == "main")
    assert row["estimate"] == pytest.approx(main.estimate, abs=0.01)


def test_boundary_fits_do_not_count(artificial: CaptureTable) -> None:
    # Mth Poisson2 / Darroch and Mh Darroch put all 96 in view (96, interval 96-104):
    # counted, they would make the median 96; left out, stepwise and Mth Chao decide.
    r = estimate(artificial, "published")
    boundary = [m for m in r.methods if m["estimate"] is not None
                and m["estimate"] - artificial.observed < 0.5]
    assert {m["method"] for m in boundary} >= {"rcapture-mh-darroch"}
    assert r.estimate > 500 and r.methods_in_band == 2
    counted = r.methods_frame().set_index("method")["counted"]
    assert not counted[[m["method"] for m in boundary]].any()


def test_uk5_figures_and_the_result_vocabulary(uk5: CaptureTable) -> None:
    """The UK 2013 figures quoted in docs/estimation.md, and the shared vocabulary."""
    r = estimate(uk5, "published")
    assert (round(r.estimate), round(r.ci_lower), round(r.ci_upper)) == (14300, 7773, 26080)
    assert (round(r.band_lower or 0), round(r.band_upper or 0)) == (11313, 14650)
    frame = r.to_frame()
    assert list(frame.columns[:5]) == ["estimate", "se", "ci_lower", "ci_upper", "level"]
    assert len(frame) == 1 and frame["band_upper"].iloc[0] == r.band_upper
    text = r.summary()
    for name in ("main", "stepwise", "rcapture-mh-darroch", "PUBLISHED", "14,300",
                 "7,773 - 26,080", "band"):
        assert name in text
    doc = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert doc["ci_lower"] == r.ci_lower and doc["ci_upper"] == r.ci_upper
    assert doc["se"] is None and doc["interval"] == "envelope" and doc["rule"] == RULE
    assert {m["method"] for m in doc["methods"]} >= {"main", "stepwise"}
    assert "published" not in doc  # one table: no per-year rows
    frame = r.methods_frame()
    assert len(frame) == len(r.methods) and frame["counted"].sum() == r.methods_in_band


def test_chosen_methods_and_multiyear_on_one_table(uk5: CaptureTable) -> None:
    r = estimate(uk5, "published", methods=["stepwise", "rcapture-mth-chao", "main"])
    stepwise, chao = estimate(uk5, "stepwise"), estimate(uk5, "rcapture-mth-chao")
    # two credible methods: the geometric mean of the two
    assert r.estimate == pytest.approx(math.sqrt(stepwise.estimate * chao.estimate), abs=0.01)
    assert r.credible == ("stepwise", "rcapture-mth-chao")
    asked = estimate(uk5, "published", methods=["multiyear", "stepwise"])
    assert [m["method"] for m in asked.methods] == ["stepwise"]
    assert any("multiyear left out" in w for w in asked.warnings)


def _year_table(rng: np.random.Generator, n: int, scale: float) -> CaptureTable:
    """Four lists, a planted A:B dependence (as test_estimate_multiyear)."""
    p = np.clip(np.array([0.25, 0.15, 0.10, 0.20]) * scale, 0, 0.9)
    caught = rng.random((n, 4)) < p
    caught[:, 1] |= caught[:, 0] & (rng.random(n) < 0.35)
    h = (caught * (1 << np.arange(4))).sum(axis=1)
    return CaptureTable(("A", "B", "C", "D"), np.bincount(h, minlength=16)[1:].astype(np.int64))


@pytest.fixture(scope="module")
def years() -> Years:
    rng = np.random.default_rng(7)
    return {(("year", y),): _year_table(rng, n, 0.8 + 0.1 * i)
            for i, (y, n) in enumerate({2019: 3000, 2020: 2500, 2021: 2800}.items())}


def test_years_are_compare_methods_published(years: Years) -> None:
    r = estimate(years, "published", bootstrap=20, seed=3)
    expected = compare_methods(years, seed=3, bootstrap=20, methods=QUICK).published
    assert list(r.published) == expected
    assert [p["chosen"] for p in expected] == ["smoothed_median_of_credible"] * 3
    last = expected[-1]  # the headline: the latest year
    assert r.year == 2021 and r.observed == last["observed"]
    assert (r.estimate, r.ci_lower, r.ci_upper) == (last["estimate"], last["ci_lower"],
                                                   last["ci_upper"])
    frame = r.to_frame()
    assert list(frame["year"]) == [2019, 2020, 2021]
    assert list(frame["estimate"]) == [p["estimate"] for p in expected]
    doc = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert [p["year"] for p in doc["published"]] == [2019, 2020, 2021]
    assert doc["year"] == 2021 and doc["ci_lower"] == last["ci_lower"]
    assert "2021  PUBLISHED" in r.summary() and "multiyear" in r.summary()


def test_two_years_publish_the_unsmoothed_median(years: Years) -> None:
    two = dict(list(years.items())[:2])
    r = estimate(two, "published", bootstrap=0, methods=["stepwise", "multiyear"])
    assert {p["chosen"] for p in r.published} == {"median_of_credible"}
    assert list(r.published) == compare_methods(
        two, bootstrap=0, methods=["stepwise", "multiyear"]).published


@pytest.mark.parametrize(("options", "message"), [
    ({"methods": ["stepwise", "nosuch"]}, "Unknown method 'nosuch'"),
    ({"methods": "stepwise"}, "list of method names"),
    ({"methods": ["main", "lcmcr"]}, "credible methods"),
    ({"methods": ["multiyear"]}, "another of"),
    ({"methods": ["stepwise", "fixed"]}, "needs the user's model"),
    ({"methods": ["stepwise", "published"]}, "this rule itself"),
    ({"interval": "wald"}, "does not take interval"),
    ({"bootstrap": 100}, "multi-year model's"),
    ({"level": 1.5}, "level must be between 0 and 1"),
    ({"p_threshold": 0.05}, "does not take p_threshold"),
])
def test_contradictions_raise(uk5: CaptureTable, options: dict[str, Any],
                              message: str) -> None:
    with pytest.raises(EstimationError, match=message):
        estimate(uk5, "published", **options)


def test_year_contradictions_raise(years: Years) -> None:
    with pytest.raises(EstimationError, match="keys must be years"):
        estimate({(("form", "labour"),): next(iter(years.values()))}, "published")
    with pytest.raises(EstimationError, match="not among the methods"):
        estimate(years, "published", bootstrap=10, methods=["stepwise"])
    with pytest.raises(EstimationError, match="No year tables"):
        estimate({}, "published")
    assert METHODS["published"].strata is None  # one table or a mapping of years


# ---- the command line ---------------------------------------------------------------
TABLE = Path(__file__).parents[3] / "src/zicht/research/estimate/data/uk_2013_5lists.csv"


def _run(*args: str) -> Any:
    res = runner.invoke(app, ["estimate", *args])
    assert res.exit_code == 0, res.output
    return res


def test_cli_compare_on_a_table_prints_every_method_and_the_published_row() -> None:
    out = _run(str(TABLE), "--compare").output
    for name in [m for m in QUICK if m != "multiyear"]:
        assert f"  {name} " in out
    assert "PUBLISHED" in out and "14,300" in out and "7,773 - 26,080" in out
    # the default of a plain table stays stepwise
    assert json.loads(_run(str(TABLE), "--json").output)["method"] == "stepwise"


def test_cli_json_is_the_library_result(uk5: CaptureTable) -> None:
    doc = json.loads(_run(str(TABLE), "--method", "published", "--json").output)
    again = json.loads(_run(str(TABLE), "--compare", "--json").output)
    lib = estimate(uk5, "published").to_dict()
    for d in (doc, again):
        assert d["method"] == "published" and d["ci_lower"] < d["estimate"] < d["ci_upper"]
        assert (d["estimate"], d["ci_lower"], d["ci_upper"]) == (
            lib["estimate"], lib["ci_lower"], lib["ci_upper"])
        assert d["methods"] == lib["methods"]
    picked = json.loads(_run(str(TABLE), "--compare", "--compare-methods",
                             "stepwise,rcapture-mth-chao", "--json").output)
    assert [m["method"] for m in picked["methods"]] == ["stepwise", "rcapture-mth-chao"]


def test_cli_years_csv(tmp_path: Path, years: Years) -> None:
    path = tmp_path / "years.csv"
    lines = ["year,A,B,C,D,count"]
    for key, t in years.items():
        lines += [f"{dict(key)['year']}," + ",".join(str(r[c]) for c in ("A", "B", "C", "D",
                                                                       "count"))
                  for r in t.to_rows()]
    path.write_text("\n".join(lines) + "\n")
    doc = json.loads(_run(str(path), "--strata", "year", "--method", "published",
                          "--bootstrap", "20", "--seed", "3", "--json").output)
    expected = compare_methods(years, seed=3, bootstrap=20, methods=QUICK).published
    assert doc["published"] == expected and doc["year"] == 2021
    text = _run(str(path), "--strata", "year", "--compare", "--bootstrap", "0").output
    assert "2019  PUBLISHED" in text and "latest year 2021" in text


@pytest.mark.parametrize(("args", "message"), [
    (["--compare", "--method", "main"], "contradicts it"),
    (["--compare-methods", "stepwise"], "add --compare"),
    (["--method", "published", "--compare-methods", "stepwise,nosuch"], "Unknown method"),
    (["--method", "published", "--max-order", "2"], "does not take max_order"),
])
def test_cli_contradictions(args: list[str], message: str) -> None:
    res = runner.invoke(app, ["estimate", str(TABLE), *args])
    assert res.exit_code != 0 and message in str(res.exception)
