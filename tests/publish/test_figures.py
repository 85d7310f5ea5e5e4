"""Charts follow the shape of the table and read in the chosen language."""

from __future__ import annotations

from pathlib import Path

import pytest

from zicht.disclosure import (
    DisclosedTable,
    Release,
    TableSpec,
    apply_rules,
    load_release,
    write_release,
)
from zicht.publish.figures import plan_chart, render_svg, write_charts


@pytest.fixture(scope="module")
def monitor(releases_dir: Path) -> Release:
    return load_release(releases_dir / "monitor", "monitor")


@pytest.mark.parametrize(
    ("name", "kind", "x", "series", "facet"),
    [
        ("figures/2.1", "line", "year", None, None),  # two count columns, two lines
        ("figures/2.2", "line", "year", "form", None),
        ("figures/2.4b", "line", "month", None, None),
        ("figures/2.4c", "hbar", "labour_sector", None, None),
        ("figures/2.6", "line", "year", "sex", "form"),  # small multiples per form
        ("figures/2.10", "line", "year", None, "police_unit"),  # 11 units: one panel each
    ],
)
def test_plan_follows_table_shape(monitor: Release, name: str, kind: str, x: str,
                                  series: str | None, facet: str | None) -> None:
    plan = plan_chart(monitor.table(name))
    assert (plan.kind, plan.x, plan.series, plan.facet) == (kind, x, series, facet)


def test_two_count_columns_are_two_lines(monitor: Release) -> None:
    assert plan_chart(monitor.table("figures/2.1")).values == (
        "victims", "victims_incl_kmar_only")


def test_estimate_with_interval_is_error_bars(releases_dir: Path) -> None:
    table = load_release(releases_dir / "estimate", "estimate").tables[0]
    assert plan_chart(table).kind == "interval"


def test_labels_title_and_footer_in_language(monitor: Release) -> None:
    table = monitor.table("figures/2.6")
    nl, en = render_svg(table, "nl"), render_svg(table, "en")
    assert nl.startswith("<svg") and "Vrouw" in nl and "Female" not in nl
    assert "Female" in en and "Cross-border sexual exploitation" in en
    assert table.title_nl in nl and table.title_en in en
    assert f"N = {table.n:,}".replace(",", ".") in nl


def test_chart_without_title_for_inline_use(monitor: Release) -> None:
    table = monitor.table("figures/2.1")
    assert table.title_en not in render_svg(table, "en", with_title=False)


def test_filtered_rows_change_the_chart(monitor: Release) -> None:
    table = monitor.table("figures/2.2")
    subset = [r for r in table.rows if r["form"] == "labour"]
    full, part = render_svg(table, "en"), render_svg(table, "en", rows=subset)
    assert full != part and "Criminal exploitation" in full
    assert "Criminal exploitation" not in part


def test_suppressed_cells_are_gaps_not_zeros() -> None:
    rows = [{"year": y, "victims": v} for y, v in ((2018, 40), (2019, 3), (2020, 50))]
    table = apply_rules(TableSpec("aid/t", rows, ("victims",), "T", "T"))
    assert table.rows[1]["victims"] is None
    svg = render_svg(table, "en")
    # a line with a gap is drawn as two pieces: no point at y = 0 for 2019
    assert svg.count("<path") > 0 and "nan" not in svg.lower()


def test_write_charts_one_svg_per_chartable_table(monitor: Release, tmp_path: Path) -> None:
    tables = [monitor.table("figures/2.1"), monitor.table("anonymous_reports"),
              apply_rules(TableSpec("figures/2.99", [], (), "E", "E"))]
    release = write_release(tables, tmp_path / "r", document_name="monitor", meta={})
    paths = write_charts(release, tmp_path / "svg", "en")
    assert paths == [tmp_path / "svg" / "figures_2.1.svg",
                     tmp_path / "svg" / "anonymous_reports.svg"]
    assert all(p.read_text().startswith("<svg") for p in paths)


def _aid_table() -> DisclosedTable:
    """Victims against a thousand controls each (chapter 3), by breakdown."""
    rows = [{"breakdown": b, "category": c, "group": g, "persons": n, "persons_with": w,
             "share": round(100 * w / n, 1)}
            for b, c in (("total", "total"), ("sex", "female"), ("sex", "male"))
            for g, n, w in (("victims", 400, 40), ("controls", 400_000, 2_000))]
    return apply_rules(TableSpec("aid/shelter", rows, ("persons", "persons_with"), "T", "T"))


def test_victims_and_controls_are_compared_by_share_side_by_side() -> None:
    # Counts of 400 victims and 400,000 controls on one axis would hide the victims.
    plan = plan_chart(_aid_table())
    assert (plan.kind, plan.x, plan.values, plan.series, plan.facet, plan.stacked) == (
        "hbar", "category", ("share",), "group", "breakdown", False)
    svg = render_svg(_aid_table(), "nl")
    assert "Slachtoffers" in svg and "Controlegroep" in svg and "Aandeel (%)" in svg


def test_a_table_of_shares_charts_its_headline_share_not_the_cohort() -> None:
    # Figure 4.1: revictimised within 2/5/7 years; the index years follow from the
    # follow-up period and are a label, not a series.
    rows = [{"follow_up_years": y, "index_years": f"2010-{2020 - y}", "cohort": n,
             "revictimised": r, "share_revictimised": round(100 * r / n, 1)}
            for y, n, r in ((2, 2400, 680), (5, 1300, 550), (7, 800, 380))]
    table = apply_rules(TableSpec("revictimisation/cohorts", rows,
                                  ("cohort", "revictimised"), "T", "T"))
    plan = plan_chart(table)
    assert (plan.kind, plan.x, plan.values, plan.series) == (
        "hbar", "follow_up_years", ("share_revictimised",), None)
