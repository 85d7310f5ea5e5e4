"""The disclosure gate: the only way a research result becomes publishable.

Research stages hand in a ``TableSpec`` (tidy rows plus which columns are counts);
``apply_rules`` returns a ``DisclosedTable``, the only type the release writer and
``zicht.publish`` accept. A ``DisclosedTable`` cannot be built outside this module.
The policy comes from the table's name (``rules.py``), never from the caller, and the
threshold and rounding base never go below the floor, whatever the settings say.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from zicht.core.config import get_settings
from zicht.core.errors import DisclosureError
from zicht.core.table import TableSpec
from zicht.disclosure.rules import (
    check_floor,
    get_policy,
    get_population,
    policy_for,
    round_to_base,
    rule_for,
)

_GATE_TOKEN = object()  # only this module holds it
_log = logging.getLogger(__name__)


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
    population: str
    title_en: str
    title_nl: str
    source: str
    notes: str
    n: int | None
    count_columns: tuple[str, ...]
    suppressed: tuple[Suppression, ...]
    threshold: int
    rounding_base: int
    #: Columns crossed completely per year, zeros included (a suppressed cell may be 0).
    grid: tuple[str, ...] = ()
    #: The notes in Dutch (the Dutch edition never shows the English ``notes``).
    notes_nl: str = ""
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
            "notes_nl": self.notes_nl,
            "n": self.n,
            "policy": self.policy,
            "population": self.population,
            "count_columns": list(self.count_columns),
            "columns": list(self.columns),
        }

    def notes_in(self, lang: str) -> str:
        """The notes in ``lang``: Dutch or nothing in the Dutch edition."""
        return self.notes_nl if lang == "nl" else self.notes

    def policy_text(self, lang: str = "en") -> str:
        """The policy in words, with the threshold and rounding base this table got."""
        return get_policy(self.policy).describe(self.threshold, self.rounding_base, lang)

    def log_entry(self) -> dict[str, Any]:
        return {
            "table": self.name,
            "policy": self.policy,
            "population": self.population,
            "threshold": self.threshold,
            "rounding_base": self.rounding_base,
            "grid": list(self.grid),
            "suppressed": [s.__dict__ for s in self.suppressed],
        }


def gate_parameters(threshold: int | None = None,
                    rounding_base: int | None = None) -> tuple[int, int]:
    """The threshold and rounding base to apply: the argument, else the setting; either
    below the floor is refused, naming the variable or option it came from."""
    settings = get_settings()
    check_floor(
        settings.suppression_threshold if threshold is None else threshold,
        settings.rounding_base if rounding_base is None else rounding_base,
        threshold_from="ZICHT_SUPPRESSION_THRESHOLD" if threshold is None else "--threshold",
        rounding_from="ZICHT_ROUNDING_BASE" if rounding_base is None else "rounding_base",
    )
    return (settings.suppression_threshold if threshold is None else threshold,
            settings.rounding_base if rounding_base is None else rounding_base)


def apply_rules(
    spec: TableSpec, *, threshold: int | None = None, rounding_base: int | None = None
) -> DisclosedTable:
    """Apply the policy of the table's population: round counts, suppress small cells,
    log each one. The policy is looked up from ``spec.name`` in ``rules.py``."""
    if not isinstance(spec, TableSpec):
        raise DisclosureError(
            f"apply_rules() takes a zicht.core.TableSpec without a policy, got "
            f"{type(spec).__name__}: the gate decides the policy (disclosure/rules.py).")
    threshold, base = gate_parameters(threshold, rounding_base)
    policy = policy_for(spec.name)
    rule = rule_for(spec.name)
    if rule.grid:
        spec = _complete_grid(spec, rule.grid)
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
            if policy.suppress_small and (count > 0 or rule.grid) and count < threshold:
                row[col] = None
                suppressed.append(Suppression(i, col, f"count below {threshold}"))
                for share, of in spec.shares.items():
                    if of == col:
                        row[share] = None
                        suppressed.append(Suppression(i, share, f"{col} suppressed"))
                continue
            row[col] = round_to_base(count, base) if policy.round_counts else count
        if policy.round_counts:
            _shares_from_released(row, source_row, spec.shares, base)
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
        population=rule.population,
        title_en=spec.title_en,
        title_nl=spec.title_nl,
        source=spec.source,
        notes=spec.notes,
        notes_nl=spec.notes_nl,
        n=n,
        count_columns=spec.count_columns,
        suppressed=tuple(suppressed),
        threshold=threshold,
        rounding_base=base,
        grid=rule.grid,
        _token=_GATE_TOKEN,
    )


def gate_statistics(
    records: Sequence[Mapping[str, Any]],
    *,
    population: str,
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
    threshold, base = gate_parameters(threshold, rounding_base)
    rule = get_policy(get_population(population).policy)
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


def suppress_cells(table: DisclosedTable, cells: Sequence[tuple[int, str]],
                   reason: str) -> DisclosedTable:
    """The table with more cells suppressed (secondary suppression), each logged."""
    rows = [dict(r) for r in table.rows]
    added = []
    for i, column in cells:
        rows[i][column] = None
        added.append(Suppression(i, column, reason))
    return replace(table, rows=tuple(rows), suppressed=(*table.suppressed, *added))


def check_invariants(table: DisclosedTable) -> None:
    """Refuse a released table that its policy could not have produced: a policy other
    than the one its name gets today, a threshold or base below the floor, or a count
    that is neither suppressed, zero nor a rounded count at or above the threshold."""
    expected = policy_for(table.name)
    if table.policy != expected.code or table.grid != rule_for(table.name).grid:
        raise DisclosureError(
            f"Released table {table.name!r} has policy {table.policy!r} (grid "
            f"{list(table.grid)}), but the gate's rules give it {expected.code!r} (grid "
            f"{list(rule_for(table.name).grid)}). Re-run the stage that released it.")
    if not (expected.round_counts or expected.suppress_small):
        return
    check_floor(table.threshold, table.rounding_base,
                threshold_from=f"the threshold of {table.name!r}",
                rounding_from=f"the rounding base of {table.name!r}")
    cells = [(i, col, row.get(col)) for i, row in enumerate(table.rows)
             for col in table.count_columns]
    if table.n is not None:
        cells.append((-1, "n", table.n))
    for i, col, value in cells:
        if value is None or (value == 0 and not (table.grid and i >= 0)):
            continue
        if (not isinstance(value, int) or value < table.threshold
                or value % table.rounding_base):
            where = "its N" if i < 0 else f"row {i + 1}, column {col!r}"
            raise DisclosureError(
                f"Released table {table.name!r} ({table.policy}) has {where} = {value}, "
                f"which is not a count rounded to {table.rounding_base} at or above "
                f"{table.threshold}. Re-run the stage that released it.")


def is_share(column: str) -> bool:
    """A percentage of a count (not a mean or a survival estimate)."""
    return "share" in column or column.endswith("_rate")


def _shares_from_released(row: dict[str, Any], source: Mapping[str, Any],
                          shares: Mapping[str, str], base: int) -> None:
    """Recompute each percentage from the released (rounded) count and the rounded
    denominator: one decimal of a share of unrounded counts pins a small denominator,
    and with it the exact counts. The denominator is the one the share was computed
    on (count / share), so the share means what it meant, to the rounding."""
    for column, of in shares.items():
        share, count, released = source.get(column), source.get(of), row.get(of)
        if not is_share(column) or row.get(column) is None or released is None \
                or not isinstance(share, (int, float)) or count is None:
            continue
        if share <= 0 or int(count) == 0:
            row[column] = 0.0
            continue
        denominator = round_to_base(round(100 * int(count) / share), base)
        row[column] = round(100 * released / denominator, 1) if denominator else None


def _complete_grid(spec: TableSpec, grid: tuple[str, ...]) -> TableSpec:
    """List every combination of the values the ``grid`` columns take in any year, in
    every year, adding zero rows: a missing row no longer says "exactly 0", and being
    listed in a year no longer says "at least one"."""
    seen: dict[Any, list[dict[str, Any]]] = {}
    for row in spec.rows:
        seen.setdefault(row.get("year"), []).append(dict(row))
    values = [list(dict.fromkeys(r.get(g) for r in spec.rows)) for g in grid]
    rows: list[dict[str, Any]] = []
    for year, year_rows in seen.items():
        listed = {tuple(r.get(g) for g in grid): r for r in year_rows}
        if len(listed) != len(year_rows):
            raise DisclosureError(
                f"Table {spec.name!r} has two rows for one {' x '.join(grid)} in {year}; "
                "a grid table has one row per combination.")
        for combo in _product(values):
            found = listed.get(combo)
            rows.append(found if found is not None else
                        {"year": year, **dict(zip(grid, combo, strict=True)),
                         **dict.fromkeys(spec.count_columns, 0)})
    return replace(spec, rows=tuple(rows))


def _product(values: list[list[Any]]) -> list[tuple[Any, ...]]:
    combos: list[tuple[Any, ...]] = [()]
    for options in values:
        combos = [(*c, v) for c in combos for v in options]
    return combos


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
        population=str(meta.get("population", "")),
        title_en=str(meta.get("title_en", name)),
        title_nl=str(meta.get("title_nl", name)),
        source=str(meta.get("source", "")),
        notes=str(meta.get("notes", "")),
        notes_nl=str(meta.get("notes_nl", "")),
        n=meta.get("n"),
        count_columns=tuple(meta.get("count_columns", ())),
        suppressed=tuple(Suppression(**s) for s in log.get("suppressed", ())),
        threshold=int(log.get("threshold", 0)),
        rounding_base=int(log.get("rounding_base", 1)),
        grid=tuple(log.get("grid", ())),
        _token=_GATE_TOKEN,
    )


def _columns_of(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)
