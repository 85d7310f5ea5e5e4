"""``zicht report``: HTML, PDF and XLSX checked against the released documents."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from zicht.cli import app
from zicht.core.errors import DisclosureError
from zicht.disclosure import load_release
from zicht.publish.labels import format_number
from zicht.publish.report import ReportFiles, build_report, render_html
from zicht.publish.tables import HEADER_ROW


def _pdf_text(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def test_writes_every_output(built_report: ReportFiles) -> None:
    assert built_report.stages == ("monitor", "linked", "estimate")
    for path in (built_report.html, built_report.pdf, built_report.xlsx):
        assert path is not None and path.stat().st_size > 1000
    assert len(built_report.figures) >= 15 and built_report.csv


def test_html_is_self_contained(built_report: ReportFiles) -> None:
    html = built_report.html.read_text()
    assert not re.search(r'(src|href)="(https?:)?//', html), "external resource in report"
    assert "<link " not in html and "<script" not in html
    assert html.count("<svg") >= 15 and "<style>" in html


def test_html_has_every_released_table(built_report: ReportFiles, releases_dir: Path) -> None:
    html = built_report.html.read_text()
    for stage in ("monitor", "linked", "estimate"):
        doc = json.loads((releases_dir / stage / f"{stage}.json").read_text())
        for name, meta in doc["figure_meta"].items():
            assert meta["title_nl"].replace("'", "&#39;") in html, name


def test_summary_derives_findings_from_data(built_report: ReportFiles) -> None:
    html = built_report.html.read_text()
    assert "Meldingen naar melder en vorm, Politie: gehalveerd van 953 naar 468 (2019-2020)." \
        in html


def test_method_annex_comes_from_release_rules(built_report: ReportFiles,
                                               releases_dir: Path) -> None:
    html = built_report.html.read_text()
    method = json.loads((releases_dir / "monitor" / "monitor.json").read_text())["method"]
    for rule in method["form"]:
        assert rule["nl"] in html and rule["sql"] in html
    # the disclosure policy, worded from the rounding base the gate applied
    assert "kleine gebieden: afgerond op een veelvoud van 5" in html
    # estimate parameters, named and valued in the edition's words, not as code names
    assert "<td>Betrouwbaarheidsniveau van de intervallen</td><td>95%</td>" in html
    assert "<code>level</code>" not in html


def test_linked_test_statistics_under_their_table(built_report: ReportFiles) -> None:
    html = built_report.html.read_text()
    block = html.split('id="fig-aid_youth_care"', 1)[1].split("</figure>", 1)[0]
    # the category in the edition's words, not its code ("minor")
    assert "Minderjarig (&lt;18): χ²(5, N = 261.870) = 619,596, p &lt; ,001" in block


def test_route_chapter_opens_with_its_rule_and_labels_outcomes(built_report: ReportFiles,
                                                                releases_dir: Path) -> None:
    html = built_report.html.read_text()
    chapter = html.split("De route van elk slachtoffer: bedenktijd", 1)[1]
    assert '<p class="intro">De route van een slachtoffer loopt' in chapter
    block = chapter.split('id="fig-route_outcomes"', 1)[1].split("</figure>", 1)[0]
    for label in ("Uitkomst van de route", "Loopt nog (gecensureerd)", "Teruggekeerd",
                  "Verblijf, geen opvang of huisvesting", "Breuk"):
        assert label in block, label
    linked = load_release(releases_dir / "linked", "linked")
    english = render_html({"linked": linked}, "en", svgs={})
    assert "a decision still pending is not a negative outcome" in english
    assert "Still running (censored)" in english and "Returned home" in english


def test_pdf_every_page_renders_and_matches_monitor_json(built_report: ReportFiles,
                                                         releases_dir: Path) -> None:
    assert built_report.pdf is not None
    pages = _pdf_text(built_report.pdf)
    assert len(pages) > 5 and all(p.strip() for p in pages)
    text = " ".join(" ".join(pages).split())
    doc = json.loads((releases_dir / "monitor" / "monitor.json").read_text())
    for name, meta in doc["figure_meta"].items():
        if not name.startswith("regional/municipality"):
            assert meta["title_nl"] in text, name
    for row in doc["figures"]["2.1"]:
        assert format_number(row["victims"], "nl") in text
    if shutil.which("pdftoppm"):
        out = built_report.pdf.parent / "pages"
        out.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "20", "-png", str(built_report.pdf),
                        str(out / "p")], check=True)
        images = sorted(out.glob("p-*.png"))
        assert len(images) == len(pages) and all(p.stat().st_size > 500 for p in images)


def test_xlsx_matches_monitor_json(built_report: ReportFiles, releases_dir: Path) -> None:
    doc = json.loads((releases_dir / "monitor" / "monitor.json").read_text())
    wb = openpyxl.load_workbook(built_report.xlsx)
    for key, rows in doc["figures"].items():
        ws = wb[key]
        counts = doc["figure_meta"][f"figures/{key}"]["count_columns"]
        columns = doc["figure_meta"][f"figures/{key}"]["columns"]
        for i, row in enumerate(rows):
            for col in counts:
                cell = ws.cell(row=HEADER_ROW + 2 + i, column=columns.index(col) + 1).value
                assert cell == (row[col] if row[col] is not None else "x"), (key, i, col)
    assert wb["anonymous_reports"].cell(row=HEADER_ROW + 2, column=2).value == \
        doc["anonymous_reports"][0]["reports"]


def test_missing_stages_say_they_were_not_run(releases_dir: Path, tmp_path: Path) -> None:
    only = tmp_path / "in"
    shutil.copytree(releases_dir / "monitor", only / "monitor")
    shutil.copy(releases_dir / "gate.key", only / "gate.key")  # the operator's key
    result = build_report(only, tmp_path / "out", "nl", pdf=False)  # charts are remembered
    html = result.html.read_text()
    assert result.stages == ("monitor",)
    # aid, revictimisation, route
    assert html.count("de `linked`-uitvoer ontbreekt") == 3
    assert "de `estimate`-uitvoer ontbreekt" in html


def test_tampered_release_is_refused(releases_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "in"
    shutil.copytree(releases_dir, copy)
    doc = copy / "monitor" / "monitor.json"
    doc.write_text(doc.read_text() + " ")
    with pytest.raises(DisclosureError):
        build_report(copy, tmp_path / "out", "en", pdf=False)


def test_english_report(releases_dir: Path) -> None:
    release = load_release(releases_dir / "monitor", "monitor")
    html = render_html({"monitor": release}, "en", svgs={})  # charts: see test_figures
    assert "Management summary" in html and "Police: halved from 953 to 468" in html


def test_cli_report(releases_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(releases_dir / "estimate", tmp_path / "in" / "estimate")
    shutil.copy(releases_dir / "gate.key", tmp_path / "in" / "gate.key")
    out = tmp_path / "cli"
    result = CliRunner().invoke(app, ["report", "--in", str(tmp_path / "in"), "--out", str(out),
                                      "--lang", "en", "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").exists() and (out / "tables.xlsx").exists()
    assert "report.html" in result.output and "not run: monitor, linked" in result.output
    bad = CliRunner().invoke(app, ["report", "--in", str(tmp_path / "in"), "--out", str(out),
                                   "--lang", "fr"])
    assert bad.exit_code != 0
