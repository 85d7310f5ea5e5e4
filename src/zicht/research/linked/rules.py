"""The rules of the linked analyses (seed 003, annex B1.3-B1.4) as data.

Each table is a ``zicht.research.classify.RuleTable``: rows match in order, the last
row is a catch-all, and the ``CASE WHEN`` SQL comes from :func:`classify.case_sql`.
The predicates read the columns of the working tables built by
``zicht.research.linked.populations`` (``offence_code``, ``age``, ``sex``) and of the
police incidents (``offence_group``).
"""

from __future__ import annotations

from zicht.core import codes as c
from zicht.research.classify import Rule, RuleTable, _labelled

#: The offence codes that make an incident a trafficking incident (table B1.2).
TRAFFICKING_CODES: tuple[str, ...] = tuple(x.code for x in c.TRAFFICKING_OFFENCE_CODES)


def trafficking_sql(column: str = "offence_code") -> str:
    """An SQL predicate: ``column`` is one of the trafficking offence codes."""
    return f"{column} IN ({', '.join(repr(x) for x in TRAFFICKING_CODES)})"


#: Form of exploitation from the police offence code (B1.4.2): organ removal and
#: 'other forms' are non-sexual; the general code F5293 is of unknown form.
POLICE_FORM = RuleTable(
    "police_form",
    "Form of exploitation from the police offence code (F5293 = unknown)",
    "Uitbuitingsvorm naar de feitcode van de politie (F5293 = onbekend)",
    "victim (index incident)",
    (
        _labelled(c.REPORTED_FORMS, "sexual", "offence_code = 'F561'"),
        _labelled(c.REPORTED_FORMS, "labour", "offence_code = 'F562'"),
        _labelled(c.REPORTED_FORMS, "criminal", "offence_code = 'F563'"),
        _labelled(c.REPORTED_FORMS, "other", "offence_code IN ('F564', 'F565')"),
        _labelled(c.REPORTED_FORMS, "unknown", "TRUE"),
    ),
)

#: Chapter 3's form (003 §3.2.1): sexual exploitation split by the victim's nationality
#: in the police registration, "and where it is unknown, the form is unknown too".
POLICE_FORM_DETAIL = RuleTable(
    "police_form_detail",
    "Form from the police offence code, sexual exploitation split by nationality "
    "(unknown nationality: unknown form)",
    "Uitbuitingsvorm naar de feitcode, seksuele uitbuiting gesplitst naar nationaliteit "
    "(onbekende nationaliteit: onbekende vorm)",
    "victim (index incident)",
    (
        _labelled(c.FORMS, "domestic_sexual", "offence_code = 'F561' AND nationality = 'NL'"),
        _labelled(c.FORMS, "cross_border_sexual",
                  "offence_code = 'F561' AND nationality IS NOT NULL"),
        _labelled(c.FORMS, "labour", "offence_code = 'F562'"),
        _labelled(c.FORMS, "criminal", "offence_code = 'F563'"),
        _labelled(c.FORMS, "unknown", "TRUE"),
    ),
)

#: The offence code a registry report stands for (issue 15: registry victims as events
#: like police registrations): the first of sexual, labour, criminal, organ removal or
#: other among the report's forms, else the general code F5293 (unknown form).
REGISTRY_CODE = RuleTable(
    "registry_code",
    "Police offence code of a registry report, from its forms (first of sexual, labour, "
    "criminal, organ removal or other)",
    "Feitcode van de politie bij een melding, naar de uitbuitingsvormen (eerste van "
    "seksueel, arbeid, crimineel, orgaanverwijdering of overig)",
    "registry report",
    (
        Rule("F561", "Sexual exploitation", "Seksuele uitbuiting",
             "list_contains(forms, 'sexual')"),
        Rule("F562", "Labour exploitation", "Arbeidsuitbuiting", "list_contains(forms, 'labour')"),
        Rule("F563", "Criminal exploitation", "Criminele uitbuiting",
             "list_contains(forms, 'criminal')"),
        Rule("F564", "Organ removal or other", "Orgaanverwijdering of overig",
             "list_contains(forms, 'organ') OR list_contains(forms, 'other')"),
        Rule("F5293", "Unknown form", "Onbekende vorm", "TRUE"),
    ),
)

#: Sexual versus non-sexual exploitation (figure 4.6): the seed's split of known forms.
SEXUAL_SPLIT = RuleTable(
    "sexual_split",
    "Sexual or non-sexual exploitation (criminal, labour, organ removal, other forms)",
    "Seksuele of niet-seksuele uitbuiting (crimineel, arbeid, orgaanverwijdering, overig)",
    "victim (index incident)",
    (
        Rule("sexual", "Sexual exploitation", "Seksuele uitbuiting", "offence_code = 'F561'"),
        Rule("non_sexual", "Non-sexual exploitation", "Niet-seksuele uitbuiting",
             "offence_code IN ('F562', 'F563', 'F564', 'F565')"),
        Rule("unknown", "Unknown", "Onbekend", "TRUE"),
    ),
)

#: Age group at the incident, from the age on 1 January of the incident year.
AGE_GROUP = RuleTable(
    "linked_age_group",
    "Age group on 1 January of the incident year (birth year only: year - birth year - 1)",
    "Leeftijdsgroep op 1 januari van het incidentjaar (alleen geboortejaar: jaar - "
    "geboortejaar - 1)",
    "victim",
    (
        _labelled(c.AGE_GROUPS, "minor", "age < 18"),
        _labelled(c.AGE_GROUPS, "adolescent", "age BETWEEN 18 AND 22"),
        _labelled(c.AGE_GROUPS, "23_plus", "age >= 23"),
        _labelled(c.AGE_GROUPS, "unknown", "TRUE"),
    ),
)

#: Specific revictimisation (figure 4.2): a new incident of one of these groups.
#: 'Violence' is assault and (attempted) homicide; threat is counted separately,
#: as figure 4.3 lists it apart from assault.
SPECIFIC_REVICTIMISATION = RuleTable(
    "specific_revictimisation",
    "Specific revictimisation: the offence group of a new incident",
    "Specifieke revictimisatie: de delictgroep van een nieuw incident",
    "new incident",
    (
        Rule("trafficking", "Human trafficking", "Mensenhandel",
             "offence_group = 'trafficking'"),
        Rule("sexual", "Sexual offences", "Zedendelicten", "offence_group = 'sexual'"),
        Rule("violence", "Violence", "Geweld", "offence_group IN ('violence', 'homicide')"),
        Rule("other", "Other offences", "Overige delicten", "TRUE"),
    ),
)

#: Every rule table of the linked analyses, in documentation order.
RULE_TABLES: tuple[RuleTable, ...] = (POLICE_FORM, POLICE_FORM_DETAIL, REGISTRY_CODE, SEXUAL_SPLIT,
                                      AGE_GROUP, SPECIFIC_REVICTIMISATION)
