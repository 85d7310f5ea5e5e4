"""`zicht demo` end to end (issue 8: < 2 minutes on this machine).

Runs the installed command in a subprocess, exactly as the README's first command does
after installing: synth at scale 1 (population register at 0.01) -> SQLite import ->
dedupe -> extract -> monitor, linked, estimate -> report with PDF. Reports wall clock,
CPU seconds and peak memory of the whole chain, and the wall time of each stage as the
demo prints it. ``--quick`` runs scale 0.2 without the PDF.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_SECONDS = 120.0
STAGE_LINE = re.compile(r"│ (\w+)\s+│\s+([\d.]+) │")


def run(quick: bool) -> list[dict[str, Any]]:
    zicht = Path(sys.executable).with_name("zicht")
    args = ["--scale", "0.2", "--no-pdf"] if quick else []
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run([str(zicht), "demo", "--out", f"{tmp}/demo", *args],
                              capture_output=True, text=True, check=True,
                              env={**os.environ, "COLUMNS": "100"})
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    what = "scale 0.2, no PDF" if quick else "scale 1, with PDF"
    rows: list[dict[str, Any]] = [
        {"benchmark": f"zicht demo end to end ({what}), load {load:.1f}",
         "value": round(wall, 1), "unit": "s wall", "target": f"< {TARGET_SECONDS:.0f} s",
         "met": wall < TARGET_SECONDS},
        {"benchmark": "zicht demo CPU time (all processes)", "value": round(cpu, 1),
         "unit": "CPU s"},
        {"benchmark": "zicht demo peak memory (largest process)",
         "value": round(after.ru_maxrss / 1024**2, 2), "unit": "GB"},
    ]
    for stage, seconds in STAGE_LINE.findall(done.stdout):
        if stage != "total":
            rows.append({"benchmark": f"  stage {stage}", "value": float(seconds),
                         "unit": "s wall"})
    return rows
