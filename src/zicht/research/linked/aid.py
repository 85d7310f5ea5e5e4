"""Chapter 3: aid within one year after the end of the offence period, against the
matched control group (seed 003, §3.3-3.6 and B1.3.2).

``aid_persons`` holds one row per victim and per control with 0/1 indicators:

* victims: aid that *started* in ``[offence end, offence end + 1 year)``;
* controls: aid *started* in calendar year ``control_year`` (2019). B1.3.2 says the
  controls' aid was "received within one year" ("binnen één jaar ontvangen") *because*
  the victims' aid is counted when it started within a year; a start in one year on
  both sides is the like-for-like reading, so it is the default.
  ``control_window="received"`` instead counts every episode that overlaps the year
  (episodes started earlier and still running count too, which raises the control rate);
* mental-health costs: the mean yearly specialist cost over the year of and the year
  after the end of the offence period, as far as the cost data cover them, for the
  victim and for each of its controls (the same years, B1.3.2). A covered year with no
  cost row counts as EUR 0; a person with no covered year is left out of the mean.

A control carries the breakdown groups (minor / adult, sex, form) of its victim, so
every comparison is victims against their own matched controls. Youth-care details
(figures 3.1-3.4) are, as in the seed, for minors only, and the detail figures for
those minors who had youth care.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from zicht.core import codes as c
from zicht.core.table import TableSpec
from zicht.research.linked.stats import chi_square
from zicht.research.linked.table import ChiSquare, linked_table, share
from zicht.research.store import ResearchStore

GROUPS = ("victims", "controls")
BREAKDOWNS: tuple[tuple[str, str], ...] = (
    ("total", "'total'"),
    ("minor_adult", "CASE WHEN minor THEN 'minor' ELSE 'adult' END"),
    ("sex", "COALESCE(sex, 'unknown')"),
    ("form", "form"),
    # Chapter 3's own form (003 §3.2.1): domestic / cross-border sexual exploitation.
    ("form_detail", "form_detail"),
)
YC_CATEGORIES = ("none", "without_stay_only", "with_stay_only", "with_and_without_stay")


@dataclass(frozen=True)
class AidResult:
    tables: tuple[TableSpec, ...]
    tests: tuple[ChiSquare, ...]


def _flag(expr: str) -> str:
    return f"COALESCE(bool_or({expr}), FALSE)"


def build_aid_persons(store: ResearchStore, *, control_year: int = 2019,
                      control_window: str = "started") -> None:
    """``aid_persons``: victims and their controls with aid indicators (see above)."""
    if control_window not in ("received", "started"):
        raise ValueError(f"control_window must be 'received' or 'started', not "
                         f"{control_window!r}.")
    con = store.con
    y0, y1 = date(control_year, 1, 1).isoformat(), date(control_year + 1, 1, 1).isoformat()
    overlap = "TRUE" if control_window == "received" else "FALSE"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE aid_people AS
        SELECT 'victims' AS grp, person_pid AS pid, person_pid AS victim_pid,
               offence_end AS w_start, CAST(offence_end + INTERVAL 1 YEAR AS DATE) AS w_end,
               FALSE AS overlap
        FROM aid_victims
        UNION ALL
        SELECT 'controls', control_pid, victim_pid, DATE '{y0}', DATE '{y1}', {overlap}
        FROM aid_controls
    """)
    window = ("CASE WHEN pe.overlap THEN x.start_date < pe.w_end AND "
              "COALESCE(x.end_date, pe.w_end) >= pe.w_start "
              "ELSE x.start_date >= pe.w_start AND x.start_date < pe.w_end END")
    yc_flags = [f"{_flag(f'y.care_type = {t.code!r}')} AS yc_{t.code}"
                for t in c.YOUTH_CARE_TYPES]
    yc_flags += [f"{_flag(f'y.referrer = {r.code!r}')} AS ref_{r.code}"
                 for r in c.YOUTH_CARE_REFERRERS]
    yc_flags += [f"{_flag(f'y.end_reason = {e.code!r}')} AS end_{e.code}"
                 for e in c.YOUTH_CARE_END_REASONS]
    sh_flags = [f"{_flag(f's.shelter_type = {t.code!r}')} AS sh_{t.code}"
                for t in c.SHELTER_TYPES]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE aid_youth AS
        SELECT pe.pid, pe.grp, TRUE AS youth_care,
               {_flag('y.with_stay')} AS with_stay,
               {_flag('NOT COALESCE(y.with_stay, FALSE)')} AS without_stay,
               {", ".join(yc_flags)}
        FROM aid_people pe JOIN youth_care y ON y.person_pid = pe.pid
        WHERE {window.replace('x.', 'y.')}
        GROUP BY pe.pid, pe.grp
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE aid_shelter AS
        SELECT pe.pid, pe.grp, TRUE AS shelter, {", ".join(sh_flags)}
        FROM aid_people pe JOIN wmo_shelter s ON s.person_pid = pe.pid
        WHERE {window.replace('x.', 's.')}
        GROUP BY pe.pid, pe.grp
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE aid_costs AS
        WITH yearly AS (
            SELECT person_pid, year, SUM(mental_health_specialist_eur) AS eur
            FROM health_costs
            WHERE person_pid IN (SELECT pid FROM aid_people)  -- 17 M rows at scale 1
            GROUP BY person_pid, year
        ), covered AS (SELECT DISTINCT year FROM health_costs)
        SELECT pe.pid, pe.grp, AVG(COALESCE(h.eur, 0)) AS mh_specialist_eur
        FROM aid_people pe
        JOIN aid_victims v ON v.person_pid = pe.victim_pid
        JOIN covered cy ON cy.year IN (v.end_year, v.end_year + 1)
        LEFT JOIN yearly h ON h.person_pid = pe.pid AND h.year = cy.year
        GROUP BY pe.pid, pe.grp
    """)
    yc_cols = ", ".join(f"COALESCE(y.{col}, FALSE) AS {col}" for col in
                        ["youth_care", "with_stay", "without_stay",
                         *[f"yc_{t.code}" for t in c.YOUTH_CARE_TYPES],
                         *[f"ref_{r.code}" for r in c.YOUTH_CARE_REFERRERS],
                         *[f"end_{e.code}" for e in c.YOUTH_CARE_END_REASONS]])
    sh_cols = ", ".join(f"COALESCE(s.{col}, FALSE) AS {col}" for col in
                        ["shelter", *[f"sh_{t.code}" for t in c.SHELTER_TYPES]])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE aid_persons AS
        SELECT pe.grp, pe.pid, v.minor, v.sex, v.form, v.form_detail, v.age_group,
               {yc_cols}, {sh_cols}, k.mh_specialist_eur
        FROM aid_people pe
        JOIN aid_victims v ON v.person_pid = pe.victim_pid
        LEFT JOIN aid_youth y ON y.pid = pe.pid AND y.grp = pe.grp
        LEFT JOIN aid_shelter s ON s.pid = pe.pid AND s.grp = pe.grp
        LEFT JOIN aid_costs k ON k.pid = pe.pid AND k.grp = pe.grp
    """)


def _sums(store: ResearchStore, universe: str, columns: Sequence[str],
          by: str = "'total'") -> dict[tuple[str, str], dict[str, int]]:
    """{(group, category): {"persons": n, column: count, ...}} over ``universe``."""
    sums = ", ".join(f"SUM(CASE WHEN {col} THEN 1 ELSE 0 END) AS \"{col}\"" for col in columns)
    rows = store.rows(f"""
        SELECT grp, {by} AS category, COUNT(*) AS persons{", " if sums else ""}{sums}
        FROM aid_persons WHERE {universe} GROUP BY grp, {by}
    """)
    return {(r["grp"], str(r["category"])): {k: int(v or 0) for k, v in r.items()
                                            if k not in ("grp", "category")} for r in rows}


def _indicator_table(store: ResearchStore, name: str, dimension: str,
                     codes: Sequence[tuple[str, str]], universe: str, title_en: str,
                     title_nl: str, notes: str = "", notes_nl: str = ""
                     ) -> tuple[TableSpec, list[ChiSquare]]:
    """Per code: persons with the indicator among victims and controls, 2x2 tests."""
    sums = _sums(store, universe, [col for _, col in codes])
    rows: list[dict[str, object]] = []
    tests: list[ChiSquare] = []
    for code, col in codes:
        cells = []
        for grp in GROUPS:
            s = sums.get((grp, "total"), {"persons": 0, col: 0})
            n, k = s["persons"], s.get(col, 0)
            rows.append({dimension: code, "group": grp, "persons": n, "persons_with": k,
                         "share": share(k, n)})
            cells.append([k, n - k])
        test = chi_square(name, code, cells)
        if test:
            tests.append(test)
    n_total = sum(s["persons"] for (_, cat), s in sums.items() if cat == "total")
    table = linked_table(name, tuple(rows), ("persons", "persons_with"), title_en, title_nl,
                        notes=notes, notes_nl=notes_nl, n=n_total,
                        shares={"share": "persons_with"})
    return table, tests


def _breakdown_table(store: ResearchStore, name: str, column: str, universe: str,
                     title_en: str, title_nl: str) -> tuple[TableSpec, list[ChiSquare]]:
    """Persons with ``column`` by breakdown (total, minor/adult, sex, form) and group."""
    rows: list[dict[str, object]] = []
    tests: list[ChiSquare] = []
    for breakdown, expr in BREAKDOWNS:
        sums = _sums(store, universe, [column], by=expr)
        for category in sorted({cat for _, cat in sums}):
            cells = []
            for grp in GROUPS:
                s = sums.get((grp, category), {"persons": 0, column: 0})
                n, k = s["persons"], s.get(column, 0)
                rows.append({"breakdown": breakdown, "category": category, "group": grp,
                             "persons": n, "persons_with": k, "share": share(k, n)})
                cells.append([k, n - k])
            test = chi_square(name, f"{breakdown}={category}", cells)
            if test:
                tests.append(test)
    n_total = sum(int(r["persons"]) for r in rows  # type: ignore[call-overload]
                  if r["breakdown"] == "total")
    return (linked_table(name, tuple(rows), ("persons", "persons_with"), title_en, title_nl,
                        n=n_total, shares={"share": "persons_with"}), tests)


def _youth_care_categories(store: ResearchStore) -> tuple[TableSpec, list[ChiSquare]]:
    """Figure 3.1: minors by youth care without / with stay, victims against controls."""
    category = ("CASE WHEN NOT youth_care THEN 'none' "
                "WHEN with_stay AND without_stay THEN 'with_and_without_stay' "
                "WHEN with_stay THEN 'with_stay_only' ELSE 'without_stay_only' END")
    sums = _sums(store, "minor", [], by=category)
    rows: list[dict[str, object]] = []
    cells = []
    for grp in GROUPS:
        total = sum(s["persons"] for (g, _), s in sums.items() if g == grp)
        counts = [sums.get((grp, cat), {"persons": 0})["persons"] for cat in YC_CATEGORIES]
        cells.append(counts)
        rows += [{"youth_care": cat, "group": grp, "persons": k, "share": share(k, total)}
                 for cat, k in zip(YC_CATEGORIES, counts, strict=True)]
    test = chi_square("aid/youth_care", "youth_care", cells)
    table = linked_table(
        "aid/youth_care", tuple(rows), ("persons",),
        "Youth care within a year after the end of the offence period, minors "
        "(victims; controls in 2019)",
        "Jeugdhulp binnen een jaar na einde pleegperiode, minderjarigen "
        "(slachtoffers; controlegroep in 2019)",
        n=sum(sum(x) for x in cells), shares={"share": "persons"})
    return table, [test] if test else []


def compute_aid(store: ResearchStore) -> AidResult:
    """Every chapter-3 table and test from ``aid_persons``."""
    tables: list[TableSpec] = []
    tests: list[ChiSquare] = []

    def add(result: tuple[TableSpec, list[ChiSquare]]) -> None:
        tables.append(result[0])
        tests.extend(result[1])

    add(_youth_care_categories(store))
    add(_breakdown_table(store, "aid/youth_care_by_group", "youth_care", "TRUE",
                         "Youth care within a year, by group (victims; matched controls)",
                         "Jeugdhulp binnen een jaar, naar groep (slachtoffers; controlegroep)"))
    with_care = "minor AND youth_care"
    types = [(t.code, f"yc_{t.code}") for t in c.YOUTH_CARE_TYPES if t.code != "crisis"]
    add(_indicator_table(store, "aid/youth_care_type", "care_type",
                         [("without_stay", "without_stay"), *types[:4],
                          ("with_stay", "with_stay"), *types[4:]], with_care,
                         "Type of youth care, minors with youth care",
                         "Type jeugdhulp, minderjarigen met jeugdhulp",
                         notes="A person can have several types.",
                         notes_nl="Een persoon kan meerdere typen hebben."))
    add(_indicator_table(store, "aid/youth_care_crisis", "care_type",
                         [("crisis", "yc_crisis")], with_care,
                         "Youth care to stabilise a crisis, minors with youth care",
                         "Jeugdhulp voor stabilisatie van een crisissituatie, minderjarigen "
                         "met jeugdhulp"))
    add(_indicator_table(store, "aid/youth_care_referrer", "referrer",
                         [(r.code, f"ref_{r.code}") for r in c.YOUTH_CARE_REFERRERS],
                         with_care, "Referrer of youth care, minors with youth care",
                         "Verwijzer jeugdhulptraject, minderjarigen met jeugdhulp",
                         notes="A person can have several trajectories and referrers.",
                         notes_nl="Een persoon kan meerdere trajecten en verwijzers hebben."))
    add(_indicator_table(store, "aid/youth_care_end_reason", "end_reason",
                         [(e.code, f"end_{e.code}") for e in c.YOUTH_CARE_END_REASONS],
                         with_care, "How youth care ended, minors with youth care",
                         "Reden beëindiging jeugdhulp, minderjarigen met jeugdhulp",
                         notes="Per person: at least one trajectory ended so; running "
                               "trajectories have no end reason.",
                         notes_nl="Per persoon: ten minste één traject is zo beëindigd; "
                                  "lopende trajecten hebben geen reden van beëindiging."))
    add(_breakdown_table(store, "aid/shelter", "shelter", "TRUE",
                         "Wmo shelter or sheltered housing within a year, by group",
                         "Opvang en beschermd wonen vanuit Wmo binnen een jaar, naar groep"))
    add(_indicator_table(store, "aid/shelter_type", "shelter_type",
                         [(t.code, f"sh_{t.code}") for t in c.SHELTER_TYPES], "TRUE",
                         "Forms of Wmo shelter and sheltered housing within a year",
                         "Vormen van opvang en beschermd wonen vanuit Wmo binnen een jaar"))
    tables.append(_costs_table(store))
    return AidResult(tuple(tables), tuple(tests))


def _costs_table(store: ResearchStore) -> TableSpec:
    """Mean yearly specialist mental-health cost, year of and after the end of the
    offence period; the mean is suppressed with its number of persons."""
    rows: list[dict[str, object]] = []
    for breakdown, expr in BREAKDOWNS:
        for r in store.rows(f"""
            SELECT grp, {expr} AS category, COUNT(*) AS persons,
                   ROUND(AVG(mh_specialist_eur), 0) AS mean_eur
            FROM aid_persons WHERE mh_specialist_eur IS NOT NULL
            GROUP BY grp, {expr} ORDER BY 2, 1 DESC
        """):
            rows.append({"breakdown": breakdown, "category": str(r["category"]),
                         "group": r["grp"], "persons": int(r["persons"]),
                         "mean_eur": None if r["mean_eur"] is None else float(r["mean_eur"])})
    n = sum(int(r["persons"]) for r in rows if r["breakdown"] == "total")  # type: ignore[call-overload]
    return linked_table(
        "aid/mental_health_costs", tuple(rows), ("persons",),
        "Mean yearly specialist mental-health cost (EUR), year of and after the end of "
        "the offence period",
        "Gemiddelde jaarlijkse kosten specialistische ggz (EUR), jaar van en na einde "
        "pleegperiode",
        n=n, shares={"mean_eur": "persons"},
        notes="Only years covered by the cost data; a covered year without costs is EUR 0.",
        notes_nl="Alleen jaren waarover kostendata bestaan; een gedekt jaar zonder kosten "
                 "telt als EUR 0.")
