"""The capture table: how many people were seen by exactly which lists.

Cells are capture histories coded as bit masks: list ``j`` (0-based, in column order)
is bit ``j``; cell ``h`` (1 .. 2**k - 1) holds the number of people seen by exactly
the lists whose bits are set in ``h``. The all-zero history (nobody saw them) is the
hidden number and is never observed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from zicht.core.errors import EstimationError

#: Above this many lists the 2**k cells no longer fit comfortably in memory.
MAX_LISTS = 16


@dataclass(frozen=True, eq=False)
class CaptureTable:
    """Counts of capture histories over ``k`` lists (frozen; build with the ``from_*`` methods).

    ``counts[h - 1]`` is the number of people with history ``h`` (bit ``j`` = list ``j``).
    """

    lists: tuple[str, ...]
    counts: npt.NDArray[np.int64] = field(repr=False)

    def __post_init__(self) -> None:
        k = len(self.lists)
        if k < 2:
            raise EstimationError(
                f"A capture table needs at least 2 lists; got {k}. Multiple systems "
                "estimation compares overlaps between lists.", lists=k)
        if k > MAX_LISTS:
            raise EstimationError(
                f"A capture table has {k} lists; at most {MAX_LISTS} are supported. "
                "Merge small lists first (CaptureTable.collapse).", lists=k)
        if len(set(self.lists)) != k:
            raise EstimationError("List names must be unique.", lists=k)
        if self.counts.shape != (2**k - 1,):
            raise EstimationError(
                f"counts must have 2**k - 1 = {2**k - 1} cells; got {self.counts.shape}.")
        if (self.counts < 0).any():
            raise EstimationError("Counts must be non-negative.")
        self.counts.setflags(write=False)

    # ---- construction -------------------------------------------------------------
    @classmethod
    def from_histories(cls, lists: Sequence[str], histories: Iterable[Sequence[int]],
                       counts: Iterable[int]) -> CaptureTable:
        """Build from rows of 0/1 histories (one per list) and their counts; repeats add up."""
        k = len(lists)
        out = np.zeros(2**k - 1, dtype=np.int64)
        problems: list[str] = []
        for i, (hist, n) in enumerate(zip(histories, counts, strict=True), start=1):
            if len(hist) != k or any(v not in (0, 1) for v in hist):
                problems.append(f"row {i}: history must be {k} values of 0/1")
                continue
            h = sum(1 << j for j, v in enumerate(hist) if v)
            if int(n) < 0:
                problems.append(f"row {i}: count must be >= 0")
            elif h == 0:
                if int(n) > 0:
                    problems.append(f"row {i}: the all-zero history cannot be observed")
            else:
                out[h - 1] += int(n)
        if problems:
            raise EstimationError(
                "The capture table is malformed: " + "; ".join(problems[:10])
                + ". Expected one 0/1 column per list and a non-negative `count`.")
        return cls(tuple(lists), out)

    @classmethod
    def from_counts(cls, lists: Sequence[str], counts: Mapping[str, int]) -> CaptureTable:
        """Build from ``{"110": 15, ...}``: one character per list, in list order."""
        keys = list(counts)
        return cls.from_histories(lists, [[int(c) for c in key] for key in keys],
                                  [counts[key] for key in keys])

    @classmethod
    def from_csv(cls, path: str | Path, count_column: str = "count") -> CaptureTable:
        """Read a CSV with one 0/1 column per list and a ``count`` column."""
        path = Path(path)
        header, rows = _read_csv(path)
        if count_column not in header:
            raise EstimationError(
                f"{path.name} has no `{count_column}` column (columns: {header}). "
                "Expected one 0/1 column per list and a `count` column.")
        return cls.from_csv_rows(path.name, header, rows, count_column)

    @classmethod
    def from_csv_rows(cls, name: str, header: Sequence[str], rows: Sequence[Mapping[str, str]],
                      count_column: str = "count") -> CaptureTable:
        """Build from CSV rows (``csv.DictReader``): the columns of ``header`` other than
        ``count_column`` are the lists."""
        lists = [c for c in header if c != count_column]
        try:
            hist = [[int(r[c]) for c in lists] for r in rows]
            counts = [int(r[count_column]) for r in rows]
        except (TypeError, ValueError) as exc:
            raise EstimationError(
                f"{name} holds a value that is not an integer ({exc}). Expected 0/1 "
                "list columns and integer counts.") from exc
        return cls.from_histories(lists, hist, counts)

    @classmethod
    def from_frame(cls, frame: object, count_column: str = "count") -> CaptureTable:
        """Build from a pandas DataFrame shaped like the CSV."""
        import pandas as pd

        if not isinstance(frame, pd.DataFrame):
            raise EstimationError("from_frame expects a pandas DataFrame.")
        lists = [str(c) for c in frame.columns if c != count_column]
        return cls.from_histories(lists, frame[lists].to_numpy().tolist(),
                                  frame[count_column].to_numpy().tolist())

    # ---- views --------------------------------------------------------------------
    @property
    def k(self) -> int:
        """Number of lists."""
        return len(self.lists)

    @property
    def observed(self) -> int:
        """Number of people seen by at least one list."""
        return int(self.counts.sum())

    @property
    def list_totals(self) -> dict[str, int]:
        """People seen by each list (whatever else saw them)."""
        h = np.arange(1, 2**self.k)
        return {name: int(self.counts[(h >> j) & 1 == 1].sum())
                for j, name in enumerate(self.lists)}

    def with_counts(self, counts: npt.NDArray[np.int64]) -> CaptureTable:
        """The same lists with other counts (a bootstrap resample, a jackknife table)."""
        return CaptureTable(self.lists, np.asarray(counts, dtype=np.int64).copy())

    def to_rows(self, include_zero: bool = False) -> list[dict[str, int]]:
        """One dict per history (list columns then ``count``), in bit order."""
        rows = []
        for h in range(1, 2**self.k):
            n = int(self.counts[h - 1])
            if n or include_zero:
                row = {name: (h >> j) & 1 for j, name in enumerate(self.lists)}
                row["count"] = n
                rows.append(row)
        return rows

    def collapse(self, groups: Mapping[str, Sequence[str]]) -> CaptureTable:
        """Merge lists: ``{"police+kmar": ["police", "kmar"], ...}``; unnamed lists stay.

        A person is on a merged list when any of its members saw them.
        """
        members = {m for ms in groups.values() for m in ms}
        unknown = members - set(self.lists)
        if unknown:
            raise EstimationError(f"Cannot merge unknown lists {sorted(unknown)}; "
                                  f"the table has {list(self.lists)}.")
        new_lists: list[tuple[str, int]] = []
        for j, name in enumerate(self.lists):
            if name not in members:
                new_lists.append((name, 1 << j))
        for gname, ms in groups.items():
            mask = 0
            for m in ms:
                mask |= 1 << self.lists.index(m)
            new_lists.append((gname, mask))
        k2 = len(new_lists)
        out = np.zeros(2**k2 - 1, dtype=np.int64)
        for h in range(1, 2**self.k):
            h2 = sum(1 << i for i, (_, mask) in enumerate(new_lists) if h & mask)
            out[h2 - 1] += self.counts[h - 1]
        return CaptureTable(tuple(n for n, _ in new_lists), out)


def strata_from_csv(path: str | Path, stratum: str, count_column: str = "count",
                    ) -> dict[tuple[tuple[str, object], ...], CaptureTable]:
    """Read a CSV with a stratum column (e.g. ``year``), one 0/1 column per list and
    ``count``: one capture table per stratum value, keyed ``((stratum, value),)``."""
    path = Path(path)
    header, rows = _read_csv(path)
    if stratum not in header:
        raise EstimationError(f"{path.name} has no `{stratum}` column (columns: {header}). "
                              "Name the stratum column with --strata.")
    groups: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        groups.setdefault(r[stratum], []).append(r)
    if count_column not in header:
        raise EstimationError(f"{path.name} has no `{count_column}` column (columns: "
                              f"{header}).")
    fields = [c for c in header if c != stratum]
    out: dict[tuple[tuple[str, object], ...], CaptureTable] = {}
    for value in sorted(groups, key=lambda v: (len(v), v)):
        table = CaptureTable.from_csv_rows(f"{path.name} ({stratum} {value})", fields,
                                           groups[value], count_column)
        key_value: object = int(value) if value.lstrip("-").isdigit() else value
        out[((stratum, key_value),)] = table
    return out


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of a capture-table CSV; a missing file is a NotFoundError."""
    if not path.is_file():
        from zicht.core.errors import NotFoundError

        raise NotFoundError(f"Capture table {path} does not exist.", path=str(path))
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)
