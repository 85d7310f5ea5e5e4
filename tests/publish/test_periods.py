"""Every figure states its period; the report claims none for itself (issue 14, item 6)."""

from __future__ import annotations

import re

from zicht.publish.periods import rows_period, span, with_period
from zicht.publish.report import ReportFiles


def test_the_period_of_rows() -> None:
    assert rows_period([{"year": 2012}, {"year": 2010}, {"year": 2024}]) == "2010-2024"
    assert rows_period([{"year": 2020, "victims": 1}]) == "2020"
    assert rows_period([{"period": "2010-2024", "sector": "x"}]) == "2010-2024"
    assert rows_period([{"group": "victims"}]) == ""  # the chapter's window then
    assert span(2016, 2020) == "2016-2020" and span(2020, 2020) == "2020"


def test_a_title_names_its_period_once() -> None:
    assert with_period("Slachtoffers per jaar", "2010-2024") == \
        "Slachtoffers per jaar, 2010-2024"
    # 2.4b names its year already; no period, no change.
    assert with_period("Slachtoffers in 2024 naar maand", "2024") == \
        "Slachtoffers in 2024 naar maand"
    assert with_period("Titel", "") == "Titel"


def test_every_listed_figure_states_a_period(built_report: ReportFiles) -> None:
    html = built_report.html.read_text()
    block = html.split('<nav class="lof"', 1)[1].split("</nav>", 1)[0]
    titles = re.findall(r'</span> ([^<]+)</a>', block)
    assert titles
    for title in titles:
        assert re.search(r"\b(19|20)\d\d\b", title), title
    # The cover lists the chapters' periods; the title itself claims none.
    cover = html.split('<header class="cover">', 1)[1].split("</header>", 1)[0]
    assert re.search(r"<h1>[^<\d]+</h1>", cover)
    assert re.search(r'class="periods">[^<]*\(\d{4}(-\d{4})?\)', cover)


def test_chapter_3_states_the_control_design(built_report: ReportFiles) -> None:
    html = built_report.html.read_text()
    aid = html.split('<section id="ch-aid"', 1)[1].split("</section>", 1)[0]
    assert "<h2>3 Hulpverlening na mensenhandel, 2016-2020</h2>" in aid
    assert "1.000 per slachtoffer volgens de opzet" in aid
    assert "Voor 1.630 slachtoffers zijn 1.630.000 controles getrokken" in aid
    assert "Tekort" not in aid and "teruglegging" not in aid  # the design was met
