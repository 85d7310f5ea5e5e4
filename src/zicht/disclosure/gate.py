"""The disclosure gate: the only way a research result becomes publishable.

Research stages hand in a ``TableSpec`` (tidy rows plus which columns are counts);
``apply_rules`` returns a ``DisclosedTable``, the only type the release writer and
``zicht.publish`` accept. A ``DisclosedTable`` cannot be built outside this module.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zicht.core.config import get_settings
from zicht.core.errors import DisclosureError
from zicht.disclosure.rules import get_policy, round_to_base

_GATE_TOKEN = object()  # only this module holds it
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TableSpec:
    """A research result handed to the gate.

    ``name`` is a path in the output document: ``figures/2.1`` lands at
    ``document["figures"]["2.1"]``; ``anonymous_reports`` at the top level.
    ``shares`` maps a percentage column to the count column it was computed from
    (from unrounded counts, before the gate); it is suppressed with its count.
    """

    name: str
    rows: Sequence[Mapping[str, Any]]
    count_columns: tuple[str, ...]
    policy: str
    title_en: str
    title_nl: str
    source: str = ""
    notes: str = ""
    n: int | None = None
    shares: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Suppression:
    """One suppressed cell, and why."""

    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class DisclosedTable:
    """A table that passed the gate. Build it only with :func:`apply_rules`."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    policy: str
    title_en: str
    title_nl: str
    source: str
    notes: str
    n: int | None
    count_columns: tuple[str, ...]
    suppressed: tuple[Suppression, ...]
    threshold: int
    rounding_base: int
    _token: object = field(repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self._token is not _GATE_TOKEN:
            raise DisclosureError(
                f"Table {self.name!r} did not pass the disclosure gate. "
                "Build it with zicht.disclosure.apply_rules()."
            )

    def meta(self) -> dict[str, Any]:
        return {
            "title_en": self.title_en,
            "title_nl": self.title_nl,
            "source": self.source,
            "notes": self.notes,
            "n": self.n,
            "policy": self.policy,
            "count_columns": list(self.count_columns),
            "columns": list(self.columns),
        }

    def log_entry(self) -> dict[str, Any]:
        return {
            "table": self.name,
            "policy": self.policy,
            "threshold": self.threshold,
            "rounding_base": self.rounding_base,
            "suppressed": [s.__dict__ for s in self.suppressed],
        }


def apply_rules(
    spec: TableSpec, *, threshold: int | None = None, rounding_base: int | None = None
) -> DisclosedTable:
    """Apply the policy of ``spec``: round counts, suppress small cells, log each one."""
    settings = get_settings()
    threshold = settings.suppression_threshold if threshold is None else threshold
    base = settings.rounding_base if rounding_base is None else rounding_base
    policy = get_policy(spec.policy)
    columns = _columns(spec)
    missing = [c for c in (*spec.count_columns, *spec.shares) if c not in columns]
    if spec.rows and missing:
        raise DisclosureError(
            f"Table {spec.name!r} names columns it does not have: {', '.join(missing)}."
        )

    rows: list[dict[str, Any]] = []
    suppressed: list[Suppression] = []
    for i, source_row in enumerate(spec.rows):
        row = dict(source_row)
        for col in spec.count_columns:
            value = row.get(col)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                row[col] = None
                continue
            count = int(value)
            if policy.suppress_small and 0 < count < threshold:
                row[col] = None
                suppressed.append(Suppression(i, col, f"count below {threshold}"))
                for share, of in spec.shares.items():
                    if of == col:
                        row[share] = None
                        suppressed.append(Suppression(i, share, f"{col} suppressed"))
                continue
            row[col] = round_to_base(count, base) if policy.round_counts else count
        rows.append(row)

    if suppressed:  # table names and cell positions only: never a value
        _log.info("disclosure: table %s (%s): %d cells suppressed below %d", spec.name,
                  policy.code, len(suppressed), threshold)
    n = spec.n
    if n is not None and policy.round_counts:
        n = round_to_base(n, base)
    return DisclosedTable(
        name=spec.name,
        columns=tuple(columns),
        rows=tuple(rows),
        policy=policy.code,
        title_en=spec.title_en,
        title_nl=spec.title_nl,
        source=spec.source,
        notes=spec.notes,
        n=n,
        count_columns=spec.count_columns,
        suppressed=tuple(suppressed),
        threshold=threshold,
        rounding_base=base,
        _token=_GATE_TOKEN,
    )


def gate_statistics(
    records: Sequence[Mapping[str, Any]],
    *,
    policy: str,
    count_keys: tuple[str, ...] = ("n",),
    threshold: int | None = None,
    rounding_base: int | None = None,
) -> list[dict[str, Any]]:
    """Gate test statistics that are not tables (e.g. chi-square tests).

    The statistic itself (computed from unrounded counts, as the statistics office
    publishes it) is kept; every ``count_keys`` value is a count and is rounded like a
    table cell. A record whose count is below the threshold keeps its labels only:
    its numbers are set to None and ``suppressed`` says why (zero counts are kept).
    """
    settings = get_settings()
    threshold = settings.suppression_threshold if threshold is None else threshold
    base = settings.rounding_base if rounding_base is None else rounding_base
    rule = get_policy(policy)
    out: list[dict[str, Any]] = []
    for record in records:
        row = dict(record)
        small = [k for k in count_keys
                 if row.get(k) is not None and 0 < int(row[k]) < threshold]
        if rule.suppress_small and small:
            for key, value in record.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    row[key] = None
            row["suppressed"] = f"{small[0]} below {threshold}"
        elif rule.round_counts:
            for k in count_keys:
                if row.get(k) is not None:
                    row[k] = round_to_base(int(row[k]), base)
        out.append(row)
    return out


def _columns(spec: TableSpec) -> list[str]:
    return _columns_of(spec.rows)


def _rebuild(meta: Mapping[str, Any], name: str, rows: Sequence[Mapping[str, Any]],
             log: Mapping[str, Any]) -> DisclosedTable:
    """Rebuild a released table from a verified release (used by ``load_release``)."""
    return DisclosedTable(
        name=name,
        columns=tuple(meta.get("columns") or _columns_of(rows)),
        rows=tuple(dict(r) for r in rows),
        policy=str(meta["policy"]),
        title_en=str(meta.get("title_en", name)),
        title_nl=str(meta.get("title_nl", name)),
        source=str(meta.get("source", "")),
        notes=str(meta.get("notes", "")),
        n=meta.get("n"),
        count_columns=tuple(meta.get("count_columns", ())),
        suppressed=tuple(Suppression(**s) for s in log.get("suppressed", ())),
        threshold=int(log.get("threshold", 0)),
        rounding_base=int(log.get("rounding_base", 1)),
        _token=_GATE_TOKEN,
    )


def _columns_of(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)
