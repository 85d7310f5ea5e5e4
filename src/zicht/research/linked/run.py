"""``run_linked``: chapter 3 and 4 of the monitor from a research extract, in one call."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

import pyarrow.parquet as pq

from zicht.core.errors import NotFoundError
from zicht.core.progress import Tick, no_progress
from zicht.core.table import TableSpec
from zicht.research.linked import rules
from zicht.research.linked.aid import build_aid_persons, compute_aid
from zicht.research.linked.controls import ControlDraw, draw_controls
from zicht.research.linked.populations import (
    POPULATIONS,
    PopulationCount,
    build_aid_population,
    build_persons,
    build_registry_links,
    build_revictimisation_population,
)
from zicht.research.linked.pprl_match import PprlLinks, match_encodings
from zicht.research.linked.revictimisation import compute_revictimisation, kaplan_meier
from zicht.research.linked.table import ChiSquare, LinkedResult, linked_table, share
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
    tick("linking the registry's victims", 0, 1 + 4 * len(POPULATIONS))
    t = time.perf_counter()
    populations: tuple[str, ...] = ("police",)
    pprl = None
    if _has_registry(store):
        pprl = _pprl_links(store)
        build_registry_links(store, "pprl_links" if pprl is not None else None)
        populations = POPULATIONS
    else:
        build_registry_links(store)
    build_persons(store)
    timings["registry_links_s"] = round(time.perf_counter() - t, 2)
    tables: list[TableSpec] = []
    tests: list[ChiSquare] = []
    draws: dict[str, ControlDraw] = {}
    counts: dict[str, tuple[PopulationCount, PopulationCount]] = {}
    compared: list[dict[str, Any]] = []
    steps = 1 + 4 * len(POPULATIONS)
    for k, population in enumerate(populations):
        part = _run_population(store, spec, population, timings, _offset(tick, 1 + 4 * k,
                                                                         steps))
        tables += part.tables
        tests += part.tests
        draws[population] = part.draw
        counts[population] = part.counts
        compared += part.compared
    tick("done", steps, steps)
    if len(populations) > 1:
        tables.insert(0, _populations_table(compared))
    draw = draws["police"]
    t = time.perf_counter()
    tables += _route_and_shelter(store)
    timings["route_s"] = round(time.perf_counter() - t, 2)
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
        "populations": {p: {"aid_victims": a.linked, "revictimisation_victims": r.linked,
                            "controls": draws[p].controls, "shortfall": draws[p].shortfall}
                        for p, (a, r) in counts.items()},
        "registry_links": _link_counts(store, pprl),
        "timings": timings,
        "snapshot_id": store.manifest.get("snapshot_id"),
        "method": {t.name: {"en": t.en, "nl": t.nl, "unit": t.unit,
                            "rules": [{"code": r.code, "en": r.en, "nl": r.nl, "sql": r.sql,
                                       "since": r.since} for r in t.rules]}
                   for t in rules.RULE_TABLES},
    }
    return LinkedResult(tuple(tables), tuple(tests), meta)


def _offset(tick: Tick, first: int, steps: int) -> Tick:
    """A progress callback whose steps start at ``first`` of ``steps``."""
    def shifted(description: str, done: int, _total: int) -> None:
        tick(description, first + done, steps)
    return shifted


@dataclass(frozen=True)
class _PopulationRun:
    tables: tuple[TableSpec, ...]
    tests: tuple[ChiSquare, ...]
    draw: ControlDraw
    counts: tuple[PopulationCount, PopulationCount]
    compared: tuple[dict[str, Any], ...]


#: Who each population is, for table titles (English, Dutch).
WHO: dict[str, tuple[str, str]] = {
    "police": ("Police-registered trafficking victims",
               "Door de politie geregistreerde slachtoffers mensenhandel"),
    "registry": ("Trafficking victims registered by the registration centre",
                 "Bij het registratiecentrum gemelde slachtoffers mensenhandel"),
    "union": ("Trafficking victims registered by the police or the registration centre",
              "Door de politie of bij het registratiecentrum geregistreerde slachtoffers "
              "mensenhandel"),
}


def _run_population(store: ResearchStore, spec: LinkedSpec, population: str,
                    timings: dict[str, float], tick: Tick) -> _PopulationRun:
    """Chapters 3 and 4 for one population; tables of the registry and union
    populations are named ``aid/<population>/...`` and ``revictimisation/<population>/...``."""
    started = time.perf_counter()
    tick(f"{population}: study populations", 0, 4)
    aid_pop = build_aid_population(store, spec.aid_from, spec.aid_to,
                                   period_by=spec.aid_period_by, population=population)
    rv_pop = build_revictimisation_population(store, spec.rv_from, spec.rv_to,
                                              population=population)
    timings[f"{population}_populations_s"] = round(time.perf_counter() - started, 2)
    t = time.perf_counter()
    tick(f"{population}: drawing {spec.controls_per_victim:,} controls per victim", 1, 4)
    draw = draw_controls(store, per_victim=spec.controls_per_victim, seed=spec.seed,
                         reference_date=spec.control_reference_date,
                         exclude_registry=population != "police",
                         replacement=spec.controls_with_replacement)
    timings[f"{population}_controls_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    tick(f"{population}: aid against the controls", 2, 4)
    build_aid_persons(store, control_year=spec.control_year,
                      control_window=spec.control_window)
    aid = compute_aid(store)
    compared = _compared_rows(store, population, aid_pop)
    timings[f"{population}_aid_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    tick(f"{population}: revictimisation", 3, 4)
    rv = compute_revictimisation(store, first=spec.rv_from, last=spec.rv_to,
                                 follow_up=spec.follow_up_years,
                                 detail_years=spec.detail_years, form_from=spec.form_from,
                                 form_years=spec.form_years)
    km = kaplan_meier(store, step_months=spec.km_step_months,
                      summary_years=spec.follow_up_years)
    timings[f"{population}_revictimisation_s"] = round(time.perf_counter() - t, 2)
    who_en, who_nl = WHO[population]
    tables = (
        _population_table(store, "aid/population", "aid_victims", aid_pop,
                          f"{who_en} in the aid analysis (incident {spec.aid_from}-"
                          f"{spec.aid_to}, offence period ended before {spec.aid_to})",
                          f"{who_nl} in de analyse van hulpverlening (incident "
                          f"{spec.aid_from}-{spec.aid_to})", with_form_detail=True),
        *aid.tables,
        _population_table(store, "revictimisation/population", "rv_victims", rv_pop,
                          f"{who_en} in the revictimisation analysis ({spec.rv_from}-"
                          f"{spec.rv_to})",
                          f"{who_nl} in de analyse van herhaald slachtofferschap "
                          f"({spec.rv_from}-{spec.rv_to})"),
        *rv.tables, *km,
    )
    all_tests = (*aid.tests, *rv.tests)
    if population != "police":
        tables = tuple(_for_population(t, population) for t in tables)
        all_tests = tuple(replace(x, table=population_name(x.table, population))
                          for x in all_tests)
    return _PopulationRun(tables, all_tests, draw, (aid_pop, rv_pop), compared)


def population_name(name: str, population: str) -> str:
    """``aid/shelter`` of the registry population is ``aid/registry/shelter``."""
    if population == "police":
        return name
    chapter, _, rest = name.partition("/")
    return f"{chapter}/{population}/{rest}"


def _for_population(table: TableSpec, population: str) -> TableSpec:
    label_en = {"registry": "registry population", "union": "police and registry"}[population]
    label_nl = {"registry": "populatie registratiecentrum",
                "union": "politie en registratiecentrum"}[population]
    return replace(table, name=population_name(table.name, population),
                   title_en=f"{table.title_en} ({label_en})",
                   title_nl=f"{table.title_nl} ({label_nl})")


def _compared_rows(store: ResearchStore, population: str,
                   aid_pop: PopulationCount) -> tuple[dict[str, Any], ...]:
    """Any youth care (minors) and any Wmo shelter, victims and controls: the rows of
    ``aid/populations`` for one population."""
    rows: list[dict[str, Any]] = []
    for aid, universe, flag in (("youth_care_minors", "minor", "youth_care"),
                                ("shelter", "TRUE", "shelter")):
        for r in store.rows(f"""
                SELECT grp, COUNT(*) AS persons, COUNT(*) FILTER (WHERE {flag}) AS with_aid
                FROM aid_persons WHERE {universe} GROUP BY grp ORDER BY grp"""):
            n, k = int(r["persons"]), int(r["with_aid"])
            rows.append({"population": population, "aid": aid, "group": r["grp"],
                         "persons": n, "persons_with": k, "share": share(k, n)})
    return tuple(rows)


def _populations_table(rows: list[dict[str, Any]]) -> TableSpec:
    """Chapter 3 side by side: police, registry and union population (issue 15)."""
    n = sum(int(r["persons"]) for r in rows
            if r["group"] == "victims" and r["aid"] == "shelter")
    return linked_table(
        "aid/populations", tuple(rows), ("persons", "persons_with"),
        "Aid within a year: police, registry and union population side by side (victims "
        "against their own matched controls)",
        "Hulpverlening binnen een jaar: populatie van politie, registratiecentrum en beide "
        "naast elkaar (slachtoffers tegenover hun eigen controlegroep)",
        n=n, shares={"share": "persons_with"},
        notes="Youth care: minors only, as in the seed. Registry victims are linked by the "
              "BSN pseudonym of any report or, without a BSN, by privacy-preserving "
              "linkage (docs/pprl.md).",
        notes_nl="Jeugdzorg: alleen minderjarigen, zoals in de bron. Gemelde slachtoffers "
                 "zijn gekoppeld op het gepseudonimiseerde BSN van een melding of, zonder "
                 "BSN, via privacyvriendelijke koppeling.")


def _has_registry(store: ResearchStore) -> bool:
    """Whether the extract holds registry reports with the columns the registry
    population needs (older extracts and the test worlds may not)."""
    if not (store.has("reports") and store.has("victims")):
        return False
    columns = {r["column_name"] for r in store.rows(
        "SELECT column_name FROM (DESCRIBE reports)")}
    return {"exploitation_start", "exploitation_end", "forms", "report_date",
            "nationality"} <= columns


def _pprl_links(store: ResearchStore) -> PprlLinks | None:
    """Link the registry's victims without a BSN by their keyed encodings, when the
    extract carries both sides (``pprl/victims.parquet``, ``pprl/register.parquet``)."""
    folder = store.extract_dir / "pprl"
    victims, register = folder / "victims.parquet", folder / "register.parquet"
    if not (victims.is_file() and register.is_file()):
        return None
    names, register_names = folder / "victim_names.parquet", folder / "register_names.parquet"
    second = names.is_file() and register_names.is_file()  # extracts before the second pass
    result = match_encodings(pq.read_table(victims), register,
                             victim_names=pq.read_table(names) if second else None,
                             register_names=register_names if second else None)
    store.con.register("pprl_links_arrow", result.links)
    store.con.execute("CREATE OR REPLACE TEMP TABLE pprl_links AS "
                      "SELECT * FROM pprl_links_arrow")
    store.con.unregister("pprl_links_arrow")
    return result


def _link_counts(store: ResearchStore, pprl: PprlLinks | None) -> dict[str, Any]:
    """How the registry's victims were linked (for ``meta``): counts only."""
    counts = {str(r["linked_by"]): int(r["n"]) for r in store.rows(
        "SELECT linked_by, COUNT(*) AS n FROM registry_links GROUP BY 1 ORDER BY 1")}
    if pprl is not None:
        counts["pprl_encodings"] = pprl.victims
        counts["pprl_pairs_compared"] = pprl.compared
        counts["pprl_name_token_links"] = pprl.name_links
    return counts


def _route_and_shelter(store: ResearchStore) -> list[TableSpec]:
    """The route chapter and the shelter tables (issue 15), when their sources exist."""
    from zicht.research.route import ROUTE_SOURCES, route_tables, shelter_tables

    tables = shelter_tables(store)
    if all(store.has(s) for s in ROUTE_SOURCES):
        tables += route_tables(store)
    return tables


def _population_table(store: ResearchStore, name: str, view: str, count: PopulationCount,
                      title_en: str, title_nl: str, *,
                      with_form_detail: bool = False) -> TableSpec:
    """Linked victims by minor/age group, sex and form, and the unlinkable ones."""
    rows: list[dict[str, Any]] = []
    linked = count.linked
    breakdowns = [("age_group", "age_group"), ("sex", "COALESCE(sex, 'unknown')"),
                  ("form", "form")]
    if with_form_detail:  # chapter 3 splits sexual exploitation (003 §3.2.1)
        breakdowns.append(("form_detail", "form_detail"))
    for breakdown, column in breakdowns:
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
