"""What a monitor computation hands on: tidy tables with their wording and policy.

The research zone cannot import the disclosure gate (the gate sits above it), so a
``MonitorTable`` carries exactly the fields of ``zicht.disclosure.TableSpec``; the CLI
turns each into a ``TableSpec`` and nothing leaves without passing ``apply_rules``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

#: National registry figures: exact counts, as the rapporteur publishes them.
REGISTRY = "registry"
#: Linked sources and small areas: rounded to 5, small cells suppressed.
PROTECTED = "protected"


@dataclass(frozen=True)
class MonitorTable:
    """One result table of the monitor (fields as ``zicht.disclosure.TableSpec``)."""

    name: str
    rows: tuple[dict[str, Any], ...]
    count_columns: tuple[str, ...]
    policy: str
    title_en: str
    title_nl: str
    source: str = ""
    notes: str = ""
    n: int | None = None
    shares: Mapping[str, str] = field(default_factory=dict)

    def column(self, name: str) -> list[Any]:
        return [row.get(name) for row in self.rows]


@dataclass(frozen=True)
class MonitorResult:
    """Every table of one monitor run, the run's metadata and what was skipped and why."""

    tables: tuple[MonitorTable, ...]
    meta: dict[str, Any]
    skipped: tuple[str, ...] = ()

    def table(self, name: str) -> MonitorTable:
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
    policy: str,
    title_en: str,
    title_nl: str,
    *,
    source: str,
    notes: str = "",
    shares: Mapping[str, str] | None = None,
    n: int | None = None,
) -> MonitorTable:
    """A ``MonitorTable`` from query rows; ``n`` defaults to the sum of the first count
    column (with overlap where a unit counts in several rows, as the monitor's N does)."""
    clean = tuple(
        {k: _plain(v) for k, v in row.items()} if any(isinstance(v, Decimal) for v in row.values())
        else row
        for row in rows
    )
    if n is None and count_columns:
        n = sum(int(r.get(count_columns[0]) or 0) for r in clean)
    return MonitorTable(name, clean, count_columns, policy, title_en, title_nl, source,
                        notes, n, dict(shares or {}))


def _plain(value: Any) -> Any:
    """Plain JSON-friendly Python values (DuckDB may hand out Decimal)."""
    if isinstance(value, Decimal):
        return float(value)
    return value
