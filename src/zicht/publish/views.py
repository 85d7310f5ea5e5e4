"""What the dashboard shows, without the web framework: the published releases of a
folder, filters (year range, form), regional selections and downloads.

``PublishedSet`` re-reads the releases when their disclosure logs change, so a new
``zicht monitor`` run appears without restarting ``zicht serve``. Every table comes
from ``load_release`` (verified against the gate's log); a filter only selects rows
of a released table, so nothing unpublished can be shown.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zicht.core import codes as c
from zicht.core.errors import NotFoundError
from zicht.disclosure import DisclosedTable, Release
from zicht.publish.chapters import (
    STAGES,
    Chapter,
    all_tables,
    build_chapters,
    load_releases,
    table_slug,
)
from zicht.publish.figures import render_svg

#: Regional levels and the column that names the area in their tables.
REGION_LEVELS: dict[str, str] = {"police_unit": "police_unit", "municipality": "municipality"}


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters; ``None`` means no restriction."""

    year_from: int | None = None
    year_to: int | None = None
    form: str | None = None

    def apply(self, rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        out = []
        for r in rows:
            year = r.get("year")
            if isinstance(year, int):
                if self.year_from is not None and year < self.year_from:
                    continue
                if self.year_to is not None and year > self.year_to:
                    continue
            if self.form and "form" in r and r.get("form") != self.form:
                continue
            out.append(r)
        return out

    def key(self) -> tuple[int | None, int | None, str | None]:
        return (self.year_from, self.year_to, self.form)


class PublishedSet:
    """The releases under one folder (``monitor/``, ``linked/``, ``estimate/``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self._stamp: tuple[float, ...] | None = None
        self._releases: dict[str, Release] = {}

    def releases(self) -> dict[str, Release]:
        """The current releases, re-read when a disclosure log changed."""
        stamp = self._stamp_now()
        with self._lock:
            if stamp != self._stamp:
                self._releases = load_releases(self.directory) if self.directory.is_dir() \
                    else {}
                self._stamp = stamp
            return self._releases

    def stamp(self) -> tuple[float, ...]:
        self.releases()
        return self._stamp or ()

    def chapters(self) -> list[Chapter]:
        return build_chapters(self.releases())

    def tables(self) -> list[DisclosedTable]:
        return [t for _s, t in all_tables(self.releases())]

    def table(self, slug: str) -> DisclosedTable:
        for t in self.tables():
            if table_slug(t.name) == slug:
                return t
        raise NotFoundError(f"No published table {slug!r}. The overview lists the tables.")

    def regional_tables(self, level: str) -> list[DisclosedTable]:
        column = REGION_LEVELS.get(level)
        if column is None:
            raise NotFoundError(f"No regional level {level!r}; expected police_unit or "
                                "municipality.")
        return [t for t in self.tables()
                if t.name.startswith(f"regional/{level}") and column in t.columns]

    def region_codes(self, level: str) -> list[str]:
        """Every area that has rows in the released regional tables of ``level``."""
        column = REGION_LEVELS[level]
        found = {r.get(column) for t in self.regional_tables(level) for r in t.rows}
        order = [u.code for u in c.POLICE_UNITS] if level == "police_unit" else []
        rank = {code: i for i, code in enumerate(order)}
        return sorted((x for x in found if isinstance(x, str)),
                      key=lambda x: (rank.get(x, len(rank)), x))

    def years(self) -> list[int]:
        return sorted({r["year"] for t in self.tables() for r in t.rows
                       if isinstance(r.get("year"), int)})

    def _stamp_now(self) -> tuple[float, ...]:
        stamps = []
        for stage in STAGES:
            for folder in (self.directory / stage, self.directory):
                log = folder / "disclosure_log.json"
                if (folder / f"{stage}.json").exists() and log.exists():
                    stamps.append(log.stat().st_mtime)
                    break
            else:
                stamps.append(0.0)
        return tuple(stamps)


def region_rows(table: DisclosedTable, level: str, code: str,
                filters: Filters) -> list[Mapping[str, Any]]:
    """The rows of ``table`` for one area, filtered."""
    column = REGION_LEVELS[level]
    return filters.apply([r for r in table.rows if r.get(column) == code])


def chart_svg(table: DisclosedTable, rows: Sequence[Mapping[str, Any]], lang: str) -> str:
    """The chart of a filtered table (``render_svg`` remembers it by content)."""
    return render_svg(table, lang, rows=rows, with_title=False)


def csv_bytes(table: DisclosedTable, rows: Sequence[Mapping[str, Any]]) -> bytes:
    """A filtered table as CSV (codes as stored, suppressed cells empty)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(table.columns), extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return buf.getvalue().encode("utf-8")
