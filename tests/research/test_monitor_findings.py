"""Key findings as tested long-run trends (issue 14, item 9): golden values worked out
by hand on small series."""

from __future__ import annotations

import math

import pytest

from zicht.core.table import TableSpec
from zicht.disclosure import apply_rules
from zicht.research.monitor.findings import findings_table, fit_trend


def test_a_straight_doubling_has_no_change_point() -> None:
    # 10, 20, 40, 80, 160: log mu = log 10 + t log 2 fits exactly, +100% a year.
    trend = fit_trend([2010, 2011, 2012, 2013, 2014], [10, 20, 40, 80, 160])
    assert trend.change_year is None
    assert trend.since_year == 2010 and trend.since_value == 10
    assert trend.yearly_change_pct == pytest.approx(100.0, abs=1e-6)
    assert trend.change_pct == pytest.approx(1500.0)  # 160 against 10
    assert trend.significant


def test_a_level_series_that_then_halves_yearly_breaks_where_it_turns() -> None:
    # 100 for four years, then 50 and 25: flat to 2013, then -50% a year. The hinge at
    # 2013 fits exactly (deviance 0); the straight trend does not (LR test rejects it).
    trend = fit_trend(list(range(2010, 2016)), [100, 100, 100, 100, 50, 25])
    assert trend.change_year == 2013
    assert (trend.since_year, trend.since_value) == (2013, 100)
    assert (trend.last_year, trend.last_value) == (2015, 25)
    assert trend.change_pct == pytest.approx(-75.0)  # 25 against 100
    assert trend.yearly_change_pct == pytest.approx(-50.0, abs=1e-4)  # exp(-log 2) - 1
    # Poisson variance of the slope after the hinge: only 2014 and 2015 inform it beyond
    # the level, so the test is weak but a halving twice over 100 is clear.
    assert trend.p_value < 0.001


def test_noise_around_a_level_is_not_a_trend() -> None:
    trend = fit_trend(list(range(2010, 2018)), [50, 55, 48, 52, 51, 47, 53, 50])
    assert trend.change_year is None
    assert not trend.significant
    assert abs(trend.yearly_change_pct) < 2


def test_too_short_a_series_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 5 years"):
        fit_trend([2020, 2021, 2022], [1, 2, 3])


def test_findings_table_passes_the_gate_exactly_as_registry_counts() -> None:
    figure = TableSpec("figures/2.1", [{"year": 2010 + i, "victims": v} for i, v in
                                       enumerate([100, 100, 100, 100, 50, 25])],
                       ("victims",), "Victims", "Slachtoffers")
    table = findings_table([figure])
    assert table is not None
    (row,) = table.rows
    assert row["finding"] == "victims" and row["change_year"] == 2013
    assert (row["year_from"], row["value_from"], row["year_to"], row["value_to"]) == \
        (2013, 100, 2015, 25)
    assert row["change_pct"] == -75.0 and math.isclose(row["yearly_change_pct"], -50.0)
    released = apply_rules(table)
    assert released.policy == "registry"
    assert released.rows[0]["value_to"] == 25  # exact, as the seeds print registry counts


def test_sexual_exploitation_sums_its_three_forms() -> None:
    rows = [{"year": 2010 + i, "form": form, "victims": v}
            for i in range(5)
            for form, v in (("domestic_sexual", 10), ("cross_border_sexual", 20),
                            ("sexual_unknown", 1), ("labour", 7))]
    table = findings_table([TableSpec("figures/2.2", rows, ("victims",), "F", "F")])
    assert table is not None
    got = {r["finding"]: r["value_to"] for r in table.rows}
    assert got == {"sexual": 31, "labour": 7}  # no criminal rows: no sentence
