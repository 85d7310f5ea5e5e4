"""One monitor run: open nothing, compute everything from an open ``ResearchStore``."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import zicht
from zicht.core.errors import ConfigError, NotFoundError
from zicht.core.table import TableSpec
from zicht.research import classify as cl
from zicht.research.monitor.base import build_base
from zicht.research.monitor.chat import chat_tables
from zicht.research.monitor.chat_circumstances import chat_circumstances
from zicht.research.monitor.dublin import dublin_tables
from zicht.research.monitor.findings import findings_table
from zicht.research.monitor.justice import justice_tables
from zicht.research.monitor.justice_detail import justice_detail_tables
from zicht.research.monitor.labour_reporter import labour_sector_by_reporter
from zicht.research.monitor.regional import regional_tables
from zicht.research.monitor.registry import SOURCE, registry_figures
from zicht.research.monitor.residence import residence_figures
from zicht.research.monitor.residence_users import residence_users_tables
from zicht.research.monitor.table import MonitorResult
from zicht.research.store import ResearchStore


@dataclass(frozen=True)
class MonitorOptions:
    """What a run computes. ``period`` (first, last year; default every year) is the
    window of chapter 2: yearly tables keep its years, figures 2.4a and 2.15 sum it.
    ``focus_year`` (figures 2.4b/c) defaults to the period's last year."""

    focus_year: int | None = None
    regional: bool = True
    period: tuple[int, int] | None = None


def within(table: TableSpec, period: tuple[int, int]) -> TableSpec:
    """``table`` with only the rows of the period's years (a table without years as it is).

    N stays when it is the total of the rows (then it is recounted), else it is dropped:
    an N over all years would not describe the rows shown."""
    first, last = period
    years = [r.get("year") for r in table.rows]
    if not any(isinstance(y, int) for y in years):
        return table
    kept = [r for r in table.rows if not isinstance(r.get("year"), int)
            or first <= r["year"] <= last]
    if len(kept) == len(table.rows):
        return table
    n = table.n
    if n is not None and table.count_columns:
        count = table.count_columns[0]
        total = sum(r.get(count) or 0 for r in table.rows)
        n = sum(r.get(count) or 0 for r in kept) if n == total else None
    return replace(table, rows=kept, n=n)


def compute_monitor(store: ResearchStore, options: MonitorOptions | None = None) -> MonitorResult:
    """Every figure of the monitor the extract and its sources allow; the rest is listed
    in ``skipped`` with the reason."""
    options = options or MonitorOptions()
    started = time.perf_counter()
    build_base(store)
    years = [r["year"] for r in store.rows("SELECT DISTINCT year FROM victim_year ORDER BY 1")]
    if not years:
        raise NotFoundError(
            "The extract holds no registered (non-anonymous) reports, so there is nothing to "
            "count. Check that `zicht extract` ran on a registry with reports."
        )
    period = options.period
    if period is not None:
        if period[0] > period[1]:
            raise ConfigError(f"--period {period[0]}-{period[1]}: the first year is after "
                              "the last.")
        years = [y for y in years if period[0] <= y <= period[1]]
        if not years:
            raise NotFoundError(f"No registered victims in the period {period[0]}-"
                                f"{period[1]}; choose years the extract covers.")
    focus = options.focus_year or years[-1]
    tables: list[TableSpec] = registry_figures(store, focus, period)
    tables += [labour_sector_by_reporter(store), *dublin_tables(store)]
    skipped: list[str] = []
    if store.has("ind_decisions"):
        tables += residence_figures(store, period)
        tables += residence_users_tables(store)
    else:
        skipped.append("figures 2.11-2.15: no sources/ind_decisions.parquet")
    if store.has("police_incidents") or store.has("justice_cases"):
        tables += justice_tables(store)
        tables += justice_detail_tables(store)
    for name in ("police_incidents", "justice_cases"):
        if not store.has(name):
            skipped.append(f"justice chain part: no sources/{name}.parquet")
    if store.has("chat_contacts"):
        tables += chat_tables(store)
        tables += chat_circumstances(store)
    else:
        skipped.append("chat signals: no sources/chat_contacts.parquet")
    if options.regional:
        tables += regional_tables(store)
    if period is not None:
        tables = [within(t, period) for t in tables]
    # Trends on the exact counts, before the gate; released as a table like any other.
    findings = findings_table(tables, source=SOURCE)
    if findings is not None:
        tables.append(findings)
    meta: dict[str, Any] = {
        "document": "monitor",
        "zicht_version": zicht.__version__,
        "rules_version": cl.RULES_VERSION,
        "snapshot_id": store.manifest.get("snapshot_id"),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "years": [years[0], years[-1]],
        "period": list(period) if period else None,
        "focus_year": focus,
        "sources": sorted(v for v in store.views if v not in ("reports", "victims")),
        "skipped": skipped,
        "seconds": round(time.perf_counter() - started, 3),
    }
    return MonitorResult(tuple(tables), meta, tuple(skipped))
