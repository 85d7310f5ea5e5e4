"""The route chapter's tables from the pseudonymised route sources (``model.py`` has
the rules). A person is the foreigner-number pseudonym (``v_number``), else the person
pseudonym: every route source carries the first for foreign nationals, so reflection,
COSM, residence decisions and Wmo records of one person join without a BSN.

Tables go to the gate as ``route/*`` (linked microdata: rounded to 5, small cells
suppressed; ``zicht.disclosure.rules``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pandas as pd

from zicht.core.table import TableSpec
from zicht.research import classify as cl
from zicht.research import regions as rg
from zicht.research.linked.table import linked_table, share
from zicht.research.route.model import (
    OUTCOMES,
    PAIRS,
    QUIET_DAYS,
    STAGES,
    route_persons,
    time_to_stage,
)
from zicht.research.store import ResearchStore

#: The route sources; the chapter runs when all are present.
ROUTE_SOURCES = ("reflection_offers", "cosm_stays", "ind_decisions", "wmo_housing")
#: Sources the route reads where present (stays that are places and episodes).
ROUTE_OPTIONAL = ("protected_shelter", "coa_stays")
SOURCE = ("Reflection offers, COSM stays, protected shelter, asylum reception (COA), IND "
          "decisions and Wmo shelter and housing, linked by foreigner-number pseudonym")
BREAKDOWNS = ("form", "sex", "age_group", "dublin", "origin_region")
_KEY = "COALESCE(CAST(v_number AS STRING), CAST(person_pid AS STRING))"


def route_events(store: ResearchStore) -> pd.DataFrame:
    """Every route event as ``person, kind, start, end`` (``model.py``)."""
    parts = [
        f"SELECT {_KEY} AS person, 'offer' AS kind, offer_date AS start, "
        "NULL::DATE AS \"end\" FROM reflection_offers",
        f"SELECT {_KEY}, 'reflection', start_date, end_date FROM reflection_offers "
        "WHERE outcome = 'accepted' AND start_date IS NOT NULL",
        f"SELECT {_KEY}, 'cosm', intake_date, exit_date FROM cosm_stays",
        f"SELECT {_KEY}, 'departed', exit_date, NULL::DATE FROM cosm_stays "
        "WHERE destination = 'returned'",
        f"SELECT {_KEY}, 'decision', decision_date, NULL::DATE FROM ind_decisions",
        f"SELECT {_KEY}, 'residence', decision_date, NULL::DATE FROM ind_decisions "
        f"WHERE outcome = 'granted' AND ({cl.case_sql(cl.IND_PROCEDURE)}) "
        "IN ('temporary', 'continued')",
        f"SELECT {_KEY}, CASE WHEN provision = 'guidance' THEN 'aid' ELSE 'housing' END, "
        "start_date, end_date FROM wmo_housing",
    ]
    if store.has("protected_shelter"):
        parts.append(f"SELECT {_KEY}, 'protected_shelter', intake_date, exit_date "
                     "FROM protected_shelter")
    if store.has("coa_stays"):
        parts.append(f"SELECT {_KEY}, 'azc', intake_date, exit_date FROM coa_stays")
    sql = " UNION ALL ".join(parts)
    df = store.con.execute(f"SELECT * FROM ({sql}) e WHERE person IS NOT NULL "
                           "AND start IS NOT NULL").df()
    df.columns = ["person", "kind", "start", "end"]
    return df


def route_attributes(store: ResearchStore) -> pd.DataFrame:
    """Per person: form, sex, birth year, nationality (first record that has them, the
    reflection offer before the COSM before the IND) and Dublin indication (any
    offer or decision with one)."""
    df = store.con.execute(f"""
        WITH r AS (
          SELECT {_KEY} AS person, 1 AS src, offer_date AS d, form, sex, birth_year,
                 nationality, dublin_indication FROM reflection_offers
          UNION ALL
          SELECT {_KEY}, 2, intake_date, form, sex, birth_year, nationality, NULL
          FROM cosm_stays
          UNION ALL
          SELECT {_KEY}, 3, decision_date, NULL, sex, birth_year, nationality,
                 dublin_indication FROM ind_decisions)
        SELECT person,
               arg_min(form, (src, d)) FILTER (WHERE form IS NOT NULL) AS form,
               arg_min(sex, (src, d)) FILTER (WHERE sex IS NOT NULL) AS sex,
               arg_min(birth_year, (src, d)) FILTER (WHERE birth_year IS NOT NULL)
                 AS birth_year,
               arg_min(nationality, (src, d)) FILTER (WHERE nationality IS NOT NULL)
                 AS nationality,
               bool_or(dublin_indication) AS dublin
        FROM r WHERE person IS NOT NULL GROUP BY person""").df()
    return df


def data_end(store: ResearchStore) -> dt.date:
    """The data's end date: the last day any route source recorded."""
    row = store.rows("""SELECT GREATEST(
        (SELECT MAX(GREATEST(offer_date, COALESCE(end_date, offer_date)))
         FROM reflection_offers),
        (SELECT MAX(GREATEST(intake_date, COALESCE(exit_date, intake_date))) FROM cosm_stays),
        (SELECT MAX(decision_date) FROM ind_decisions),
        (SELECT MAX(GREATEST(start_date, COALESCE(end_date, start_date)))
         FROM wmo_housing)) AS last""")[0]
    last = row["last"]
    if not isinstance(last, dt.date):
        raise ValueError("The route sources hold no dates.")
    return last


def _groups(persons: pd.DataFrame, attrs: pd.DataFrame) -> pd.DataFrame:
    """The breakdown columns of each person (codes; 'unknown' where not recorded)."""
    p = persons.merge(attrs, on="person", how="left")
    age = p["entry"].dt.year - p["birth_year"] - 1  # age on 1 January, as chapter 3
    p["age_group"] = pd.cut(age, [-1, 17, 22, 200], labels=["minor", "adolescent",
                                                            "23_plus"]).astype(object)
    p["dublin"] = p["dublin"].map({True: "yes", False: "no"})
    regions = {code: region for region, codes in (
        ("eu", rg.EU), ("other_europe", rg.OTHER_EUROPE),
        ("africa", rg.AFRICA), ("asia", rg.ASIA),
        ("latin_america", rg.LATIN_AMERICA)) for code in codes}
    p["origin_region"] = p["nationality"].map(
        lambda n: "netherlands" if n == "NL" else regions.get(n, "other_unknown"))
    for col in ("form", "sex", "age_group", "dublin"):
        p[col] = p[col].where(p[col].notna(), "unknown")
    return p


def _by_group(p: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    out = [("total", "total", p)]
    for b in BREAKDOWNS:
        for cat, part in p.groupby(b, sort=True):
            out.append((b, str(cat), part))
    return out


def route_tables(store: ResearchStore, end_date: dt.date | None = None) -> list[TableSpec]:
    """Stage counts, time to each stage, outcomes and breaks, and locations, by group."""
    end = end_date or data_end(store)
    persons = _groups(route_persons(route_events(store), end), route_attributes(store))
    groups = _by_group(persons)
    period = f"{persons['entry'].min():%Y}-{end:%Y}" if len(persons) else ""
    note = (f"Persons who entered the route (a reflection offer, a COSM stay or a "
            f"residence-scheme decision), {period}; data end {end.isoformat()}.")
    note_nl = (f"Personen die de route in gingen (aanbod bedenktijd, COSM-verblijf of "
               f"beslissing verblijfsregeling), {period}; einde gegevens {end.isoformat()}.")
    stage_rows: list[dict[str, Any]] = []
    for b, cat, g in groups:
        n = len(g)
        stage_rows.append({"breakdown": b, "category": cat, "stage": "entered",
                           "persons": n, "share": share(n, n)})
        for s in STAGES:
            k = int(g[s].notna().sum())
            stage_rows.append({"breakdown": b, "category": cat, "stage": s, "persons": k,
                               "share": share(k, n)})
    time_rows = [_time_row("total", "total", persons, a, s, end) for a, s in PAIRS]
    group_time_rows = [_time_row(b, cat, g, "entry", "housing", end)
                       for b, cat, g in groups]
    break_rows, last_rows, loc_rows, mean_rows = [], [], [], []
    outcome_rows: list[dict[str, Any]] = []
    for b, cat, g in groups:
        for o in OUTCOMES:
            m = int((g["outcome"] == o).sum())
            outcome_rows.append({"breakdown": b, "category": cat, "route_outcome": o,
                                 "persons": m, "share": share(m, len(g))})
        k = int(g["break"].sum())
        break_rows.append({"breakdown": b, "category": cat, "persons": len(g), "breaks": k,
                           "share": share(k, len(g))})
        buckets = g["locations"].clip(upper=4).map(lambda v: "4+" if v >= 4 else str(v))
        for bucket in ("0", "1", "2", "3", "4+"):
            m = int((buckets == bucket).sum())
            loc_rows.append({"breakdown": b, "category": cat, "locations": bucket,
                             "persons": m, "share": share(m, len(g))})
        mean_rows.append({"breakdown": b, "category": cat, "persons": len(g),
                          "mean_locations": round(float(g["locations"].mean()), 2)
                          if len(g) else None})
    broken = persons[persons["break"].astype(bool)]
    for s in ("none", *STAGES):
        k = int((broken["last_stage"] == s).sum())
        last_rows.append({"last_stage": s, "breaks": k, "share": share(k, len(broken))})
    tables = [
        linked_table("route/stages", tuple(stage_rows), ("persons",),
                     "Victims reaching each stage of the route, by group",
                     "Slachtoffers per fase van de route, naar groep", source=SOURCE,
                     n=len(persons), shares={"share": "persons"}, notes=note,
                     notes_nl=note_nl),
        linked_table("route/time_to_stage", tuple(time_rows), ("persons", "reached"),
                     "Days to each stage of the route (Kaplan-Meier, censored at the "
                     "data's end)",
                     "Dagen tot elke fase van de route (Kaplan-Meier, gecensureerd op het "
                     "einde van de gegevens)", source=SOURCE, n=len(persons),
                     shares=_TIME_SHARES, notes=note + _TIME_NOTE, notes_nl=note_nl
                     + _TIME_NOTE_NL),
        linked_table("route/time_to_housing", tuple(group_time_rows), ("persons", "reached"),
                     "Days from entering the route to shelter or housing, by group "
                     "(Kaplan-Meier)",
                     "Dagen van begin route tot opvang of huisvesting, naar groep "
                     "(Kaplan-Meier)", source=SOURCE, n=len(persons), shares=_TIME_SHARES,
                     notes=note + _TIME_NOTE, notes_nl=note_nl + _TIME_NOTE_NL),
        linked_table("route/outcomes", tuple(outcome_rows), ("persons",),
                     "Outcome of each victim's route, by group",
                     "Uitkomst van de route van elk slachtoffer, naar groep",
                     source=SOURCE, n=len(persons), shares={"share": "persons"},
                     notes=note + _OUTCOME_NOTE, notes_nl=note_nl + _OUTCOME_NOTE_NL),
        linked_table("route/breaks", tuple(break_rows), ("persons", "breaks"),
                     "Breaks: routes that ended without housing, residence, aid or return "
                     "home, by group",
                     "Breuken: routes die eindigden zonder huisvesting, verblijf, hulp of "
                     "terugkeer, naar groep",
                     source=SOURCE, n=len(persons), shares={"share": "breaks"},
                     notes=note + _BREAK_NOTE, notes_nl=note_nl + _BREAK_NOTE_NL),
        linked_table("route/breaks_last_stage", tuple(last_rows), ("breaks",),
                     "Breaks: routes that ended without housing, residence, aid or return "
                     "home, by the last stage reached",
                     "Breuken: routes die eindigden zonder huisvesting, verblijf, hulp of "
                     "terugkeer, naar laatst bereikte fase",
                     source=SOURCE, n=len(broken), shares={"share": "breaks"},
                     notes=note + _BREAK_NOTE, notes_nl=note_nl + _BREAK_NOTE_NL),
        linked_table("route/locations", tuple(loc_rows), ("persons",),
                     "Number of shelter and housing locations per victim, by group",
                     "Aantal opvang- en woonlocaties per slachtoffer, naar groep",
                     source=SOURCE, n=len(persons), shares={"share": "persons"},
                     notes=note + _LOC_NOTE, notes_nl=note_nl + _LOC_NOTE_NL),
        linked_table("route/locations_mean", tuple(mean_rows), ("persons",),
                     "Mean number of shelter and housing locations per victim, by group",
                     "Gemiddeld aantal opvang- en woonlocaties per slachtoffer, naar groep",
                     source=SOURCE, n=len(persons), shares={"mean_locations": "persons"},
                     notes=note + _LOC_NOTE, notes_nl=note_nl + _LOC_NOTE_NL),
    ]
    # Route tables count persons, not years: the title names the years of entry.
    if not period:
        return tables
    return [replace(t, title_en=f"{t.title_en}, {period}", title_nl=f"{t.title_nl}, {period}")
            for t in tables]


_TIME_SHARES = {"median_days": "reached", "q1_days": "reached", "q3_days": "reached",
                "reached_1y_pct": "reached"}
_TIME_NOTE = (" Who has not reached a stage is censored at the data's end; leaving the "
              "route is not modelled as a competing event, so the curve answers 'if the "
              "route went on'. A person who reached the later stage first is left out "
              "of that pair.")
_TIME_NOTE_NL = (" Wie een fase niet bereikte, is gecensureerd op het einde van de "
                 "gegevens; het verlaten van de route is geen concurrerende gebeurtenis "
                 "in het model. Wie de latere fase eerst bereikte, telt voor dat paar "
                 "niet mee.")
_BREAK_NOTE = (" A break: the route ended without shelter or housing, residence, aid or "
               "a return home; a route with a stay or reflection period still running "
               f"at the end, or anything recorded in the last {QUIET_DAYS} days, is "
               "still running and not a break.")
_BREAK_NOTE_NL = (" Een breuk: de route eindigde zonder opvang of huisvesting, verblijf, "
                  "hulp of terugkeer; een route met een lopend verblijf of lopende "
                  "bedenktijd aan het einde, of iets geregistreerd in de laatste "
                  f"{QUIET_DAYS} dagen, loopt nog en is geen breuk.")
_OUTCOME_NOTE = (" One outcome per route, the first that applies: shelter or housing; "
                 "returned home on leaving a COSM; still running (a stay or reflection "
                 "period running at the end, or anything recorded in the last "
                 f"{QUIET_DAYS} days: censored, not a break); residence granted without "
                 "Wmo shelter or housing; Wmo guidance only; else a break.")
_OUTCOME_NOTE_NL = (" Eén uitkomst per route, de eerste die van toepassing is: opvang of "
                    "huisvesting; teruggekeerd na de COSM; loopt nog (een verblijf of "
                    "bedenktijd loopt aan het einde, of iets geregistreerd in de laatste "
                    f"{QUIET_DAYS} dagen: gecensureerd, geen breuk); verblijf verleend "
                    "zonder Wmo-opvang of -huisvesting; alleen Wmo-begeleiding; anders een "
                    "breuk.")
_LOC_NOTE = (" Locations: stays in a COSM, a protected shelter, an asylum-reception "
             "location (each relocation counts) and Wmo shelter or housing.")
_LOC_NOTE_NL = (" Locaties: verblijf in een COSM, beschermde opvang, een "
                "asielopvanglocatie (elke verhuizing telt) en Wmo-opvang of -huisvesting.")


def _time_row(b: str, cat: str, p: pd.DataFrame, start: str, stage: str,
              end: dt.date) -> dict[str, Any]:
    t = time_to_stage(p, start, stage, end)
    return {"breakdown": b, "category": cat, "from_stage": start, "to_stage": stage,
            "persons": t.persons, "reached": t.reached, "median_days": t.median_days,
            "q1_days": t.q1_days, "q3_days": t.q3_days, "reached_1y_pct": t.reached_1y_pct}
