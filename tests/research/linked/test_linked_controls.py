"""The matched control group: exact on sex and birth year, without replacement within a
stratum, residents on the reference date only, reproducible with a seed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from linked_tiny import incident, person, write_extract

from zicht.research.linked import draw_controls
from zicht.research.linked.populations import build_aid_population, build_persons
from zicht.research.store import ResearchStore, open_extract


def _store(tmp_path: Path) -> ResearchStore:
    population = [person("V1", "female", 2000), person("V2", "female", 2000),
                  person("V3", "male", 1990)]
    population += [person(f"F{i:02d}", "female", 2000) for i in range(30)]
    population += [person(f"L{i}", "female", 2000, registered_from=date(2017, 1, 1))
                   for i in range(5)]  # not yet resident on 1 January 2016
    population += [person(f"G{i}", "female", 2000, registered_until=date(2015, 6, 1))
                   for i in range(5)]  # left before 1 January 2016
    population += [person(f"M{i:02d}", "male", 1990) for i in range(15)]
    population += [person(f"O{i:02d}", "male", 2000) for i in range(20)]  # other stratum
    population += [person("W1", "female", 2000)]  # a trafficking victim outside the period
    incidents = [
        incident("i1", "V1", "F561", date(2016, 3, 1), date(2016, 3, 1), date(2016, 5, 1)),
        incident("i2", "V2", "F561", date(2017, 3, 1), date(2017, 3, 1), date(2017, 5, 1)),
        incident("i3", "V3", "F562", date(2018, 3, 1), date(2018, 3, 1), date(2018, 5, 1)),
        incident("i4", "W1", "F5293", date(2012, 3, 1)),
    ]
    store = open_extract(write_extract(tmp_path, population=population,
                                       police_incidents=incidents))
    build_persons(store)
    build_aid_population(store, 2016, 2020)
    return store


def _controls(store: ResearchStore) -> list[tuple[str, str, str, int]]:
    return store.con.execute("SELECT control_pid, victim_pid, sex, birth_year FROM "
                             "aid_controls ORDER BY control_pid").fetchall()


def test_matching_is_exact_and_without_replacement(tmp_path: Path) -> None:
    store = _store(tmp_path)
    draw = draw_controls(store, per_victim=10, seed=1)
    rows = _controls(store)
    assert (draw.victims, draw.controls, draw.shortfall) == (3, 30, 0)
    per_victim = {v: sum(1 for r in rows if r[1] == v) for v in ("V1", "V2", "V3")}
    assert per_victim == {"V1": 10, "V2": 10, "V3": 10}
    assert len({r[0] for r in rows}) == 30  # no control drawn twice
    for pid, victim, sex, birth_year in rows:
        expected = ("male", 1990) if victim == "V3" else ("female", 2000)
        assert (sex, birth_year) == expected
        assert pid[0] in ("F", "M")  # residents of the stratum; never L/G/O/W/V


def test_same_seed_same_controls_other_seed_other(tmp_path: Path) -> None:
    store = _store(tmp_path)
    draw_controls(store, per_victim=10, seed=7)
    first = _controls(store)
    draw_controls(store, per_victim=10, seed=7)
    assert _controls(store) == first
    draw_controls(store, per_victim=10, seed=8)
    assert _controls(store) != first


def test_a_small_stratum_reports_its_shortfall(tmp_path: Path) -> None:
    store = _store(tmp_path)
    draw = draw_controls(store, per_victim=20, seed=1)
    # female 2000: 2 victims x 20 = 40 needed, 30 residents; male 1990: 20 needed, 15
    assert draw.shortfall == 10 + 5
    assert draw.controls == 30 + 15
    assert "shortfall 15" in draw.summary()


def test_with_replacement_a_small_stratum_meets_the_design(tmp_path: Path) -> None:
    store = _store(tmp_path)
    draw = draw_controls(store, per_victim=20, seed=1, replacement=True)
    # female 2000: 40 needed from 30 residents, each at most ceil(40/30) = 2 times;
    # male 1990: 20 needed from 15, each at most 2 times. No shortfall.
    assert (draw.controls, draw.shortfall) == (60, 0)
    rows = _controls(store)
    per_victim = {v: sum(1 for r in rows if r[1] == v) for v in ("V1", "V2", "V3")}
    assert per_victim == {"V1": 20, "V2": 20, "V3": 20}
    uses: dict[str, int] = {}
    for pid, _victim, _sex, _birth in rows:
        uses[pid] = uses.get(pid, 0) + 1
    assert max(uses.values()) == 2
    assert draw.distinct_controls == len(uses) <= 30 + 15
    assert {pid[0] for pid in uses} <= {"F", "M"}  # still only residents of the stratum
    # A stratum large enough is drawn exactly as without replacement.
    draw_controls(store, per_victim=10, seed=1)
    plain = _controls(store)
    again = draw_controls(store, per_victim=10, seed=1, replacement=True)
    assert _controls(store) == plain and again.distinct_controls == 30


def test_per_victim_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        draw_controls(_store(tmp_path), per_victim=0)


def test_the_prefilter_keeps_exactly_the_smallest_keys(tmp_path: Path) -> None:
    population = [person("V1", "female", 2000), person("V2", "female", 2000)]
    population += [person(f"F{i:04d}", "female", 2000) for i in range(2000)]
    incidents = [
        incident("i1", "V1", "F561", date(2016, 3, 1), date(2016, 3, 1), date(2016, 5, 1)),
        incident("i2", "V2", "F561", date(2017, 3, 1), date(2017, 3, 1), date(2017, 5, 1)),
    ]
    store = open_extract(write_extract(tmp_path, population=population,
                                       police_incidents=incidents))
    build_persons(store)
    build_aid_population(store, 2016, 2020)
    draw_controls(store, per_victim=50, seed=42)
    fraction = store.con.execute("SELECT fraction FROM control_fraction").fetchone()
    assert fraction is not None and fraction[0] < 0.2  # the prefilter was used
    drawn = {r[0] for r in _controls(store)}
    expected = {r[0] for r in store.con.execute(
        "SELECT person_pid FROM population WHERE person_pid LIKE 'F%' "
        "ORDER BY hash(person_pid || '#42'), person_pid LIMIT 100").fetchall()}
    assert drawn == expected
