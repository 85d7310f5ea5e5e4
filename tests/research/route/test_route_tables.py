"""The route chapter's tables on a hand-built extract of five persons: the source rows
become events as ``model.py`` reads them (an accepted offer is a reflection period, a
COSM exit with destination ``returned`` a departure, qualification 420 granted is
residence, guidance is aid), and every total is worked out by hand below.

Data end 2020-12-31. V1 offer 01-01 accepted (reflection 01-01..03-31), COSM
01-06..04-15, temporary residence (420) granted 03-01, Wmo shelter 04-15..08-01, housing
08-01.., guidance 05-01..2021-03-01. V2 offer 02-01 declined, residence refused 02-10.
V3 offer 04-01 accepted (04-01..06-30), COSM 04-03..07-10, returned home. V4 residence
granted 03-01, nothing else. V5 offer 11-28 accepted, COSM 12-01.. (still there). V2
was in asylum reception before (COA, two locations, 01-10..03-15).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from zicht.core.table import TableSpec
from zicht.disclosure import apply_rules
from zicht.research.route import OUTCOMES, route_tables
from zicht.research.store import open_extract

END = dt.date(2020, 12, 31)
_PERSON = {"person_pid": None, "sex": "female", "birth_year": 1995, "nationality": "UG"}


def _d(day: str | None) -> dt.date | None:
    return dt.date.fromisoformat(day) if day else None


def _write(sources: Path, name: str, rows: list[dict[str, Any]]) -> None:
    pd.DataFrame(rows).to_parquet(sources / f"{name}.parquet", index=False)


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, TableSpec]:
    from zicht.boundary.extract import REPORT_SCHEMA

    extract = tmp_path_factory.mktemp("route_tables")
    sources = extract / "sources"
    sources.mkdir()
    pq.write_table(REPORT_SCHEMA.empty_table(), extract / "reports.parquet")
    offers = [("V1", "2020-01-01", "accepted", "2020-03-31"), ("V2", "2020-02-01", "declined",
                                                              None),
              ("V3", "2020-04-01", "accepted", "2020-06-30"), ("V5", "2020-11-28",
                                                               "accepted", None)]
    _write(sources, "reflection_offers", [
        {"offer_id": f"O{v}", "v_number": v, **_PERSON, "offer_date": _d(day),
         "offered_by": "police", "form": "sexual", "outcome": outcome,
         "start_date": _d(day) if outcome == "accepted" else None, "end_date": _d(end),
         "dublin_indication": False} for v, day, outcome, end in offers])
    _write(sources, "cosm_stays", [
        {"stay_id": f"C{v}", "v_number": v, **_PERSON, "intake_date": _d(a),
         "exit_date": _d(b), "destination": dest, "form": "sexual"}
        for v, a, b, dest in (("V1", "2020-01-06", "2020-04-15", "wmo_shelter"),
                              ("V3", "2020-04-03", "2020-07-10", "returned"),
                              ("V5", "2020-12-01", None, None))])
    _write(sources, "ind_decisions", [
        {"decision_id": f"D{v}", "v_number": v, **_PERSON, "qualification": "420",
         "procedure": "temporary", "decision_date": _d(day), "outcome": outcome,
         "ground": None, "dublin_indication": False}
        for v, day, outcome in (("V1", "2020-03-01", "granted"),
                                ("V2", "2020-02-10", "refused"),
                                ("V4", "2020-03-01", "granted"))])
    _write(sources, "wmo_housing", [
        {"record_id": f"W{i}", "v_number": "V1", "person_pid": None, "provision": kind,
         "start_date": _d(a), "end_date": _d(b), "municipality": "GM0363"}
        for i, (kind, a, b) in enumerate((("wmo_shelter", "2020-04-15", "2020-08-01"),
                                          ("housing", "2020-08-01", None),
                                          ("guidance", "2020-05-01", "2021-03-01")))])
    # V2 was in asylum reception at two locations before the offer (COA).
    _write(sources, "coa_stays", [
        {"stay_id": f"A{i}", "v_number": "V2", **_PERSON, "location": loc,
         "intake_date": _d(a), "exit_date": _d(b)}
        for i, (loc, a, b) in enumerate((("L1", "2020-01-10", "2020-02-20"),
                                         ("L2", "2020-02-20", "2020-03-15")))])
    store = open_extract(extract)
    try:
        return {t.name: t for t in route_tables(store, END)}
    finally:
        store.close()


def _total(t: TableSpec, key: str) -> dict[str, Any]:
    return {r[key]: r["persons"] for r in t.rows if r["breakdown"] == "total"}


def test_outcomes_table(tables: dict[str, TableSpec]) -> None:
    # V1 housing, V2 break (quiet since 02-10), V3 departed, V4 residence (quiet since
    # 03-01), V5 running (in the COSM at the end); nobody has guidance only.
    t = tables["route/outcomes"]
    assert _total(t, "route_outcome") == {"housing": 1, "departed": 1, "running": 1,
                                    "residence": 1, "aid": 0, "break": 1}
    assert [r["route_outcome"] for r in t.rows if r["breakdown"] == "total"] == list(OUTCOMES)
    assert {r["share"] for r in t.rows if r["breakdown"] == "total" and r["persons"]} == {20.0}
    # all five are women: the sex breakdown repeats the total
    assert {r["route_outcome"]: r["persons"] for r in t.rows if r["category"] == "female"} == \
        _total(t, "route_outcome")
    breaks = tables["route/breaks"].row(breakdown="total", category="total")
    assert (breaks["persons"], breaks["breaks"], breaks["share"]) == (5, 1, 20.0)
    last = {r["last_stage"]: r["breaks"] for r in tables["route/breaks_last_stage"].rows}
    assert last == {"none": 1, "reflection": 0, "cosm": 0, "residence": 0, "housing": 0,
                    "aid": 0}  # the one break, V2, reached no stage


def test_stage_counts_and_locations(tables: dict[str, TableSpec]) -> None:
    # reflection V1 V3 V5; COSM V1 V3 V5; residence V1 V4; housing and aid V1
    assert _total(tables["route/stages"], "stage") == {
        "entered": 5, "reflection": 3, "cosm": 3, "residence": 2, "housing": 1, "aid": 1}
    # V1: COSM + Wmo shelter + housing = 3; V2: two reception locations; V3, V5: a
    # COSM; V4: none. Mean (3 + 2 + 1 + 0 + 1) / 5 = 1.4.
    assert _total(tables["route/locations"], "locations") == {"0": 1, "1": 2, "2": 1,
                                                             "3": 1, "4+": 0}
    mean = tables["route/locations_mean"].row(breakdown="total", category="total")
    assert mean["mean_locations"] == 1.4


def test_time_to_housing(tables: dict[str, TableSpec]) -> None:
    # V1 105 days (01-01 -> 04-15); censored at the end: V5 33, V3 274, V4 305, V2 356
    # (entered at reception, 01-10).
    # At 105 four at risk (V5 left at 33): S = 3/4, so q1 = 105, no median.
    row = tables["route/time_to_housing"].row(breakdown="total", category="total")
    assert (row["persons"], row["reached"], row["q1_days"], row["median_days"]) == (
        5, 1, 105.0, None)
    assert row["reached_1y_pct"] == 25.0


def test_outcomes_pass_the_gate_protected(tables: dict[str, TableSpec]) -> None:
    released = apply_rules(tables["route/outcomes"])
    assert released.policy == "protected"
    # five persons: every count under 10 is suppressed, none is printed
    assert all(r["persons"] in (None, 0) for r in released.rows)
