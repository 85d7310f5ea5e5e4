"""The report-date comparison (issue 13): context evidence from the report itself.

Reports of one victim by different reporters lie close in time; two persons with a
similar name and only a birth year are usually reported years apart. Where names and
a birth year leave the pair in doubt, the report dates decide; data without report
dates (FEBRL) are scored without the comparison.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from tests.registry.dedupe.test_small_registries import background

from zicht.registry.dedupe.engine import score_pairs
from zicht.registry.dedupe.model import REPORT_DATE_M_FLOOR, report_date_u
from zicht.registry.dedupe.normalise import normalise_frame
from zicht.registry.dedupe.pipeline import DedupeOptions, link_reports
from zicht.registry.dedupe.train import guard_m_probabilities


def test_u_is_the_exact_share_of_pairs_per_level() -> None:
    # Pairs 10, 90 (<= 90 days); 100 (<= 1 year); 400, 490, 500 (<= 3 years); the
    # four pairs with 2,000 further apart. A missing date is left out.
    u = report_date_u(pd.Series([0, 10, 100, 500, 2000, None], dtype="Int64"))
    assert u is not None
    assert [round(x, 6) for x in u] == [0.2, 0.1, 0.3, 0.4]
    assert report_date_u(pd.Series([5, None], dtype="Int64")) is None


def test_report_day_from_dates_strings_and_nothing() -> None:
    raw = pd.DataFrame({"given_names": ["Anna"] * 3, "family_name": ["Visser"] * 3,
                        "birth_date": [None] * 3, "birth_year": [1990] * 3,
                        "report_date": ["1970-01-31", dt.date(1971, 1, 1), None]})
    assert normalise_frame(raw)["report_day"].tolist()[:2] == [30, 365]
    assert normalise_frame(raw)["report_day"].isna().tolist() == [False, False, True]
    undated = normalise_frame(raw.drop(columns="report_date"))
    assert undated["report_day"].isna().all()


def test_without_report_dates_the_comparison_is_left_out() -> None:
    raw = pd.DataFrame(background(60, 5))
    raw["birth_year"] = None
    records = normalise_frame(raw)
    records["unique_id"] = np.arange(len(records), dtype=np.int64)
    for col in ("nationality_2", "bsn_key"):
        records[col] = None
    model = score_pairs(records, floor=0.3).model
    assert "report_date" not in [c["output_column_name"] for c in model["comparisons"]]


def test_m_beyond_ninety_days_keeps_its_floor() -> None:
    """EM on a world that dates every later report within 90 days learns m ~ 0 for
    the far levels: a veto a real registry does not support."""
    levels = [{"is_null_level": True},
              {"m_probability": 0.999, "u_probability": 0.05},
              {"m_probability": 1e-6, "u_probability": 0.12},
              {"m_probability": 1e-7, "u_probability": 0.25},
              {"m_probability": 1e-9, "u_probability": 0.58}]
    model = {"comparisons": [{"output_column_name": "report_date",
                              "comparison_levels": levels}]}
    out = guard_m_probabilities(model, model)
    floors = [lv["m_probability"] for lv in out["comparisons"][0]["comparison_levels"][2:]]
    assert floors == list(REPORT_DATE_M_FLOOR)
    assert math.isclose(out["comparisons"][0]["comparison_levels"][1]["m_probability"], 0.999)


def _registry(pair_dates: tuple[str | None, str | None]) -> tuple[pd.DataFrame, int, int]:
    """2,000 reports (trained model) whose repeat reports of a person follow the first
    within 120 days, plus two reports of *Anna de Vries* with only a birth year, one
    year apart (a typo or two persons: names and birth leave it in doubt)."""
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(background(1998, 3))
    persons = frame["person"].unique()
    start = dt.date(2016, 1, 1).toordinal()
    first = dict(zip(persons, start + rng.integers(0, 8 * 365, len(persons)), strict=True))
    seen: set[str] = set()
    days = []
    for person in frame["person"]:
        days.append(int(first[person]) + (int(rng.integers(0, 120)) if person in seen else 0))
        seen.add(person)
    frame["report_date"] = [dt.date.fromordinal(d).isoformat() for d in days]
    planted = pd.DataFrame([
        dict(given_names="Anna", family_name="de Vries", birth_date=None, birth_year=year,
             sex="female", nationality="NL", report_date=day, person=f"anna{year}")
        for year, day in zip((1996, 1997), pair_dates, strict=True)])
    out = pd.concat([frame, planted], ignore_index=True)
    out["birth_year"] = pd.to_numeric(out["birth_year"]).astype("Int64")
    out["nationality_2"], out["bsn_key"] = None, None
    out["report_id"] = np.arange(1, len(out) + 1, dtype=np.int64)
    return out, len(out) - 1, len(out)


@pytest.mark.parametrize(("dates", "linked"), [
    (("2016-02-01", "2022-06-01"), False),  # six years apart: two persons
    (("2019-02-01", "2019-03-15"), True),  # six weeks apart: one person, a typo
], ids=["years_apart", "weeks_apart"])
def test_report_dates_decide_a_doubtful_pair(dates: tuple[str, str], linked: bool) -> None:
    frame, a, b = _registry(dates)
    linkage = link_reports(frame, DedupeOptions())
    assert linkage.trained
    label = dict(zip(linkage.ids.tolist(), linkage.labels.tolist(), strict=True))
    assert (label[a] == label[b]) is linked
