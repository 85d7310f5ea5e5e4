"""Shelter for foreign victims (seed 003 §3.4-3.5): COSM intake, stays and places,
protected shelter (BO) for unaccompanied minors, and Nidos guardianship.

The seed prints these as text, without a figure number (110 in a COSM in 2019, 45 in
2020; 58 places, 40 from 2022; 18 protected-shelter places), so they are zicht's own
tables (``Z`` numbers). A person counts in a year when a stay overlaps it. Per-person
counts go to the gate as ``shelter/*`` (rounded to 5, small cells suppressed: minors in
one location are few); the number of places is a capacity, not a count of persons, and
crosses as delivered.
"""

from __future__ import annotations

from typing import Any

from zicht.core.table import TableSpec
from zicht.research.linked.table import linked_table, share
from zicht.research.store import ResearchStore

SOURCE = "COSM stays, protected shelter (COA), Nidos guardianship, shelter places"
_KEY = "COALESCE(CAST(v_number AS STRING), CAST(person_pid AS STRING))"


def _per_year(store: ResearchStore, view: str, start: str, end: str,
              years: str) -> dict[int, dict[str, int]]:
    rows = store.rows(f"""
        SELECT y.year,
               COUNT(DISTINCT {_KEY}) FILTER (WHERE YEAR({start}) = y.year) AS intakes,
               COUNT(DISTINCT {_KEY}) AS persons
        FROM {view} s JOIN ({years}) y
          ON YEAR({start}) <= y.year AND ({end} IS NULL OR YEAR({end}) >= y.year)
        GROUP BY y.year ORDER BY year""")
    return {int(r["year"]): {"intakes": int(r["intakes"]), "persons": int(r["persons"])}
            for r in rows}


def shelter_tables(store: ResearchStore) -> list[TableSpec]:
    """COSM, protected shelter and Nidos tables for whichever of the sources exist."""
    tables: list[TableSpec] = []
    places = ({int(r["year"]): r for r in store.rows("SELECT * FROM shelter_places")}
              if store.has("shelter_places") else {})
    if store.has("cosm_stays"):
        years = ("SELECT DISTINCT CAST(YEAR(intake_date) AS INTEGER) AS year "
                 "FROM cosm_stays")
        counts = _per_year(store, "cosm_stays", "intake_date", "exit_date", years)
        rows = [{"year": y, "intakes": c["intakes"], "persons": c["persons"],
                 "places": places.get(y, {}).get("places")} for y, c in counts.items()]
        tables.append(linked_table(
            "shelter/cosm", tuple(rows), ("intakes", "persons"),
            "Victims in categorial shelter (COSM): intakes, persons staying and places, "
            "per year", "Slachtoffers in de categorale opvang (COSM): instroom, verblijvende "
            "personen en plaatsen, per jaar", source=SOURCE, n=None,
            notes="Persons staying = a COSM stay overlapping the year (the seed: 110 in "
                  "2019, 45 in 2020); places as contracted (58; 40 from 2022).",
            notes_nl="Verblijvende personen = een COSM-verblijf dat het jaar overlapt (de "
                     "monitor: 110 in 2019, 45 in 2020); plaatsen zoals ingekocht (58; 40 "
                     "vanaf 2022)."))
        tables += _cosm_persons(store)
    if store.has("protected_shelter"):
        years = ("SELECT DISTINCT CAST(YEAR(intake_date) AS INTEGER) AS year "
                 "FROM protected_shelter")
        counts = _per_year(store, "protected_shelter", "intake_date", "exit_date", years)
        left = {int(r["year"]): int(r["n"]) for r in store.rows(
            f"""SELECT CAST(YEAR(exit_date) AS INTEGER) AS year, COUNT(DISTINCT {_KEY}) AS n
                FROM protected_shelter WHERE destination = 'left_unknown'
                GROUP BY 1 ORDER BY 1""")}
        rows = [{"year": y, "intakes": c["intakes"], "persons": c["persons"],
                 "left_unknown": left.get(y, 0),
                 "places": places.get(y, {}).get("protected_shelter_places")}
                for y, c in counts.items()]
        tables.append(linked_table(
            "shelter/protected", tuple(rows), ("intakes", "persons", "left_unknown"),
            "Unaccompanied minors in protected shelter (BO): intakes, persons, left with "
            "unknown destination, places, per year",
            "Alleenstaande minderjarigen in beschermde opvang (BO): instroom, personen, "
            "met onbekende bestemming vertrokken, plaatsen, per jaar", source=SOURCE,
            notes="First placement six weeks (seed 003 §3.4); 18 places at one location.",
            notes_nl="Eerste plaatsing zes weken (monitor §3.4); 18 plaatsen op één "
                     "locatie."))
    if store.has("nidos_guardianship"):
        rows2 = store.rows(f"""
            SELECT CAST(YEAR(start_date) AS INTEGER) AS year,
                   COUNT(DISTINCT {_KEY}) AS started,
                   COUNT(DISTINCT {_KEY}) FILTER (WHERE placement = 'protected_shelter')
                     AS protected_shelter,
                   COUNT(DISTINCT {_KEY}) FILTER (WHERE placement = 'foster_family')
                     AS foster_family,
                   COUNT(DISTINCT {_KEY}) FILTER (WHERE end_reason = 'left_unknown')
                     AS left_unknown
            FROM nidos_guardianship GROUP BY 1 ORDER BY 1""")
        tables.append(linked_table(
            "shelter/nidos", tuple(rows2),
            ("started", "protected_shelter", "foster_family", "left_unknown"),
            "Nidos guardianships of unaccompanied minor victims started, by placement, "
            "per year",
            "Gestarte voogdij door Nidos over alleenstaande minderjarige slachtoffers, "
            "naar plaatsing, per jaar", source=SOURCE,
            notes="Under 15 in a foster family, 15-17 in protected shelter (seed 003 §3.4); "
                  "left_unknown: the guardianship ended because the minor left with "
                  "unknown destination.",
            notes_nl="Onder de 15 in een opvanggezin, 15-17 in beschermde opvang (monitor "
                     "§3.4); onbekende bestemming: de voogdij eindigde doordat de "
                     "minderjarige met onbekende bestemming vertrok."))
    return tables


def _cosm_persons(store: ResearchStore) -> list[TableSpec]:
    """Persons in a COSM over the whole period by sex and form, and by the most common
    nationalities (the seed: more than three quarters women, a quarter from Uganda)."""
    first = (f"SELECT {_KEY} AS person, arg_min(sex, intake_date) AS sex, "
             "arg_min(nationality, intake_date) AS nationality, "
             "arg_min(form, intake_date) AS form FROM cosm_stays GROUP BY 1")
    rows: list[dict[str, Any]] = []
    total = int(store.rows(f"SELECT COUNT(*) AS n FROM ({first}) p")[0]["n"])
    for breakdown in ("sex", "form"):
        part = store.rows(f"SELECT COALESCE({breakdown}, 'unknown') AS category, "
                          f"COUNT(*) AS persons FROM ({first}) p GROUP BY 1 ORDER BY 1")
        rows += [{"breakdown": breakdown, "category": str(r["category"]),
                  "persons": int(r["persons"]), "share": share(int(r["persons"]), total)}
                 for r in part]
    by_nat = store.rows(f"SELECT nationality, COUNT(*) AS persons FROM ({first}) p "
                        "WHERE nationality IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1")
    top = [{"nationality": str(r["nationality"]), "persons": int(r["persons"]),
            "share": share(int(r["persons"]), total)} for r in by_nat[:6]]
    return [
        linked_table("shelter/cosm_persons", tuple(rows), ("persons",),
                     "Victims in a COSM by sex and form, whole period",
                     "Slachtoffers in een COSM naar geslacht en vorm, hele periode",
                     source=SOURCE, n=total, shares={"share": "persons"}),
        linked_table("shelter/cosm_nationality", tuple(top), ("persons",),
                     "Victims in a COSM: the six most common nationalities, whole period",
                     "Slachtoffers in een COSM: de zes meest voorkomende nationaliteiten, "
                     "hele periode", source=SOURCE, n=total, shares={"share": "persons"},
                     notes="Share of all persons in a COSM in the period.",
                     notes_nl="Aandeel van alle personen in een COSM in de periode."),
    ]
