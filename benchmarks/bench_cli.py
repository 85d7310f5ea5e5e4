"""Benchmark of issue 17: the command line answers at once.

``zicht --help`` and ``zicht estimate uk_2013_5lists.csv --method stepwise --json`` as
processes, end to end (interpreter start, imports, work, exit), side by side with a bare
``python -c pass`` in the same run: each is timed ``repeat`` times, interleaved so load
hits them alike, and the median is reported with the bare interpreter's median beside
it. Targets: < 0.3 s and < 0.5 s. ``--quick``: 3 repeats instead of 11.
"""

from __future__ import annotations

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


def _time(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - started


def run(quick: bool) -> list[dict[str, Any]]:
    repeat = 3 if quick else 11
    for argv, _ in COMMANDS.values():  # warm the file cache once
        _time(argv)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(repeat):
        for name, (argv, _target) in COMMANDS.items():
            times[name].append(_time(argv))
    bare = statistics.median(times["python -c pass"])
    rows: list[dict[str, Any]] = [{
        "benchmark": f"cli: python -c pass (the bare interpreter; median of {repeat})",
        "value": round(bare, 3), "unit": "s"}]
    for name, (_argv, target) in COMMANDS.items():
        if not target:
            continue
        median = statistics.median(times[name])
        rows.append({
            "benchmark": f"cli: {name} as a process (median of {repeat})",
            "value": round(median, 3), "unit": "s",
            "peer": "python -c pass, same run", "peer_value": round(bare, 3),
            "ratio": round(bare / median, 3) if median else None,
            "target": f"< {target} s", "met": median < target,
        })
    return rows
