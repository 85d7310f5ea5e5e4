"""The working tables every registry figure reads, built once per run in few passes.

``report_base`` (a view, not materialised): the registered (non-anonymous) reports with
their report year and month.

``victim_year``: one row per unique victim per report year (a victim counts once per
year), built in ONE aggregation over the reports. Forms are the union over every report
of the year, whoever reported them; the victim is Dutch when any report of the year
gives NL as first or second nationality; ``only_kmar`` holds when *every* report of the
year comes from the KMar (any other reporter next to the KMar makes it false); its
``mask`` also says which reporters (``r_*``) and police units (``u_*``) reported the
victim that year and which labour sectors (``ls_*``) were named. Sex, age,
nationality, sectors, manner and municipality are those of the earliest report of the
year that gives one (ties broken by report pseudonym, so a run is deterministic). Then
the rule tables of ``zicht.research.classify`` add ``form``, ``age_group``,
``origin_region``, ``sex_code``, the sector codes and ``excluded``.

The 0/1 facts of a report are packed into one BIGINT bit mask per report and OR-ed per
victim-year (``bit_or``): one aggregate instead of forty, which is what makes the
two-million-victim run fast. ``victim_cube`` then counts ``victim_year`` once over the
columns the figures break down by (with the reporter and police-unit counts as
columns), so the figures read a table of a few thousand rows instead of re-scanning
every victim.

Portable SQL: ``array_contains``, ``min_by``, ``bit_or``, ``&`` and ``EXTRACT`` exist
under these names in both DuckDB and Spark SQL; ``min_by(x, CASE WHEN x IS NOT NULL
THEN key END)`` picks the first *known* value in both engines.
"""

from __future__ import annotations

from zicht.core import codes as c
from zicht.research import classify as cl
from zicht.research.store import ResearchStore

REPORTERS: tuple[str, ...] = tuple(r.code for r in c.REPORTERS)
UNITS: tuple[str, ...] = (*(u.code for u in c.POLICE_UNITS), "unknown")
LABOUR_SECTORS: tuple[str, ...] = tuple(s.code for s in c.LABOUR_SECTORS)


def unit_column(unit: str) -> str:
    """The ``victim_year`` / ``victim_cube`` column of a police unit (``u_den_haag``)."""
    return "u_" + unit.replace("-", "_")


def reporter_column(reporter: str) -> str:
    return f"r_{reporter}"


def _q(code: str) -> str:
    return "'" + code.replace("'", "''") + "'"


#: The 0/1 facts of one report, in bit order: bit i of a report's mask is flag i.
FLAGS: tuple[str, ...] = (
    "has_sexual", "has_labour", "has_criminal", "has_other_form", "is_dutch",
    "nationality_known",
    # A report by anyone but the KMar: a victim-year is KMar-only when NO report has it.
    "not_only_kmar",
    *(reporter_column(r) for r in REPORTERS),
    *(unit_column(u) for u in UNITS),
    *(f"ls_{s}" for s in LABOUR_SECTORS),
)


def bit(flag: str) -> int:
    """The mask value of one flag (``mask & bit(f) <> 0`` tests it)."""
    return 1 << FLAGS.index(flag)


def _when(predicate: str, flag: str) -> str:
    return f"CASE WHEN {predicate} THEN {bit(flag)} ELSE 0 END"


def mask_sql() -> str:
    """The BIGINT mask of one report. Reporter, police unit and labour sectors are one
    CASE each (a report has one reporter and one unit; most reports name no sector),
    which is cheaper than one test per code. Reporters outside the code list count as
    'other', police units outside it (or none) as 'unknown'."""
    if len(FLAGS) > 62:
        raise ValueError(f"{len(FLAGS)} report flags do not fit one BIGINT mask (max 62).")
    reporter = " ".join(f"WHEN {_q(r)} THEN {bit(reporter_column(r))}" for r in REPORTERS)
    unit = " ".join(f"WHEN {_q(u)} THEN {bit(unit_column(u))}" for u in UNITS[:-1])
    sectors = " + ".join(_when(f"array_contains(labour_sectors, {_q(s)})", f"ls_{s}")
                         for s in LABOUR_SECTORS)
    parts = [
        _when("array_contains(forms, 'sexual')", "has_sexual"),
        _when("array_contains(forms, 'labour')", "has_labour"),
        _when("array_contains(forms, 'criminal')", "has_criminal"),
        _when("(array_contains(forms, 'organ') OR array_contains(forms, 'other'))",
              "has_other_form"),
        _when("(nationality = 'NL' OR nationality_2 = 'NL')", "is_dutch"),
        _when("(nationality IS NOT NULL OR nationality_2 IS NOT NULL)", "nationality_known"),
        _when("(reporter IS NULL OR reporter <> 'kmar')", "not_only_kmar"),
        f"CASE reporter {reporter} ELSE {bit(reporter_column('other'))} END",
        f"CASE WHEN reporter = 'police' THEN CASE police_unit {unit} "
        f"ELSE {bit(unit_column('unknown'))} END ELSE 0 END",
        f"CASE WHEN labour_sectors IS NULL THEN 0 ELSE {sectors} END",
    ]
    return " + ".join(f"CAST({x} AS BIGINT)" for x in parts)


def flag_sql(flag: str, mask: str = "mask") -> str:
    """A boolean: does the (OR-ed) mask hold ``flag``."""
    return f"(({mask} & {bit(flag)}) <> 0)"


def _first(column: str, alias: str | None = None) -> str:
    """The value of the earliest report of the group that has one."""
    return (f"min_by({column}, CASE WHEN {column} IS NOT NULL THEN order_key END) "
            f"AS {alias or column}")


def build_report_base(store: ResearchStore) -> None:
    """``report_base``: registered reports with year and month (a view: no copy)."""
    store.con.execute("""
        CREATE OR REPLACE TEMP VIEW report_base AS
        SELECT report_pid, victim_pid, reporter, police_unit, report_date,
               CAST(EXTRACT(YEAR FROM report_date) AS INTEGER) AS year,
               CAST(EXTRACT(MONTH FROM report_date) AS INTEGER) AS month,
               sex, nationality, nationality_2, age_at_report, municipality,
               sexual_sector, criminal_manner, forms, labour_sectors
        FROM reports
        WHERE victim_pid IS NOT NULL AND NOT COALESCE(anonymous, FALSE)
    """)


#: The booleans ``victim_year`` keeps as columns (the rest of the flags stay in ``mask``).
FACTS: tuple[str, ...] = ("has_sexual", "has_labour", "has_criminal", "has_other_form",
                          "is_dutch", "nationality_known")


def build_victim_year(store: ResearchStore) -> None:
    """``victim_year``: one classified row per unique victim per report year."""
    # The order of reports within a victim-year: report date, then report pseudonym
    # ('YYYY-MM-DD' sorts as the date does in both engines). The first report has the
    # earliest date, so its month is the month of MIN(report_date): no min_by needed.
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE victim_year_raw AS
        SELECT victim_pid, year, COUNT(*) AS n_reports, bit_or(mask) AS mask,
               {_first("age_at_report", "age")}, {_first("sex")},
               {_first("nationality", "nationality_1")}, {_first("nationality_2")},
               {_first("sexual_sector")}, {_first("criminal_manner")},
               {_first("municipality")},
               CAST(EXTRACT(MONTH FROM MIN(report_date)) AS INTEGER) AS first_month
        FROM (SELECT victim_pid, year, report_date, age_at_report, sex, nationality,
                     nationality_2, sexual_sector, criminal_manner, municipality,
                     CAST(report_date AS STRING) || '|' || report_pid AS order_key,
                     {mask_sql()} AS mask
              FROM report_base) r
        GROUP BY victim_pid, year
    """)
    labour_rules = cl.order_labour_sectors(_labour_sector_frequency(store))
    facts = ", ".join(f"{flag_sql(f)} AS {f}" for f in FACTS)
    sectors = ", ".join(f"{flag_sql(f'ls_{s}')} AS ls_{s}" for s in LABOUR_SECTORS)
    nationality = (f"CASE WHEN {flag_sql('is_dutch')} THEN 'NL' "
                   "ELSE COALESCE(nationality_1, nationality_2) END")
    # The origin rule compares the nationality with long country lists: classify each
    # distinct (is_dutch, nationality) once and join, instead of once per victim.
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE origin_lookup AS
        SELECT is_dutch AS dutch_key, COALESCE(nationality, '') AS nationality_key,
               {cl.case_sql(cl.ORIGIN_REGION)} AS origin_region
        FROM (SELECT DISTINCT {flag_sql('is_dutch')} AS is_dutch, {nationality} AS nationality
              FROM victim_year_raw) d
    """)
    # Only the columns the figures and the estimate read are kept: a narrower table is
    # much cheaper to write and scan at two million rows.
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE victim_year AS
        SELECT victim_pid, year, n_reports, mask, {", ".join(FACTS)},
               only_kmar, age, nationality_1, nationality_2, nationality, municipality,
               first_month,
               {cl.case_sql(cl.FORM)} AS form,
               {cl.case_sql(cl.AGE_GROUP)} AS age_group,
               o.origin_region,
               {cl.case_sql(cl.SEX)} AS sex_code,
               {cl.case_sql(cl.SEXUAL_SECTOR)} AS sexual_sector_code,
               {cl.case_sql(cl.SEXUAL_VISIBILITY)} AS sexual_visibility,
               {cl.case_sql(cl.LABOUR_SECTOR, labour_rules)} AS labour_sector_code,
               {cl.case_sql(cl.CRIMINAL_MANNER)} AS criminal_manner_code,
               ({cl.EXCLUSION.rule("kmar_only_sexual").sql}) AS excluded
        FROM (
            SELECT r.*, {facts}, NOT {flag_sql("not_only_kmar")} AS only_kmar, {sectors},
                   {nationality} AS nationality
            FROM victim_year_raw r
        ) v
        JOIN origin_lookup o
          ON o.dutch_key = v.is_dutch AND o.nationality_key = COALESCE(v.nationality, '')
    """)
    store.con.execute("DROP TABLE victim_year_raw")
    store.con.execute("DROP TABLE origin_lookup")


def _labour_sector_frequency(store: ResearchStore) -> dict[str, int]:
    """How many labour victim-years name each sector (rarity for the sector hierarchy)."""
    sums = ", ".join(f"SUM(CASE WHEN {flag_sql(f'ls_{s}')} THEN 1 ELSE 0 END) AS {s}"
                     for s in LABOUR_SECTORS)
    row = store.rows(f"SELECT {sums} FROM victim_year_raw WHERE {flag_sql('has_labour')}")[0]
    return {k: int(v or 0) for k, v in row.items()}


#: The columns ``victim_cube`` groups by: every breakdown of figures 2.1, 2.2, 2.6-2.11
#: and the regional police-unit view, and the facts the form rules read.
CUBE_KEYS: tuple[str, ...] = ("year", "excluded", "form", "sex_code", "age_group",
                              "origin_region", *FACTS)


def build_victim_cube(store: ResearchStore) -> None:
    """``victim_cube``: ``victim_year`` counted once per combination of ``CUBE_KEYS``;
    ``victims`` = victim-years, ``age_sum``/``age_n`` for the mean age, and per reporter
    (``r_*``) and police unit (``u_*``) the victims they reported."""
    counts = [f"CAST(SUM(CASE WHEN {flag_sql(col)} THEN 1 ELSE 0 END) AS BIGINT) AS {col}"
              for col in (*(reporter_column(r) for r in REPORTERS),
                          *(unit_column(u) for u in UNITS))]
    keys = ", ".join(CUBE_KEYS)
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE victim_cube AS
        SELECT {keys}, COUNT(*) AS victims, CAST(SUM(age) AS BIGINT) AS age_sum,
               COUNT(age) AS age_n, {", ".join(counts)}
        FROM victim_year GROUP BY {keys}
    """)


def build_base(store: ResearchStore) -> None:
    """Build ``report_base``, ``victim_year`` and ``victim_cube`` (once per run)."""
    build_report_base(store)
    build_victim_year(store)
    build_victim_cube(store)
