"""Stratified estimates and capture tables from a research extract."""

from __future__ import annotations

import numpy as np
import pytest

from zicht.core.errors import EstimationError
from zicht.research.estimate import CaptureTable, estimate_strata
from zicht.research.estimate.extract import (
    collapse_small,
    parse_by,
    tables_from_extract,
)
from zicht.research.estimate.simulate import SCENARIOS, simulate


def test_sum_of_strata_and_pooled():
    tables = {(("year", y),): simulate(SCENARIOS[0], y) for y in (2019, 2020, 2021)}
    s = estimate_strata(tables, "stepwise", bootstrap=30, workers=1)
    assert s.sum_estimate == pytest.approx(sum(r.result.estimate for r in s.strata))
    assert s.sum_ci_lower < s.sum_estimate < s.sum_ci_upper
    assert s.pooled is not None and s.pooled.observed == sum(t.observed for t in tables.values())
    rows = s.rows()
    assert [r["row"] for r in rows] == ["stratum"] * 3 + ["sum of strata", "pooled"]
    assert rows[0]["year"] == 2019


def test_failing_stratum_is_reported_not_fatal():
    good = simulate(SCENARIOS[0], 1)
    bad = CaptureTable(good.lists, np.eye(1, 31, 0, dtype=np.int64)[0] * 5)  # one list only
    s = estimate_strata({(("form", "a"),): good, (("form", "b"),): bad}, "main")
    assert s.strata[1].error is not None and not s.sum_complete
    assert s.sum_estimate == pytest.approx(s.strata[0].result.estimate + 5)


def test_collapse_small_lists():
    t = CaptureTable(("police", "kmar", "other"), np.array([50, 1, 2, 40, 10, 5, 1]))
    collapsed, notes = collapse_small(t, 10)
    assert collapsed.lists == ("police", "other+kmar")
    assert collapsed.observed == t.observed and notes


def test_collapse_small_keeps_two_lists():
    # every list but other is small: merging them all would leave a single list
    t = CaptureTable(("police", "kmar", "other"), np.array([3, 1, 0, 0, 0, 0, 0]))
    collapsed, _ = collapse_small(t, 10)
    assert collapsed.lists == ("police", "other+kmar")
    assert collapsed.observed == t.observed
    t = CaptureTable(("police", "kmar"), np.array([3, 1, 0]))
    assert collapse_small(t, 10)[0].lists == ("police", "kmar")


def test_parse_by():
    assert parse_by("year, form") == ("year", "form")
    with pytest.raises(EstimationError, match="Unknown stratum"):
        parse_by("year,colour")


def test_tables_from_extract(extract_dir):
    directory, truth = extract_dir
    t = tables_from_extract(directory, "year,form", min_list=10)
    assert set(t.tables) == {(("year", y), ("form", f)) for y, f in truth}
    for table in t.tables.values():
        assert "kmar" not in table.lists  # 0.4% capture: merged into other
        assert 0 < table.observed < 1500
    assert t.pooled.observed == sum(x.observed for x in t.tables.values())
    s = estimate_strata(t.tables, "stepwise", pooled=t.pooled)
    assert s.sum_estimate == pytest.approx(sum(truth.values()), rel=0.1)
