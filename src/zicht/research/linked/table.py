"""What a linked analysis hands on: tidy tables and test statistics, not yet gated.

The research zone cannot import the disclosure gate (the gate sits above it in the
import layers), so a ``LinkedTable`` carries exactly the fields of
``zicht.disclosure.TableSpec`` and the CLI turns each into one; nothing is written
without passing ``zicht.disclosure.apply_rules``. Test statistics (``ChiSquare``) are
computed from unrounded counts, as the seed does; their ``n`` is a count and is
rounded by the gate (``zicht.disclosure.gate_statistics``) before it is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: Linked microdata: counts rounded to a multiple of 5, small cells suppressed.
PROTECTED = "protected"
SOURCE = "Police incidents linked to youth care, Wmo shelter, health costs and the " \
         "population register (pseudonymised)"


@dataclass(frozen=True)
class LinkedTable:
    """One result table (fields as ``zicht.disclosure.TableSpec``)."""

    name: str
    rows: tuple[dict[str, Any], ...]
    count_columns: tuple[str, ...]
    title_en: str
    title_nl: str
    policy: str = PROTECTED
    source: str = SOURCE
    notes: str = ""
    n: int | None = None
    shares: Mapping[str, str] = field(default_factory=dict)

    def column(self, name: str) -> list[Any]:
        return [row.get(name) for row in self.rows]

    def row(self, **match: Any) -> dict[str, Any]:
        """The one row whose columns equal ``match`` (KeyError when none)."""
        for r in self.rows:
            if all(r.get(k) == v for k, v in match.items()):
                return r
        raise KeyError(f"Table {self.name!r} has no row {match!r}.")


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

    tables: tuple[LinkedTable, ...]
    tests: tuple[ChiSquare, ...]
    meta: dict[str, Any]
    statistics: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> LinkedTable:
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
