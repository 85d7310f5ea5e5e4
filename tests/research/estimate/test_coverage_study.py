"""The coverage study on synthetic worlds (``benchmarks.coverage_study``): tiny
worlds, so this checks the machinery (linked tables, truth, rows, summaries), not the
coverage figures, which ``python -m benchmarks estimate_coverage`` measures."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from benchmarks.coverage_study import (
    ESTIMATORS,
    StudySpec,
    run_study,
    study_world,
    summarise,
)
from benchmarks.synthworld import true_totals, write_linked_extract

from zicht.research.estimate.extract import tables_from_extract


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from zicht.synth import SynthSpec, generate_world

    out = tmp_path_factory.mktemp("coverage_world")
    generate_world(SynthSpec(out=out, seed=3, scale=0.1, population_scale=0.0005,
                             years=(2019, 2020)))
    return out


def test_linked_tables_match_the_truth(tiny_world: Path, tmp_path: Path) -> None:
    extract = write_linked_extract(tiny_world, tmp_path / "extract")
    tables = tables_from_extract(extract, "year")
    truth = true_totals(tiny_world)
    people = pd.read_parquet(tiny_world / "truth" / "hidden_population.parquet")
    assert sorted(truth.index) == [2019, 2020]
    for key, table in tables.tables.items():
        year = dict(key)["year"]
        registered = int(truth.loc[year, "true_registered"])
        # the extract sees the registered victims (a re-send may move one or two)
        assert abs(table.observed - registered) <= max(2, registered // 100)
        assert table.observed < truth.loc[year, "true_total"]
        of_year = people[people["year"] == year]
        assert truth.loc[year, "true_total"] == (of_year["group"] != "kmar_only").sum()


def test_study_world_rows(tiny_world: Path) -> None:
    rows = study_world(tiny_world, seed=3, bootstrap=30, multiyear_bootstrap=20)
    assert {(r["year"], r["estimator"]) for r in rows} == {
        (y, e) for y in (2019, 2020) for e in ESTIMATORS}
    for r in rows:
        assert r["seed"] == 3
        if r["error"] is None or r["estimator"] == "year x form, sum":
            assert math.isfinite(r["estimate"]) and r["ci_low"] <= r["ci_high"]
            assert r["covered"] == (r["ci_low"] <= r["true_total"] <= r["ci_high"])
            assert r["rel_error"] == pytest.approx(r["estimate"] / r["true_total"] - 1)
    profile = {r["year"]: r for r in rows if r["estimator"] == "year, profile"}
    bca = {r["year"]: r for r in rows if r["estimator"] == "year, bca"}
    for year, r in profile.items():  # same selection, other interval
        if r["error"] is None and bca[year]["error"] is None:
            assert bca[year]["estimate"] == pytest.approx(r["estimate"])
            assert bca[year]["interval"] == "bca" and r["interval"] == "profile"


def _row(estimate: float, lo: float, hi: float, truth: int = 100, **kw: object) -> dict:
    return {"seed": kw.get("seed", 1), "year": kw.get("year", 2020),
            "estimator": kw.get("estimator", "year, profile"), "estimate": estimate,
            "ci_low": lo, "ci_high": hi, "true_total": truth,
            "covered": lo <= truth <= hi, "rel_error": (estimate - truth) / truth,
            "rel_width": (hi - lo) / truth}


def test_summarise_coverage_bias_width() -> None:
    rows = [_row(90, 80, 110, seed=1), _row(60, 50, 70, seed=2), _row(120, 105, 150, seed=3),
            _row(math.nan, math.nan, math.nan, seed=4),
            _row(100, 90, 110, seed=1, estimator="year, bca")]
    by = {s["estimator"]: s for s in summarise(rows)}
    s = by["year, profile"]
    assert (s["n"], s["seeds"], s["failed"]) == (4, 4, 1)
    assert s["coverage"] == pytest.approx(1 / 4)  # a failed estimate does not cover
    assert (s["below"], s["above"]) == (pytest.approx(1 / 4), pytest.approx(1 / 4))
    assert s["bias"] == pytest.approx((-0.1 - 0.4 + 0.2) / 3)
    assert s["rel_width"] == pytest.approx(0.3)
    assert by["year, bca"]["coverage"] == 1.0
    per_year = summarise(rows, ("estimator", "year"))
    assert {(s["estimator"], s["year"]) for s in per_year} == {
        ("year, profile", 2020), ("year, bca", 2020)}


def test_run_study_generates_and_removes_worlds(tmp_path: Path) -> None:
    spec = StudySpec(seeds=(11,), scale=0.05, population_scale=0.0005, years=(2020, 2020),
                     multiyear_bootstrap=10)
    result = run_study(spec, workdir=tmp_path)
    assert {r["estimator"] for r in result.rows} == set(ESTIMATORS) - {"year, bca"}
    assert {(r["seed"], r["year"]) for r in result.rows} == {(11, 2020)}
    assert result.seconds_generate > 0
    assert list(tmp_path.iterdir()) == []  # the worlds are deleted


def _world_histories(world: Path) -> dict[tuple[int, int], int]:
    """(year, h) -> registered victims of the full world (its truth flags, KMar-only
    group and the monitor's KMar-only sexual exclusion left out)."""
    from zicht.research.estimate.extract import LISTS

    people = pd.read_parquet(world / "truth" / "hidden_population.parquet")
    people = people[people["group"] == "registered"]
    h = sum(people[f"in_{code}"].astype(int) * (1 << j) for j, code in enumerate(LISTS))
    sexual = people["forms"].str.contains("sexual")
    keep = ~(sexual & (h == 1 << LISTS.index("kmar")))
    counted = pd.DataFrame({"year": people["year"].astype(int), "h": h})[keep].value_counts()
    return {(int(y), int(hh)): int(n) for (y, hh), n in counted.items()}


@pytest.mark.parametrize("seed", [3, 4])
def test_capture_only_path_equals_the_world(seed: int, tiny_world: Path,
                                            tmp_path: Path) -> None:
    """The capture-only path draws the very capture histories and truth of the full
    world (the same functions on the same random stream)."""
    from benchmarks.synthworld import capture_rows, form_truth

    from zicht.synth import SynthSpec, generate_world

    world = tiny_world
    if seed != 3:
        world = tmp_path / "world"
        generate_world(SynthSpec(out=world, seed=seed, scale=0.1, population_scale=0.0005,
                                 years=(2019, 2020)))
    rows, truth, forms = capture_rows(seed, (2019, 2020), scale=0.1)
    fast: dict[tuple[int, int], int] = {}
    for r in rows:
        fast[(int(r["year"]), int(r["h"]))] = fast.get((int(r["year"]), int(r["h"])), 0) \
            + int(r["n"])
    assert fast == _world_histories(world)
    pd.testing.assert_frame_equal(truth, true_totals(world), check_dtype=False,
                                  check_names=False)
    full = form_truth(world)
    pd.testing.assert_frame_equal(forms.loc[full.index], full, check_dtype=False)
    # and the extract of the full world (re-sends collapsed) sees the same tables
    extract = tables_from_extract(write_linked_extract(world, tmp_path / "extract"), "year")
    from zicht.research.estimate.extract import tables_from_rows

    for key, table in tables_from_rows(rows, ("year",)).tables.items():
        seen = extract.tables[key]
        assert abs(seen.observed - table.observed) <= max(2, table.observed // 100)
