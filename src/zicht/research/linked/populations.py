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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zicht.research import classify as cl
from zicht.research.linked import rules
from zicht.research.store import ResearchStore, has_columns


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
    departure, NULL while resident). Only persons in the police source are needed, which
    keeps this table small at 17.5 million residents (the controls read ``population`` directly)."""
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
        WHERE person_pid IN (SELECT person_pid FROM police_incidents)
        GROUP BY person_pid
    """)


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
                         period_by: str = "offence_start") -> PopulationCount:
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
               COALESCE(offence_end, offence_start) AS offence_end,
               {nationality} AS nationality
        FROM police_incidents
        WHERE role = 'victim' AND {rules.trafficking_sql()}
          AND {period_by} >= {_day(date(aid_from, 1, 1))}
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
    return PopulationCount("aid", int(linked[0]) if linked else 0, without_pid,
                           not_in_register)


def build_revictimisation_population(store: ResearchStore, rv_from: int,
                                     rv_to: int) -> PopulationCount:
    """``rv_victims``: the chapter-4 population with its index incident and censor date;
    ``rv_new``: every later police registration of these persons as victim, up to the
    end of the period (the new incidents)."""
    con = store.con
    end = date(rv_to, 12, 31)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE rv_incidents AS
        SELECT incident_id, person_pid, offence_code, registration_date
        FROM police_incidents
        WHERE role = 'victim' AND {rules.trafficking_sql()}
          AND registration_date >= {_day(date(rv_from, 1, 1))}
          AND registration_date <= {_day(end)}
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
        WHERE n.role = 'victim' AND n.registration_date > v.index_date
          AND n.registration_date <= {_day(end)}
    """)
    linked = con.execute("SELECT COUNT(*) FROM rv_victims").fetchone()
    return PopulationCount("revictimisation", int(linked[0]) if linked else 0, without_pid,
                           not_in_register)
