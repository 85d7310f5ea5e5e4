"""The period every figure and chapter states (issue 14, item 6).

The seed names the period of each figure in its title ("..., 2016-2020") and its
chapters cover different windows: chapter 2 the registry's years, chapter 3 the
incidents of 2016-2020, chapter 4 2010-2020. A figure's period comes from its own rows
(a ``year`` column, or a ``period`` column such as figure 2.4a's "2010-2024"); a table
with neither (the linked analyses count persons, not years) takes its chapter's window,
which the linked release states in its ``meta.spec``. The report's title claims no
period of its own: the cover lists each chapter's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from zicht.disclosure import DisclosedTable, Release

#: Chapters whose window is a choice of the linked analyses (``LinkedSpec``), by the
#: keys of the release's ``meta.spec``.
CHAPTER_WINDOWS: dict[str, tuple[str, str]] = {
    "aid": ("aid_from", "aid_to"),
    "revictimisation": ("rv_from", "rv_to"),
}


def span(first: int, last: int) -> str:
    """``2010-2024``, or ``2024`` for one year."""
    return str(first) if first == last else f"{first}-{last}"


def rows_period(rows: Iterable[Mapping[str, Any]]) -> str:
    """The period the rows cover: their years' span, else their ``period`` values."""
    rows = list(rows)
    years = sorted({r["year"] for r in rows if isinstance(r.get("year"), int)
                    and not isinstance(r.get("year"), bool)})
    if years:
        return span(years[0], years[-1])
    periods = sorted({str(r["period"]) for r in rows if r.get("period")})
    return ", ".join(periods)


def chapter_period(key: str, tables: Iterable[DisclosedTable],
                   releases: Mapping[str, Release]) -> str:
    """A chapter's period: the linked analyses' window, else the span of its tables."""
    window = CHAPTER_WINDOWS.get(key)
    if window is not None and "linked" in releases:
        spec = releases["linked"].document.get("meta", {}).get("spec", {})
        first, last = spec.get(window[0]), spec.get(window[1])
        if isinstance(first, int) and isinstance(last, int):
            return span(first, last)
    years: set[int] = set()
    for table in tables:
        period = rows_period(table.rows)
        years.update(int(p) for part in period.split(", ") for p in part.split("-")
                     if p.isdigit())
    return span(min(years), max(years)) if years else ""


def table_period(table: DisclosedTable, chapter: str) -> str:
    """The period of one figure; its chapter's when its rows name none."""
    return rows_period(table.rows) or chapter


def with_period(title: str, period: str) -> str:
    """``title, period`` unless the title already names it (e.g. 2.4b's focus year)."""
    if not period or period in title:
        return title
    return f"{title}, {period}"
