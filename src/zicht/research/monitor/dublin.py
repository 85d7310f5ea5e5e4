"""The Dublin indication of registered victims (seed 003, box "Afname van mogelijke
slachtoffers van mensenhandel met een Dublinindicatie" and §2.3.4).

A victim-year has a Dublin indication when any of its reports says so, none when a
report says no and none says yes, and an unknown one otherwise (most Dutch victims:
the indication is about asylum elsewhere in the EU). Shares are over the known values,
as the age shares of figure 2.8 are. ``dublin/criminal_drugs`` is the seed's sentence
"of all victims exploited in the drug sector in 2020, 85% are African victims with a
Dublin indication": per year, the victims of criminal exploitation in the drug sector
and how many of them are from Africa with a Dublin indication.
"""

from __future__ import annotations

from zicht.core.table import TableSpec
from zicht.research.monitor.registry import FORMS, SOURCE, known_share_sql
from zicht.research.monitor.table import make_table, order_by_codes
from zicht.research.store import ResearchStore

DUBLIN_CODES = ("yes", "no", "unknown")


def build_victim_dublin(store: ResearchStore) -> None:
    """``victim_dublin``: the included victim-years with their Dublin indication."""
    store.con.execute("""
        CREATE OR REPLACE TEMP TABLE victim_dublin AS
        SELECT v.year, v.form, v.has_criminal, v.criminal_manner_code, v.origin_region,
               CASE d.dublin WHEN 1 THEN 'yes' WHEN 0 THEN 'no' ELSE 'unknown' END
                 AS dublin_indication
        FROM victim_year v
        LEFT JOIN (
          SELECT victim_pid, CAST(EXTRACT(YEAR FROM report_date) AS INTEGER) AS year,
                 MAX(CASE WHEN dublin_indication THEN 1
                          WHEN NOT dublin_indication THEN 0 END) AS dublin
          FROM reports WHERE victim_pid IS NOT NULL AND NOT COALESCE(anonymous, FALSE)
          GROUP BY victim_pid, CAST(EXTRACT(YEAR FROM report_date) AS INTEGER)) d
          ON d.victim_pid = v.victim_pid AND d.year = v.year
        WHERE NOT v.excluded""")


def dublin_tables(store: ResearchStore) -> list[TableSpec]:
    build_victim_dublin(store)
    n = "CAST(COUNT(*) AS BIGINT)"
    by_form = store.rows(f"""
        SELECT year, form, dublin_indication, {n} AS victims,
               {known_share_sql(n, 'dublin_indication', 'year, form')} AS share
        FROM victim_dublin x GROUP BY year, form, dublin_indication
        ORDER BY year, {order_by_codes('form', FORMS)},
                 {order_by_codes('dublin_indication', DUBLIN_CODES)}""")
    total = store.rows(f"""
        SELECT year, dublin_indication, {n} AS victims,
               {known_share_sql(n, 'dublin_indication', 'year')} AS share
        FROM victim_dublin x GROUP BY year, dublin_indication
        ORDER BY year, {order_by_codes('dublin_indication', DUBLIN_CODES)}""")
    african = ("CAST(SUM(CASE WHEN origin_region = 'africa' AND dublin_indication = 'yes' "
               "THEN 1 ELSE 0 END) AS BIGINT)")
    drugs = store.rows(f"""
        SELECT year, {n} AS victims, {african} AS african_dublin,
               ROUND(100.0 * {african} / COUNT(*), 1) AS share
        FROM victim_dublin x WHERE has_criminal AND criminal_manner_code = 'drugs'
        GROUP BY year ORDER BY year""")
    note = ("A victim-year has a Dublin indication when any report of the year says so; "
            "share = % of the victims whose indication is known (unknown: a count outside "
            "the denominator).")
    note_nl = ("Een slachtoffer heeft in een jaar een Dublinindicatie als een melding van dat "
               "jaar dat zegt; aandeel = % van de slachtoffers van wie de indicatie bekend is "
               "(onbekend: een aantal buiten de noemer).")
    return [
        make_table(by_form, "dublin/by_form", ("victims",),
                   "Registered victims by Dublin indication, per year and form of "
                   "exploitation",
                   "Gemelde slachtoffers naar Dublinindicatie, per jaar en uitbuitingsvorm",
                   source=SOURCE, shares={"share": "victims"}, notes=note, notes_nl=note_nl),
        make_table(total, "dublin/total", ("victims",),
                   "Registered victims by Dublin indication, per year",
                   "Gemelde slachtoffers naar Dublinindicatie, per jaar", source=SOURCE,
                   shares={"share": "victims"}, notes=note, notes_nl=note_nl),
        make_table(drugs, "dublin/criminal_drugs", ("victims", "african_dublin"),
                   "Victims of criminal exploitation in the drug sector and how many are "
                   "African victims with a Dublin indication",
                   "Slachtoffers van criminele uitbuiting in de drugssector en hoeveel "
                   "daarvan Afrikaanse slachtoffers met een Dublinindicatie zijn",
                   source=SOURCE, shares={"share": "african_dublin"},
                   notes="share = % of the drug-sector victims (seed 003 §2.3.4: 85% in "
                         "2020).",
                   notes_nl="aandeel = % van de slachtoffers in de drugssector (003 §2.3.4: "
                            "85% in 2020)."),
    ]
