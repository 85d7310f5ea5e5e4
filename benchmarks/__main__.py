"""Run the benchmarks, print one table and write ``benchmarks/results.json``.

Each ``benchmarks/bench_*.py`` module exposes ``run(quick: bool) -> list[Row]``.
A row compares zicht with the peer named in its issue where there is one, side by
side in the same run, and with the issue's target.

    python -m benchmarks                 # everything, full size
    python -m benchmarks estimate --quick
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).parent


def _modules() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"subset of: {', '.join(_modules())}")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")

    parser.add_argument("--rows-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    names = args.names or _modules()
    if args.rows_only:  # a child of the run below: one suite, rows to --out, no table
        rows = [{"suite": n, **row} for n in names
                for row in importlib.import_module(f"benchmarks.bench_{n}").run(args.quick)]
        args.out.write_text(json.dumps(rows, default=str))
        return
    rows = []
    console = Console()
    for name in names:
        started = time.perf_counter()
        with console.status(f"benchmark {name} ..."):
            rows += _run_alone(name, args.quick)
        console.print(f"[dim]{name}: {time.perf_counter() - started:.1f} s[/]")

    table = Table(title="zicht benchmarks")
    columns = ("suite", "benchmark", "value", "unit", "peer", "peer_value", "ratio",
               "target", "met")
    for col in columns:
        table.add_column(col)
    for r in rows:
        table.add_row(*(_fmt(r.get(c)) for c in
                        ("suite", "benchmark", "value", "unit", "peer", "peer_value", "ratio",
                         "target", "met")))
    console.print(table)
    doc = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": {"python": platform.python_version(), "cpu_count": _cpus(),
                    "platform": platform.platform()},
        "quick": args.quick,
        "rows": rows,
    }
    args.out.write_text(json.dumps(doc, indent=2, default=str))
    console.print(f"written {args.out}")


def _run_alone(name: str, quick: bool) -> list[dict[str, Any]]:
    """One suite in its own process: its peak memory and CPU figures (read from
    ``RUSAGE_CHILDREN``) then cannot include an earlier suite's."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rows.json"
        subprocess.run([sys.executable, "-m", "benchmarks", name, "--rows-only", "--out",
                        str(out), *(["--quick"] if quick else [])], check=True,
                       cwd=HERE.parent)
        rows: list[dict[str, Any]] = json.loads(out.read_text())
    return rows


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


if __name__ == "__main__":
    main()
