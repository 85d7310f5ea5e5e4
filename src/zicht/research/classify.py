"""The classification rules of METHODOLOGY §2 as data: one tuple of frozen rows each.

Every row holds a stable ``code`` (its labels come from ``zicht.core.codes``), an SQL
predicate and the version that last changed it. From these tuples come the ``CASE WHEN``
SQL the monitor runs (:func:`case_sql`), the rule documentation
(``docs/classification.md``, :func:`render_markdown`), the ``method`` annex of every
release (:func:`rules_document`) and the tests. Rows match in order: the first row whose
predicate holds gives the code, so the order of a table *is* its hierarchy. The last row
of each table is a catch-all, so nothing falls through.

The predicates read the columns of the ``victim_year`` table that
``zicht.research.monitor.base`` builds (one row per unique victim per report year) or,
for the source tables, the columns of that source. The SQL is plain ANSI-style SQL that
DuckDB and Spark SQL both run (``array_contains``, ``CASE``, ``IN``, ``BETWEEN``).
"""

from __future__ import annotations

from dataclasses import dataclass

from zicht.core import codes as c
from zicht.research import regions

RULES_VERSION = "0.1.0"


@dataclass(frozen=True)
class Rule:
    """One classification rule: a code, its wording, its SQL predicate, its version."""

    code: str
    en: str
    nl: str
    sql: str
    since: str = RULES_VERSION


@dataclass(frozen=True)
class RuleTable:
    """An ordered rule table: the first matching row wins (the hierarchy)."""

    name: str
    en: str
    nl: str
    unit: str
    rules: tuple[Rule, ...]

    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.rules)

    def rule(self, code: str) -> Rule:
        for r in self.rules:
            if r.code == code:
                return r
        raise KeyError(f"Rule table {self.name!r} has no code {code!r}.")


def _labelled(table: tuple[c.Code, ...], code: str, sql: str, since: str = RULES_VERSION) -> Rule:
    """A rule whose labels come from a code list of ``zicht.core.codes``."""
    for entry in table:
        if entry.code == code:
            return Rule(code, entry.en, entry.nl, sql, since)
    raise KeyError(f"{code!r} is not in the code list; add it to zicht.core.codes first.")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN {regions.sql_list(values)}"


_UNKNOWN = c.Code("unknown", "Unknown", "Onbekend")

# --- forms of exploitation (victim_year) ---------------------------------------------

FORM = RuleTable(
    "form",
    "Form of exploitation, after the domestic / cross-border split and the hierarchy "
    "sexual > labour > criminal > unknown",
    "Uitbuitingsvorm, na de splitsing binnenlands / grensoverschrijdend en de hiërarchie "
    "seksueel > arbeid > crimineel > onbekend",
    "victim per year (all forms reported in the year, by every reporter)",
    (
        _labelled(c.FORMS, "domestic_sexual", "has_sexual AND is_dutch"),
        _labelled(c.FORMS, "cross_border_sexual",
                  "has_sexual AND nationality_known AND NOT is_dutch"),
        # Sexual exploitation without a known nationality cannot be split into domestic
        # and cross-border, but it is sexual exploitation: the seed counts it in its
        # 2,819 victims of sexual exploitation in 2016-2020 (003 §2.3.2), so the three
        # sexual rows add up to that figure (docs/monitor.md, "Sexual exploitation of
        # unknown kind").
        _labelled(c.FORMS, "sexual_unknown", "has_sexual AND NOT nationality_known",
                  since="0.2.0"),
        _labelled(c.FORMS, "labour", "has_labour"),
        _labelled(c.FORMS, "criminal", "has_criminal"),
        # Organ removal and 'other' are reported under unknown (too small). As a
        # catch-all the hierarchy reaches this row only when nothing above holds.
        _labelled(c.FORMS, "unknown",
                  "has_other_form OR NOT (has_sexual OR has_labour OR has_criminal)",
                  since="0.2.0"),
    ),
)

EXCLUSION = RuleTable(
    "exclusion",
    "Victims left out of every analysis (figure 2.1 shows them in its second column)",
    "Slachtoffers die buiten alle analyses blijven (figuur 2.1 toont ze in de tweede kolom)",
    "victim per year",
    (
        Rule("kmar_only_sexual",
             "Sexual exploitation reported only by the KMar in the year (border prostitution "
             "without exploitation signals; Supreme Court 2016)",
             "Seksuele uitbuiting in het jaar uitsluitend gemeld door de KMar",
             "has_sexual AND only_kmar"),
        Rule("included", "Included", "Meegenomen", "TRUE"),
    ),
)

AGE_GROUP = RuleTable(
    "age_group",
    "Age group at the first report of the year that gives an age",
    "Leeftijdsgroep bij de eerste melding in het jaar met een leeftijd",
    "victim per year",
    (
        _labelled(c.AGE_GROUPS, "minor", "age < 18"),
        _labelled(c.AGE_GROUPS, "adolescent", "age BETWEEN 18 AND 22"),
        _labelled(c.AGE_GROUPS, "23_plus", "age >= 23"),
        _labelled(c.AGE_GROUPS, "unknown", "TRUE"),
    ),
)

SEX = RuleTable(
    "sex",
    "Sex as first reported in the year",
    "Geslacht zoals eerst gemeld in het jaar",
    "victim per year",
    (
        *(_labelled(c.SEXES, s.code, f"sex = '{s.code}'") for s in c.SEXES),
        Rule("unknown", _UNKNOWN.en, _UNKNOWN.nl, "TRUE"),
    ),
)

ORIGIN_REGION = RuleTable(
    "origin_region",
    "Origin region from nationality (Dutch as one of two nationalities counts as Dutch)",
    "Herkomstregio naar nationaliteit (Nederlands als een van twee nationaliteiten telt "
    "als Nederlands)",
    "victim per year",
    (
        _labelled(c.ORIGIN_REGIONS, "netherlands", "is_dutch"),
        _labelled(c.ORIGIN_REGIONS, "eu", _in("nationality", regions.EU)),
        _labelled(c.ORIGIN_REGIONS, "other_europe", _in("nationality", regions.OTHER_EUROPE)),
        _labelled(c.ORIGIN_REGIONS, "africa", _in("nationality", regions.AFRICA)),
        _labelled(c.ORIGIN_REGIONS, "asia", _in("nationality", regions.ASIA)),
        _labelled(c.ORIGIN_REGIONS, "latin_america", _in("nationality", regions.LATIN_AMERICA)),
        _labelled(c.ORIGIN_REGIONS, "other_unknown", "TRUE"),
    ),
)

# --- sectors --------------------------------------------------------------------------

SEXUAL_SECTOR = RuleTable(
    "sexual_sector",
    "Prostitution sector of sexual exploitation (first known in the year)",
    "Prostitutiesector van seksuele uitbuiting (eerst bekende in het jaar)",
    "victim per year with sexual exploitation",
    (
        *(_labelled(c.SEXUAL_SECTORS, s.code, f"sexual_sector = '{s.code}'")
          for s in c.SEXUAL_SECTORS),
        Rule("unknown", _UNKNOWN.en, _UNKNOWN.nl, "TRUE"),
    ),
)

SEXUAL_VISIBILITY = RuleTable(
    "sexual_visibility",
    "Visible (licensed, inspected) or less visible prostitution sector",
    "Zichtbare of minder zichtbare prostitutiesector",
    "victim per year with sexual exploitation",
    (
        Rule("visible", "Visible sectors", "Zichtbare sectoren",
             _in("sexual_sector", tuple(sorted(c.VISIBLE_SEXUAL_SECTORS)))),
        Rule("less_visible", "Less visible sectors", "Minder zichtbare sectoren",
             "sexual_sector IS NOT NULL"),
        Rule("unknown", _UNKNOWN.en, _UNKNOWN.nl, "TRUE"),
    ),
)

#: Labour sectors: with several sectors the rarer sector wins over the common one and
#: 'other work' comes last (seed 003, §2.3.3 note 22). Rarity is the number of labour
#: victims naming the sector in the whole extract, so the monitor orders these rows at
#: run time (:func:`order_labour_sectors`) before generating the CASE.
LABOUR_SECTOR = RuleTable(
    "labour_sector",
    "Sector of labour exploitation; with several sectors: rarer sectors > common sectors "
    "> other work (rarity counted over the whole extract)",
    "Sector van arbeidsuitbuiting; bij meerdere sectoren: minder voorkomende > vaker "
    "voorkomende > overige arbeid",
    "victim per year with labour exploitation",
    (
        *(_labelled(c.LABOUR_SECTORS, s.code, f"ls_{s.code}") for s in c.LABOUR_SECTORS),
        Rule("unknown", _UNKNOWN.en, _UNKNOWN.nl, "TRUE"),
    ),
)

CRIMINAL_MANNER = RuleTable(
    "criminal_manner",
    "Manner of criminal exploitation (first known in the year)",
    "Wijze van criminele uitbuiting (eerst bekende in het jaar)",
    "victim per year with criminal exploitation",
    (
        *(_labelled(c.CRIMINAL_MANNERS, m.code, f"criminal_manner = '{m.code}'")
          for m in c.CRIMINAL_MANNERS),
        Rule("unknown", _UNKNOWN.en, _UNKNOWN.nl, "TRUE"),
    ),
)

# --- reporters and counting units -----------------------------------------------------

COUNTING = RuleTable(
    "counting",
    "Counting units of the figures (re-sends are merged by the registry before the extract)",
    "Teleenheden van de figuren",
    "figure",
    (
        Rule("victim_year", "A victim counts once per report year (figures 2.1-2.8)",
             "Een slachtoffer telt eenmaal per meldjaar",
             "COUNT(DISTINCT victim_pid) GROUP BY year"),
        Rule("reporter_year", "A victim counts once per reporter per year (figure 2.9)",
             "Eenmaal per melder per jaar", "COUNT(DISTINCT victim_pid) GROUP BY year, reporter"),
        Rule("unit_year", "A victim counts once per police unit per year (figure 2.10)",
             "Eenmaal per politie-eenheid per jaar",
             "COUNT(DISTINCT victim_pid) GROUP BY year, police_unit"),
        Rule("anonymous", "Anonymous reports (no consent) count as reports, never as victims",
             "Anonieme meldingen tellen als melding, nooit als slachtoffer",
             "COUNT(*) WHERE anonymous"),
    ),
)

# --- the residence scheme (sources/ind_decisions) ------------------------------------

IND_PROCEDURE = RuleTable(
    "ind_procedure",
    "Residence-scheme procedure from the IND qualification (annex B1.2, table B1.1)",
    "Onderdeel van de verblijfsregeling naar IND-kwalificatie",
    "decision (by year of decision)",
    (
        Rule("reflection", "Reflection period offered (779)", "Bedenktijd (779)",
             "CAST(qualification AS STRING) = '779'"),
        Rule("temporary", "Temporary residence (420, 421)", "Tijdelijk verblijf (420, 421)",
             "CAST(qualification AS STRING) IN ('420', '421')"),
        Rule("continued", "Continued residence (305, 301)", "Voortgezet verblijf (305, 301)",
             "CAST(qualification AS STRING) IN ('305', '301')"),
        Rule("other", "Other qualification", "Overige kwalificatie", "TRUE"),
    ),
)

# --- the criminal-justice chain (sources/police_incidents) ---------------------------

JUSTICE_FORM = RuleTable(
    "justice_form",
    "Form of exploitation from the police offence code (feitcode)",
    "Uitbuitingsvorm naar feitcode",
    "incident",
    (
        Rule("sexual", "Sexual exploitation (F561)", "Seksuele uitbuiting (F561)",
             "offence_code = 'F561'"),
        Rule("labour", "Labour exploitation (F562)", "Arbeidsuitbuiting (F562)",
             "offence_code = 'F562'"),
        Rule("criminal", "Criminal exploitation (F563)", "Criminele uitbuiting (F563)",
             "offence_code = 'F563'"),
        Rule("other", "Organ removal or other forms (F564, F565)",
             "Orgaanverwijdering of overige vormen (F564, F565)",
             "offence_code IN ('F564', 'F565')"),
        Rule("unknown", "General trafficking code, form unknown (F5293, until 2017)",
             "Algemene feitcode, vorm onbekend (F5293)", "TRUE"),
    ),
)

TRAFFICKING_CODES: tuple[str, ...] = ("F5293", "F561", "F562", "F563", "F564", "F565")

# --- chat signals (sources/chat_contacts), one row per visitor per year -------------

CHAT_GROUP = RuleTable(
    "chat_group",
    "Groups of chat visitors with a trafficking question (visitor key per year)",
    "Groepen chatbezoekers met een hulpvraag over mensenhandel",
    "unique visitor per year",
    (
        Rule("visitors", "All visitors with a trafficking question",
             "Alle bezoekers met een hulpvraag over mensenhandel", "TRUE"),
        Rule("victims", "Victims themselves", "Zelf slachtoffer", "about_self"),
        # The factsheet's 278 sexual and 36 criminal are over all 314 visitors (victims
        # themselves and those asking about someone else): 001 counts victims talked
        # about, whoever tells; victims themselves are the line above (285).
        Rule("sexual", "Sexual exploitation (victims themselves and others)",
             "Seksuele uitbuiting (zelf slachtoffer en over iemand anders)", "chat_sexual",
             since="0.2.0"),
        Rule("criminal", "Criminal exploitation (victims themselves and others)",
             "Criminele uitbuiting (zelf slachtoffer en over iemand anders)", "chat_criminal",
             since="0.2.0"),
    ),
)

CHAT_MEASURE = RuleTable(
    "chat_measure",
    "Breakdowns of the chat factsheet (a visitor may count in several)",
    "Uitsplitsingen van de factsheet Chat met Fier",
    "unique visitor per year",
    (
        Rule("total", "Total", "Totaal", "TRUE"),
        Rule("about_self", "Victim themselves", "Zelf slachtoffer", "about_self"),
        Rule("about_other", "About someone else", "Over iemand anders", "NOT about_self"),
        Rule("minor", "Minor", "Minderjarig", "minor"),
        Rule("sexual", "Sexual exploitation", "Seksuele uitbuiting", "chat_sexual"),
        Rule("criminal", "Criminal exploitation", "Criminele uitbuiting", "chat_criminal"),
        Rule("labour", "Labour exploitation", "Arbeidsuitbuiting", "chat_labour"),
        Rule("criminal_and_sexual", "Both criminal and sexual exploitation",
             "Zowel criminele als seksuele uitbuiting", "chat_criminal AND chat_sexual"),
        Rule("still_unsafe", "Still in an unsafe situation", "Nog in een onveilige situatie",
             "still_unsafe"),
        Rule("exploited_gt_1y", "Exploited for more than a year", "Langer dan een jaar uitgebuit",
             "duration IN ('1_5y', 'gt_5y')"),
        Rule("exploited_gt_5y", "Exploited for more than five years",
             "Langer dan vijf jaar uitgebuit", "duration = 'gt_5y'"),
        Rule("parents_exploiters", "Parent(s) as exploiters", "Ouder(s) als uitbuiter",
             "parents_exploiters"),
        Rule("several_perpetrators", "Several perpetrators", "Meerdere plegers",
             "several_perpetrators"),
    ),
)

#: Every rule table, in the order of the documentation.
RULE_TABLES: tuple[RuleTable, ...] = (
    FORM, EXCLUSION, AGE_GROUP, SEX, ORIGIN_REGION, SEXUAL_SECTOR, SEXUAL_VISIBILITY,
    LABOUR_SECTOR, CRIMINAL_MANNER, COUNTING, IND_PROCEDURE, JUSTICE_FORM, CHAT_GROUP,
    CHAT_MEASURE,
)


def case_sql(table: RuleTable, rules: tuple[Rule, ...] | None = None) -> str:
    """The ``CASE WHEN`` expression of a rule table: first matching row wins."""
    rows = table.rules if rules is None else rules
    whens = " ".join(f"WHEN ({r.sql}) THEN '{r.code}'" for r in rows)
    return f"CASE {whens} END"


def order_labour_sectors(frequency: dict[str, int]) -> tuple[Rule, ...]:
    """The labour-sector rows in hierarchy order: rarest first, 'other work' and the
    catch-all last; ties keep the code-list order (a stable sort)."""
    named = [r for r in LABOUR_SECTOR.rules if r.code not in ("other_work", "unknown")]
    named.sort(key=lambda r: frequency.get(r.code, 0))
    return (*named, LABOUR_SECTOR.rule("other_work"), LABOUR_SECTOR.rule("unknown"))


def rules_document() -> dict[str, dict[str, object]]:
    """Every rule table as plain data, for the ``method`` annex of a release
    (``{"form": {"en", "nl", "unit", "rules": [{"code", "en", "nl", "sql", "since"}]}}``)."""
    return {
        t.name: {
            "en": t.en,
            "nl": t.nl,
            "unit": t.unit,
            "rules": [
                {"code": r.code, "en": r.en, "nl": r.nl, "sql": r.sql, "since": r.since}
                for r in t.rules
            ],
        }
        for t in RULE_TABLES
    }


def render_markdown() -> str:
    """``docs/classification.md``: generated from the rule tables (a test keeps it in sync)."""
    out = [
        "# Classification rules",
        "",
        "<!-- Generated by zicht.research.classify.render_markdown(); do not edit by hand. "
        "Regenerate with: python -m zicht.research.classify > docs/classification.md -->",
        "",
        "The rules of METHODOLOGY §2 as zicht runs them. Each table is ordered: the first "
        "row whose SQL predicate holds gives the code, so the order is the hierarchy, and "
        "the last row catches everything else. Predicates read the `victim_year` table "
        "(one row per unique victim per report year; see `docs/monitor.md`) or the "
        "columns of the named source.",
        "",
    ]
    for t in RULE_TABLES:
        out += [f"## {t.name}", "", f"{t.en}.", "", f"*{t.nl}.* Unit: {t.unit}.", "",
                "| # | code | label | Dutch label | SQL | since |",
                "|---|---|---|---|---|---|"]
        for i, r in enumerate(t.rules, start=1):
            sql = r.sql.replace("|", "\\|")
            out.append(f"| {i} | `{r.code}` | {r.en} | {r.nl} | `{sql}` | {r.since} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(render_markdown())
