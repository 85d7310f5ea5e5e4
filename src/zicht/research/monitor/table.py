"""What a monitor computation hands on: ``zicht.core.TableSpec`` tables with their
wording (never a disclosure policy: the gate decides it from the table's name), and
the SQL helpers the figures share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zicht.core.table import TableSpec


@dataclass(frozen=True)
class MonitorResult:
    """Every table of one monitor run, the run's metadata and what was skipped and why."""

    tables: tuple[TableSpec, ...]
    meta: dict[str, Any]
    skipped: tuple[str, ...] = ()

    def table(self, name: str) -> TableSpec:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(f"The monitor produced no table {name!r}.")

    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)


def order_by_codes(column: str, codes: tuple[str, ...]) -> str:
    """An ``ORDER BY`` key that lists ``column`` in code-list order (unknown codes last)."""
    whens = " ".join(f"WHEN '{code}' THEN {i}" for i, code in enumerate(codes))
    return f"CASE {column} {whens} ELSE {len(codes)} END"


def share_sql(count: str, partition: str | None) -> str:
    """A percentage of ``count`` within ``partition`` (one decimal), from unrounded counts."""
    over = f"PARTITION BY {partition}" if partition else ""
    return f"ROUND(100.0 * {count} / SUM({count}) OVER ({over}), 1)"


def make_table(
    rows: list[dict[str, Any]],
    name: str,
    count_columns: tuple[str, ...],
    title_en: str,
    title_nl: str,
    *,
    source: str,
    notes: str = "",
    shares: Mapping[str, str] | None = None,
    n: int | None = None,
    notes_nl: str = "",
) -> TableSpec:
    """A ``TableSpec`` from query rows; ``n`` defaults to the sum of the first count
    column (with overlap where a unit counts in several rows, as the monitor's N does)."""
    clean = tuple(
        {k: _plain(v) for k, v in row.items()} if any(isinstance(v, Decimal) for v in row.values())
        else row
        for row in rows
    )
    if n is None and count_columns:
        n = sum(int(r.get(count_columns[0]) or 0) for r in clean)
    return TableSpec(name, clean, count_columns, title_en, title_nl, source, notes, n,
                     dict(shares or {}), notes_nl)


def _plain(value: Any) -> Any:
    """Plain JSON-friendly Python values (DuckDB may hand out Decimal)."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def window_sql(period: tuple[int, int] | None, column: str = "year") -> str:
    """``AND column BETWEEN first AND last`` for a chosen period; nothing for all years."""
    return "" if period is None else \
        f"AND {column} BETWEEN {int(period[0])} AND {int(period[1])}"
