"""What a linked analysis hands on: tidy tables and test statistics, not yet gated.

Tables are ``zicht.core.TableSpec`` (``linked_table`` only fills in the source); the
gate decides their policy from their names, and nothing is written without passing
``zicht.disclosure.apply_rules``. Test statistics (``ChiSquare``) are
computed from unrounded counts, as the seed does; their ``n`` is a count and is
rounded by the gate (``zicht.disclosure.gate_statistics``) before it is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from zicht.core.table import TableSpec

SOURCE = "Police incidents linked to youth care, Wmo shelter, health costs and the " \
         "population register (pseudonymised)"


def linked_table(name: str, rows: tuple[dict[str, Any], ...],
                 count_columns: tuple[str, ...], title_en: str, title_nl: str, *,
                 source: str = SOURCE, notes: str = "", n: int | None = None,
                 shares: Mapping[str, str] | None = None, notes_nl: str = "") -> TableSpec:
    """A linked-analysis ``TableSpec`` with the linked sources as its source."""
    return TableSpec(name, rows, count_columns, title_en, title_nl, source, notes, n,
                     dict(shares or {}), notes_nl)


@dataclass(frozen=True)
class ChiSquare:
    """A Pearson chi-square test of one contingency table (no continuity correction)."""

    table: str
    category: str
    chi2: float
    df: int
    n: int
    p: float

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "category": self.category, "chi2": round(self.chi2, 3),
                "df": self.df, "n": self.n, "p": self.p}


@dataclass(frozen=True)
class LinkedResult:
    """Every table and test of one ``zicht linked`` run, and the run's metadata."""

    tables: tuple[TableSpec, ...]
    tests: tuple[ChiSquare, ...]
    meta: dict[str, Any]
    statistics: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> TableSpec:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(f"The linked analyses produced no table {name!r}.")

    def test(self, table: str, category: str) -> ChiSquare:
        for t in self.tests:
            if t.table == table and t.category == category:
                return t
        raise KeyError(f"No chi-square test for {table!r} / {category!r}.")

    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)


def share(part: int, whole: int) -> float | None:
    """A percentage with one decimal, from unrounded counts (None when ``whole`` is 0)."""
    return round(100.0 * part / whole, 1) if whole else None
