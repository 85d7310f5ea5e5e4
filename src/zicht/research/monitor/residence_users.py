"""Residence-scheme users by age group and by nationality (seed 003 §2.4.3: "only 59
minors" in 2016-2020; Nigeria "by far the most common nationality", 788 victims).

Both read ``residence_persons`` (the unique users of figure 2.15, built by
``residence.figure_2_15``), so N is figure 2.15's. The IND gives a birth year only: the
age is that on 1 January of the year of the person's first decision (year - birth year
- 1, the rule of the linked chapters), so a minor is never counted as an adult. Shares
of the age groups are over known ages.
"""

from __future__ import annotations

from zicht.core import codes as c
from zicht.core.table import TableSpec
from zicht.research.monitor.registry import known_share_sql
from zicht.research.monitor.residence import SOURCE
from zicht.research.monitor.table import make_table, order_by_codes, share_sql
from zicht.research.store import ResearchStore

#: Nationalities listed per period (the seed names the five most common).
TOP_NATIONALITIES = 5

AGE_GROUP_SQL = """CASE WHEN age IS NULL THEN 'unknown' WHEN age < 18 THEN 'minor'
                        WHEN age < 23 THEN 'adolescent' ELSE '23_plus' END"""


def residence_users_tables(store: ResearchStore) -> list[TableSpec]:
    """Needs ``residence_persons`` (run after ``residence.figure_2_15``)."""
    ages = tuple(a.code for a in c.AGE_GROUPS)
    n = "CAST(COUNT(*) AS BIGINT)"
    by_age = store.rows(f"""
        SELECT period, age_group, {n} AS persons,
               {known_share_sql(n, 'age_group', 'period')} AS share
        FROM (SELECT period, {AGE_GROUP_SQL} AS age_group
              FROM (SELECT period, first_year - birth_year - 1 AS age
                    FROM residence_persons) a) g
        GROUP BY period, age_group ORDER BY {order_by_codes('age_group', ages)}""")
    top = store.rows(f"""
        SELECT period, rank, nationality, persons, share FROM (
          SELECT period, nationality, {n} AS persons,
                 {share_sql(n, 'period')} AS share,
                 ROW_NUMBER() OVER (PARTITION BY period ORDER BY COUNT(*) DESC, nationality)
                   AS rank
          FROM (SELECT period, COALESCE(nationality, 'unknown') AS nationality
                FROM residence_persons) p
          GROUP BY period, nationality) t
        WHERE rank <= {TOP_NATIONALITIES} ORDER BY rank""")
    note = ("Unique users as in figure 2.15; age on 1 January of the year of the first "
            "decision (birth year only); share = % of users with a known age.")
    note_nl = ("Unieke gebruikers zoals in figuur 2.15; leeftijd op 1 januari van het jaar van "
               "de eerste beslissing (alleen geboortejaar); aandeel = % van de gebruikers met "
               "een bekende leeftijd.")
    # The period as figure 2.15 names it ("2010-2024"), not "whole period" beside it.
    label = f", {by_age[0]['period']}" if by_age and by_age[0].get("period") else ""
    return [
        make_table(by_age, "figures/2.15_age_group", ("persons",),
                   f"Age group of residence-scheme users{label}",
                   f"Leeftijdsgroep van gebruikers van de verblijfsregeling{label}",
                   source=SOURCE, shares={"share": "persons"}, notes=note,
                   notes_nl=note_nl),
        make_table(top, "figures/2.15_nationalities", ("persons",),
                   f"The {TOP_NATIONALITIES} most common nationalities of residence-scheme "
                   f"users{label}",
                   f"De {TOP_NATIONALITIES} meest voorkomende nationaliteiten van gebruikers "
                   f"van de verblijfsregeling{label}",
                   source=SOURCE, shares={"share": "persons"},
                   n=int(store.rows("SELECT COUNT(*) AS n FROM residence_persons")[0]["n"]),
                   notes="share = % of all unique users of the period.",
                   notes_nl="aandeel = % van alle unieke gebruikers in de periode."),
    ]
