"""Benchmark of `zicht report` (issue 8): the time to publish a full monitor as
report.html, report.pdf, tables.xlsx and figures/*.svg, on this machine.

Input: the monitor release of the numpy extract of ``bench_monitor`` (15 years,
~1,300 victims a year, every figure, the justice chain, chat signals, the regional
view), plus the sample linked and estimate releases of ``tests/sample_releases.py``, so
every chapter is present. ``--quick`` uses the sample releases only.

There is no peer: the issue's budget is the whole `zicht demo` in < 2 minutes; the row
``target`` is the share this step may take of it (30 s). Wall clock and CPU seconds
(of this process and its chart workers) are both reported, as a busy shared machine
distorts the wall clock.
"""

from __future__ import annotations

import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.sample_releases import write_sample_releases

from zicht.publish.report import build_report

TARGET_SECONDS = 30.0


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _inputs(tmp: Path, quick: bool) -> tuple[Path, str]:
    releases = write_sample_releases(tmp / "in")
    if quick:
        return releases, "sample releases"
    from benchmarks.bench_monitor import build_extract
    from zicht.cli.monitor import release_monitor
    from zicht.research.monitor import compute_monitor
    from zicht.research.store import open_extract

    store = open_extract(build_extract(tmp / "extract"))
    result = compute_monitor(store)
    store.close()
    shutil.rmtree(releases / "monitor")
    release_monitor(result, releases / "monitor", charts=False)
    return releases, "monitor 15 years (numpy extract) + sample linked/estimate"


def run(quick: bool) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        releases, what = _inputs(tmp, quick)
        c0, t0 = _cpu(), time.perf_counter()
        files = build_report(releases, tmp / "out", "nl")
        wall, cpu = time.perf_counter() - t0, _cpu() - c0
        pages = 0
        if files.pdf is not None:
            from pypdf import PdfReader

            pages = len(PdfReader(files.pdf).pages)
    base = {"peer": "", "peer_value": None, "ratio": None}
    rows = [{**base, "benchmark": f"zicht report ({what}): {len(files.figures)} charts, "
             f"{pages} PDF pages, wall clock", "value": round(wall, 2), "unit": "s",
             "target": f"< {TARGET_SECONDS:.0f} s", "met": wall < TARGET_SECONDS},
            {**base, "benchmark": "zicht report, CPU seconds (all processes)",
             "value": round(cpu, 2), "unit": "s", "target": "", "met": None}]
    rows += [{**base, "benchmark": f"zicht report, step {step}", "value": round(sec, 2),
              "unit": "s", "target": "", "met": None} for step, sec in files.timings.items()]
    return rows
