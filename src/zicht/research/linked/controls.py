"""The matched control group of chapter 3 (seed 003, §3.2 and B1.3.2).

For every victim, ``per_victim`` (1,000) residents of the same sex and the same age on
1 January of the victim's incident year, drawn from everyone registered on the
reference date (1 January 2016). With a birth year only, the age on 1 January of year
Y is ``Y - birth_year - 1`` for victim and control alike, so "same age on 1 January of
the incident year" is exactly "same birth year": a stratum is ``(sex, birth_year)``.

Sampling is simple random sampling *without replacement within a stratum*: the k
victims of a stratum get ``k * per_victim`` distinct controls, the first
``per_victim`` (in random order) for the first victim (by pseudonym), and so on.

How: the hash-ordering trick. Every candidate gets the key ``hash(pseudonym # seed)``
and a stratum keeps its ``k * per_victim`` smallest keys (a DuckDB window query; a
first pass counts each stratum so that the window only sorts keys below the stratum's
quantile, about 4x faster at 17.5 million residents, with the same result).
Ordering by a keyed hash is a uniformly random permutation for all practical purposes,
so the smallest keys are a simple random sample; unlike drawing indices with numpy it
does not depend on the order of the rows in the Parquet file, is one pass over the
population (17.5 million rows in seconds, memory bounded by DuckDB's spilling sort),
and the same SQL runs on Spark (``hash`` and ``row_number`` exist there too). The same
population, victims and seed give the same controls; another seed gives another draw.

Residents who are themselves police-registered trafficking victims are not drawn as
controls (the seed is silent on this; a victim in the control group would dilute the
contrast). A stratum with fewer candidates than it needs keeps all of them, and the
shortfall is reported in ``ControlDraw.shortfall`` (never silently).

With ``replacement=True`` a stratum with fewer candidates than it needs draws from its
candidates each repeated ``ceil(need / available)`` times (copy ``k`` keyed
``hash(pseudonym # seed # k)``), so the design's ``per_victim`` is met and a resident
appears at most that many times: drawing with replacement, spread evenly. It serves a
small population register (the demo's); ``distinct_controls`` says how many different
residents the controls are, and the report states it (docs/linked.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zicht.research.linked.rules import trafficking_sql
from zicht.research.store import ResearchStore

CONTROLS_TABLE = "aid_controls"


@dataclass(frozen=True)
class ControlDraw:
    """The outcome of a draw: how many victims, strata and controls, and any shortfall."""

    victims: int
    strata: int
    controls: int
    per_victim: int
    seed: int
    reference_date: date
    shortfall: int  # controls that could not be drawn (strata too small)
    distinct_controls: int = 0  # different residents among the controls
    with_replacement: bool = False

    def summary(self) -> str:
        return (f"{self.controls:,} controls for {self.victims:,} victims in "
                f"{self.strata:,} (sex, birth year) strata, {self.per_victim:,} per victim, "
                f"seed {self.seed}; shortfall {self.shortfall:,}")


def resident_sql(on: date, alias: str = "p") -> str:
    """An SQL predicate: the person was in the population register on ``on``, a 1 January.

    The boundary lets only the year of registration and the month of departure cross
    (``docs/boundary.md``): registered in an earlier year, and not gone before the month
    of ``on``."""
    if (on.month, on.day) != (1, 1):
        raise ValueError(f"The reference date must be a 1 January (the register's year of "
                         f"registration is all that crosses the boundary), not {on}.")
    return (f"({alias}.registered_from_year IS NULL OR {alias}.registered_from_year < "
            f"{on.year}) AND ({alias}.registered_until_month IS NULL OR "
            f"{alias}.registered_until_month >= '{on:%Y-%m}')")


def draw_controls(
    store: ResearchStore,
    *,
    victims_table: str = "aid_victims",
    per_victim: int = 1000,
    seed: int = 0,
    reference_date: date = date(2016, 1, 1),
    exclude_registry: bool = False,
    replacement: bool = False,
) -> ControlDraw:
    """Draw the matched controls of ``victims_table`` into the temp table ``aid_controls``
    (``control_pid, victim_pid, sex, birth_year``). ``victims_table`` needs the columns
    ``person_pid, sex, birth_year``. ``exclude_registry`` also keeps the registry's
    linked victims (``registry_links``) out, as the registry and union populations
    need (their victims are not police-registered by definition)."""
    if per_victim < 1:
        raise ValueError(f"per_victim must be at least 1, got {per_victim}.")
    con = store.con
    seed_text = str(int(seed))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE control_strata AS
        SELECT sex, birth_year, COUNT(*) AS victims, COUNT(*) * {per_victim} AS need
        FROM {victims_table}
        WHERE sex IS NOT NULL AND birth_year IS NOT NULL
        GROUP BY sex, birth_year
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE control_excluded AS
        SELECT DISTINCT person_pid FROM police_incidents
        WHERE person_pid IS NOT NULL AND {trafficking_sql()}
        {"UNION SELECT person_pid FROM registry_links" if exclude_registry else ""}
    """)
    candidates = f"""
        SELECT p.person_pid, p.sex, p.birth_year,
               hash(p.person_pid || '#' || '{seed_text}') AS h
        FROM population p
        JOIN control_strata s ON p.sex = s.sex AND p.birth_year = s.birth_year
        WHERE {resident_sql(reference_date)}
          AND p.person_pid IS NOT NULL
          AND p.person_pid NOT IN (SELECT person_pid FROM control_excluded)
    """
    # Pass 1 counts the candidates of each stratum; pass 2 keeps only keys below a
    # stratum's quantile need/available (plus 6 SD and a margin) before ranking, so the
    # window sort sees a few more rows than it keeps instead of the whole population.
    # The result is the same as ranking everything (the ``need`` smallest keys survive
    # the filter with certainty for all practical purposes, and it is checked).
    copies = ("CAST(CEIL(s.need / c.available) AS BIGINT)" if replacement else "1")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE control_fraction AS
        SELECT *, LEAST(1.0, (need + 6 * sqrt(need) + 50) / (available * copies)) AS fraction
        FROM (SELECT s.sex, s.birth_year, s.need, c.available,
                     GREATEST(1, {copies}) AS copies
              FROM control_strata s
              JOIN (SELECT sex, birth_year, COUNT(*) AS available FROM ({candidates}) x
                    GROUP BY sex, birth_year) c USING (sex, birth_year)) t
    """)
    # Copy 0 keeps the key of a draw without replacement; copies 1.. get their own.
    pool = f"""
        SELECT c.person_pid, c.sex, c.birth_year,
               CASE WHEN k.copy = 0 THEN c.h
                    ELSE hash(c.person_pid || '#' || '{seed_text}' || '#' || k.copy) END AS h
        FROM ({candidates}) c
        JOIN control_fraction f ON c.sex = f.sex AND c.birth_year = f.birth_year
        JOIN (SELECT range AS copy FROM range((SELECT COALESCE(MAX(copies), 1)
                                               FROM control_fraction))) k
          ON k.copy < f.copies
    """
    for prefilter in (True, False):
        keep = ("AND (f.fraction >= 1.0 OR c.h < CAST(f.fraction * 18446744073709551615.0 "
                "AS UBIGINT))") if prefilter else ""
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE control_draw AS
            SELECT person_pid AS control_pid, sex, birth_year, rank
            FROM (
                SELECT c.person_pid, c.sex, c.birth_year, f.need,
                       row_number() OVER (PARTITION BY c.sex, c.birth_year
                                          ORDER BY c.h, c.person_pid) AS rank
                FROM ({pool}) c
                JOIN control_fraction f ON c.sex = f.sex AND c.birth_year = f.birth_year
                WHERE TRUE {keep}
            ) ranked
            WHERE rank <= need
        """)
        short = con.execute("""
            SELECT COUNT(*) FROM control_fraction f
            LEFT JOIN (SELECT sex, birth_year, COUNT(*) AS drawn FROM control_draw
                       GROUP BY sex, birth_year) d USING (sex, birth_year)
            WHERE COALESCE(d.drawn, 0) < LEAST(f.need, f.available * f.copies)
        """).fetchone()
        if short is None or short[0] == 0:
            break  # every stratum got what it could get; else rank everything
    # The k victims of a stratum, in pseudonym order, take consecutive blocks of ranks.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {CONTROLS_TABLE} AS
        SELECT d.control_pid, v.person_pid AS victim_pid, d.sex, d.birth_year
        FROM control_draw d
        JOIN (
            SELECT person_pid, sex, birth_year,
                   row_number() OVER (PARTITION BY sex, birth_year ORDER BY person_pid)
                       AS victim_rank
            FROM {victims_table}
            WHERE sex IS NOT NULL AND birth_year IS NOT NULL
        ) v ON v.sex = d.sex AND v.birth_year = d.birth_year
           AND v.victim_rank = (d.rank - 1) // {per_victim} + 1
    """)
    victims, strata, need = con.execute(
        "SELECT COALESCE(SUM(victims), 0), COUNT(*), COALESCE(SUM(need), 0) "
        "FROM control_strata").fetchone() or (0, 0, 0)
    drawn = con.execute(f"SELECT COUNT(*), COUNT(DISTINCT control_pid) "
                        f"FROM {CONTROLS_TABLE}").fetchone() or (0, 0)
    controls = int(drawn[0])
    con.execute("DROP TABLE IF EXISTS control_draw")
    return ControlDraw(int(victims), int(strata), controls, per_victim, int(seed),
                       reference_date, int(need) - controls, int(drawn[1]), replacement)
