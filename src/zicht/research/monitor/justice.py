"""The criminal-justice chain (factsheet 000, brochure 004), by year and form.

``justice_chain/incidents``: police-registered trafficking incidents (offence codes
F5293, F561-F565) by registration year, with the victims in them and their reports
(*aangiften*), from ``sources/police_incidents``. ``justice_chain/cases``,
``/prosecution`` and ``/courts`` follow each case through the chain from
``sources/justice_cases``: suspects known, prosecution decisions and the summons rate
(summoned / decided by the prosecution service), court decisions, the conviction rate
(convicted / decided by a court) and the mean unconditional prison term of convictions
with one. Each table has rows for every form and a row ``all``. Policy ``protected``:
the rates are computed from unrounded counts and suppressed with their count.
"""

from __future__ import annotations

from zicht.core.table import TableSpec
from zicht.research import classify as cl
from zicht.research.monitor.table import make_table, order_by_codes
from zicht.research.store import ResearchStore

SOURCE_POLICE = "Police incidents (sources/police_incidents.parquet)"
SOURCE_CASES = "Justice chain (sources/justice_cases.parquet)"
FORMS = ("sexual", "labour", "criminal", "other", "unknown", "all")


def _with_all(select: str, source: str, year: str, where: str = "TRUE") -> str:
    """``select`` per year and form, plus the same per year over every form (``all``)."""
    return f"""
        SELECT {year} AS year, form, {select} FROM {source} s WHERE {where}
        GROUP BY {year}, form
        UNION ALL
        SELECT {year} AS year, 'all' AS form, {select} FROM {source} s WHERE {where}
        GROUP BY {year}"""


def _ordered(sql: str) -> str:
    return f"SELECT * FROM ({sql}) t WHERE year IS NOT NULL " \
           f"ORDER BY year, {order_by_codes('form', FORMS)}"


def incidents(store: ResearchStore) -> TableSpec:
    codes = ", ".join(f"'{x}'" for x in cl.TRAFFICKING_CODES)
    # One row per (year, form, incident, victim) first, then plain counts: cheaper than
    # COUNT(DISTINCT) over concatenated keys, and exact. ``all`` is de-duplicated again
    # without the form, so a victim of an incident with two offence codes counts once.
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE incident_victims AS
        SELECT CAST(EXTRACT(YEAR FROM registration_date) AS INTEGER) AS year,
               {cl.case_sql(cl.JUSTICE_FORM)} AS form, incident_id,
               COALESCE(person_pid, 'row:' || CAST(incident_id AS STRING)) AS person_key,
               MAX(CASE WHEN victim_report THEN 1 ELSE 0 END) AS reported
        FROM police_incidents
        WHERE offence_code IN ({codes}) AND role = 'victim'
        GROUP BY 1, 2, 3, 4""")
    select = """COUNT(DISTINCT incident_id) AS incidents, COUNT(*) AS victims,
                CAST(SUM(reported) AS BIGINT) AS victim_reports"""
    rows = store.rows(_ordered(f"""
        SELECT year, form, {select} FROM incident_victims GROUP BY year, form
        UNION ALL
        SELECT year, 'all' AS form, {select} FROM (
          SELECT year, incident_id, person_key, MAX(reported) AS reported
          FROM incident_victims GROUP BY year, incident_id, person_key) a
        GROUP BY year"""))
    totals = {r["year"]: r["victim_reports"] for r in rows if r["form"] == "all"}
    for r in rows:  # share of the year's victim reports, from unrounded counts
        total = totals.get(r["year"]) or 0
        r["victim_reports_share"] = round(100.0 * r["victim_reports"] / total, 1) if total \
            else None
    return make_table(
        rows, "justice_chain/incidents", ("incidents", "victims", "victim_reports"),
        "Police-registered trafficking incidents, victims and reports by victims",
        "Geregistreerde mensenhandelincidenten, slachtoffers en aangiften door slachtoffers",
        source=SOURCE_POLICE, shares={"victim_reports_share": "victim_reports"},
        n=sum(int(r["incidents"]) for r in rows if r["form"] == "all"),
        notes="By registration year; form from the offence code. victims = victims per "
              "incident; victim_reports_share = % of the year's reports by victims.",
        notes_nl="Naar registratiejaar; vorm uit de feitcode. slachtoffers = slachtoffers per "
                 "incident; aandeel aangiften = % van de meldingen van het jaar met aangifte "
                 "door het slachtoffer.")


def chain(store: ResearchStore) -> list[TableSpec]:
    cases = store.rows(_ordered(_with_all(
        """COUNT(*) AS cases,
           SUM(CASE WHEN suspect_known THEN 1 ELSE 0 END) AS suspects_known,
           SUM(CASE WHEN victim_report THEN 1 ELSE 0 END) AS victim_reports""",
        "justice_cases", "incident_year")))
    prosecution = store.rows(_ordered(_with_all(
        """COUNT(*) AS decided,
           SUM(CASE WHEN prosecution_decision = 'summons' THEN 1 ELSE 0 END) AS summons,
           SUM(CASE WHEN prosecution_decision = 'dismissal' THEN 1 ELSE 0 END) AS dismissals,
           SUM(CASE WHEN prosecution_decision = 'other' THEN 1 ELSE 0 END) AS other,
           ROUND(100.0 * SUM(CASE WHEN prosecution_decision = 'summons' THEN 1 ELSE 0 END)
                 / COUNT(*), 1) AS summons_rate""",
        "justice_cases", "prosecution_year", "prosecution_decision IS NOT NULL")))
    courts = store.rows(_ordered(_with_all(
        """COUNT(*) AS decided,
           SUM(CASE WHEN court_decision = 'convicted' THEN 1 ELSE 0 END) AS convicted,
           SUM(CASE WHEN court_decision = 'acquitted' THEN 1 ELSE 0 END) AS acquitted,
           SUM(CASE WHEN court_decision = 'other' THEN 1 ELSE 0 END) AS other,
           ROUND(100.0 * SUM(CASE WHEN court_decision = 'convicted' THEN 1 ELSE 0 END)
                 / COUNT(*), 1) AS conviction_rate,
           SUM(CASE WHEN court_decision = 'convicted' AND unconditional_prison_days > 0
                    THEN 1 ELSE 0 END) AS prison_sentences,
           ROUND(AVG(CASE WHEN court_decision = 'convicted' AND unconditional_prison_days > 0
                          THEN unconditional_prison_days END), 0) AS mean_prison_days""",
        "justice_cases", "court_year", "court_decision IS NOT NULL")))
    return [
        make_table(cases, "justice_chain/cases", ("cases", "suspects_known", "victim_reports"),
                   "Trafficking cases by incident year: suspects known, reports by "
                   "victims", "Mensenhandelzaken naar incidentjaar: verdachten bekend, aangiften",
                   source=SOURCE_CASES,
                   n=sum(int(r["cases"]) for r in cases if r["form"] == "all")),
        make_table(prosecution, "justice_chain/prosecution",
                   ("decided", "summons", "dismissals", "other"),
                   "Prosecution decisions and summons rate",
                   "Beslissingen van het OM en dagvaardingspercentage", source=SOURCE_CASES,
                   shares={"summons_rate": "summons"},
                   n=sum(int(r["decided"]) for r in prosecution if r["form"] == "all"),
                   notes="summons_rate = summoned / decided by the prosecution service (%).",
                   notes_nl="dagvaardingspercentage = gedagvaard / afgedaan door het OM (%)."),
        make_table(courts, "justice_chain/courts",
                   ("decided", "convicted", "acquitted", "other", "prison_sentences"),
                   "Court decisions, conviction rate and mean unconditional prison "
                   "term", "Rechterlijke uitspraken, veroordelingspercentage en gemiddelde "
                   "onvoorwaardelijke gevangenisstraf", source=SOURCE_CASES,
                   shares={"conviction_rate": "convicted", "mean_prison_days": "prison_sentences"},
                   n=sum(int(r["decided"]) for r in courts if r["form"] == "all"),
                   notes="conviction_rate = convicted / decided by a court (%); "
                         "mean_prison_days over convictions with unconditional prison.",
                   notes_nl="veroordelingspercentage = veroordeeld / afgedaan door de rechter "
                            "(%); gemiddelde gevangenisstraf over veroordelingen met "
                            "onvoorwaardelijke gevangenisstraf."),
    ]


def justice_tables(store: ResearchStore) -> list[TableSpec]:
    """The justice chain from whichever of its two sources the extract holds."""
    tables: list[TableSpec] = []
    if store.has("police_incidents"):
        tables.append(incidents(store))
    if store.has("justice_cases"):
        tables += chain(store)
    return tables
