"""The study populations: police-registered trafficking victims, linkable by person.

A victim is linkable when the police registration carries a pseudonymised person
number (``person_pid``) that is in the population register; registrations without one
(persons never in the BRP) cannot be linked, and their number is reported as the seed
reports it (975 left out of chapter 3). Registrations without a person number cannot
be de-duplicated, so they are counted as registrations; person numbers that are not in
the register are counted once per person.

Two working tables, one row per victim:

``aid_victims`` (chapter 3): victims of an incident whose offence period *started* in
``aid_from``-``aid_to`` and *ended before* 1 January of ``aid_to`` (aid is followed for
a year after the end); with several such incidents, the first (by start date, then
incident id) is the victim's incident. A missing end date is taken as the start date.

``rv_victims`` (chapter 4): victims with a trafficking registration in
``rv_from``-``rv_to``; the *index incident* is the first one by registration date.
``censor_date`` is the end of the period or the first day of the month the person left
the register, whichever comes first (after it, a new victimisation cannot be seen; the
boundary lets only the month of leaving cross, ``docs/boundary.md``).

Age is the age on 1 January of the incident year (birth year only:
``year - birth_year - 1``), the age the controls are matched on.

**Populations** (``POPULATIONS``; issue 15): ``police`` is the seed's. ``registry`` is
the registration centre's victims, linked to a person by the BSN pseudonym of any of
their reports or, without one, by privacy-preserving linkage (``registry_links``,
``docs/pprl.md``); a registry report is an *event* like a police registration: its
exploitation period is the offence period, its report date the registration date, and
its forms give the offence code the police would have used (``rules.REGISTRY_CODE``).
``union`` is both, each person once: the first event of either source by the
chapter's rule. In chapter 4 a person's first police trafficking registration in the
period belongs to the index event in every population (for the police population it
*is* the index incident), so the police registration of a case first reported to the
registry is not counted as a new victimisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zicht.research import classify as cl
from zicht.research.linked import rules
from zicht.research.store import ResearchStore, has_columns

#: The study populations of chapters 3 and 4, in report order.
POPULATIONS: tuple[str, ...] = ("police", "registry", "union")


@dataclass(frozen=True)
class PopulationCount:
    """How many victims were found, linked and left out."""

    name: str
    linked: int
    registrations_without_pid: int
    pids_not_in_register: int

    @property
    def unlinkable(self) -> int:
        return self.registrations_without_pid + self.pids_not_in_register


def _day(d: date) -> str:
    return f"DATE '{d.isoformat()}'"


def build_persons(store: ResearchStore) -> None:
    """``persons``: one row per police-registered person in the register (first sex and
    birth year known; ``registered_until`` the first day of the month of the last
    departure, NULL while resident). Only persons in the police source and the registry's
    linked victims (``registry_links``, empty until built) are needed, which
    keeps this table small at 17.5 million residents (the controls read ``population`` directly)."""
    store.con.execute("CREATE TEMP TABLE IF NOT EXISTS registry_links "
                      "(victim_pid VARCHAR, person_pid VARCHAR, linked_by VARCHAR)")
    store.con.execute("""
        CREATE OR REPLACE TEMP TABLE persons AS
        SELECT person_pid,
               min_by(sex, CASE WHEN sex IS NOT NULL THEN registered_from_year END) AS sex,
               min(birth_year) AS birth_year,
               min(registered_from_year) AS registered_from_year,
               CASE WHEN bool_or(registered_until_month IS NULL) THEN NULL
                    ELSE CAST(max(registered_until_month) || '-01' AS DATE)
               END AS registered_until
        FROM population
        WHERE person_pid IN (SELECT person_pid FROM police_incidents
                             UNION ALL SELECT person_pid FROM registry_links)
        GROUP BY person_pid
    """)


def build_registry_links(store: ResearchStore, pprl_links: str | None = None) -> None:
    """``registry_links``: one row per registry victim with a person (``victim_pid,
    person_pid, linked_by``): the BSN pseudonym of its reports (``victims``) or, for a
    victim without one, its privacy-preserving link (the relation ``pprl_links`` of
    ``victim_pid, person_pid``)."""
    pprl = (f"""UNION ALL
        SELECT l.victim_pid, l.person_pid, 'pprl' FROM {pprl_links} l
        WHERE l.victim_pid IN (SELECT victim_pid FROM victims WHERE person_pid IS NULL)"""
            if pprl_links else "")
    source = ("SELECT victim_pid, person_pid FROM victims" if store.has("victims")
              else "SELECT NULL::VARCHAR AS victim_pid, NULL::VARCHAR AS person_pid LIMIT 0")
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE registry_links AS
        SELECT victim_pid, person_pid, 'bsn' AS linked_by FROM ({source}) v
        WHERE person_pid IS NOT NULL
        {pprl}
    """)


def events_sql(population: str,
               police_nationality: str = "CAST(NULL AS VARCHAR)") -> str:
    """The trafficking events of ``population`` (``incident_id, person_pid, offence_code,
    offence_start, offence_end, registration_date, nationality``; ``person_pid`` NULL
    when the event cannot be linked); see the module docstring. ``police_nationality``
    is the SQL for the victim's nationality in the police source (NULL for extracts
    made before the police source carried it)."""
    police = f"""
        SELECT incident_id, person_pid, offence_code, offence_start, offence_end,
               registration_date, {police_nationality} AS nationality
        FROM police_incidents WHERE role = 'victim' AND {rules.trafficking_sql()}"""
    registry = f"""
        SELECT r.report_pid AS incident_id, l.person_pid,
               {cl.case_sql(rules.REGISTRY_CODE)} AS offence_code,
               r.exploitation_start AS offence_start, r.exploitation_end AS offence_end,
               r.report_date AS registration_date, r.nationality
        FROM reports r LEFT JOIN registry_links l USING (victim_pid)
        WHERE NOT r.anonymous AND r.victim_pid IS NOT NULL"""
    if population == "police":
        return police
    if population == "registry":
        return registry
    if population == "union":
        return f"{police}\n        UNION ALL{registry}"
    raise ValueError(f"population must be one of {', '.join(POPULATIONS)}, not "
                     f"{population!r}.")


def _count_unlinkable(store: ResearchStore, incidents: str) -> tuple[int, int]:
    row = store.con.execute(f"""
        SELECT COUNT(*) FILTER (WHERE person_pid IS NULL),
               COUNT(DISTINCT person_pid) FILTER (
                   WHERE person_pid IS NOT NULL
                     AND person_pid NOT IN (SELECT person_pid FROM persons))
        FROM {incidents}
    """).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def build_aid_population(store: ResearchStore, aid_from: int, aid_to: int, *,
                         period_by: str = "offence_start",
                         population: str = "police") -> PopulationCount:
    """``aid_victims``: the chapter-3 population (see the module docstring).
    ``period_by="registration_date"`` selects incidents by registration instead of the
    start of the offence period (the seed's choice)."""
    if period_by not in ("offence_start", "registration_date"):
        raise ValueError(f"period_by must be 'offence_start' or 'registration_date', not "
                         f"{period_by!r}.")
    con = store.con
    # The victim's nationality splits sexual exploitation (extracts before it: unknown).
    nationality = ("nationality" if has_columns(store, "police_incidents", "nationality")
                   else "CAST(NULL AS VARCHAR)")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE aid_incidents AS
        SELECT incident_id, person_pid, offence_code, offence_start,
               COALESCE(offence_end, offence_start) AS offence_end, nationality
        FROM ({events_sql(population, nationality)}) e
        WHERE {period_by} >= {_day(date(aid_from, 1, 1))}
          AND {period_by} < {_day(date(aid_to + 1, 1, 1))}
          AND COALESCE(offence_end, offence_start) < {_day(date(aid_to, 1, 1))}
    """)
    without_pid, not_in_register = _count_unlinkable(store, "aid_incidents")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE aid_victims AS
        SELECT v.*, {cl.case_sql(rules.AGE_GROUP)} AS age_group, age < 18 AS minor,
               {cl.case_sql(rules.POLICE_FORM)} AS form,
               {cl.case_sql(rules.POLICE_FORM_DETAIL)} AS form_detail
        FROM (
            SELECT i.person_pid, i.incident_id, i.offence_code, i.offence_start,
                   i.nationality,
                   i.offence_end, CAST(EXTRACT(YEAR FROM i.offence_start) AS INTEGER)
                       AS incident_year,
                   CAST(EXTRACT(YEAR FROM i.offence_end) AS INTEGER) AS end_year,
                   p.sex, p.birth_year,
                   CAST(EXTRACT(YEAR FROM i.offence_start) AS INTEGER) - p.birth_year - 1
                       AS age
            FROM (
                SELECT *, row_number() OVER (PARTITION BY person_pid
                                             ORDER BY offence_start, incident_id) AS k
                FROM aid_incidents WHERE person_pid IS NOT NULL
            ) i
            JOIN persons p USING (person_pid)
            WHERE i.k = 1
        ) v
    """)
    linked = con.execute("SELECT COUNT(*) FROM aid_victims").fetchone()
    return PopulationCount("aid", int(linked[0]) if linked else 0,
                           without_pid, not_in_register)


def build_revictimisation_population(store: ResearchStore, rv_from: int,
                                     rv_to: int, *,
                                     population: str = "police") -> PopulationCount:
    """``rv_victims``: the chapter-4 population with its index incident and censor date;
    ``rv_new``: every later police registration of these persons as victim, up to the
    end of the period (the new incidents)."""
    con = store.con
    end = date(rv_to, 12, 31)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE rv_incidents AS
        SELECT incident_id, person_pid, offence_code, registration_date
        FROM ({events_sql(population)}) e
        WHERE registration_date >= {_day(date(rv_from, 1, 1))}
          AND registration_date <= {_day(end)}
    """)
    # The person's first police trafficking registration in the period is part of the
    # index event in every population (module docstring).
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE rv_police_index AS
        SELECT person_pid,
               first(incident_id ORDER BY registration_date, incident_id) AS incident_id
        FROM ({events_sql("police")}) e
        WHERE person_pid IS NOT NULL
          AND registration_date >= {_day(date(rv_from, 1, 1))}
          AND registration_date <= {_day(end)}
        GROUP BY person_pid
    """)
    without_pid, not_in_register = _count_unlinkable(store, "rv_incidents")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE rv_victims AS
        SELECT v.*, {cl.case_sql(rules.AGE_GROUP)} AS age_group,
               {cl.case_sql(rules.POLICE_FORM)} AS form,
               {cl.case_sql(rules.SEXUAL_SPLIT)} AS sexual_split
        FROM (
            SELECT i.person_pid, i.incident_id AS index_incident_id, i.offence_code,
                   i.registration_date AS index_date,
                   CAST(EXTRACT(YEAR FROM i.registration_date) AS INTEGER) AS index_year,
                   p.sex, p.birth_year,
                   CAST(EXTRACT(YEAR FROM i.registration_date) AS INTEGER) - p.birth_year - 1
                       AS age,
                   LEAST({_day(end)}, COALESCE(p.registered_until, {_day(end)}))
                       AS censor_date
            FROM (
                SELECT *, row_number() OVER (PARTITION BY person_pid
                                             ORDER BY registration_date, incident_id) AS k
                FROM rv_incidents WHERE person_pid IS NOT NULL
            ) i
            JOIN persons p USING (person_pid)
            WHERE i.k = 1
        ) v
    """)
    # A new incident is a registration as victim on a later day than the index incident
    # (a same-day registration is most likely part of the index event itself).
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE rv_new AS
        SELECT n.person_pid, n.incident_id, n.offence_group, n.registration_date,
               CAST(date_diff('day', v.index_date, n.registration_date) AS INTEGER) AS days,
               {cl.case_sql(rules.SPECIFIC_REVICTIMISATION)} AS specific
        FROM police_incidents n
        JOIN rv_victims v USING (person_pid)
        LEFT JOIN rv_police_index x USING (person_pid)
        WHERE n.role = 'victim' AND n.registration_date > v.index_date
          AND n.registration_date <= {_day(end)}
          AND n.incident_id IS DISTINCT FROM x.incident_id
    """)
    linked = con.execute("SELECT COUNT(*) FROM rv_victims").fetchone()
    return PopulationCount("revictimisation", int(linked[0]) if linked else 0,
                           without_pid, not_in_register)
