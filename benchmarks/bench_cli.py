"""Benchmark of issue 17: the command line answers at once.

``zicht --help`` and ``zicht estimate uk_2013_5lists.csv --method stepwise --json`` as
processes, end to end (interpreter start, imports, work, exit), side by side with a bare
``python -c pass`` in the same run: each is timed ``repeat`` times, interleaved so load
hits them alike, and the median is reported with the bare interpreter's median beside
it, and the CPU time (user + system) of each, which other processes on a busy machine
disturb less than the wall time. Targets: < 0.3 s and < 0.5 s (wall time).
``--quick``: 3 repeats instead of 11.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

TABLE = Path(__file__).parents[1] / "src/zicht/research/estimate/data/uk_2013_5lists.csv"
ZICHT = str(Path(sys.executable).with_name("zicht"))

COMMANDS: dict[str, tuple[list[str], float]] = {
    "python -c pass": ([sys.executable, "-c", "pass"], 0.0),
    "zicht --help": ([ZICHT, "--help"], 0.3),
    "zicht estimate uk_2013_5lists.csv --method stepwise --json": (
        [ZICHT, "estimate", str(TABLE), "--method", "stepwise", "--json"], 0.5),
}


def _time(argv: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu


def run(quick: bool) -> list[dict[str, Any]]:
    repeat = 3 if quick else 11
    for argv, _ in COMMANDS.values():  # warm the file cache once
        _time(argv)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpus: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(repeat):
        for name, (argv, _target) in COMMANDS.items():
            wall, cpu = _time(argv)
            times[name].append(wall)
            cpus[name].append(cpu)
    # wall times on a shared machine say little without the load they were taken at
    load = f" [load avg {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores]"
    bare = statistics.median(times["python -c pass"])
    bare_cpu = statistics.median(cpus["python -c pass"])
    rows: list[dict[str, Any]] = [{
        "benchmark": f"cli: python -c pass (the bare interpreter; median of {repeat}){load}",
        "value": round(bare, 3), "unit": "s"}]
    for name, (_argv, target) in COMMANDS.items():
        if not target:
            continue
        median = statistics.median(times[name])
        rows.append({
            "benchmark": f"cli: {name} as a process (median of {repeat}){load}",
            "value": round(median, 3), "unit": "s",
            "peer": "python -c pass, same run", "peer_value": round(bare, 3),
            "ratio": round(bare / median, 3) if median else None,
            "target": f"< {target} s", "met": median < target,
        })
        cpu = statistics.median(cpus[name])
        rows.append({  # less sensitive to other processes than the wall time
            "benchmark": f"cli: {name}, CPU time user + system (median of {repeat})",
            "value": round(cpu, 3), "unit": "s",
            "peer": "python -c pass, same run", "peer_value": round(bare_cpu, 3),
            "ratio": round(bare_cpu / cpu, 3) if cpu else None,
        })
    return rows
