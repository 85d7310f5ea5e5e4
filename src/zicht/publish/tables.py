"""Excel workbooks of a release: one formatted sheet per table, with title, N and notes."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from zicht.disclosure import Release


def sheet_name(table_name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name (max 31 chars, no []:*?/\\)."""
    base = "".join("_" if ch in '[]:*?/\\' else ch for ch in table_name)[:31]
    name, i = base, 2
    while name.lower() in used:
        suffix = f"~{i}"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(name.lower())
    return name


def write_workbook(release: Release, path: Path, lang: str = "en") -> Path:
    """Write every table of ``release`` to ``path`` (a sheet per table)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path))
    bold = workbook.add_format({"bold": True, "font_size": 12})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    note = workbook.add_format({"italic": True, "font_color": "#555555"})
    used: set[str] = set()
    for table in release.tables:
        ws = workbook.add_worksheet(sheet_name(table.name, used))
        ws.write(0, 0, table.title_nl if lang == "nl" else table.title_en, bold)
        n_text = f"N = {table.n:,}" if table.n is not None else ""
        ws.write(1, 0, f"{n_text}  {table.source}".strip(), note)
        for j, col in enumerate(table.columns):
            ws.write(3, j, col, header)
            ws.set_column(j, j, max(10, len(col) + 2))
        for i, row in enumerate(table.rows, start=4):
            for j, col in enumerate(table.columns):
                value = row.get(col)
                if value is None and col in table.count_columns and table.suppressed:
                    ws.write(i, j, "x")  # suppressed by the disclosure gate
                elif isinstance(value, (list, dict)):
                    ws.write(i, j, str(value))
                else:
                    ws.write(i, j, value)
        last = 5 + len(table.rows)
        if table.suppressed:
            ws.write(last, 0, f"x = suppressed (count below {table.threshold}).", note)
            last += 1
        if table.notes:
            ws.write(last, 0, table.notes, note)
        ws.freeze_panes(4, 0)
    workbook.close()
    return path
