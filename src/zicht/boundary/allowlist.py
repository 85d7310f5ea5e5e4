"""What of each linked source may cross the boundary, and in what form.

Every source file has an allow-list: each column it may carry, with one declared
transform. A source or column that is not listed is refused (all or nothing, before
anything is written), so a source holder who adds a column cannot widen what crosses.

Transforms:

- ``keep``: crosses as it is (codes, amounts, flags, event dates);
- ``person``: the BSN becomes ``person_pid`` (the keyed person pseudonym, so sources link);
- ``pseudonym``: a source's own record id becomes a keyed pseudonym in its own domain
  (``incident``, ``case``, ...); the same id gives the same pseudonym in every source, so
  ``justice_cases.incident_id`` still joins ``police_incidents.incident_id``;
- ``year`` / ``month``: a person-bound date is coarsened to its year (int16) or its
  year-month (string ``YYYY-MM``) under a new name; the day never crosses;
- ``drop``: the column is read by nobody in the research zone and stays behind.

Which dates are person-bound, and why event dates keep their day, is argued in
``docs/boundary.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pyarrow as pa

from zicht.core.errors import Problem, ValidationError

__all__ = ["SOURCE_ALLOW_LIST", "Rule", "Transform", "check_source_schema"]


class Transform(StrEnum):
    KEEP = "keep"
    PERSON = "person"
    PSEUDONYM = "pseudonym"
    YEAR = "year"
    MONTH = "month"
    DROP = "drop"


@dataclass(frozen=True)
class Rule:
    """One allowed column: its transform, its name after the boundary, its pseudonym
    domain (``pseudonym`` only)."""

    transform: Transform
    out: str | None = None
    domain: str | None = None

    def out_name(self, column: str) -> str:
        return self.out or column


KEEP = Rule(Transform.KEEP)
PERSON = Rule(Transform.PERSON, out="person_pid")
DROP = Rule(Transform.DROP)


def pseudonym(domain: str) -> Rule:
    return Rule(Transform.PSEUDONYM, domain=domain)


def year(out: str) -> Rule:
    return Rule(Transform.YEAR, out=out)


def month(out: str) -> Rule:
    return Rule(Transform.MONTH, out=out)


#: The foreigner number (V-number) is a person number: a pseudonym, never in clear.
FOREIGNER = Rule(Transform.PSEUDONYM, domain="foreigner")

SOURCE_ALLOW_LIST: dict[str, dict[str, Rule]] = {
    # The population register: birth, arrival, departure and death are about the person.
    # Registration starts on the birth date for everyone born here, so it is coarsened
    # too: the year answers "registered on 1 January" (the control draw); the departure
    # month bounds the revictimisation follow-up to within a month.
    "population": {
        "bsn": PERSON, "sex": KEEP, "birth_date": year("birth_year"), "municipality": KEEP,
        "registered_from": year("registered_from_year"),
        "registered_until": month("registered_until_month"),
    },
    "police_incidents": {
        "incident_id": pseudonym("incident"), "bsn": PERSON, "role": KEEP,
        "offence_code": KEEP, "offence_group": KEEP, "registration_date": KEEP,
        "offence_start": KEEP, "offence_end": KEEP, "police_unit": KEEP,
        "victim_report": KEEP, "nationality": KEEP,
    },
    # Suspects of an incident: no BSN; the age is the police's age at registration (no
    # birth date crosses); the suspect number is the police's own record id.
    "police_suspects": {
        "suspect_id": pseudonym("suspect"), "incident_id": pseudonym("incident"),
        "registration_date": KEEP, "offence_code": KEEP, "age_at_registration": KEEP,
        "nationality": KEEP,
    },
    "ind_decisions": {
        "decision_id": pseudonym("decision"), "bsn": PERSON, "qualification": KEEP,
        "procedure": KEEP, "decision_date": KEEP, "outcome": KEEP, "ground": KEEP,
        "dublin_indication": KEEP, "sex": KEEP, "birth_year": KEEP, "nationality": KEEP,
        "v_number": FOREIGNER,
    },
    "youth_care": {
        "bsn": PERSON, "start_date": KEEP, "end_date": KEEP, "care_type": KEEP,
        "with_stay": KEEP, "referrer": KEEP, "end_reason": KEEP,
    },
    "wmo_shelter": {"bsn": PERSON, "start_date": KEEP, "end_date": KEEP, "shelter_type": KEEP},
    "health_costs": {
        "bsn": PERSON, "year": KEEP, "mental_health_specialist_eur": KEEP,
        "mental_health_basic_eur": KEEP, "total_eur": KEEP,
    },
    "justice_cases": {
        "case_id": pseudonym("case"), "incident_id": pseudonym("incident"), "form": KEEP,
        "incident_year": KEEP, "suspect_known": KEEP, "victim_report": KEEP,
        "prosecution_year": KEEP, "prosecution_decision": KEEP, "court_year": KEEP,
        "court_decision": KEEP, "unconditional_prison_days": KEEP,
        "registering_agency": KEEP,
    },
    # The chat service's contact number and visitor key are its own record ids.
    "chat_contacts": {
        "contact_id": pseudonym("chat_contact"), "visitor_key": pseudonym("chat_visitor"),
        "contact_date": KEEP, "trafficking_question": KEEP, "about": KEEP, "minor": KEEP,
        "forms": KEEP, "still_unsafe": KEEP, "duration": KEEP, "parents_exploiters": KEEP,
        "several_perpetrators": KEEP, "criminal_manner": KEEP, "met_where": KEEP,
        "first_disclosure": KEEP,
    },
}

# Routes (issue 15): the foreigner number links the IND, the offering agency, COSM, COA,
# Nidos and the municipality; it is a person number like the BSN, so it crosses as a
# keyed pseudonym (domain ``foreigner``), never in clear. Intake, exit and decision days
# are event dates (kept, docs/boundary.md); a guardianship ends on the 18th birthday, so
# its end is person-bound and crosses as a month.
_ROUTE_PERSON = {"v_number": FOREIGNER, "bsn": PERSON, "sex": KEEP, "birth_year": KEEP,
                 "nationality": KEEP}
SOURCE_ALLOW_LIST.update({
    "reflection_offers": {"offer_id": pseudonym("reflection_offer"), **_ROUTE_PERSON,
                          "offer_date": KEEP, "offered_by": KEEP, "form": KEEP,
                          "outcome": KEEP, "start_date": KEEP, "end_date": KEEP,
                          "dublin_indication": KEEP},
    "cosm_stays": {"stay_id": pseudonym("cosm_stay"), **_ROUTE_PERSON, "intake_date": KEEP,
                   "exit_date": KEEP, "destination": KEEP, "form": KEEP},
    "shelter_places": {"year": KEEP, "places": KEEP, "protected_shelter_places": KEEP},
    "protected_shelter": {"stay_id": pseudonym("protected_shelter_stay"), **_ROUTE_PERSON,
                          "intake_date": KEEP, "exit_date": KEEP, "destination": KEEP},
    "nidos_guardianship": {"guardianship_id": pseudonym("guardianship"), **_ROUTE_PERSON,
                           "start_date": KEEP, "end_date": month("end_month"),
                           "end_reason": KEEP, "placement": KEEP},
    # A reception location is an institution, but with sex, birth year and nationality
    # a small one points at a person: it crosses as a pseudonym (moves stay countable).
    "coa_stays": {"stay_id": pseudonym("coa_stay"), **_ROUTE_PERSON,
                  "location": pseudonym("coa_location"), "intake_date": KEEP,
                  "exit_date": KEEP},
    "wmo_housing": {"record_id": pseudonym("wmo_record"), "v_number": FOREIGNER,
                    "bsn": PERSON, "provision": KEEP, "start_date": KEEP, "end_date": KEEP,
                    "municipality": KEEP},
})

_FIX = ("Expected only the columns of docs/data-flow.md §1; remove the column from the "
        "source file, or add it with a declared transform to "
        "zicht.boundary.allowlist.SOURCE_ALLOW_LIST (and docs/boundary.md) first.")


def check_source_schema(source: str, schema: pa.Schema) -> dict[str, Rule]:
    """The rules for ``source``'s columns; refuse an unknown source or any unlisted column,
    or a date rule on a column that is not a date."""
    rules = SOURCE_ALLOW_LIST.get(source)
    if rules is None:
        raise ValidationError(
            f"Source {source!r} is not on the boundary's allow-list "
            f"({', '.join(sorted(SOURCE_ALLOW_LIST))}); nothing was written. " + _FIX,
            [Problem(None, source, "source not on the allow-list")], source=source)
    problems = [Problem(None, f"{source}.{name}", "column not on the allow-list")
                for name in schema.names if name not in rules]
    problems += [Problem(None, f"{source}.{f.name}", f"{rules[f.name].transform} needs a date "
                         f"column, found {f.type}")
                 for f in schema if f.name in rules
                 and rules[f.name].transform in (Transform.YEAR, Transform.MONTH)
                 and not pa.types.is_temporal(f.type)]
    if problems:
        names = ", ".join(p.field or "" for p in problems)
        raise ValidationError(f"The boundary refuses {names} (not on its allow-list): "
                              "nothing was written. " + _FIX,
                              problems, source=source)
    return {name: rules[name] for name in schema.names}
