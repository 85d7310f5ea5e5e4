"""The disclosure rules as data: which policy each released table gets, and why.

The gate owns the policy. A research stage hands in a table by name; the first row of
``TABLE_RULES`` whose pattern matches the name says which *population* the table
counts, and the population (not the table, not the caller) has one policy. A table no
rule matches is refused, so a new table cannot leave without a decision written here.

Two policies. Registry counts, the residence scheme, the justice chain and the chat
service are published exactly, as the rapporteur's monitor prints them (2,095; 29).
Linked microdata (chapters 3 and 4) and small areas (municipalities) follow the
statistics office: counts rounded to a multiple of 5 and cells below a threshold
suppressed. The rounding base and threshold have a floor no setting can go below.

``additive`` declares, per count column, the counting unit ("universe") of a table
whose rows partition that unit (every unit in exactly one row per combination of the
other columns). Tables of one universe add up over their shared columns; the
differencing check (``differencing.py``) uses exactly these relations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from zicht.core.errors import DisclosureError

#: No setting or option can take the gate below these (statistics office practice).
ROUNDING_BASE_FLOOR = 5
THRESHOLD_FLOOR = 10


@dataclass(frozen=True)
class Policy:
    """How the gate treats the counts of a table."""

    code: str
    en: str
    nl: str
    round_counts: bool
    suppress_small: bool

    def describe(self, threshold: int, rounding_base: int, lang: str = "en") -> str:
        """The policy in words, with the base and threshold actually applied."""
        if not (self.round_counts or self.suppress_small):
            return self.nl if lang == "nl" else self.en
        if lang == "nl":
            return (f"{self.nl}: afgerond op een veelvoud van {rounding_base}, "
                    f"cellen onder {threshold} onderdrukt")
        return (f"{self.en}: rounded to a multiple of {rounding_base}, cells below "
                f"{threshold} suppressed")


POLICIES: tuple[Policy, ...] = (
    Policy("registry", "Published exactly", "Exact gepubliceerd",
           round_counts=False, suppress_small=False),
    Policy("protected", "Linked microdata or small areas",
           "Gekoppelde microdata of kleine gebieden",
           round_counts=True, suppress_small=True),
)


@dataclass(frozen=True)
class Population:
    """Who a table counts; one population has one policy."""

    code: str
    policy: str
    en: str
    why: str


POPULATIONS: tuple[Population, ...] = (
    Population("registered_victims", "registry",
               "Victims and their reports in the national registry, nationally and by "
               "police unit (chapter 2, figures 2.1-2.10)",
               "The registry's own counts, printed exactly by the rapporteur (seed "
               "figures 2.1-2.10); the ten police units are the seed's regions."),
    Population("anonymous_reports", "registry",
               "Reports without consent, kept anonymous",
               "Registry counts without any person attached, printed exactly."),
    Population("registered_victims_by_municipality", "protected",
               "Registered victims by municipality of exploitation (small areas)",
               "Hundreds of municipalities with a handful of victims each: a small "
               "count with a place identifies a person, so the statistics office's "
               "small-area rules apply."),
    Population("residence_scheme", "registry",
               "Users of the residence scheme for victims (IND decisions)",
               "Printed exactly in the seed (e.g. 2,095 decisions); a count of "
               "decisions of one national office, no microdata linked."),
    Population("justice_chain", "registry",
               "Incidents, cases, prosecution and court decisions in the justice chain",
               "Printed exactly in the seed; counts of cases, not of linked persons."),
    Population("chat", "registry",
               "Visitors of the chat service and their signals",
               "Printed exactly in the seed (e.g. 29); anonymous chats."),
    Population("linked_microdata", "protected",
               "Victims linked to youth care, Wmo, health costs, the population "
               "register and later incidents (chapters 3 and 4) and their controls",
               "Linked microdata of the statistics office: rounded to 5 as the seed "
               "does; cells under 10 suppressed because a linked record (a victim "
               "with, say, crisis care in one year) is rare enough to be recognised."),
    Population("shelter_stays", "protected",
               "Victims in COSM shelter, protected shelter (minors) and Nidos "
               "guardianship (seed 003 §3.4-3.5)",
               "Person-level records of a few shelter holders: a handful of minors in "
               "one protected-shelter location is recognisable, so the statistics "
               "office's rules apply (the seed's 110 and 45 are multiples of 5 anyway)."),
    Population("hidden_number", "protected",
               "Model estimates of the number of victims (multiple systems estimation)",
               "Estimates are not exact; rounding to 5 states their precision, and a "
               "stratum with under 10 observed victims is not estimated publicly."),
)

_VICTIM_YEAR = {"victims": "victim_year"}
_VICTIM_UNIT_YEAR = {"victims": "victim_unit_year"}


@dataclass(frozen=True)
class TableRule:
    """Tables whose name matches ``pattern`` count ``population``."""

    pattern: str
    population: str
    additive: dict[str, str] = field(default_factory=dict)
    #: Columns whose every combination the gate lists per year, zeros included, and
    #: suppresses below the threshold including 0: a missing row would say "0", and a
    #: line of small cells against an exact national total would give each one away.
    grid: tuple[str, ...] = ()


TABLE_RULES: tuple[TableRule, ...] = (
    TableRule("figures/2.1", "registered_victims", _VICTIM_YEAR),
    TableRule("figures/2.6", "registered_victims", _VICTIM_YEAR),
    TableRule("figures/2.6_total", "registered_victims", _VICTIM_YEAR),
    TableRule("figures/2.7", "registered_victims", _VICTIM_YEAR),
    TableRule("figures/2.7_total", "registered_victims", _VICTIM_YEAR),
    TableRule("figures/2.8", "registered_victims", _VICTIM_YEAR),
    TableRule("figures/2.8_total", "registered_victims", _VICTIM_YEAR),
    TableRule("figures/2.9", "registered_victims", {"reports": "victim_reporter_year"}),
    TableRule("figures/2.9_total", "registered_victims",
              {"reports": "victim_reporter_year"}),
    TableRule("figures/2.10", "registered_victims", _VICTIM_UNIT_YEAR),
    TableRule("figures/2.10_form", "registered_victims", _VICTIM_UNIT_YEAR),
    TableRule("figures/2.1[0-9]*", "residence_scheme"),  # 2.11-2.15 (2.10 matched above)
    TableRule("figures/2.[1-9]*", "registered_victims"),
    TableRule("regional/police_unit/*", "registered_victims", _VICTIM_UNIT_YEAR),
    TableRule("regional/municipality/victims", "registered_victims_by_municipality",
              _VICTIM_YEAR, grid=("municipality",)),
    *(TableRule(f"regional/municipality/{c}", "registered_victims_by_municipality",
                _VICTIM_YEAR, grid=("municipality", c))
      for c in ("form", "sex", "age_group", "origin_region")),
    TableRule("regional/municipality/*", "registered_victims_by_municipality",
              _VICTIM_YEAR),
    TableRule("anonymous_reports", "anonymous_reports", {"reports": "anonymous_report"}),
    TableRule("anonymous_reports_by_reporter", "anonymous_reports",
              {"reports": "anonymous_report"}),
    # Dublin indication of registered victims (003 box in §2.3): the registry's own counts.
    TableRule("dublin/*", "registered_victims"),
    # Trends of the registry's yearly counts (research/monitor/findings.py).
    TableRule("findings/*", "registered_victims"),
    TableRule("justice_chain/*", "justice_chain"),
    TableRule("chat/*", "chat"),
    TableRule("aid/*", "linked_microdata"),
    TableRule("revictimisation/*", "linked_microdata"),
    TableRule("population/*", "linked_microdata"),
    TableRule("route/*", "linked_microdata"),  # each victim's route (issue 15)
    TableRule("shelter/*", "shelter_stays"),
    TableRule("figures/estimate*", "hidden_number"),
    TableRule("estimate/*", "hidden_number"),
    TableRule("hidden_number/*", "hidden_number"),
)


def get_policy(code: str) -> Policy:
    """The policy called ``code``; a typo is an error, never a silent default."""
    for p in POLICIES:
        if p.code == code:
            return p
    known = ", ".join(p.code for p in POLICIES)
    raise ValueError(f"Unknown disclosure policy {code!r}; expected one of: {known}.")


def get_population(code: str) -> Population:
    for p in POPULATIONS:
        if p.code == code:
            return p
    raise ValueError(f"Unknown population {code!r} in the disclosure rules.")


def rule_for(table_name: str) -> TableRule:
    """The first rule whose pattern matches ``table_name``; none is a refusal."""
    for rule in TABLE_RULES:
        if fnmatchcase(table_name, rule.pattern):
            return rule
    raise DisclosureError(
        f"No disclosure rule for table {table_name!r}. Add a row to TABLE_RULES in "
        "zicht/disclosure/rules.py saying which population it counts.")


def policy_for(table_name: str) -> Policy:
    """The policy of a table, decided by its population."""
    return get_policy(get_population(rule_for(table_name).population).policy)


def check_floor(threshold: int, rounding_base: int, *, threshold_from: str = "threshold",
                rounding_from: str = "rounding base") -> None:
    """Refuse a threshold or rounding base below the gate's floor, naming where it came
    from (an environment variable or an option) so the user knows what to change."""
    if rounding_base < ROUNDING_BASE_FLOOR:
        raise DisclosureError(
            f"{rounding_from}={rounding_base} is below the disclosure gate's floor of "
            f"{ROUNDING_BASE_FLOOR}. Unset it or set it to {ROUNDING_BASE_FLOOR} or more.")
    if threshold < THRESHOLD_FLOOR:
        raise DisclosureError(
            f"{threshold_from}={threshold} is below the disclosure gate's floor of "
            f"{THRESHOLD_FLOOR}. Unset it or set it to {THRESHOLD_FLOOR} or more.")


def round_to_base(value: int, base: int) -> int:
    """Round a count to the nearest multiple of ``base`` (halves up, as CBS does)."""
    return int((value + base / 2) // base * base)


def rounding_interval(published: int, base: int) -> tuple[int, int]:
    """The true counts that :func:`round_to_base` publishes as ``published``."""
    return published - base // 2, published + (base + 1) // 2 - 1
