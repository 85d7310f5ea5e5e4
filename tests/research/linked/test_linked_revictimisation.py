"""Revictimisation cohorts, specific revictimisation, time to the first new incident,
breakdowns and the Kaplan-Meier curve."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from linked_tiny import incident, person, write_extract

from zicht.research.linked import LinkedResult, LinkedSpec, run_linked
from zicht.research.linked.revictimisation import _km_rows
from zicht.research.store import open_extract


def _run(tmp_path: Path) -> LinkedResult:
    population = [person("A", "female", 1990), person("B", "male", 1995),
                  person("C", "female", 2000), person("D", "female", 1990),
                  person("E", "male", 1980, registered_until=date(2013, 1, 1))]
    d0 = date(2012, 3, 1)
    incidents = [
        incident("a0", "A", "F561", d0),
        incident("a1", "A", "F999", d0, group="violence"),  # same day: not new
        incident("a2", "A", "F999", d0 + timedelta(days=100), group="violence"),
        incident("a3", "A", "F561", d0 + timedelta(days=900), group="trafficking"),
        incident("a4", "A", "F999", d0 + timedelta(days=2000), group="property"),  # > 5 y
        incident("b0", "B", "F562", d0),
        incident("b1", "B", "F999", d0 + timedelta(days=1500), group="sexual"),
        incident("c0", "C", "F561", date(2016, 2, 1)),  # only in the 2-year cohort
        incident("c1", "C", "F999", date(2017, 2, 1), group="homicide"),
        incident("d0", "D", "F5293", date(2014, 5, 1)),  # never again
        incident("e0", "E", "F561", date(2011, 1, 1)),  # leaves the register in 2013
    ]
    store = open_extract(write_extract(tmp_path, population=population,
                                       police_incidents=incidents))
    try:
        return run_linked(store, LinkedSpec(controls_per_victim=1))
    finally:
        store.close()


def test_cohorts_and_details(tmp_path: Path) -> None:
    result = _run(tmp_path)
    cohorts = {r["follow_up_years"]: r for r in result.table("revictimisation/cohorts").rows}
    # 2 years (index 2010-2018): A (a2), C (c1) revictimised; B (b1 at day 1500), D, E not
    assert (cohorts[2]["cohort"], cohorts[2]["once"], cohorts[2]["more_than_once"]) == (5, 2, 0)
    # 5 years (index 2010-2015): A twice (a2, a3), B once (b1); D, E none
    assert (cohorts[5]["cohort"], cohorts[5]["once"], cohorts[5]["more_than_once"]) == (4, 1, 1)
    assert cohorts[5]["share_revictimised"] == 50.0
    # 7 years (index 2010-2013): A (3 new incidents incl. a4), B, E
    assert (cohorts[7]["cohort"], cohorts[7]["more_than_once"]) == (3, 1)
    specific = {r["offence"]: r["persons"] for r in result.table("revictimisation/specific").rows}
    assert specific == {"trafficking": 1, "sexual": 1, "violence": 1, "any_of_these": 2}
    types = {r["offence_group"]: r["incidents"]
             for r in result.table("revictimisation/offence_types").rows}
    assert types["violence"] == 1 and types["trafficking"] == 1 and types["sexual"] == 1
    assert types["property"] == 0  # a4 is after five years
    first = result.table("revictimisation/time_to_first").rows[0]
    assert first["persons"] == 2
    assert first["median_days"] == 800.0 and first["mean_days"] == 800.0
    assert first["sd_days"] == pytest.approx(np.std([100, 1500], ddof=1), abs=0.01)
    by_sex = result.table("revictimisation/by_sex")
    assert by_sex.row(sex="female", revictimisation="more_than_once")["persons"] == 1
    assert by_sex.row(sex="male", revictimisation="once")["persons"] == 1


def test_kaplan_meier_uses_censoring(tmp_path: Path) -> None:
    km = _run(tmp_path).table("revictimisation/km_summary")
    at2 = km.row(follow_up_years=2)
    # events by 2 years: A (day 100), C (day 366); E censored at 2013-01-01 (day 731,
    # before two full years), so 1 - S(2y) = 1 - (4/5 * 3/4) = 40%
    assert at2["events"] == 2
    assert at2["cumulative_pct"] == 40.0
    assert at2["ci_lower"] < 40.0 < at2["ci_upper"]


def test_kaplan_meier_without_censoring_is_the_empirical_share() -> None:
    rng = np.random.default_rng(3)
    time = rng.integers(1, 1000, size=400).astype(float)
    event = np.ones_like(time, dtype=int)
    rows = _km_rows(time, event, np.array([250.0, 500.0]), 0.95)
    for t, row in zip((250, 500), rows, strict=True):
        assert row["cumulative_pct"] == pytest.approx(100 * (time <= t).mean(), abs=0.05)
        assert row["band_lower"] <= row["ci_lower"] <= row["cumulative_pct"]
        assert row["cumulative_pct"] <= row["ci_upper"] <= row["band_upper"]
