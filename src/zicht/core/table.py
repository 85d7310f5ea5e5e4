"""The one table type a research stage hands to the disclosure gate.

A ``TableSpec`` is a result that has not yet passed the gate: tidy rows, which columns
are counts and which percentage or mean belongs to which count. It carries no
disclosure policy: the gate decides that from the table's name
(``zicht.disclosure.rules``), so gated code cannot choose its own protection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TableSpec:
    """A research result handed to the gate.

    ``name`` is a path in the output document: ``figures/2.1`` lands at
    ``document["figures"]["2.1"]``; ``anonymous_reports`` at the top level.
    ``shares`` maps a percentage (or mean) column to the count column it belongs to;
    it is suppressed with its count, and the gate recomputes percentages of protected
    tables from the released counts (docs/disclosure.md).
    """

    name: str
    rows: Sequence[Mapping[str, Any]]
    count_columns: tuple[str, ...]
    title_en: str
    title_nl: str
    source: str = ""
    notes: str = ""
    n: int | None = None
    shares: Mapping[str, str] = field(default_factory=dict)
    #: The notes in Dutch: the Dutch edition shows these, never the English ``notes``.
    notes_nl: str = ""

    def column(self, name: str) -> list[Any]:
        return [row.get(name) for row in self.rows]

    def row(self, **match: Any) -> Mapping[str, Any]:
        """The one row whose columns equal ``match`` (KeyError when none)."""
        for r in self.rows:
            if all(r.get(k) == v for k, v in match.items()):
                return r
        raise KeyError(f"Table {self.name!r} has no row {match!r}.")
