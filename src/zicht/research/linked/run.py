"""``run_linked``: chapter 3 and 4 of the monitor from a research extract, in one call."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from zicht.core.errors import NotFoundError
from zicht.core.progress import Tick, no_progress
from zicht.core.table import TableSpec
from zicht.research.linked import rules
from zicht.research.linked.aid import build_aid_persons, compute_aid
from zicht.research.linked.controls import draw_controls
from zicht.research.linked.populations import (
    PopulationCount,
    build_aid_population,
    build_persons,
    build_revictimisation_population,
)
from zicht.research.linked.revictimisation import compute_revictimisation, kaplan_meier
from zicht.research.linked.table import LinkedResult, linked_table, share
from zicht.research.store import ResearchStore

#: The sources the linked analyses read (docs/data-flow.md §1, keyed by person_pid).
SOURCES = ("population", "police_incidents", "youth_care", "wmo_shelter", "health_costs")


@dataclass(frozen=True)
class LinkedSpec:
    """The choices of a run; the defaults are the seed's (annex B1.3-B1.4)."""

    aid_from: int = 2016
    aid_to: int = 2020
    aid_period_by: str = "offence_start"  # or "registration_date"
    control_reference_date: date = date(2016, 1, 1)
    controls_per_victim: int = 1000
    #: A stratum with too few residents repeats them (a small register, e.g. the demo's).
    controls_with_replacement: bool = False
    control_year: int = 2019
    control_window: str = "started"
    rv_from: int = 2010
    rv_to: int = 2020
    follow_up_years: tuple[int, ...] = (2, 5, 7)
    detail_years: int = 5
    form_from: int = 2016
    form_years: int = 4
    km_step_months: int = 3
    seed: int = 20160101
    extra: dict[str, Any] = field(default_factory=dict)


def run_linked(store: ResearchStore, spec: LinkedSpec | None = None, *,
               progress: Tick | None = None) -> LinkedResult:
    """Populations, controls, aid (chapter 3) and revictimisation (chapter 4)."""
    spec = spec or LinkedSpec()
    tick = progress or no_progress
    missing = [s for s in SOURCES if not store.has(s)]
    if missing:
        raise NotFoundError(
            f"The linked analyses need the sources {', '.join(missing)}, which are not in "
            f"{store.sources_dir or store.extract_dir}. Pass --sources DIR with the "
            "pseudonymised sources/*.parquet of the extract (docs/data-flow.md §2).")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    tick("study populations", 0, 4)
    build_persons(store)
    aid_pop = build_aid_population(store, spec.aid_from, spec.aid_to,
                                   period_by=spec.aid_period_by)
    rv_pop = build_revictimisation_population(store, spec.rv_from, spec.rv_to)
    timings["populations_s"] = round(time.perf_counter() - started, 2)
    t = time.perf_counter()
    tick(f"drawing {spec.controls_per_victim:,} controls per victim", 1, 4)
    draw = draw_controls(store, per_victim=spec.controls_per_victim, seed=spec.seed,
                         reference_date=spec.control_reference_date,
                         replacement=spec.controls_with_replacement)
    timings["controls_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    tick("aid against the controls", 2, 4)
    build_aid_persons(store, control_year=spec.control_year,
                      control_window=spec.control_window)
    aid = compute_aid(store)
    timings["aid_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    tick("revictimisation", 3, 4)
    rv = compute_revictimisation(store, first=spec.rv_from, last=spec.rv_to,
                                 follow_up=spec.follow_up_years,
                                 detail_years=spec.detail_years, form_from=spec.form_from,
                                 form_years=spec.form_years)
    km = kaplan_meier(store, step_months=spec.km_step_months,
                      summary_years=spec.follow_up_years)
    timings["revictimisation_s"] = round(time.perf_counter() - t, 2)
    tick("done", 4, 4)
    tables = (
        _population_table(store, "aid/population", "aid_victims", aid_pop,
                          "Police-registered trafficking victims in the aid analysis "
                          f"(incident {spec.aid_from}-{spec.aid_to}, offence period ended "
                          f"before {spec.aid_to})",
                          "Door de politie geregistreerde slachtoffers mensenhandel in de "
                          f"analyse van hulpverlening (incident {spec.aid_from}-{spec.aid_to})"),
        *aid.tables,
        _population_table(store, "revictimisation/population", "rv_victims", rv_pop,
                          "Police-registered trafficking victims in the revictimisation "
                          f"analysis ({spec.rv_from}-{spec.rv_to})",
                          "Door de politie geregistreerde slachtoffers mensenhandel in de "
                          f"analyse van herhaald slachtofferschap ({spec.rv_from}-{spec.rv_to})"),
        *rv.tables, *km,
    )
    spec_meta = {k: (v.isoformat() if isinstance(v, date) else v)
                 for k, v in asdict(spec).items() if k != "extra"}
    meta = {
        "stage": "linked",
        "spec": spec_meta,
        "controls": {"victims": draw.victims, "strata": draw.strata,
                     "controls": draw.controls, "per_victim": draw.per_victim,
                     "seed": draw.seed, "reference_date": draw.reference_date.isoformat(),
                     "shortfall": draw.shortfall,
                     "distinct_controls": draw.distinct_controls,
                     "with_replacement": draw.with_replacement},
        "timings": timings,
        "snapshot_id": store.manifest.get("snapshot_id"),
        "method": {t.name: {"en": t.en, "nl": t.nl, "unit": t.unit,
                            "rules": [{"code": r.code, "en": r.en, "nl": r.nl, "sql": r.sql,
                                       "since": r.since} for r in t.rules]}
                   for t in rules.RULE_TABLES},
    }
    return LinkedResult(tables, (*aid.tests, *rv.tests), meta)


def _population_table(store: ResearchStore, name: str, view: str, count: PopulationCount,
                      title_en: str, title_nl: str) -> TableSpec:
    """Linked victims by minor/age group, sex and form, and the unlinkable ones."""
    rows: list[dict[str, Any]] = []
    linked = count.linked
    for breakdown, column in (("age_group", "age_group"), ("sex", "COALESCE(sex, 'unknown')"),
                              ("form", "form")):
        for r in store.rows(f"SELECT {column} AS category, COUNT(*) AS persons FROM {view} "
                            f"GROUP BY 1 ORDER BY 1"):
            rows.append({"breakdown": breakdown, "category": str(r["category"]),
                         "persons": int(r["persons"]),
                         "share": share(int(r["persons"]), linked)})
    rows.insert(0, {"breakdown": "total", "category": "linked", "persons": linked,
                    "share": 100.0 if linked else None})
    rows.append({"breakdown": "not_linkable", "category": "registrations_without_person_number",
                 "persons": count.registrations_without_pid, "share": None})
    rows.append({"breakdown": "not_linkable", "category": "person_not_in_register",
                 "persons": count.pids_not_in_register, "share": None})
    return linked_table(name, tuple(rows), ("persons",), title_en, title_nl, n=linked,
                       shares={"share": "persons"},
                       notes="Victims without a person number in the population register "
                             "cannot be linked and are left out (counted in the last rows).",
                       notes_nl="Slachtoffers zonder persoonsnummer in de BRP zijn niet te "
                                "koppelen en blijven buiten de analyse (geteld in de laatste "
                                "rijen).")
