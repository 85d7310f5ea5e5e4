"""The two working tables every registry figure reads, built once per run.

``report_base``: one row per registered (non-anonymous) report, with its report year,
month and 0/1 flags of the reported forms, Dutch nationality and labour sectors.

``victim_year``: one row per unique victim per report year (a victim counts once per
year). Forms are the union over every report of the year, whoever reported them; the
victim is Dutch when any report of the year gives NL as first or second nationality;
sex, age, nationality, sectors, manner and municipality are those of the earliest
report of the year that gives one (ties broken by report pseudonym, so a run is
deterministic; ``order_key`` is the report's rank within its victim). Then the rule
tables of ``zicht.research.classify`` add ``form``,
``age_group``, ``origin_region``, ``sex_code``, the sector codes and ``excluded``.

Portable SQL: ``array_contains``, ``min_by`` and ``EXTRACT`` exist under these names in
both DuckDB and Spark SQL; ``min_by(x, CASE WHEN x IS NOT NULL THEN key END)`` picks the
first *known* value in both engines.
"""

from __future__ import annotations

from zicht.core import codes as c
from zicht.research import classify as cl
from zicht.research.store import ResearchStore

_FORM_FLAGS = {
    "sexual": "array_contains(forms, 'sexual')",
    "labour": "array_contains(forms, 'labour')",
    "criminal": "array_contains(forms, 'criminal')",
    "other_form": "(array_contains(forms, 'organ') OR array_contains(forms, 'other'))",
}


def _flag(expr: str) -> str:
    return f"CASE WHEN {expr} THEN 1 ELSE 0 END"


def _first(column: str, alias: str | None = None) -> str:
    """The value of the earliest report of the group that has one."""
    return (f"min_by({column}, CASE WHEN {column} IS NOT NULL THEN order_key END) "
            f"AS {alias or column}")


def build_report_base(store: ResearchStore) -> None:
    """``report_base``: registered reports with year, month and 0/1 flags."""
    flags = [f"{_flag(expr)} AS f_{name}" for name, expr in _FORM_FLAGS.items()]
    flags += [f"{_flag(f'array_contains(labour_sectors, {chr(39)}{s.code}{chr(39)})')} "
              f"AS ls_{s.code}" for s in c.LABOUR_SECTORS]
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE report_base AS
        SELECT report_pid, victim_pid, reporter, police_unit, report_date,
               CAST(EXTRACT(YEAR FROM report_date) AS INTEGER) AS year,
               CAST(EXTRACT(MONTH FROM report_date) AS INTEGER) AS month,
               sex, nationality, nationality_2, age_at_report, municipality,
               sexual_sector, criminal_manner,
               {_flag("nationality = 'NL' OR nationality_2 = 'NL'")} AS f_dutch,
               {_flag("nationality IS NOT NULL OR nationality_2 IS NOT NULL")} AS f_nat,
               {", ".join(flags)},
               ROW_NUMBER() OVER (PARTITION BY victim_pid
                                  ORDER BY report_date, report_pid) AS order_key
        FROM reports
        WHERE victim_pid IS NOT NULL AND NOT COALESCE(anonymous, FALSE)
    """)


def build_victim_year(store: ResearchStore) -> None:
    """``victim_year``: one classified row per unique victim per report year."""
    sectors = ", ".join(f"MAX(ls_{s.code}) = 1 AS ls_{s.code}" for s in c.LABOUR_SECTORS)
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE victim_year_raw AS
        SELECT victim_pid, year, COUNT(*) AS n_reports,
               MAX(f_sexual) = 1 AS has_sexual, MAX(f_labour) = 1 AS has_labour,
               MAX(f_criminal) = 1 AS has_criminal, MAX(f_other_form) = 1 AS has_other_form,
               MAX(f_dutch) = 1 AS is_dutch, MAX(f_nat) = 1 AS nationality_known,
               MIN(CASE WHEN reporter = 'kmar' THEN 1 ELSE 0 END) = 1 AS only_kmar,
               {_first("age_at_report", "age")}, {_first("sex")},
               {_first("nationality", "nationality_1")}, {_first("nationality_2")},
               {_first("sexual_sector")}, {_first("criminal_manner")},
               {_first("municipality")},
               min_by(month, order_key) AS first_month,
               {sectors}
        FROM report_base
        GROUP BY victim_pid, year
    """)
    frequency = _labour_sector_frequency(store)
    labour_rules = cl.order_labour_sectors(frequency)
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE victim_year AS
        SELECT v.*,
               {cl.case_sql(cl.FORM)} AS form,
               {cl.case_sql(cl.AGE_GROUP)} AS age_group,
               {cl.case_sql(cl.ORIGIN_REGION)} AS origin_region,
               {cl.case_sql(cl.SEX)} AS sex_code,
               {cl.case_sql(cl.SEXUAL_SECTOR)} AS sexual_sector_code,
               {cl.case_sql(cl.SEXUAL_VISIBILITY)} AS sexual_visibility,
               {cl.case_sql(cl.LABOUR_SECTOR, labour_rules)} AS labour_sector_code,
               {cl.case_sql(cl.CRIMINAL_MANNER)} AS criminal_manner_code,
               ({cl.EXCLUSION.rule("kmar_only_sexual").sql}) AS excluded
        FROM (
            SELECT r.*,
                   CASE WHEN is_dutch THEN 'NL'
                        ELSE COALESCE(nationality_1, nationality_2) END AS nationality
            FROM victim_year_raw r
        ) v
    """)


def _labour_sector_frequency(store: ResearchStore) -> dict[str, int]:
    """How many labour victim-years name each sector (rarity for the sector hierarchy)."""
    sums = ", ".join(f"SUM(CASE WHEN ls_{s.code} THEN 1 ELSE 0 END) AS {s.code}"
                     for s in c.LABOUR_SECTORS)
    row = store.rows(f"SELECT {sums} FROM victim_year_raw WHERE has_labour")[0]
    return {k: int(v or 0) for k, v in row.items()}


def build_victim_reporter(store: ResearchStore) -> None:
    """``victim_reporter``: distinct (victim, year, reporter, police unit) of the included
    victim-years, with the victim's form: the unit of figures 2.9, 2.10 and the
    police-unit view."""
    store.con.execute("""
        CREATE OR REPLACE TEMP TABLE victim_reporter AS
        SELECT DISTINCT r.victim_pid, r.year, r.reporter,
               CASE WHEN r.reporter = 'police' THEN COALESCE(r.police_unit, 'unknown')
               END AS police_unit,
               v.form, v.sex_code, v.age_group, v.origin_region
        FROM report_base r JOIN victim_year v
          ON r.victim_pid = v.victim_pid AND r.year = v.year
        WHERE NOT v.excluded
    """)


def build_base(store: ResearchStore) -> None:
    """Build ``report_base``, ``victim_year`` and ``victim_reporter`` (once per run)."""
    build_report_base(store)
    build_victim_year(store)
    build_victim_reporter(store)
