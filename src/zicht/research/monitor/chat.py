"""Anonymous online signals: the chat service's contacts (factsheet 001).

Double counts are removed by the chat service's own visitor key: one row per visitor
per contact year, over the contacts with a trafficking question. A visitor is a victim
themselves when any contact of the year was about themselves; the other attributes are
"any contact of the year says so", and the longest duration reported. Groups and
measures are the rule tables ``classify.CHAT_GROUP`` / ``CHAT_MEASURE``; a share is
the % of the group. The sexual and criminal groups are over every visitor with a
trafficking question, as the factsheet counts them; victims themselves are a group of
their own.
"""

from __future__ import annotations

from zicht.core.table import TableSpec
from zicht.research import classify as cl
from zicht.research.monitor.table import make_table, order_by_codes
from zicht.research.store import ResearchStore

SOURCE = "Chat contacts (sources/chat_contacts.parquet)"


def _any(expr: str) -> str:
    return f"MAX(CASE WHEN {expr} THEN 1 ELSE 0 END) = 1"


def _count(predicate: str) -> str:
    return f"CAST(SUM(CASE WHEN {predicate} THEN 1 ELSE 0 END) AS BIGINT)"


def build_chat_visitor_year(store: ResearchStore) -> None:
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE chat_visitor_year AS
        SELECT visitor_key, CAST(EXTRACT(YEAR FROM contact_date) AS INTEGER) AS year,
               {_any("about = 'self'")} AS about_self,
               {_any("minor")} AS minor,
               {_any("array_contains(forms, 'sexual')")} AS chat_sexual,
               {_any("array_contains(forms, 'criminal')")} AS chat_criminal,
               {_any("array_contains(forms, 'labour')")} AS chat_labour,
               {_any("still_unsafe")} AS still_unsafe,
               CASE MAX(CASE duration WHEN 'gt_5y' THEN 3 WHEN '1_5y' THEN 2
                                      WHEN 'lt_1y' THEN 1 ELSE 0 END)
                    WHEN 3 THEN 'gt_5y' WHEN 2 THEN '1_5y' WHEN 1 THEN 'lt_1y'
                    ELSE 'unknown' END AS duration,
               {_any("parents_exploiters")} AS parents_exploiters,
               {_any("several_perpetrators")} AS several_perpetrators
        FROM chat_contacts
        WHERE trafficking_question
        GROUP BY visitor_key, CAST(EXTRACT(YEAR FROM contact_date) AS INTEGER)
    """)


#: Which measures each group shows (the factsheet's breakdowns).
GROUP_MEASURES: dict[str, tuple[str, ...]] = {
    "visitors": ("total", "about_self", "about_other"),
    "victims": ("total", "minor", "sexual", "criminal", "labour", "still_unsafe",
                "exploited_gt_1y", "exploited_gt_5y", "parents_exploiters",
                "several_perpetrators"),
    "sexual": ("total", "minor", "still_unsafe", "exploited_gt_1y", "exploited_gt_5y",
               "parents_exploiters", "several_perpetrators"),
    "criminal": ("total", "minor", "criminal_and_sexual", "still_unsafe",
                 "several_perpetrators"),
}


def chat_tables(store: ResearchStore) -> list[TableSpec]:
    build_chat_visitor_year(store)
    parts = []
    for group in cl.CHAT_GROUP.rules:
        sums = " UNION ALL ".join(
            f"SELECT year, '{group.code}' AS grp, '{m}' AS measure, "
            f"SUM(CASE WHEN ({cl.CHAT_MEASURE.rule(m).sql}) THEN 1 ELSE 0 END) AS visitors, "
            f"COUNT(*) AS base FROM chat_visitor_year WHERE ({group.sql}) GROUP BY year"
            for m in GROUP_MEASURES[group.code])
        parts.append(sums)
    measures = tuple(m.code for m in cl.CHAT_MEASURE.rules)
    rows = store.rows(f"""
        SELECT year, grp AS visitor_group, measure, visitors,
               CASE WHEN base > 0 THEN ROUND(100.0 * visitors / base, 1) END AS share
        FROM ({" UNION ALL ".join(parts)}) m
        ORDER BY year, {order_by_codes('visitor_group', cl.CHAT_GROUP.codes())},
                 {order_by_codes('measure', measures)}""")
    headline = store.rows(f"""
        SELECT year, COUNT(*) AS visitors,
               {_count(cl.CHAT_GROUP.rule('victims').sql)} AS victims,
               {_count(cl.CHAT_GROUP.rule('sexual').sql)} AS sexual,
               {_count(cl.CHAT_GROUP.rule('criminal').sql)} AS criminal,
               {_count('about_self AND minor')} AS minors
        FROM chat_visitor_year GROUP BY year ORDER BY year""")
    return [
        make_table(headline, "chat/visitors", ("visitors", "victims", "sexual", "criminal",
                                               "minors"),
                   "Unique chat visitors with a trafficking question (double counts removed)",
                   "Unieke chatbezoekers met een hulpvraag over mensenhandel",
                   source=SOURCE,
                   notes="sexual and criminal: every visitor with a trafficking question "
                         "(victims themselves and those asking about someone else), as "
                         "factsheet 001 counts them (314: 278 sexual, 36 criminal); victims "
                         "= victims themselves; minors = minor victims themselves.",
                   notes_nl="seksueel en crimineel: alle bezoekers met een hulpvraag over "
                            "mensenhandel (zelf slachtoffer en over iemand anders), zoals "
                            "factsheet 001 telt (314: 278 seksueel, 36 crimineel); slachtoffers "
                            "= zelf slachtoffer; minderjarigen = minderjarige slachtoffers zelf."),
        make_table(rows, "chat/signals", ("visitors",),
                   "Chat signals: victims by group and breakdown of the factsheet",
                   "Chatsignalen: slachtoffers naar groep en uitsplitsing", source=SOURCE,
                   shares={"share": "visitors"},
                   n=sum(int(r["visitors"]) for r in rows
                         if r["visitor_group"] == "visitors" and r["measure"] == "total"),
                   notes="share = % of the group (group 'victims': visitors who are victims "
                         "themselves); a visitor may count in several rows.",
                   notes_nl="aandeel = % van de groep (groep 'zelf slachtoffer': bezoekers die "
                            "zelf slachtoffer zijn); een bezoeker kan in meerdere rijen tellen."),
    ]
