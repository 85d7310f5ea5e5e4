"""Figures 2.11-2.15: the residence scheme for foreign victims (``sources/ind_decisions``).

Per year = the year of the *decision* (annex B1.2: decided applications, not received
ones). The procedure comes from the IND qualification (``classify.IND_PROCEDURE``).
Unique users (figure 2.15) are counted by foreigner-number pseudonym (``v_number``: the
IND's own person key, which every decision carries), else by person pseudonym (older
extracts); a decision with neither counts as its own person, so N is an upper bound
there. Published exactly (policy ``registry``), as the seed prints 2,095.
"""

from __future__ import annotations

from zicht.core import codes as c
from zicht.core.table import TableSpec
from zicht.research import classify as cl
from zicht.research.monitor.table import (
    make_table,
    order_by_codes,
    share_sql,
    window_sql,
)
from zicht.research.store import ResearchStore, has_columns

SOURCE = "IND residence-scheme decisions (sources/ind_decisions.parquet); registry extract"
OUTCOMES = ("granted", "rejected", "other")
SHARE = {"share": "decisions"}


def _decisions() -> str:
    return f"""(SELECT *, CAST(EXTRACT(YEAR FROM decision_date) AS INTEGER) AS year,
                       {cl.case_sql(cl.IND_PROCEDURE)} AS procedure_code
                FROM ind_decisions)"""


def figure_2_11(store: ResearchStore) -> TableSpec:
    series = ("reflection_offers", "temporary_decisions", "continued_decisions",
              "registered_foreign_victims")
    rows = store.rows(f"""
        SELECT year, series, number FROM (
          SELECT year, CASE procedure_code WHEN 'reflection' THEN 'reflection_offers'
                            WHEN 'temporary' THEN 'temporary_decisions'
                            ELSE 'continued_decisions' END AS series, COUNT(*) AS number
          FROM {_decisions()} d WHERE procedure_code <> 'other'
          GROUP BY year, procedure_code
          UNION ALL
          SELECT year, 'registered_foreign_victims' AS series,
                 CAST(SUM(victims) AS BIGINT) AS number
          FROM victim_cube WHERE NOT excluded AND nationality_known AND NOT is_dutch
          GROUP BY year) s
        ORDER BY year, {order_by_codes('series', series)}""")
    return make_table(
        rows, "figures/2.11", ("number",),
        "Use of the residence scheme against registered foreign victims, per year",
        "Gebruik van de verblijfsregeling mensenhandel afgezet tegen gemelde buitenlandse "
        "slachtoffers, per jaar",
        source=SOURCE, n=None,
        notes="Reflection offers and decided temporary / continued residence applications, "
              "by year of decision; foreign = a nationality other than Dutch, without the "
              "excluded KMar-only victims. Not necessarily the same persons.",
        notes_nl="Aangeboden bedenktijden en afgehandelde aanvragen tijdelijk / voortgezet "
                 "verblijf, naar jaar van beslissing; buitenlands = een andere nationaliteit "
                 "dan de Nederlandse, zonder de uitgesloten KMar-slachtoffers. Niet "
                 "noodzakelijk dezelfde personen.")


def _by(store: ResearchStore, procedure: str, column: str, expr: str,
        codes: tuple[str, ...], where: str = "TRUE") -> list[dict[str, object]]:
    return store.rows(f"""
        SELECT year, {expr} AS {column}, COUNT(*) AS decisions,
               {share_sql('COUNT(*)', 'year')} AS share
        FROM {_decisions()} d WHERE procedure_code = '{procedure}' AND ({where})
        GROUP BY year, {expr} ORDER BY year, {order_by_codes(column, codes)}""")


def figures_2_12_to_2_14(store: ResearchStore) -> list[TableSpec]:
    dublin = _by(store, "temporary", "dublin_indication",
                 "CASE WHEN dublin_indication THEN 'yes' WHEN NOT dublin_indication THEN 'no' "
                 "ELSE 'unknown' END", ("yes", "no", "unknown"))
    temporary = _by(store, "temporary", "outcome", "COALESCE(outcome, 'other')", OUTCOMES)
    continued = _by(store, "continued", "outcome", "COALESCE(outcome, 'other')", OUTCOMES)
    grounds = _by(store, "continued", "ground", "COALESCE(ground, 'other')",
                  ("cooperation", "prosecution", "humanitarian", "other"),
                  where="outcome = 'granted'")
    return [
        make_table(dublin, "figures/2.12", ("decisions",),
                   "Decided temporary-residence applications by Dublin indication",
                   "Afgehandelde aanvragen tijdelijk verblijf naar Dublinindicatie",
                   source=SOURCE, shares=SHARE,
                   notes="The IND records the Dublin indication since 2019; earlier years "
                         "are not comparable.",
                   notes_nl="De IND registreert de Dublinindicatie sinds 2019; eerdere jaren "
                            "zijn niet vergelijkbaar."),
        make_table(temporary, "figures/2.13", ("decisions",),
                   "Decided temporary-residence applications by outcome",
                   "Afgehandelde aanvragen tijdelijk verblijf naar afdoening",
                   source=SOURCE, shares=SHARE),
        make_table(continued, "figures/2.14", ("decisions",),
                   "Decided continued-residence applications by outcome",
                   "Afgehandelde aanvragen voortgezet verblijf naar afdoening",
                   source=SOURCE, shares=SHARE),
        make_table(grounds, "figures/2.14_ground", ("decisions",),
                   "Granted continued-residence applications by ground",
                   "Ingewilligde aanvragen voortgezet verblijf naar grond",
                   source=SOURCE, shares=SHARE),
    ]


def person_key_sql(store: ResearchStore) -> str:
    """One person of the residence scheme: the foreigner number, which the IND gives on
    every decision, also of persons outside the population register (who have no person
    pseudonym); without either a decision is its own person (an upper bound)."""
    keys = ["CAST(d.v_number AS STRING)"] if has_columns(store, "ind_decisions",
                                                         "v_number") else []
    keys += ["'person:' || CAST(d.person_pid AS STRING)",
             "'decision:' || CAST(d.decision_id AS STRING)"]
    return f"COALESCE({', '.join(keys)})"


def figure_2_15(store: ResearchStore,
                period: tuple[int, int] | None = None) -> list[TableSpec]:
    """Unique users over ``period`` (default every year of decisions)."""
    window = window_sql(period)
    regions = tuple(r.code for r in c.ORIGIN_REGIONS)
    origin_rules = tuple(
        r if r.code != "netherlands" else cl.Rule(r.code, r.en, r.nl, "nationality = 'NL'")
        for r in cl.ORIGIN_REGION.rules)
    # The unique users once (both tables read them); the period label from one
    # aggregate instead of a window over every decision.
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE residence_persons AS
        SELECT person_key, MIN(year) AS first_year, MIN(period) AS period,
               min_by(nationality, CASE WHEN nationality IS NOT NULL
                                        THEN decision_date END) AS nationality,
               min_by(sex, CASE WHEN sex IS NOT NULL THEN decision_date END) AS sex,
               min_by(birth_year, CASE WHEN birth_year IS NOT NULL THEN decision_date END)
                 AS birth_year
        FROM (SELECT d.year, d.decision_date, d.nationality, d.sex, d.birth_year, y.period,
                     {person_key_sql(store)} AS person_key
              FROM {_decisions()} d
              CROSS JOIN (SELECT CAST(MIN(year) AS STRING) || '-' ||
                                 CAST(MAX(year) AS STRING) AS period
                          FROM {_decisions()} e WHERE procedure_code <> 'other' {window}) y
              WHERE d.procedure_code <> 'other' {window_sql(period, 'd.year')}) x
        GROUP BY person_key""")
    persons = "residence_persons"
    rows = store.rows(f"""
        SELECT period, origin_region, COUNT(*) AS persons,
               {share_sql('COUNT(*)', None)} AS share
        FROM (SELECT *, {cl.case_sql(cl.ORIGIN_REGION, origin_rules)} AS origin_region
              FROM {persons} p) o
        GROUP BY period, origin_region ORDER BY {order_by_codes('origin_region', regions)}""")
    sexes = (*(s.code for s in c.SEXES), "unknown")
    by_sex = store.rows(f"""
        SELECT period, sex, COUNT(*) AS persons, {share_sql('COUNT(*)', None)} AS share
        FROM (SELECT period, COALESCE(sex, 'unknown') AS sex FROM {persons} p) s
        GROUP BY period, sex ORDER BY {order_by_codes('sex', sexes)}""")
    note = ("Unique persons (by foreigner number) who had a reflection period, temporary "
            "or continued residence decided in the period; a decision without a foreigner "
            "number or person pseudonym counts as a person.")
    note_nl = ("Unieke personen (naar vreemdelingennummer) met een bedenktijd, tijdelijk of "
               "voortgezet verblijf waarover in de periode is beslist; een beslissing zonder "
               "vreemdelingennummer of persoonspseudoniem telt als een persoon.")
    label = str(rows[0]["period"]) if rows and rows[0].get("period") else ""
    return [
        make_table(rows, "figures/2.15", ("persons",),
                   f"Origin region of residence-scheme users, {label}",
                   f"Herkomstregio van gebruikers van de verblijfsregeling, {label}",
                   source=SOURCE, shares={"share": "persons"}, notes=note,
                   notes_nl=note_nl),
        make_table(by_sex, "figures/2.15_sex", ("persons",),
                   f"Sex of residence-scheme users, {label}",
                   f"Geslacht van gebruikers van de verblijfsregeling, {label}",
                   source=SOURCE, shares={"share": "persons"}, notes=note,
                   notes_nl=note_nl),
    ]


def residence_figures(store: ResearchStore,
                      period: tuple[int, int] | None = None) -> list[TableSpec]:
    """Figures 2.11-2.15 (needs the ``ind_decisions`` source); 2.15 sums ``period``."""
    return [figure_2_11(store), *figures_2_12_to_2_14(store), *figure_2_15(store, period)]
