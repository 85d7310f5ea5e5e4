"""One monitor run: open nothing, compute everything from an open ``ResearchStore``."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import zicht
from zicht.core.errors import NotFoundError
from zicht.core.table import TableSpec
from zicht.research import classify as cl
from zicht.research.monitor.base import build_base
from zicht.research.monitor.chat import chat_tables
from zicht.research.monitor.findings import findings_table
from zicht.research.monitor.justice import justice_tables
from zicht.research.monitor.regional import regional_tables
from zicht.research.monitor.registry import SOURCE, registry_figures
from zicht.research.monitor.residence import residence_figures
from zicht.research.monitor.table import MonitorResult
from zicht.research.store import ResearchStore


@dataclass(frozen=True)
class MonitorOptions:
    """What a run computes. ``focus_year`` (figures 2.4b/c) defaults to the last year."""

    focus_year: int | None = None
    regional: bool = True


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
    focus = options.focus_year or years[-1]
    tables: list[TableSpec] = registry_figures(store, focus)
    skipped: list[str] = []
    if store.has("ind_decisions"):
        tables += residence_figures(store)
    else:
        skipped.append("figures 2.11-2.15: no sources/ind_decisions.parquet")
    if store.has("police_incidents") or store.has("justice_cases"):
        tables += justice_tables(store)
    for name in ("police_incidents", "justice_cases"):
        if not store.has(name):
            skipped.append(f"justice chain part: no sources/{name}.parquet")
    if store.has("chat_contacts"):
        tables += chat_tables(store)
    else:
        skipped.append("chat signals: no sources/chat_contacts.parquet")
    if options.regional:
        tables += regional_tables(store)
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
        "focus_year": focus,
        "sources": sorted(v for v in store.views if v not in ("reports", "victims")),
        "skipped": skipped,
        "seconds": round(time.perf_counter() - started, 3),
    }
    return MonitorResult(tuple(tables), meta, tuple(skipped))
