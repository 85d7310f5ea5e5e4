"""The workbook: a contents sheet, a formatted sheet per table, values as released."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from zicht.disclosure import TableSpec, apply_rules, load_release, write_release
from zicht.publish.tables import HEADER_ROW, sheet_name, write_workbook


def test_sheet_names_are_valid_and_unique() -> None:
    used: set[str] = set()
    names = [sheet_name(n, used) for n in ("figures/2.1", "a" * 40, "a" * 40, "x[1]:y")]
    assert names[0] == "2.1" and len(set(names)) == 4
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_workbook_matches_release(releases_dir: Path, tmp_path: Path, lang: str) -> None:
    release = load_release(releases_dir / "monitor", "monitor")
    path = write_workbook(release, tmp_path / "monitor.xlsx", lang)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == ("Inhoud" if lang == "nl" else "Contents")
    assert len(wb.sheetnames) == len(release.tables) + 1
    ws = wb["2.1"]
    title = release.table("figures/2.1").title_nl if lang == "nl" else \
        release.table("figures/2.1").title_en
    assert ws["A1"].value == title
    assert ws["A2"].value.startswith("N = ")
    heads = [c.value for c in ws[HEADER_ROW + 1]]
    assert heads[:2] == (["Jaar", "Slachtoffers"] if lang == "nl" else ["Year", "Victims"])
    expected = release.document["figures"]["2.1"]
    got = [[c.value for c in row] for row in ws.iter_rows(
        min_row=HEADER_ROW + 2, max_row=HEADER_ROW + 1 + len(expected), max_col=3)]
    assert got == [[r["year"], r["victims"], r["victims_incl_kmar_only"]] for r in expected]
    assert ws[f"B{HEADER_ROW + 2}"].number_format == "#,##0"


def test_codes_become_labels(releases_dir: Path, tmp_path: Path) -> None:
    release = load_release(releases_dir / "monitor", "monitor")
    wb = openpyxl.load_workbook(write_workbook(release, tmp_path / "m.xlsx", "nl"))
    forms = {row[1].value for row in wb["2.2"].iter_rows(min_row=HEADER_ROW + 2)
             if row[1].value}
    assert "Arbeidsuitbuiting" in forms and "labour" not in forms


def test_suppressed_cells_marked_and_explained(tmp_path: Path) -> None:
    rows = [{"year": 2020, "police_unit": "limburg", "victims": 3},
            {"year": 2020, "police_unit": "amsterdam", "victims": 42}]
    table = apply_rules(TableSpec("regional/municipality/2.1", rows, ("victims",),
                                  "Victims by unit", "Slachtoffers naar eenheid",
                                  notes="A note."))
    release = write_release([table], tmp_path / "r", document_name="monitor", meta={})
    ws = openpyxl.load_workbook(write_workbook(release, tmp_path / "t.xlsx", "en")).worksheets[1]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=HEADER_ROW + 2,
                                                            max_row=HEADER_ROW + 3)]
    assert values == [[2020, "Limburg", "x"], [2020, "Amsterdam", 40]]
    notes = [ws.cell(row=r, column=1).value for r in range(HEADER_ROW + 4, HEADER_ROW + 8)]
    assert "Notes: A note." in notes
    assert any(n and n.startswith("Disclosure: Linked microdata or small areas: rounded to a "
                                  "multiple of 5") for n in notes)
    assert "x = suppressed by the disclosure gate (fewer than 10)." in notes
