"""Tables as a reader sees them: labelled headings and cells, years pivoted to columns.

Shared by the report and the dashboard, so both show a table the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zicht.disclosure import DisclosedTable
from zicht.publish.figures import NOT_DIMENSIONS, _ordered, dimension_columns, value_columns
from zicht.publish.labels import column_label, format_number, value_label


@dataclass(frozen=True)
class ShownTable:
    """A table ready for HTML: headings, rows of cell texts, how many rows were cut."""

    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    n_label_columns: int
    cut: int = 0


def show_table(table: DisclosedTable, lang: str = "en", *,
               rows: Sequence[Mapping[str, Any]] | None = None,
               max_rows: int | None = None) -> ShownTable:
    """``table`` (or a filtered subset ``rows``) as cell texts; years become columns
    when a single count is broken down by other dimensions."""
    rows = table.rows if rows is None else rows
    suppressed = _suppressed_cells(table, rows)
    dims = [d for d in dimension_columns(table) if d in table.columns]
    values = value_columns(table)
    extra = [c for c in table.columns if c not in dims and c not in values]
    if "year" in dims and len(dims) > 1 and len(values) == 1 and \
            all(c in NOT_DIMENSIONS for c in extra):  # shares drop out of the pivot
        shown = _pivot(rows, [d for d in dims if d != "year"], values[0], suppressed, lang)
    else:
        shown = _plain(table.columns, rows, suppressed, dims, lang)
    if max_rows is not None and len(shown.rows) > max_rows:
        return ShownTable(shown.headings, shown.rows[:max_rows], shown.n_label_columns,
                          len(shown.rows) - max_rows)
    return shown


def _suppressed_cells(table: DisclosedTable,
                      rows: Sequence[Mapping[str, Any]]) -> set[tuple[int, str]]:
    """Suppressed cells as (id of row object, column), robust to filtering."""
    by_index = {(s.row, s.column) for s in table.suppressed}
    index = {id(r): i for i, r in enumerate(table.rows)}
    return {(id(r), col) for r in rows for (i, col) in by_index if index.get(id(r)) == i}


def _cell(value: Any, column: str, is_dim: bool, suppressed: bool, lang: str) -> str:
    if value is None:
        return "x" if suppressed else ""
    if is_dim:
        return str(value) if column == "year" else value_label(column, value, lang)
    return format_number(value, lang)


def _plain(columns: Sequence[str], rows: Sequence[Mapping[str, Any]],
           suppressed: set[tuple[int, str]], dims: list[str], lang: str) -> ShownTable:
    # Label columns first (the template styles the first n_labels cells as labels); a
    # column empty in every shown row (no stratum failed: no error text) is left out.
    columns = [c for c in (*(c for c in columns if c in dims),
                           *(c for c in columns if c not in dims))
               if any(r.get(c) is not None for r in rows)]
    body = tuple(
        tuple(_cell(r.get(c), c, c in dims, (id(r), c) in suppressed, lang) for c in columns)
        for r in rows
    )
    n_labels = sum(1 for c in columns if c in dims)
    return ShownTable(tuple(column_label(c, lang) for c in columns), body, n_labels)


def _pivot(rows: Sequence[Mapping[str, Any]], keys: list[str], value: str,
           suppressed: set[tuple[int, str]], lang: str) -> ShownTable:
    years = _ordered("year", {r.get("year") for r in rows})
    cells: dict[tuple[Any, ...], dict[Any, str]] = {}
    for r in rows:
        k = tuple(r.get(c) for c in keys)
        cells.setdefault(k, {})[r.get("year")] = _cell(
            r.get(value), value, False, (id(r), value) in suppressed, lang)
    orders = [{v: i for i, v in enumerate(_ordered(c, {k[j] for k in cells}))}
              for j, c in enumerate(keys)]
    ordered = sorted(cells, key=lambda k: [orders[j][v] for j, v in enumerate(k)])
    body = tuple(
        (*(value_label(c, v, lang) for c, v in zip(keys, k, strict=True)),
         *(cells[k].get(y, "") for y in years))
        for k in ordered
    )
    headings = (*(column_label(c, lang) for c in keys), *(str(y) for y in years))
    return ShownTable(headings, body, len(keys))
