"""Fixtures of the monitor's tests: build a hand-made extract, run the monitor on it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from monitor_extract import ExtractBuilder, RunMonitor

from zicht.research.monitor import MonitorOptions, MonitorResult, compute_monitor
from zicht.research.store import open_extract


@pytest.fixture
def builder() -> ExtractBuilder:
    return ExtractBuilder()


@pytest.fixture
def run_monitor(tmp_path: Path) -> RunMonitor:
    """``run_monitor(builder)``: write the builder's extract and compute the monitor."""
    counter = {"n": 0}

    def run(b: ExtractBuilder, **options: Any) -> MonitorResult:
        counter["n"] += 1
        folder = b.write(tmp_path / f"extract{counter['n']}")
        store = open_extract(folder)
        try:
            return compute_monitor(store, MonitorOptions(**options))
        finally:
            store.close()

    return run

