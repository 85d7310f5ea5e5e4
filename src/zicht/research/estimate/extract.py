"""Capture tables from a research extract: reporter types as lists, per stratum.

The unit is the unique victim per report year, as in the monitor
(``zicht.research.monitor.base``: ``victim_year``, whose form hierarchy, age group,
sex and origin region come from ``zicht.research.classify``). A victim-year's capture
history is the set of reporter types (``zicht.core.codes.REPORTERS``) that reported
the victim that year; anonymous reports cannot be linked and are left out, as are
victim-years the monitor excludes.

Small lists: within each stratum, a reporter type that saw fewer than ``min_list``
victims is merged into ``other``; if ``other`` is then still below ``min_list`` it is
merged into the smallest remaining list. Merging never leaves fewer than two lists:
when every list but ``other`` is small, the largest of them stays apart (such a stratum
is estimated or fails with its error). The pooled table is collapsed on its own totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zicht.core import codes
from zicht.core.errors import EstimationError
from zicht.research.estimate.table import CaptureTable

#: Stratum name on the command line -> column of ``victim_year``.
STRATA: dict[str, str] = {
    "year": "year",
    "form": "form",
    "sex": "sex_code",
    "age_group": "age_group",
    "origin": "origin_region",
}

LISTS: tuple[str, ...] = tuple(r.code for r in codes.REPORTERS)


@dataclass(frozen=True)
class ExtractTables:
    """Capture tables per stratum, the pooled table, and what was merged."""

    by: tuple[str, ...]
    tables: dict[tuple[tuple[str, Any], ...], CaptureTable]
    pooled: CaptureTable
    merged: dict[str, list[str]]  # stratum label -> merge notes
    common: dict[tuple[tuple[str, Any], ...], CaptureTable]  # strata with the pooled lists


def parse_by(by: str | Sequence[str]) -> tuple[str, ...]:
    """``"year,form"`` -> ("year", "form"), checked against :data:`STRATA`."""
    names = [b.strip() for b in (by.split(",") if isinstance(by, str) else by) if b.strip()]
    unknown = [n for n in names if n not in STRATA]
    if unknown:
        raise EstimationError(f"Unknown stratum {', '.join(unknown)}; expected any of "
                              f"{', '.join(STRATA)} (comma separated).")
    return tuple(dict.fromkeys(names))


def histories_sql(by: Sequence[str]) -> str:
    """Counts per stratum and capture history (bit j = reporter type j of LISTS)."""
    bits = " ".join(f"WHEN '{code}' THEN {1 << j}" for j, code in enumerate(LISTS))
    other = 1 << LISTS.index("other")
    cols = ", ".join(f"v.{STRATA[b]} AS {b}" for b in by)
    select_cols = f"{cols}, " if cols else ""
    group_by = ", ".join([*(f"v.{STRATA[b]}" for b in by), "c.h"])
    order_by = ", ".join([*by, "h"])
    return f"""
        WITH caught AS (
            SELECT victim_pid, year,
                   bit_or(CASE reporter {bits} ELSE {other} END) AS h
            FROM report_base GROUP BY victim_pid, year
        )
        SELECT {select_cols}c.h AS h, COUNT(*) AS n
        FROM caught c JOIN victim_year v USING (victim_pid, year)
        WHERE NOT v.excluded
        GROUP BY {group_by}
        ORDER BY {order_by}
    """


def tables_from_extract(extract_dir: Path, by: str | Sequence[str] = "year",
                        min_list: int = 10) -> ExtractTables:
    """Open an extract, build the victim-year base and one capture table per stratum."""
    from zicht.research.monitor.base import build_base
    from zicht.research.store import open_extract

    names = parse_by(by)
    store = open_extract(extract_dir)
    try:
        build_base(store)
        rows = store.rows(histories_sql(names))
    finally:
        store.close()
    return tables_from_rows(rows, names, min_list)


def tables_from_rows(rows: Sequence[dict[str, Any]], by: tuple[str, ...],
                     min_list: int = 10) -> ExtractTables:
    """Group ``(strata..., h, n)`` rows into collapsed capture tables."""
    k = len(LISTS)
    full: dict[tuple[tuple[str, Any], ...], np.ndarray] = {}
    for r in rows:
        key = tuple((b, r[b]) for b in by)
        counts = full.setdefault(key, np.zeros(2**k - 1, dtype=np.int64))
        counts[int(r["h"]) - 1] += int(r["n"])
    if not full:
        raise EstimationError("The extract has no registered victim to estimate from "
                              "(only anonymous reports, or none at all).")
    merged: dict[str, list[str]] = {}
    tables = {}
    for key, counts in full.items():
        label = ", ".join(f"{b}={v}" for b, v in key) or "all"
        tables[key], merged[label] = collapse_small(CaptureTable(LISTS, counts), min_list)
    pooled_counts = np.sum(list(full.values()), axis=0)
    pooled, merged["pooled"] = collapse_small(CaptureTable(LISTS, pooled_counts), min_list)
    common = {key: collapse_like(CaptureTable(LISTS, counts), pooled.lists)
              for key, counts in full.items()}
    return ExtractTables(by=by, tables=tables, pooled=pooled, merged=merged, common=common)


def collapse_like(table: CaptureTable, lists: Sequence[str]) -> CaptureTable:
    """Merge the lists of ``table`` as named in ``lists`` (``"other+kmar"``)."""
    groups = {name: name.split("+") for name in lists if "+" in name}
    merged = table.collapse(groups)
    if merged.lists == tuple(lists):
        return merged
    return CaptureTable(tuple(lists), _reorder(merged, lists))


def _reorder(table: CaptureTable, lists: Sequence[str]) -> np.ndarray:
    """Counts of ``table`` with its lists put in the order of ``lists``."""
    pos = [table.lists.index(name) for name in lists]
    out = np.zeros_like(table.counts)
    for h in range(1, 2**table.k):
        h2 = sum(1 << i for i, j in enumerate(pos) if h >> j & 1)
        out[h2 - 1] += table.counts[h - 1]
    return out


def collapse_small(table: CaptureTable, min_list: int) -> tuple[CaptureTable, list[str]]:
    """Merge lists below ``min_list`` into ``other`` (see the module docstring)."""
    notes: list[str] = []
    totals = table.list_totals
    small = [n for n, v in totals.items() if v < min_list and n != "other"]
    if small and table.k - len(small) + ("other" not in table.lists) < 2:
        # merging every small list would leave one list: keep the largest apart (the
        # stratum then has two small lists and is estimated or fails with its error)
        small.remove(max(small, key=lambda n: totals[n]))
    if small:
        others = [n for n in ("other",) if n in table.lists]
        group = "+".join(["other", *small]) if others else "+".join(small)
        table = table.collapse({group: [*others, *small]})
        notes.append(f"merged {', '.join(small)} into {group}")
    totals = table.list_totals
    last = table.lists[-1] if small else "other"
    if last in totals and totals[last] < min_list and table.k > 2:
        rest = {n: v for n, v in totals.items() if n != last}
        target = min(rest, key=lambda n: rest[n])
        table = table.collapse({f"{target}+{last}": [target, last]})
        notes.append(f"merged {last} into {target}")
    return table, notes
