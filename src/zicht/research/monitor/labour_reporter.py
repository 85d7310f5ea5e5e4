"""Labour exploitation: the sector by reporter (seed 003 §2.3.3: "of FairWork's reports
in 2020 the sector is unknown for 44%").

Per year and reporter: the included victims of labour exploitation that reporter
reported, and for how many the sector is known. The sector is that of the victim-year
(figure 2.4: any report of the year that names one), so a victim FairWork reported
without a sector but the inspectorate with one counts as known, as in figure 2.4.
"""

from __future__ import annotations

from zicht.core.table import TableSpec
from zicht.research.monitor.base import REPORTERS, flag_sql, reporter_column
from zicht.research.monitor.registry import SOURCE
from zicht.research.monitor.table import make_table, order_by_codes
from zicht.research.store import ResearchStore


def labour_sector_by_reporter(store: ResearchStore) -> TableSpec:
    known = "CAST(SUM(CASE WHEN labour_sector_code <> 'unknown' THEN 1 ELSE 0 END) AS BIGINT)"
    parts = " UNION ALL ".join(
        f"SELECT year, '{r}' AS reporter, CAST(COUNT(*) AS BIGINT) AS victims, "
        f"{known} AS sector_known FROM victim_year "
        f"WHERE NOT excluded AND has_labour AND {flag_sql(reporter_column(r))} GROUP BY year"
        for r in REPORTERS)
    rows = store.rows(f"""
        SELECT year, reporter, victims, sector_known, victims - sector_known AS sector_unknown,
               ROUND(100.0 * (victims - sector_known) / victims, 1) AS share_unknown
        FROM ({parts}) p ORDER BY year, {order_by_codes('reporter', REPORTERS)}""")
    return make_table(
        rows, "figures/2.4_by_reporter", ("victims", "sector_known", "sector_unknown"),
        "Victims of labour exploitation by reporter and whether the sector is known",
        "Slachtoffers van arbeidsuitbuiting naar melder en of de sector bekend is",
        source=SOURCE, shares={"share_unknown": "sector_unknown"},
        notes="A victim counts once per reporter per year (as in figure 2.9); the sector is "
              "the victim's (figure 2.4); share_unknown = % of the reporter's labour victims "
              "without a known sector.",
        notes_nl="Een slachtoffer telt één keer per melder per jaar (zoals in figuur 2.9); de "
                 "sector is die van het slachtoffer (figuur 2.4); aandeel onbekend = % van de "
                 "slachtoffers van arbeidsuitbuiting van de melder zonder bekende sector.")
