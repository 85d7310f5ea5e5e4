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
