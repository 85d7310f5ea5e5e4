"""Excel workbooks of released tables: a contents sheet, then one formatted sheet per
table with its title, N, source, disclosure policy, notes and the suppressed cells
marked ``x``.

Layout of a table sheet (fixed, so readers and scripts can rely on it): row 1 the
title, row 2 N and source, row 4 the column headings, the data from row 5, then the
notes. Headings and codes are written as words in the chosen language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook

from zicht.disclosure import DisclosedTable, Release
from zicht.publish.labels import column_label, format_number, source_label, text, value_label

HEADER_ROW = 3  # 0-based: the headings are on spreadsheet row 4
MAX_SHEET_NAME = 31


def sheet_name(table_name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name (max 31 chars, no []:*?/\\)."""
    short = table_name.removeprefix("figures/")
    base = "".join("_" if ch in '[]:*?/\\' else ch for ch in short)[:MAX_SHEET_NAME]
    name, i = base, 2
    while name.lower() in used:
        suffix = f"~{i}"
        name, i = base[: MAX_SHEET_NAME - len(suffix)] + suffix, i + 1
    used.add(name.lower())
    return name


def write_workbook(release: Release, path: Path, lang: str = "en") -> Path:
    """Write every table of ``release`` to ``path`` (a contents sheet, a sheet per table)."""
    return write_tables(release.tables, path, lang)


def write_tables(tables: Sequence[DisclosedTable], path: Path, lang: str = "en", *,
                 rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None) -> Path:
    """Write ``tables`` to one workbook at ``path``; returns ``path``.

    ``rows`` may replace a table's rows by a subset of them (a dashboard filter).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True}), tables, lang, rows)
    return path


def workbook_bytes(tables: Sequence[DisclosedTable], lang: str = "en", *,
                   rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None) -> bytes:
    """The workbook of ``tables`` as bytes (for a download)."""
    buf = BytesIO()
    _write(xlsxwriter.Workbook(buf, {"in_memory": True, "nan_inf_to_errors": True}),
           tables, lang, rows)
    return buf.getvalue()


def _write(workbook: Workbook, tables: Sequence[DisclosedTable], lang: str,
           rows: Mapping[str, Sequence[Mapping[str, Any]]] | None) -> None:
    styles = _styles(workbook)
    contents = workbook.add_worksheet("Inhoud" if lang == "nl" else "Contents")
    used: set[str] = {contents.name.lower()}
    names = [sheet_name(t.name, used) for t in tables]
    _write_contents(contents, tables, names, styles, lang)
    for table, name in zip(tables, names, strict=True):
        subset = (rows or {}).get(table.name, table.rows)
        _write_sheet(workbook.add_worksheet(name), table, subset, styles, lang)
    workbook.close()


def _styles(workbook: Workbook) -> dict[str, Any]:
    return {
        "title": workbook.add_format({"bold": True, "font_size": 13}),
        "header": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                       "text_wrap": True, "valign": "top"}),
        "note": workbook.add_format({"italic": True, "font_color": "#555555"}),
        "count": workbook.add_format({"num_format": "#,##0"}),
        "decimal": workbook.add_format({"num_format": "#,##0.0"}),
        "suppressed": workbook.add_format({"align": "right", "font_color": "#C00000"}),
        "link": workbook.add_format({"font_color": "#0563C1", "underline": 1}),
    }


def _write_contents(ws: Any, tables: Sequence[DisclosedTable], names: Sequence[str],
                    styles: dict[str, Any], lang: str) -> None:
    ws.write(0, 0, text("report_title", lang), styles["title"])
    heads = ("Blad", "Tabel", "N", "Bron") if lang == "nl" else ("Sheet", "Table", "N", "Source")
    for j, h in enumerate(heads):
        ws.write(2, j, h, styles["header"])
    for i, (t, name) in enumerate(zip(tables, names, strict=True), start=3):
        ws.write_url(i, 0, f"internal:'{name}'!A1", styles["link"], name)
        ws.write(i, 1, _title(t, lang))
        if t.n is not None:
            ws.write_number(i, 2, t.n, styles["count"])
        ws.write(i, 3, source_label(t.source, lang))
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 70)
    ws.set_column(2, 2, 10)
    ws.set_column(3, 3, 45)


def _write_sheet(ws: Any, table: DisclosedTable, rows: Sequence[Mapping[str, Any]],
                 styles: dict[str, Any], lang: str) -> None:
    ws.write(0, 0, _title(table, lang), styles["title"])
    n_text = f"N = {format_number(table.n, lang)}" if table.n is not None else ""
    src = f"{text('source', lang)}: {source_label(table.source, lang)}" if table.source \
        else ""
    ws.write(1, 0, ". ".join(p for p in (n_text, src) if p), styles["note"])
    # Suppressed cells by row object, so a filtered subset keeps its marks.
    marked = {(s.row, s.column) for s in table.suppressed}
    suppressed = {(id(r), col) for i, r in enumerate(table.rows) for col in table.columns
                  if (i, col) in marked}
    widths = []
    for j, col in enumerate(table.columns):
        heading = column_label(col, lang)
        ws.write(HEADER_ROW, j, heading, styles["header"])
        widths.append(len(heading))
    for i, row in enumerate(rows):
        for j, col in enumerate(table.columns):
            shown = _write_cell(ws, HEADER_ROW + 1 + i, j, col, row.get(col),
                                (id(row), col) in suppressed, styles, lang)
            widths[j] = max(widths[j], len(shown))
    for j, w in enumerate(widths):
        ws.set_column(j, j, min(50, max(10, w + 2)))
    last = HEADER_ROW + len(rows)
    if rows:
        ws.autofilter(HEADER_ROW, 0, last, max(0, len(table.columns) - 1))
    ws.freeze_panes(HEADER_ROW + 1, 0)
    for k, line in enumerate(_notes(table, lang), start=last + 2):
        ws.write(k, 0, line, styles["note"])


def _write_cell(ws: Any, r: int, j: int, col: str, value: Any, is_suppressed: bool,
                styles: dict[str, Any], lang: str) -> str:
    """Write one cell; returns the text shown (for the column width)."""
    if value is None and is_suppressed:
        ws.write_string(r, j, "x", styles["suppressed"])
        return "x"
    if value is None:
        ws.write_blank(r, j, None)
        return ""
    if isinstance(value, (bool, str)) or col in ("year", "month"):
        shown = str(value) if col == "year" else value_label(col, value, lang)
        if col == "year" and isinstance(value, int):
            ws.write_number(r, j, value)
        else:
            ws.write_string(r, j, shown)
        return shown
    if isinstance(value, (int, float)):
        fmt = styles["count"] if float(value).is_integer() else styles["decimal"]
        ws.write_number(r, j, value, fmt)
        return format_number(value, lang)
    shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    ws.write_string(r, j, shown)
    return shown


def _notes(table: DisclosedTable, lang: str) -> list[str]:
    lines = []
    if table.notes_in(lang):
        lines.append(f"{text('notes', lang)}: {table.notes_in(lang)}")
    lines.append(f"{text('policy', lang)}: {table.policy_text(lang)}.")
    if table.suppressed:
        lines.append(text("suppressed", lang, threshold=table.threshold))
    return lines


def _title(table: DisclosedTable, lang: str) -> str:
    return table.title_nl if lang == "nl" else table.title_en
