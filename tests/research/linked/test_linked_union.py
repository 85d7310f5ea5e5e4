"""The registry and union populations of chapters 3 and 4 (issue 15), worked out by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from linked_tiny import incident, person, write_extract
from linked_world import REPORT_COLUMNS, write_table

from zicht.research.linked import LinkedSpec, run_linked
from zicht.research.linked.populations import (
    build_aid_population,
    build_persons,
    build_registry_links,
    build_revictimisation_population,
)
from zicht.research.linked.run import population_name
from zicht.research.store import ResearchStore, open_extract


def report(rid: str, vid: str | None, forms: list[str], reported: date, start: date,
           end: date | None, *, anonymous: bool = False) -> dict[str, Any]:
    return {"report_pid": rid, "victim_pid": vid, "anonymous": anonymous, "forms": forms,
            "report_date": reported, "exploitation_start": start, "exploitation_end": end,
            "labour_sectors": []}


def _store(tmp_path: Path) -> ResearchStore:
    population = [person("V1", "female", 2001), person("R1", "female", 1990),
                  person("R2", "male", 1985), person("U1", "female", 1998)]
    incidents = [
        incident("p1", "V1", "F561", date(2017, 5, 1), date(2017, 1, 1), date(2017, 3, 1)),
        # U1 is in both sources: the police registration follows the registry report
        incident("p2", "U1", "F562", date(2018, 6, 1), date(2018, 1, 1), date(2018, 4, 1)),
        incident("p3", "U1", "F999", date(2019, 1, 1), group="violence"),
    ]
    extract = write_extract(tmp_path, population=population, police_incidents=incidents)
    reports = [
        # W1 (BSN -> R1): labour and sexual -> F561 (sexual comes first)
        report("r1", "W1", ["labour", "sexual"], date(2017, 2, 1), date(2016, 6, 1),
               date(2016, 12, 1)),
        report("r6", "W1", ["sexual"], date(2019, 5, 5), date(2019, 1, 1), date(2019, 2, 1)),
        # W2: no BSN, linked by PPRL to R2; criminal -> F563
        report("r2", "W2", ["criminal"], date(2018, 3, 1), date(2017, 10, 1),
               date(2018, 1, 15)),
        # W3 (BSN -> U1): exploitation started before the police's offence start
        report("r3", "W3", ["labour"], date(2018, 2, 1), date(2017, 12, 1), date(2018, 4, 1)),
        # W4: no BSN and no link; an anonymous report is nobody's
        report("r4", "W4", ["sexual"], date(2018, 1, 1), date(2017, 6, 1), None),
        report("r5", None, ["sexual"], date(2018, 1, 1), date(2017, 6, 1), None,
               anonymous=True),
    ]
    write_table(extract / "reports.parquet", reports, REPORT_COLUMNS)
    pq.write_table(pa.table({
        "victim_pid": ["W1", "W2", "W3", "W4"], "person_pid": ["R1", None, "U1", None],
        "n_reports": pa.array([2, 1, 1, 1], pa.int32()),
        "first_report_date": [date(2017, 2, 1), date(2018, 3, 1), date(2018, 2, 1),
                              date(2018, 1, 1)]}), extract / "victims.parquet")
    store = open_extract(extract)
    # A PPRL link of W2, and one of W1 that is ignored (W1 has a BSN pseudonym).
    store.con.execute("CREATE TEMP TABLE pprl_links AS SELECT * FROM (VALUES "
                      "('W2', 'R2', 0.93), ('W1', 'V1', 0.81)) t(victim_pid, person_pid, dice)")
    build_registry_links(store, "pprl_links")
    build_persons(store)
    return store


def _aid(store: ResearchStore, population: str) -> tuple[tuple[int, int, int],
                                                         dict[str, tuple[str, str]]]:
    count = build_aid_population(store, 2016, 2020, population=population)
    rows = {r["person_pid"]: (r["incident_id"], r["form"])
            for r in store.rows("SELECT * FROM aid_victims")}
    return (count.linked, count.registrations_without_pid, count.pids_not_in_register), rows


def test_registry_links_by_bsn_then_pprl(tmp_path: Path) -> None:
    store = _store(tmp_path)
    links = {(r["victim_pid"], r["person_pid"], r["linked_by"])
             for r in store.rows("SELECT * FROM registry_links")}
    assert links == {("W1", "R1", "bsn"), ("W3", "U1", "bsn"), ("W2", "R2", "pprl")}


def test_aid_populations(tmp_path: Path) -> None:
    store = _store(tmp_path)
    assert _aid(store, "police") == ((2, 0, 0), {"V1": ("p1", "sexual"),
                                                 "U1": ("p2", "labour")})
    # W4's report has no person: one registration without a person number.
    assert _aid(store, "registry") == ((3, 1, 0), {"R1": ("r1", "sexual"),
                                                   "R2": ("r2", "criminal"),
                                                   "U1": ("r3", "labour")})
    # Union: each person once, the first event by offence start (U1: the registry's).
    assert _aid(store, "union") == ((4, 1, 0), {"V1": ("p1", "sexual"),
                                                "R1": ("r1", "sexual"),
                                                "R2": ("r2", "criminal"),
                                                "U1": ("r3", "labour")})


def test_revictimisation_populations(tmp_path: Path) -> None:
    store = _store(tmp_path)
    for population, index in (("police", {"V1": "p1", "U1": "p2"}),
                              ("registry", {"R1": "r1", "R2": "r2", "U1": "r3"}),
                              ("union", {"V1": "p1", "R1": "r1", "R2": "r2", "U1": "r3"})):
        build_revictimisation_population(store, 2010, 2020, population=population)
        got = {r["person_pid"]: r["index_incident_id"]
               for r in store.rows("SELECT * FROM rv_victims")}
        assert got == index, population
        new = {(r["person_pid"], r["incident_id"]) for r in store.rows("SELECT * FROM rv_new")}
        # U1's police trafficking registration (p2) belongs to the index event in every
        # population; the violence later is a new incident; W1's second registry report
        # is no police registration.
        assert new == {("U1", "p3")}, population


def test_run_names_populations_side_by_side(tmp_path: Path) -> None:
    store = _store(tmp_path)
    # run_linked links by itself: this extract has no pprl/ files, so W2 stays unlinked.
    result = run_linked(store, LinkedSpec(controls_per_victim=1))
    names = result.names()
    assert "aid/shelter" in names and "aid/registry/shelter" in names
    assert "aid/union/shelter" in names and "revictimisation/registry/cohorts" in names
    assert names[0] == "aid/populations"
    side = result.table("aid/populations").rows
    victims = {r["population"]: r["persons"] for r in side
               if r["aid"] == "shelter" and r["group"] == "victims"}
    assert victims == {"police": 2, "registry": 2, "union": 3}
    assert result.meta["registry_links"] == {"bsn": 2}
    assert all(t.table.startswith(("aid/", "revictimisation/")) for t in result.tests)
    assert population_name("revictimisation/km_curve", "union") == \
        "revictimisation/union/km_curve"
    assert population_name("aid/shelter", "police") == "aid/shelter"
