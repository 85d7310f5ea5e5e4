"""Who is in the chapter-3 and chapter-4 populations, and who cannot be linked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from linked_tiny import incident, person, write_extract

from zicht.research.linked.populations import (
    build_aid_population,
    build_persons,
    build_revictimisation_population,
)
from zicht.research.store import open_extract


def test_populations_and_unlinkable_counts(tmp_path: Path) -> None:
    population = [person("V1", "female", 2001), person("V2", "male", 1980),
                  person("V3", "female", 1995, registered_until=date(2018, 1, 1))]
    incidents = [
        # V1: two incidents in the period; the first by start date is the one used
        incident("a2", "V1", "F563", date(2018, 2, 1), date(2018, 2, 1), date(2018, 3, 1)),
        incident("a1", "V1", "F561", date(2016, 5, 1), date(2016, 4, 1), date(2016, 6, 1)),
        # V2: offence period ends in 2020, so out of chapter 3; in chapter 4
        incident("b1", "V2", "F562", date(2019, 12, 1), date(2019, 11, 1), date(2020, 2, 1)),
        # V3: registered in 2012 only: chapter 4, not chapter 3
        incident("c1", "V3", "F5293", date(2012, 1, 10)),
        incident("c2", "V3", "F561", date(2013, 1, 10)),
        # not linkable: no person number (twice), a person number not in the register
        incident("n1", None, "F561", date(2017, 1, 1)),
        incident("n2", None, "F561", date(2017, 2, 1)),
        incident("x1", "X9", "F561", date(2017, 1, 1)),
        incident("x2", "X9", "F561", date(2017, 3, 1)),
        # not trafficking, and a trafficking incident before 2010
        incident("o1", "V2", "F999", date(2017, 1, 1), group="violence"),
        incident("o2", "V2", "F561", date(2009, 6, 1)),
    ]
    store = open_extract(write_extract(tmp_path, population=population,
                                       police_incidents=incidents))
    build_persons(store)
    aid = build_aid_population(store, 2016, 2020)
    assert (aid.linked, aid.registrations_without_pid, aid.pids_not_in_register) == (1, 2, 1)
    assert aid.unlinkable == 3
    v1 = store.rows("SELECT * FROM aid_victims")[0]
    assert (v1["incident_id"], v1["form"], v1["age"], v1["minor"], v1["age_group"]) == (
        "a1", "sexual", 2016 - 2001 - 1, True, "minor")
    assert v1["end_year"] == 2016

    rv = build_revictimisation_population(store, 2010, 2020)
    assert rv.linked == 3
    victims = {r["person_pid"]: r for r in store.rows("SELECT * FROM rv_victims")}
    assert victims["V3"]["index_incident_id"] == "c1"
    assert victims["V3"]["sexual_split"] == "unknown"  # F5293: form unknown
    assert victims["V3"]["censor_date"] == date(2018, 1, 1)  # left the register
    assert victims["V2"]["censor_date"] == date(2020, 12, 31)
    assert victims["V2"]["index_date"] == date(2019, 12, 1)
    new = {(r["person_pid"], r["incident_id"]) for r in store.rows("SELECT * FROM rv_new")}
    # V1's second trafficking incident and V3's are new incidents; V2's violence is
    # before its index incident, so it is not
    assert new == {("V1", "a2"), ("V3", "c2")}


def test_the_aid_period_can_follow_the_registration_date(tmp_path: Path) -> None:
    population = [person("V4", "male", 1990)]
    # exploited since mid-2015, registered in 2016: out by offence start (the seed), in
    # by registration date
    incidents = [incident("d1", "V4", "F562", date(2016, 2, 1), date(2015, 6, 1),
                          date(2016, 3, 1))]
    store = open_extract(write_extract(tmp_path, population=population,
                                       police_incidents=incidents))
    build_persons(store)
    assert build_aid_population(store, 2016, 2020).linked == 0
    assert build_aid_population(store, 2016, 2020,
                                period_by="registration_date").linked == 1
