"""The Dutch edition has no English (issue 14, item 7): every column heading and every
note a stage releases has a Dutch text, carried through the gate and its signed log."""

from __future__ import annotations

from pathlib import Path

from zicht.disclosure import TableSpec, apply_rules, load_release, write_release
from zicht.publish.labels import COLUMNS
from zicht.publish.report import render_html

#: English words that used to show in the Dutch report (headings made from column names
#: and English notes).
ENGLISH = ("Breakdown", "Mean eur", "Persons with", "Category", "Only years covered",
           "A person can have", "Chi-square", "Notes:")


def _linked_release(tmp_path: Path) -> Path:
    costs = TableSpec(
        "aid/mental_health_costs",
        [{"breakdown": "total", "category": "all", "group": g, "persons": p, "mean_eur": m}
         for g, p, m in (("victims", 1630, 812.5), ("controls", 1630000, 301.0))],
        ("persons",), "Mean yearly specialist mental-health cost (EUR)",
        "Gemiddelde jaarlijkse kosten specialistische ggz (EUR)", "linked microdata",
        "Only years covered by the cost data; a covered year without costs is EUR 0.",
        None, {"mean_eur": "persons"},
        notes_nl="Alleen jaren waarover kostendata bestaan; een gedekt jaar zonder kosten "
                 "telt als EUR 0.")
    untranslated = TableSpec(
        "aid/youth_care_type",
        [{"breakdown": "total", "care_type": "crisis", "group": "victims", "persons": 145,
          "persons_with": 40}],
        ("persons", "persons_with"), "Type of youth care", "Type jeugdhulp", "linked",
        "A person can have several types.")
    out = tmp_path / "releases" / "linked"
    write_release([apply_rules(costs), apply_rules(untranslated)], out,
                  document_name="linked", meta={"zicht_version": "test"})
    return out


def test_dutch_report_has_no_english(tmp_path: Path) -> None:
    release = load_release(_linked_release(tmp_path), "linked")
    costs = release.tables[0]
    assert costs.notes_nl.startswith("Alleen jaren")  # through the gate and the signed log
    html = render_html({"linked": release}, "nl", svgs={})
    body = html.split('<section id="ch-aid"', 1)[1]
    for word in ENGLISH:
        assert word not in body, word
    assert "Uitsplitsing" in body and "Gemiddelde kosten (EUR)" in body
    assert "Alleen jaren waarover kostendata bestaan" in body
    # The English edition keeps the English note and headings.
    english = render_html({"linked": release}, "en", svgs={})
    assert "Only years covered by the cost data" in english and "Mean cost (EUR)" in english


def test_every_published_column_has_a_dutch_heading() -> None:
    # The columns of the monitor's, linked analyses' and estimates' fixed tables.
    published = ("year", "form", "victims", "share", "period", "sector", "visibility",
                 "sector_known", "manner", "combination", "mean_age", "reporter", "reports",
                 "police_unit", "procedure", "decisions", "outcome", "persons", "incidents",
                 "victim_reports", "victim_reports_share", "decided", "summons_rate",
                 "convicted", "conviction_rate", "mean_prison_days", "visitors",
                 "visitor_group", "measure", "sexual", "criminal", "minors", "breakdown",
                 "category", "group", "persons_with", "mean_eur", "follow_up_years", "cohort",
                 "revictimised", "share_revictimised", "at_risk", "events", "cumulative_pct")
    missing = [c for c in published if c not in COLUMNS]
    assert not missing
    assert all(COLUMNS[c][1] != COLUMNS[c][0] or c in ("sector", "procedure", "cohort")
               or len(COLUMNS[c][0]) <= 2 for c in published), "an untranslated heading"


#: English words that do not occur in Dutch text (words both languages write, such as
#: "of", "over", "in", "extract", "IND", are left out on purpose), matched as whole
#: words, case-sensitive.
ENGLISH_WORDS = (
    "the", "The", "and", "by", "with", "without", "from", "victims", "victim",
    "share", "year", "years", "reports", "report", "total", "Total", "mean", "Mean",
    "source", "Source", "registry", "only", "unknown", "Unknown", "persons",
    "other", "Other", "known", "decisions", "controls", "group", "sexual", "labour",
    "criminal", "police", "Police", "cases", "youth", "shelter", "care", "linked",
    "estimate", "Breakdown", "Notes", "Figure", "Chapter", "whole", "period", "per year",
    "fewer", "more than", "since", "significant", "Registry", "Chat", "contacts",
    "chain", "incidents", "days", "Days", "Months", "Number", "Sd",
    "adult", "minor",
)


def english_in_dutch(html: str) -> list[str]:
    """The English words in the reader's text of a Dutch report: everything but the
    method annex (SQL and code lists as the code ran them), tags, styles and charts'
    markup; chart labels (SVG text) are read too."""
    import html as html_lib
    import re

    body = html.split('<section id="annex"', 1)[0]
    body = re.sub(r"<style>.*?</style>", " ", body, flags=re.S)
    body = re.sub(r"<code>.*?</code>", " ", body, flags=re.S)
    words = html_lib.unescape(re.sub(r"<[^>]+>", "\n", body))
    found = []
    for line in words.splitlines():
        for word in ENGLISH_WORDS:
            if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", line):
                found.append(f"{word!r} in {line.strip()[:120]!r}")
    return found


def test_sample_report_in_dutch_has_no_english(releases_dir: Path) -> None:
    from zicht.publish.chapters import load_releases

    html = render_html(load_releases(releases_dir), "nl", svgs={})
    assert not english_in_dutch(html)


def test_test_categories_read_in_dutch() -> None:
    from zicht.publish.labels import test_category_label

    assert test_category_label("total=total", "nl") == "Totaal"
    assert test_category_label("form=criminal", "nl") == "Criminele uitbuiting"
    assert test_category_label("minor_adult=adult", "nl") == "Meerderjarig"
    assert test_category_label("youth_care", "nl") == "Jeugdhulp"
    assert test_category_label("crisis", "en") != "crisis"


def test_every_counting_unit_of_the_method_annex_reads_in_dutch() -> None:
    """The annex names each rule table's unit; a new unit needs its Dutch words."""
    from zicht.publish.labels import UNITS, unit_label
    from zicht.research import classify as cl
    from zicht.research.linked import rules

    tables = [t for t in vars(cl).values() if isinstance(t, cl.RuleTable)]
    units = {t.unit for t in (*tables, *rules.RULE_TABLES)}
    assert units and not units - UNITS.keys()
    assert unit_label("victim per year", "nl") == "Telleenheid: slachtoffer per jaar"
    assert unit_label("victim per year", "en") == "Counting unit: victim per year"
