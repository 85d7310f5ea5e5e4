"""The justice chain by registering agency and the suspects of police incidents.

``justice_chain/by_agency`` (factsheet 000: "only 4% of the registered trafficking
incidents of 2019-2023 come from the labour inspectorate (NLA)"; "the share of
investigations into labour exploitation is 6%"): cases by incident year, registering
agency (police or NLA; a case without a police incident is the NLA's in extracts
without the column) and form, with the investigations among them (a case with a known
suspect) and both as a share of the year's cases / investigations over every agency
and form (rows ``all``).

``justice_chain/suspects_age`` and ``justice_chain/suspects_origin`` (letter 002:
"almost four in ten offenders of domestic sexual exploitation are younger than 23"):
suspects of police-registered trafficking incidents by registration year, by the form
of their incident and by age group at registration (shares over known ages) or by
origin region. The form is that of the offence code, sexual exploitation split by the
nationality of the incident's victims as chapter 3 does (003 §3.2.1): Dutch when any
victim is Dutch, cross-border when the victims' nationality is known and not Dutch,
unknown form when it is unknown.
"""

from __future__ import annotations

from zicht.core import codes as c
from zicht.core.table import TableSpec
from zicht.research import classify as cl
from zicht.research.monitor.justice import SOURCE_CASES
from zicht.research.monitor.registry import known_share_sql
from zicht.research.monitor.table import make_table, order_by_codes, share_sql
from zicht.research.store import ResearchStore, has_columns

SOURCE_SUSPECTS = "Police suspects (sources/police_suspects.parquet), police incidents"
AGENCIES = ("police", "nla", "all")
CASE_FORMS = ("sexual", "labour", "criminal", "other", "unknown", "all")
SUSPECT_FORMS = ("domestic_sexual", "cross_border_sexual", "labour", "criminal", "unknown",
                 "all")


def by_agency(store: ResearchStore) -> TableSpec:
    agency = ("registering_agency" if has_columns(store, "justice_cases", "registering_agency")
              else "CASE WHEN incident_id IS NULL THEN 'nla' ELSE 'police' END")
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cases_by_agency AS
        SELECT incident_year AS year, COALESCE({agency}, 'police') AS agency, form,
               COUNT(*) AS cases,
               CAST(SUM(CASE WHEN suspect_known THEN 1 ELSE 0 END) AS BIGINT)
                 AS investigations
        FROM justice_cases WHERE incident_year IS NOT NULL
        GROUP BY incident_year, COALESCE({agency}, 'police'), form""")
    sums = "CAST(SUM(cases) AS BIGINT) AS cases, CAST(SUM(investigations) AS BIGINT) " \
           "AS investigations"
    rows = store.rows(f"""
        SELECT year, agency AS registering_agency, form, cases, investigations
        FROM (
          SELECT year, agency, form, {sums} FROM cases_by_agency GROUP BY year, agency, form
          UNION ALL
          SELECT year, agency, 'all', {sums} FROM cases_by_agency GROUP BY year, agency
          UNION ALL
          SELECT year, 'all', form, {sums} FROM cases_by_agency GROUP BY year, form
          UNION ALL
          SELECT year, 'all', 'all', {sums} FROM cases_by_agency GROUP BY year) t
        ORDER BY year, {order_by_codes('registering_agency', AGENCIES)},
                 {order_by_codes('form', CASE_FORMS)}""")
    totals = {r["year"]: r for r in rows
              if r["registering_agency"] == "all" and r["form"] == "all"}
    for r in rows:  # % of the year's cases / investigations, from unrounded counts
        for count, share in (("cases", "cases_share"), ("investigations", "investigations_share")):
            total = int(totals[r["year"]][count] or 0)
            r[share] = round(100.0 * int(r[count] or 0) / total, 1) if total else None
    return make_table(
        rows, "justice_chain/by_agency", ("cases", "investigations"),
        "Trafficking cases and investigations by registering agency and form",
        "Mensenhandelzaken en opsporingsonderzoeken naar registrerende instantie en vorm",
        source=SOURCE_CASES, shares={"cases_share": "cases",
                                     "investigations_share": "investigations"},
        n=sum(int(r["cases"]) for r in rows
              if r["registering_agency"] == "all" and r["form"] == "all"),
        notes="By incident year; NLA = cases of the labour inspectorate (no police "
              "incident); investigation = a case with a known suspect; shares = % of all "
              "cases / investigations of the year.",
        notes_nl="Naar incidentjaar; NLA = zaken van de Nederlandse Arbeidsinspectie (geen "
                 "politie-incident); opsporingsonderzoek = een zaak met een bekende verdachte; "
                 "aandelen = % van alle zaken / opsporingsonderzoeken van het jaar.")


def _suspect_form_sql() -> str:
    return """CASE WHEN s.offence_code = 'F561' THEN
                   CASE WHEN v.any_dutch THEN 'domestic_sexual'
                        WHEN v.any_known THEN 'cross_border_sexual' ELSE 'unknown' END
                 WHEN s.offence_code = 'F562' THEN 'labour'
                 WHEN s.offence_code = 'F563' THEN 'criminal' ELSE 'unknown' END"""


def build_suspect_year(store: ResearchStore) -> None:
    """``suspect_year``: one row per suspect of a trafficking incident, with year, form,
    age group and origin region."""
    nat = has_columns(store, "police_incidents", "nationality")
    victims = ("""SELECT incident_id, bool_or(nationality = 'NL') AS any_dutch,
                          bool_or(nationality IS NOT NULL) AS any_known
                   FROM police_incidents WHERE role = 'victim' GROUP BY incident_id"""
               if nat else "SELECT NULL AS incident_id, FALSE AS any_dutch, FALSE AS any_known")
    codes = ", ".join(f"'{x}'" for x in cl.TRAFFICKING_CODES)
    origin_rules = tuple(
        r if r.code != "netherlands" else cl.Rule(r.code, r.en, r.nl, "nationality = 'NL'")
        for r in cl.ORIGIN_REGION.rules)
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE suspect_year AS
        SELECT year, form,
               CASE WHEN age IS NULL THEN 'unknown' WHEN age < 18 THEN 'minor'
                    WHEN age < 23 THEN 'adolescent' ELSE '23_plus' END AS age_group,
               {cl.case_sql(cl.ORIGIN_REGION, origin_rules)} AS origin_region
        FROM (SELECT CAST(EXTRACT(YEAR FROM s.registration_date) AS INTEGER) AS year,
                     {_suspect_form_sql()} AS form, s.age_at_registration AS age,
                     s.nationality
              FROM police_suspects s LEFT JOIN ({victims}) v ON v.incident_id = s.incident_id
              WHERE s.offence_code IN ({codes})) x""")


def _by_form(store: ResearchStore, column: str, codes: tuple[str, ...],
             known_only: bool) -> list[dict[str, object]]:
    n = "CAST(COUNT(*) AS BIGINT)"
    share = (known_share_sql(n, column, "year, form") if known_only
             else share_sql(n, "year, form"))
    return store.rows(f"""
        SELECT year, form, {column}, {n} AS suspects, {share} AS share FROM (
          SELECT year, form, {column} FROM suspect_year
          UNION ALL SELECT year, 'all' AS form, {column} FROM suspect_year) s
        GROUP BY year, form, {column}
        ORDER BY year, {order_by_codes('form', SUSPECT_FORMS)},
                 {order_by_codes(column, codes)}""")


def suspects(store: ResearchStore) -> list[TableSpec]:
    build_suspect_year(store)
    ages = tuple(a.code for a in c.AGE_GROUPS)
    regions = tuple(r.code for r in c.ORIGIN_REGIONS)
    age_rows = _by_form(store, "age_group", ages, known_only=True)
    origin_rows = _by_form(store, "origin_region", regions, known_only=False)
    n_all = sum(int(r["suspects"]) for r in age_rows  # type: ignore[call-overload]
                if r["form"] == "all")
    form_note = ("Form of the incident; sexual exploitation split by the victims' "
                 "nationality (Dutch when any victim is Dutch; unknown nationality: unknown "
                 "form, 003 §3.2.1); form 'all' = every suspect.")
    form_note_nl = ("Vorm van het incident; seksuele uitbuiting gesplitst naar de nationaliteit "
                    "van de slachtoffers (binnenlands als een slachtoffer Nederlands is; "
                    "onbekende nationaliteit: onbekende vorm, 003 §3.2.1); vorm 'alle' = alle "
                    "verdachten.")
    return [
        make_table(age_rows, "justice_chain/suspects_age", ("suspects",),
                   "Suspects of registered trafficking incidents by age group at "
                   "registration, per year and form",
                   "Verdachten van geregistreerde mensenhandelincidenten naar leeftijdsgroep "
                   "bij registratie, per jaar en vorm",
                   source=SOURCE_SUSPECTS, shares={"share": "suspects"}, n=n_all,
                   notes=form_note + " share = % of suspects with a known age.",
                   notes_nl=form_note_nl + " aandeel = % van de verdachten met bekende "
                                           "leeftijd."),
        make_table(origin_rows, "justice_chain/suspects_origin", ("suspects",),
                   "Suspects of registered trafficking incidents by origin region, per "
                   "year and form",
                   "Verdachten van geregistreerde mensenhandelincidenten naar herkomstregio, "
                   "per jaar en vorm",
                   source=SOURCE_SUSPECTS, shares={"share": "suspects"}, n=n_all,
                   notes=form_note + " Origin from the suspect's nationality.",
                   notes_nl=form_note_nl + " Herkomst naar de nationaliteit van de "
                                           "verdachte."),
    ]


def justice_detail_tables(store: ResearchStore) -> list[TableSpec]:
    """The tables above that the extract's sources allow."""
    tables: list[TableSpec] = []
    if store.has("justice_cases"):
        tables.append(by_agency(store))
    if store.has("police_suspects"):
        tables += suspects(store)
    return tables

