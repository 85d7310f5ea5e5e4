"""Golden tests of the route rules (zicht.research.route.model) on five hand-built
persons (ten more for the outcomes); every expected value is worked out by hand in the
comments.

Data end 2020-12-31 (2020 is a leap year).

A  offer 01-01, reflection 01-01..03-31, COSM 01-06..04-15, residence 03-01,
   Wmo shelter 04-15..08-01, housing 08-01.., guidance (aid) 05-01
B  offer 02-01 (declined), decision 02-10 (no residence): nothing else
C  offer 06-01, reflection 06-01..09-01, COSM 06-03.. (still there)
D  decision 01-15, residence 01-15, Wmo shelter 03-15..12-01
E  offer 11-01, reflection 11-01..11-20 (ended early), protected shelter 11-02..11-25
G  protected shelter only; H  a Wmo record only: neither is on the route
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from zicht.research.route.model import OUTCOMES, route_persons, time_to_stage

END = dt.date(2020, 12, 31)


def _events() -> pd.DataFrame:
    rows = [
        ("A", "offer", "2020-01-01", None), ("A", "reflection", "2020-01-01", "2020-03-31"),
        ("A", "cosm", "2020-01-06", "2020-04-15"), ("A", "decision", "2020-03-01", None),
        ("A", "residence", "2020-03-01", None),
        ("A", "housing", "2020-04-15", "2020-08-01"), ("A", "housing", "2020-08-01", None),
        ("A", "aid", "2020-05-01", "2021-03-01"),
        ("B", "offer", "2020-02-01", None), ("B", "decision", "2020-02-10", None),
        ("C", "offer", "2020-06-01", None), ("C", "reflection", "2020-06-01", "2020-09-01"),
        ("C", "cosm", "2020-06-03", None),
        ("D", "decision", "2020-01-15", None), ("D", "residence", "2020-01-15", None),
        ("D", "housing", "2020-03-15", "2020-12-01"),
        ("E", "offer", "2020-11-01", None), ("E", "reflection", "2020-11-01", "2020-11-20"),
        ("E", "protected_shelter", "2020-11-02", "2020-11-25"),
        # G: a minor in protected shelter only, H: a Wmo record only: not on the route
        ("G", "protected_shelter", "2020-05-01", None), ("H", "housing", "2020-05-01", None),
    ]
    return pd.DataFrame(rows, columns=["person", "kind", "start", "end"])


@pytest.fixture
def persons() -> pd.DataFrame:
    return route_persons(_events(), END).set_index("person", drop=False)


def test_stage_counts(persons: pd.DataFrame) -> None:
    # reflection: A, C, E; COSM: A, C; residence: A, D; housing: A, D; aid: A
    counts = {s: int(persons[s].notna().sum())
              for s in ("reflection", "cosm", "residence", "housing", "aid")}
    assert len(persons) == 5
    assert counts == {"reflection": 3, "cosm": 2, "residence": 2, "housing": 2, "aid": 1}
    assert persons.loc["B", "entry"] == pd.Timestamp("2020-02-01")  # first event, any kind
    assert persons.loc["A", "housing"] == pd.Timestamp("2020-04-15")  # first of two
    assert dict(persons["last_stage"]) == {"A": "aid", "B": "none", "C": "cosm",
                                           "D": "housing", "E": "reflection"}


def test_outcomes_and_breaks() -> None:
    # The five persons above plus ten more, one rule each (data end 2020-12-31):
    extra = [
        # J: back home on leaving the COSM: departed. J2 the same 16 days before the end:
        # a return is a known end, so departed, not running.
        ("J", "offer", "2020-03-01", None), ("J", "reflection", "2020-03-01", "2020-05-30"),
        ("J", "cosm", "2020-03-05", "2020-06-20"), ("J", "departed", "2020-06-20", None),
        ("J2", "cosm", "2020-09-01", "2020-12-15"), ("J2", "departed", "2020-12-15", None),
        # K: residence granted 03-01, no housing, 305 quiet days: residence. K2: granted
        # 11-15, 46 days before the end: running (housing may still follow).
        ("K", "decision", "2020-03-01", None), ("K", "residence", "2020-03-01", None),
        ("K2", "decision", "2020-11-15", None), ("K2", "residence", "2020-11-15", None),
        # L: residence refused, Wmo guidance 02-01..06-01: aid.
        ("L", "decision", "2020-01-20", None), ("L", "aid", "2020-02-01", "2020-06-01"),
        # M: COSM left 07-10 for an asylum centre (no event), 174 quiet days: break.
        ("M", "offer", "2020-04-01", None), ("M", "reflection", "2020-04-01", "2020-06-30"),
        ("M", "cosm", "2020-04-03", "2020-07-10"),
        # N: returned home 03-01 but back in a COSM 04-01..06-01: not departed; quiet
        # since: break. N2: returned home 03-01, residence refused 05-01 (the IND deciding
        # on the file): still departed.
        ("N", "cosm", "2020-01-10", "2020-03-01"), ("N", "departed", "2020-03-01", None),
        ("N", "cosm", "2020-04-01", "2020-06-01"),
        ("N2", "cosm", "2020-01-10", "2020-03-01"), ("N2", "departed", "2020-03-01", None),
        ("N2", "decision", "2020-05-01", None),
        # P: a refused decision exactly 90 days before the end (10-02): quiet, break.
        # Q: one day later, 89 days: running.
        ("P", "decision", "2020-10-02", None), ("Q", "decision", "2020-10-03", None),
    ]
    ev = pd.concat([_events(), pd.DataFrame(extra, columns=["person", "kind", "start",
                                                            "end"])])
    p = route_persons(ev, END).set_index("person")
    # A, D housed; B offer declined and no residence (last event 02-10): break; C still
    # in the COSM (an episode running): running; E last event 11-25, 36 days: running.
    assert dict(p["outcome"]) == {
        "A": "housing", "B": "break", "C": "running", "D": "housing", "E": "running",
        "J": "departed", "J2": "departed", "K": "residence", "K2": "running", "L": "aid",
        "M": "break", "N": "break", "N2": "departed", "P": "break", "Q": "running"}
    assert list(p.index[p["break"].astype(bool)]) == ["B", "M", "N", "P"]
    # Every outcome is used once at least, and each person has exactly one.
    assert set(p["outcome"]) == set(OUTCOMES)
    # Every route without housing a break (the words taken literally) would
    # call 13 of the 15 broken, the running C, E, K2 and Q among them.
    assert int(p["housing"].isna().sum()) == 13


def test_a_departure_alone_is_not_on_the_route() -> None:
    # a return home marks an outcome: it is not a stage, a place, or a way onto the route
    ev = pd.DataFrame([("X", "departed", "2020-03-01", None)],
                      columns=["person", "kind", "start", "end"])
    assert route_persons(ev, END).empty


def test_locations(persons: pd.DataFrame) -> None:
    # A: COSM + two Wmo records = 3; B: none; C: COSM; D: Wmo shelter; E: protected
    # shelter. Reflection periods, decisions and guidance are not places.
    assert dict(persons["locations"]) == {"A": 3, "B": 0, "C": 1, "D": 1, "E": 1}


def test_asylum_reception_stays_are_locations_and_episodes() -> None:
    # R: asylum reception at two locations (01-05..02-10, 02-10..03-20), a reflection
    # period from 03-01, a COSM 03-20..06-01, back to a third location 06-01.. (still
    # there at the end): 4 locations (3 COA + COSM); the open stay makes it running.
    # S: the same without the open stay (third location 06-01..07-01): a break.
    rows = [("R", "offer", "2020-03-01", None),
            ("R", "reflection", "2020-03-01", "2020-05-30"),
            ("R", "azc", "2020-01-05", "2020-02-10"), ("R", "azc", "2020-02-10", "2020-03-20"),
            ("R", "cosm", "2020-03-20", "2020-06-01"), ("R", "azc", "2020-06-01", None)]
    rows += [("S", k, a, "2020-07-01" if (k, a) == ("azc", "2020-06-01") else b)
             for _, k, a, b in rows]
    p = route_persons(pd.DataFrame(rows, columns=["person", "kind", "start", "end"]),
                      END).set_index("person")
    assert dict(p["locations"]) == {"R": 4, "S": 4}
    assert dict(p["outcome"]) == {"R": "running", "S": "break"}
    assert p.loc["R", "entry"] == pd.Timestamp("2020-01-05")  # reception came first


def test_time_entry_to_housing_with_censoring(persons: pd.DataFrame) -> None:
    # days: D 60 (01-15 -> 03-15, reached), E 60 (11-01 -> end, censored),
    # A 105 (01-01 -> 04-15, reached), C 213 (censored), B 334 (censored).
    # KM: at 60 five at risk, one event: S = 4/5 = 0.8 (the censored E still at risk);
    # at 105 three at risk: S = 0.8 x 2/3 = 0.5333. Never <= 0.5: no median, no q3;
    # q1 (S <= 0.75) = 105; reached within a year = 1 - 0.5333 = 46.7%.
    t = time_to_stage(persons, "entry", "housing", END)
    assert (t.persons, t.reached) == (5, 2)
    assert (t.q1_days, t.median_days, t.q3_days) == (105.0, None, None)
    assert t.reached_1y_pct == pytest.approx(46.7)


def test_time_between_stages(persons: pd.DataFrame) -> None:
    # COSM -> residence: A 55 days (01-06 -> 03-01, reached), C 211 (06-03 -> end,
    # censored). S(55) = 1/2 = 0.5 <= 0.5: median 55 (statsmodels' own quantile uses
    # a strict < and would say none); q1 55; q3 none.
    t = time_to_stage(persons, "cosm", "residence", END)
    assert (t.persons, t.reached, t.q1_days, t.median_days, t.q3_days) == (
        2, 1, 55.0, 55.0, None)
    # residence -> housing: A 45 (03-01 -> 04-15), D 60 (01-15 -> 03-15), both reached:
    # S(45) = 0.5, S(60) = 0: q1 = median = 45, q3 = 60, 100% within a year.
    t = time_to_stage(persons, "residence", "housing", END)
    assert (t.q1_days, t.median_days, t.q3_days, t.reached_1y_pct) == (45.0, 45.0, 60.0,
                                                                       100.0)
    # reflection -> COSM: C 2, A 5 (reached), E 60 (11-01 -> end, censored):
    # S(2) = 2/3, S(5) = 1/3: q1 = 2, median = 5, q3 none.
    t = time_to_stage(persons, "reflection", "cosm", END)
    assert (t.persons, t.reached, t.q1_days, t.median_days, t.q3_days) == (
        3, 2, 2.0, 5.0, None)


def test_later_stage_first_is_left_out_of_the_pair() -> None:
    # F was housed (03-01) before residence was granted (06-01): F is left out of
    # residence -> housing, so only D's 60 days remain.
    ev = pd.concat([_events(), pd.DataFrame(
        [("F", "decision", "2020-06-01", None), ("F", "residence", "2020-06-01", None),
         ("F", "housing", "2020-03-01", None)], columns=["person", "kind", "start", "end"])])
    p = route_persons(ev, END)
    t = time_to_stage(p[p["person"].isin(["D", "F"])], "residence", "housing", END)
    assert (t.persons, t.reached, t.median_days) == (1, 1, 60.0)


def test_nobody_reaches_the_stage() -> None:
    p = route_persons(_events()[lambda e: e["person"] == "B"], END)
    t = time_to_stage(p, "entry", "housing", END)
    assert (t.persons, t.reached, t.median_days, t.reached_1y_pct) == (1, 0, None, 0.0)
