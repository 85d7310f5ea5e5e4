"""Figure numbers: the seed's numbers for the seed's figures, ``Z<chapter>.<i>`` for
zicht's own tables (issue 14, item 1)."""

from __future__ import annotations

import re
from pathlib import Path

from zicht.publish.chapters import table_slug
from zicht.publish.numbering import SEED_FIGURES, figure_numbers
from zicht.publish.report import ReportFiles

SEED_LIST = Path(__file__).parent / "data" / "seed_003_figures.txt"


def seed_numbers() -> list[str]:
    """Every figure number of seed 003's list of figures (29: 2.1-2.15 with 2.4a-c,
    3.1-3.6, 4.1-4.6)."""
    return [line.split("\t")[0].removeprefix("Figuur ")
            for line in SEED_LIST.read_text(encoding="utf-8").splitlines()
            if line.startswith("Figuur")]


def list_of_figures(html: str) -> dict[str, str]:
    """Figure number -> the anchor it links to, from the report's list of figures."""
    block = html.split('<nav class="lof"', 1)[1].split("</nav>", 1)[0]
    found = re.findall(r'<a href="#([^"]+)"><span class="fignum">Fig\w+ ([^<]+)</span>', block)
    numbers = [n for _a, n in found]
    assert len(numbers) == len(set(numbers)), "a figure number is used twice"
    return {n: a for a, n in found}


def test_every_seed_figure_has_exactly_one_table() -> None:
    numbers = seed_numbers()
    assert len(numbers) == 29 and numbers[0] == "2.1" and numbers[-1] == "4.6"
    assert sorted(SEED_FIGURES.values()) == sorted(numbers)


def test_own_tables_never_take_a_seed_number() -> None:
    names = ["anonymous_reports", "figures/2.2_overlap", "figures/2.2", "figures/2.1",
             "figures/2.8_total"]
    got = figure_numbers(2, names)
    assert got == {"anonymous_reports": "Z2.1", "figures/2.2_overlap": "Z2.2",
                   "figures/2.2": "2.2", "figures/2.1": "2.1", "figures/2.8_total": "Z2.3"}
    # A seed figure's number does not depend on its place or on the tables around it.
    assert figure_numbers(2, ["figures/2.2"]) == {"figures/2.2": "2.2"}
    assert figure_numbers(3, ["aid/mental_health_costs", "aid/youth_care"]) == {
        "aid/mental_health_costs": "Z3.1", "aid/youth_care": "3.1"}


def test_report_lists_the_seed_numbers(built_report: ReportFiles) -> None:
    figures = list_of_figures(built_report.html.read_text())
    # The sample releases hold seed figures of chapters 2, 3 and 4 and own tables.
    for number, name in (("2.1", "figures/2.1"), ("2.4b", "figures/2.4b"),
                         ("2.10", "figures/2.10"), ("3.1", "aid/youth_care"),
                         ("3.5", "aid/shelter"), ("4.1", "revictimisation/cohorts")):
        assert figures[number] == "fig-" + table_slug(name), number
    own = {n: a for n, a in figures.items() if n.startswith("Z")}
    assert own["Z2.1"] == "fig-anonymous_reports"
    assert set(figures) - set(own) <= set(seed_numbers())


def test_a_chapter_reads_in_the_seeds_order() -> None:
    from zicht.publish.numbering import reading_order

    got = reading_order(["anonymous_reports", "figures/2.10", "figures/2.2_overlap",
                         "figures/2.2", "figures/2.1", "figures/2.9", "figures/2.4b",
                         "figures/2.4a", "figures/2.10_form"])
    assert got == ["figures/2.1", "figures/2.2", "figures/2.2_overlap", "figures/2.4a",
                   "figures/2.4b", "figures/2.9", "figures/2.10", "figures/2.10_form",
                   "anonymous_reports"]
    # Chapter 3: the seed's 3.1 before 3.5 (not alphabetical), zicht's own last.
    assert reading_order(["aid/mental_health_costs", "aid/shelter", "aid/youth_care",
                          "aid/youth_care_crisis"]) == [
        "aid/youth_care", "aid/youth_care_crisis", "aid/shelter", "aid/mental_health_costs"]
