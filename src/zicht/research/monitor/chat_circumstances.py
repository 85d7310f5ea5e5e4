"""Chat: the manner of criminal exploitation, where victim and exploiter met, and whether
the chat was the first time the victim told anyone (factsheet 001: "the largest part
had to do with drug crime").

Per visitor and contact year, as ``chat.build_chat_visitor_year`` counts: the first
answer given in the year (by contact date, then contact pseudonym) for the manner and
the meeting place, and "any contact says so" for the first disclosure. Groups:

* manner: visitors whose chat is about criminal exploitation (the factsheet's 36,
  whoever tells);
* where they met: every visitor with a trafficking question (the chat is about a
  victim, whoever tells, as the factsheet counts);
* first disclosure: victims themselves only (only they can tell it is their first time).

Shares are of the group's visitors with an answer; ``unknown`` is a count outside the
denominator.
"""

from __future__ import annotations

from zicht.core.table import TableSpec
from zicht.research.monitor.chat import SOURCE
from zicht.research.monitor.registry import known_share_sql
from zicht.research.monitor.table import make_table, order_by_codes
from zicht.research.store import ResearchStore, has_columns

#: The source columns, which are also the table's questions, in display order.
QUESTIONS = ("criminal_manner", "met_where", "first_disclosure")
ANSWERS = ("drugs", "property", "fraud", "begging", "online", "school_or_work",
           "neighbourhood", "family", "nightlife", "yes", "no", "other", "unknown")


def _first(column: str) -> str:
    return (f"min_by({column}, CASE WHEN {column} IS NOT NULL THEN "
            f"CAST(contact_date AS STRING) || '|' || contact_id END)")


def chat_circumstances(store: ResearchStore) -> list[TableSpec]:
    """The table, when the chat source carries the columns (else nothing)."""
    if not has_columns(store, "chat_contacts", *QUESTIONS):
        return []
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE chat_circumstance_year AS
        SELECT CAST(EXTRACT(YEAR FROM contact_date) AS INTEGER) AS year,
               MAX(CASE WHEN about = 'self' THEN 1 ELSE 0 END) = 1 AS about_self,
               MAX(CASE WHEN array_contains(forms, 'criminal') THEN 1 ELSE 0 END) = 1
                 AS chat_criminal,
               {_first("criminal_manner")} AS criminal_manner,
               {_first("met_where")} AS met_where,
               CASE WHEN bool_or(first_disclosure) THEN 'yes'
                    WHEN bool_or(NOT first_disclosure) THEN 'no' END AS first_disclosure
        FROM chat_contacts WHERE trafficking_question
        GROUP BY visitor_key, CAST(EXTRACT(YEAR FROM contact_date) AS INTEGER)""")
    groups = (("criminal_manner", "criminal", "chat_criminal"),
              ("met_where", "visitors", "TRUE"),
              ("first_disclosure", "victims", "about_self"))
    parts = " UNION ALL ".join(
        f"SELECT year, '{group}' AS visitor_group, '{q}' AS question, "
        f"COALESCE({q}, 'unknown') AS answer FROM chat_circumstance_year WHERE {where}"
        for q, group, where in groups)
    n = "CAST(COUNT(*) AS BIGINT)"
    rows = store.rows(f"""
        SELECT year, visitor_group, question, answer, {n} AS visitors,
               {known_share_sql(n, 'answer', 'year, question')} AS share
        FROM ({parts}) p GROUP BY year, visitor_group, question, answer
        ORDER BY year, {order_by_codes('question', QUESTIONS)},
                 {order_by_codes('answer', ANSWERS)}""")
    return [make_table(
        rows, "chat/circumstances", ("visitors",),
        "Chat: manner of criminal exploitation, where victim and exploiter met, first "
        "disclosure",
        "Chatdienst: wijze van criminele uitbuiting, waar slachtoffer en uitbuiter elkaar "
        "ontmoetten, eerste keer verteld",
        source=SOURCE, shares={"share": "visitors"},
        n=sum(int(r["visitors"]) for r in rows if r["question"] == "met_where"),
        notes="Manner: chats about criminal exploitation; where they met: every visitor with "
              "a trafficking question; first disclosure: victims themselves. share = % of "
              "the group's visitors with an answer.",
        notes_nl="Wijze: chats over criminele uitbuiting; waar ontmoet: alle bezoekers met een "
                 "hulpvraag over mensenhandel; eerste keer verteld: slachtoffers zelf. aandeel "
                 "= % van de bezoekers van de groep met een antwoord.")]
