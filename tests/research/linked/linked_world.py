"""A small synthetic world for the linked analyses, with known planted rates.

Written as a research extract (``docs/data-flow.md`` §2): an empty ``reports.parquet``
with the contract's columns and ``sources/*.parquet`` keyed by ``person_pid``. Only
what chapters 3-4 read is filled in. The planted rates (``Planted``) are what the
recovery tests compare the analyses against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

REPORT_COLUMNS: dict[str, pa.DataType] = {
    "report_pid": pa.string(), "victim_pid": pa.string(), "person_pid": pa.string(),
    "anonymous": pa.bool_(), "reporter": pa.string(), "police_unit": pa.string(),
    "report_date": pa.date32(), "sex": pa.string(), "nationality": pa.string(),
    "nationality_2": pa.string(), "birth_year": pa.int16(), "age_at_report": pa.int16(),
    "forms": pa.list_(pa.string()), "sexual_sector": pa.string(),
    "labour_sectors": pa.list_(pa.string()), "criminal_manner": pa.string(),
    "municipality": pa.string(), "dublin_indication": pa.bool_(),
    "exploitation_start": pa.date32(), "exploitation_end": pa.date32(),
}
SCHEMAS: dict[str, dict[str, pa.DataType]] = {
    "population": {"person_pid": pa.string(), "sex": pa.string(), "birth_year": pa.int16(),
                   "municipality": pa.string(), "registered_from_year": pa.int16(),
                   "registered_until_month": pa.string()},
    "police_incidents": {"incident_id": pa.string(), "person_pid": pa.string(),
                         "role": pa.string(), "offence_code": pa.string(),
                         "offence_group": pa.string(), "registration_date": pa.date32(),
                         "offence_start": pa.date32(), "offence_end": pa.date32(),
                         "police_unit": pa.string(), "victim_report": pa.bool_()},
    "youth_care": {"person_pid": pa.string(), "start_date": pa.date32(),
                   "end_date": pa.date32(), "care_type": pa.string(), "with_stay": pa.bool_(),
                   "referrer": pa.string(), "end_reason": pa.string()},
    "wmo_shelter": {"person_pid": pa.string(), "start_date": pa.date32(),
                    "end_date": pa.date32(), "shelter_type": pa.string()},
    "health_costs": {"person_pid": pa.string(), "year": pa.int16(),
                     "mental_health_specialist_eur": pa.float64(),
                     "mental_health_basic_eur": pa.float64(), "total_eur": pa.float64()},
}
STAY = ("foster_care", "family_style", "secure_placement", "other_residential")
NO_STAY = ("neighbourhood_team", "ambulant", "day_care", "network")
GROUPS = ("sexual", "violence", "property", "threat", "trafficking", "public_order", "other")


@dataclass(frozen=True)
class Planted:
    """The rates the world is generated with."""

    youth_care_minor_victims: float = 0.55
    youth_care_controls: float = 0.11
    shelter_victims: float = 0.06
    shelter_controls: float = 0.005
    revictimised_within_5y: float = 0.45
    revictimised_after_5y: float = 0.10


@dataclass
class World:
    extract: Path
    planted: Planted
    victims: list[str] = field(default_factory=list)


def as_crossed(person: dict[str, Any]) -> dict[str, Any]:
    """A population row as the boundary lets it cross: the year of registration and the
    month of departure (``zicht.boundary.allowlist``)."""
    since, until = person.get("registered_from"), person.get("registered_until")
    return {**person, "registered_from_year": since.year if since else None,
            "registered_until_month": f"{until:%Y-%m}" if until else None}


def write_table(path: Path, rows: list[dict[str, Any]], schema: dict[str, pa.DataType]) -> None:
    arrays = {k: pa.array([r.get(k) for r in rows], type=t) for k, t in schema.items()}
    pq.write_table(pa.table(arrays), path)


def _d(start: date, days: float) -> date:
    return start + timedelta(days=int(days))


def make_world(root: Path, *, n_pop: int = 8000, n_victims: int = 80, n_old: int = 80,
               seed: int = 1, planted: Planted | None = None) -> World:
    """Write a world to ``root/extract``; return where, and what was planted."""
    planted = planted or Planted()
    rng = np.random.default_rng(seed)
    extract = root / "extract"
    (extract / "sources").mkdir(parents=True, exist_ok=True)
    write_table(extract / "reports.parquet", [], REPORT_COLUMNS)

    pop: list[dict[str, Any]] = []
    for i in range(n_pop):
        late = rng.random() < 0.04
        pop.append({"person_pid": f"P{i:06d}", "sex": "female" if rng.random() < 0.5 else "male",
                    "birth_year": int(rng.integers(1960, 2009)), "municipality": "GM0363",
                    "registered_from": date(2017, 3, 1) if late else date(1980, 1, 1),
                    "registered_until": date(2018, 6, 30) if rng.random() < 0.03 else None})
    residents = [p for p in pop if p["registered_from"] <= date(2016, 1, 1)
                 and p["registered_until"] is None]
    eligible = [p for p in residents if 1975 <= p["birth_year"] <= 2003]
    pick = rng.choice(len(eligible), size=n_victims + n_old, replace=False)
    chosen = [eligible[int(k)] for k in pick]
    incidents: list[dict[str, Any]] = []
    youth: list[dict[str, Any]] = []
    shelter: list[dict[str, Any]] = []
    costs: list[dict[str, Any]] = []

    def incident(pid: str | None, code: str, group: str, reg: date,
                 start: date | None = None, end: date | None = None) -> None:
        incidents.append({"incident_id": f"I{len(incidents):06d}", "person_pid": pid,
                          "role": "victim", "offence_code": code, "offence_group": group,
                          "registration_date": reg, "offence_start": start or reg,
                          "offence_end": end or start or reg, "police_unit": "amsterdam",
                          "victim_report": bool(rng.random() < 0.3)})

    for j, p in enumerate(chosen):
        recent = j < n_victims
        if recent:
            start = _d(date(2016, 1, 1), rng.integers(0, 1400))
            end = min(_d(start, rng.integers(0, 120)), date(2019, 12, 31))
            reg = _d(start, 5)
        else:
            reg = _d(date(2010, 1, 1), rng.integers(0, 6 * 365))
            start, end = reg, reg
        code = str(rng.choice(["F561", "F562", "F563", "F5293"], p=[0.7, 0.1, 0.1, 0.1]))
        incident(p["person_pid"], code, "trafficking", reg, start, end)
        u = rng.random()
        if u < planted.revictimised_within_5y:
            first = rng.integers(1, 5 * 365)
        elif u < planted.revictimised_within_5y + planted.revictimised_after_5y:
            first = rng.integers(5 * 365 + 2, 3000)
        else:
            first = None
        if first is not None:
            for k in range(int(rng.integers(1, 3))):
                when = _d(reg, first + 40 * k)
                if when <= date(2020, 12, 31):
                    incident(p["person_pid"], "F999", str(rng.choice(GROUPS)), when)
        if recent and start.year - p["birth_year"] - 1 < 18 \
                and rng.random() < planted.youth_care_minor_victims:
            stay = rng.random() < 0.6
            youth.append({"person_pid": p["person_pid"],
                          "start_date": _d(end, rng.integers(0, 360)), "end_date": None,
                          "with_stay": stay,
                          "care_type": str(rng.choice(STAY if stay else NO_STAY)),
                          "referrer": "certified_institution", "end_reason": None})
        if recent and rng.random() < planted.shelter_victims:
            shelter.append({"person_pid": p["person_pid"], "start_date": _d(end, 30),
                            "end_date": _d(end, 90), "shelter_type": "sheltered_housing"})
        if recent:
            costs += [{"person_pid": p["person_pid"], "year": y,
                       "mental_health_specialist_eur": 4400.0, "mental_health_basic_eur": 0.0,
                       "total_eur": 5000.0} for y in (end.year, end.year + 1)
                      if 2016 <= y <= 2018]
    incident(None, "F561", "trafficking", date(2017, 5, 1), date(2017, 5, 1), date(2017, 6, 1))
    incident(None, "F563", "trafficking", date(2018, 5, 1), date(2018, 5, 1), date(2018, 6, 1))
    incident("X000001", "F561", "trafficking", date(2017, 5, 1), date(2017, 5, 1),
             date(2017, 6, 1))
    victims = {p["person_pid"] for p in chosen}
    for p in pop:
        if p["person_pid"] in victims:
            continue
        if p["birth_year"] >= 1995 and rng.random() < planted.youth_care_controls:
            youth.append({"person_pid": p["person_pid"], "start_date": date(2019, 3, 1),
                          "end_date": date(2019, 9, 1), "with_stay": False,
                          "care_type": "ambulant", "referrer": "gp", "end_reason": "to_plan"})
        if rng.random() < planted.shelter_controls:
            shelter.append({"person_pid": p["person_pid"], "start_date": date(2019, 2, 1),
                            "end_date": date(2019, 4, 1), "shelter_type": "shelter"})
        if rng.random() < 0.05:
            costs.append({"person_pid": p["person_pid"], "year": 2017,
                          "mental_health_specialist_eur": 6000.0,
                          "mental_health_basic_eur": 0.0, "total_eur": 7000.0})
    for name, rows in (("population", [as_crossed(p) for p in pop]),
                       ("police_incidents", incidents), ("youth_care", youth),
                       ("wmo_shelter", shelter), ("health_costs", costs)):
        write_table(extract / "sources" / f"{name}.parquet", rows, SCHEMAS[name])
    return World(extract, planted, sorted(victims))
