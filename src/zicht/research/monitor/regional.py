"""The regional view: the chapter-2 breakdowns by police unit and by municipality.

Police unit: every unit that reported the victim in the year (a victim counts once per
unit per year, as in figure 2.10), so only police-reported victims appear. Municipality:
where the exploitation took place, from the earliest report of the year that gives one
(``unknown`` otherwise), so every victim appears once per year. Small areas: policy
``protected`` (rounded to 5, cells below the threshold suppressed).

Both areas are counted in one scan each: police units from ``victim_cube`` (its ``u_*``
columns, turned into rows), municipalities from one aggregation of ``victim_year``.
"""

from __future__ import annotations

from zicht.core import codes as c
from zicht.core.table import TableSpec
from zicht.research.monitor.base import UNITS, unit_column
from zicht.research.monitor.registry import unpivot
from zicht.research.monitor.table import make_table, order_by_codes
from zicht.research.store import ResearchStore

SOURCE = "Registry extract (reports.parquet), zicht monitor"
N = "CAST(SUM(victims) AS BIGINT)"

#: (table suffix, column, column of the area table, code order, English, Dutch)
BREAKDOWNS: tuple[tuple[str, str, str, tuple[str, ...], str, str], ...] = (
    ("form", "form", "form", tuple(f.code for f in c.FORMS), "form", "uitbuitingsvorm"),
    ("sex", "sex", "sex_code", (*(s.code for s in c.SEXES), "unknown"), "sex", "geslacht"),
    ("age_group", "age_group", "age_group", tuple(a.code for a in c.AGE_GROUPS), "age group",
     "leeftijdsgroep"),
    ("origin_region", "origin_region", "origin_region",
     tuple(r.code for r in c.ORIGIN_REGIONS), "origin region", "herkomstregio"),
)
_DIMS = "form, sex_code, age_group, origin_region"

#: (area column, the (year, area, breakdowns, victims) rows, English, Dutch)
AREAS: tuple[tuple[str, str, str, str], ...] = (
    ("police_unit",
     unpivot(f"(SELECT year, {_DIMS}, "
             + ", ".join(f"SUM({unit_column(u)}) AS {unit_column(u)}" for u in UNITS)
             + f" FROM victim_cube WHERE NOT excluded GROUP BY year, {_DIMS}) u",
             ("year", *_DIMS.split(", ")), {unit_column(u): u for u in UNITS},
             "police_unit", "victims"),
     "police unit", "politie-eenheid"),
    ("municipality",
     f"""SELECT year, COALESCE(municipality, 'unknown') AS municipality, {_DIMS},
               COUNT(*) AS victims
        FROM victim_year WHERE NOT excluded
        GROUP BY year, COALESCE(municipality, 'unknown'), {_DIMS}""",
     "municipality", "gemeente"),
)


def regional_tables(store: ResearchStore) -> list[TableSpec]:
    tables: list[TableSpec] = []
    for area, select, area_en, area_nl in AREAS:
        store.con.execute(f"CREATE OR REPLACE TEMP TABLE regional_{area} AS {select}")
        joined = f"regional_{area}"
        area_order = (order_by_codes(area, UNITS) if area == "police_unit" else area)
        rows = store.rows(f"""
            SELECT year, {area}, {N} AS victims FROM {joined} j
            GROUP BY year, {area} ORDER BY year, {area_order}""")
        tables.append(make_table(
            rows, f"regional/{area}/victims", ("victims",),
            f"Registered victims by {area_en}, per year",
            f"Gemelde slachtoffers naar {area_nl}, per jaar", source=SOURCE))
        for suffix, column, expr, codes, en, nl in BREAKDOWNS:
            rows = store.rows(f"""
                SELECT year, {area}, {expr} AS {column}, {N} AS victims
                FROM {joined} j GROUP BY year, {area}, {expr}
                ORDER BY year, {area_order}, {order_by_codes(column, codes)}""")
            tables.append(make_table(
                rows, f"regional/{area}/{suffix}", ("victims",),
                f"Registered victims by {area_en} and {en}, per year",
                f"Gemelde slachtoffers naar {area_nl} en {nl}, per jaar", source=SOURCE))
    return tables
