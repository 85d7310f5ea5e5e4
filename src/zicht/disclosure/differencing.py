"""Differencing: can a suppressed cell be worked out from the other released tables?

An attacker holds every released table. For each cell he knows an interval: an exact
count is itself; a rounded count ``r`` (base ``b``, threshold ``t``) is the true
counts that round to ``r`` and are at least ``t``; a cell suppressed for being small
is ``1 .. t-1`` (``0 .. t-1`` in a grid table, which lists zeros too); a cell
suppressed to protect another is ``t ..`` (only published counts are chosen); a row a
table does not list is 0 (tables list every non-zero cell).

Tables that count the same unit ("universe", declared per count column in
``rules.TABLE_RULES``) add up over the columns they share: for two such tables and
every value of their shared columns, the sum of the cells of one equals the sum of the
cells of the other (a margin, a total, a finer table against a coarser one, the same
table twice under two names). ``audit`` tightens every interval by propagating these
equations until nothing changes and reports each suppressed cell whose interval has
shrunk to one value: that cell is recoverable exactly.

Interval propagation is sound (an interval it derives always holds the true value) and
finds every recovery by subtraction, also chained through several tables. It is not a
full linear-programming audit: a pattern that only a simultaneous solution of many
equations pins down could escape it (docs/disclosure.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from zicht.core.errors import DisclosureError
from zicht.disclosure.gate import DisclosedTable, suppress_cells
from zicht.disclosure.rules import get_policy, rounding_interval, rule_for

#: An upper bound no count reaches; stands for "unbounded" without float infinities.
UNBOUNDED = 10**12
#: The reason the gate logs for a cell suppressed to protect another one.
SECONDARY = "suppressed to protect another cell against differencing"

Cell = tuple[str, int, str]  # (table, row index, count column)


@dataclass(frozen=True)
class Recovered:
    """A suppressed cell whose value follows exactly from the released tables."""

    table: str
    row: int
    column: str
    value: int
    keys: tuple[tuple[str, Any], ...]  # the cell's dimension values, for the message

    def describe(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.keys)
        return f"{self.table} [{where}] {self.column}"


@dataclass
class Audit:
    """The intervals of every cell after propagation and the equations used.

    ``conflicts`` counts equations the released numbers cannot satisfy: zero for a
    correct release and correct ``additive`` declarations (a test checks the demo)."""

    bounds: dict[Cell, tuple[int, int]]
    suppressed: dict[Cell, str]  # cell -> reason
    equations: list[list[tuple[Cell, int]]]
    keys: dict[Cell, tuple[tuple[str, Any], ...]]
    conflicts: int = 0

    def recovered(self) -> list[Recovered]:
        out = []
        for cell in self.suppressed:
            lo, hi = self.bounds[cell]
            if lo == hi:
                out.append(Recovered(*cell, value=lo, keys=self.keys[cell]))
        return sorted(out, key=lambda r: (r.table, r.row, r.column))

    def equations_of(self, cell: Cell) -> list[list[tuple[Cell, int]]]:
        return [eq for eq in self.equations if any(c == cell for c, _ in eq)]


def dimensions(table: DisclosedTable) -> tuple[str, ...]:
    """The columns that classify a table's rows: all but counts, shares and means."""
    derived = {c for c in table.columns if c in table.count_columns}
    derived |= {c for c in table.columns if c.endswith(("share", "_rate", "mean_age"))}
    return tuple(c for c in table.columns if c not in derived)


def cell_bounds(table: DisclosedTable, row: int, column: str,
                reasons: dict[tuple[int, str], str]) -> tuple[int, int]:
    """What a reader of the released table knows about one cell."""
    value = table.rows[row].get(column)
    if value is None:
        reason = reasons.get((row, column), "")
        if reason.startswith("count below"):  # a grid lists zeros, suppressed too
            return (0 if table.grid else 1), table.threshold - 1
        if reason == SECONDARY:  # only published counts are chosen, so at least t
            return table.threshold, UNBOUNDED
        return 0, UNBOUNDED
    count = int(value)
    policy = get_policy(table.policy)
    if not policy.round_counts or count == 0:
        return count, count
    lo, hi = rounding_interval(count, table.rounding_base)
    return (max(lo, table.threshold) if policy.suppress_small else max(lo, 0)), hi


def audit(tables: Iterable[DisclosedTable]) -> Audit:
    """Propagate the additive relations of ``tables`` and return every cell's interval."""
    by_universe: dict[str, list[tuple[DisclosedTable, str, tuple[str, ...]]]] = \
        defaultdict(list)
    bounds: dict[Cell, tuple[int, int]] = {}
    suppressed: dict[Cell, str] = {}
    keys: dict[Cell, tuple[tuple[str, Any], ...]] = {}
    for table in tables:
        additive = rule_for(table.name).additive
        if not additive:
            continue
        reasons = {(s.row, s.column): s.reason for s in table.suppressed}
        dims = dimensions(table)
        for column, universe in additive.items():
            if column not in table.columns:
                continue
            by_universe[universe].append((table, column, dims))
            for i, row in enumerate(table.rows):
                cell = (table.name, i, column)
                bounds[cell] = cell_bounds(table, i, column, reasons)
                keys[cell] = tuple((d, row.get(d)) for d in dims)
                if row.get(column) is None and (i, column) in reasons:
                    suppressed[cell] = reasons[(i, column)]
    equations: list[list[tuple[Cell, int]]] = []
    for members in by_universe.values():
        for (a, col_a, dims_a), (b, col_b, dims_b) in combinations(members, 2):
            shared = tuple(d for d in dims_a if d in dims_b)
            equations.extend(_margin_equations(a, col_a, b, col_b, shared))
    conflicts = _propagate(bounds, equations)
    return Audit(bounds, suppressed, equations, keys, conflicts)


def recoverable(tables: Iterable[DisclosedTable]) -> list[Recovered]:
    """Every suppressed cell of ``tables`` that the tables together give away exactly."""
    return audit(tables).recovered()


def _margin_equations(a: DisclosedTable, col_a: str, b: DisclosedTable, col_b: str,
                      shared: tuple[str, ...]) -> list[list[tuple[Cell, int]]]:
    """For every value of the shared columns: sum of a's cells - sum of b's cells = 0."""
    groups: dict[tuple[Any, ...], list[tuple[Cell, int]]] = defaultdict(list)
    for table, column, sign in ((a, col_a, 1), (b, col_b, -1)):
        for i, row in enumerate(table.rows):
            key = tuple(_norm(row.get(d)) for d in shared)
            groups[key].append(((table.name, i, column), sign))
    return list(groups.values())


def _norm(value: Any) -> Any:
    return str(value) if value is not None else None


def _propagate(bounds: dict[Cell, tuple[int, int]],
               equations: Sequence[list[tuple[Cell, int]]]) -> int:
    """Tighten ``bounds`` with every equation ``sum(sign * cell) = 0`` until stable;
    return how many times an equation could not be met."""
    touching: dict[Cell, list[int]] = defaultdict(list)
    for k, eq in enumerate(equations):
        for cell, _ in eq:
            touching[cell].append(k)
    queue = list(range(len(equations)))
    queued = set(queue)
    conflicts = 0
    budget = 1000 * (len(equations) + 1)  # bounds only shrink; this only stops a runaway
    while queue and budget:
        budget -= 1
        k = queue.pop()
        queued.discard(k)
        eq = equations[k]
        terms = [_term(bounds[c], s) for c, s in eq]
        low = sum(t[0] for t in terms)
        high = sum(t[1] for t in terms)
        for (cell, sign), (t_lo, t_hi) in zip(eq, terms, strict=True):
            # sign * x = -(sum of the other terms)
            rest_lo, rest_hi = low - t_lo, high - t_hi
            if rest_hi >= UNBOUNDED // 2 and rest_lo <= -UNBOUNDED // 2:
                continue
            lo, hi = bounds[cell]
            if sign > 0:
                new = (max(lo, -rest_hi), min(hi, -rest_lo))
            else:
                new = (max(lo, rest_lo), min(hi, rest_hi))
            if new[0] > new[1]:
                conflicts += 1
            elif new != (lo, hi):
                bounds[cell] = new
                for other in touching[cell]:
                    if other not in queued:
                        queued.add(other)
                        queue.append(other)
    return conflicts


def _term(bound: tuple[int, int], sign: int) -> tuple[int, int]:
    lo, hi = bound
    return (lo, hi) if sign > 0 else (-hi, -lo)


def protect(tables: Sequence[DisclosedTable], released: Sequence[DisclosedTable] = (),
            *, max_rounds: int = 50) -> list[DisclosedTable]:
    """Secondary suppression: while a suppressed cell of ``tables`` can be recovered from
    ``tables`` and the ``released`` ones (earlier stages of the same release), suppress
    the smallest published cell of a protected table of ``tables`` that shares an
    equation with it. Refuse (``DisclosureError``) what cannot be protected that way."""
    current = {t.name: t for t in tables}
    for _ in range(max_rounds):
        result = audit([*released, *current.values()])
        leaks = result.recovered()
        if not leaks:
            return [current[t.name] for t in tables]
        chosen: dict[str, set[tuple[int, str]]] = defaultdict(set)
        for leak in leaks:
            partner = _partner(result, (leak.table, leak.row, leak.column), current)
            if partner is None:
                raise DisclosureError(
                    f"The release would give away the suppressed cell {leak.describe()} "
                    "by differencing with other released tables, and no published cell "
                    "of a protected table of this stage shares an equation with it. "
                    "Change the table's rule in zicht/disclosure/rules.py (docs/disclosure.md).")
            chosen[partner[0]].add((partner[1], partner[2]))
        for name, cells in chosen.items():
            current[name] = suppress_cells(current[name], sorted(cells), SECONDARY)
    raise DisclosureError(f"Secondary suppression did not settle in {max_rounds} rounds.")


def _partner(result: Audit, cell: Cell,
             current: dict[str, DisclosedTable]) -> Cell | None:
    """The smallest published protected cell of this stage in an equation with ``cell``."""
    candidates = []
    for eq in result.equations_of(cell):
        for other, _ in eq:
            table = current.get(other[0])
            if other == cell or table is None or not get_policy(table.policy).suppress_small:
                continue
            value = table.rows[other[1]].get(other[2])
            if value:  # published and not zero: zeros and gaps give nothing to hide behind
                candidates.append((int(value), other))
    return min(candidates)[1] if candidates else None


def main(argv: Sequence[str]) -> int:
    """``python -m zicht.disclosure.differencing RELEASED_DIR``: the check over every
    verified stage of a release folder; exit 1 when a cell is recoverable."""
    from pathlib import Path

    from zicht.disclosure.release import LOG_NAME, load_release

    root = Path(argv[0])
    tables = [t for folder in sorted(root.iterdir()) if (folder / LOG_NAME).is_file()
              for t in load_release(folder, folder.name).tables]
    result = audit(tables)
    leaks = result.recovered()
    print(f"{len(tables)} tables, {len(result.suppressed)} suppressed cells in tables that "
          f"add up, {len(result.equations)} equations, {result.conflicts} conflicts: "
          f"{len(leaks)} recoverable")
    for leak in leaks[:20]:
        print(f"  {leak.describe()} = {leak.value}")
    return 1 if leaks else 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
