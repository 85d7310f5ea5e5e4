"""Multiple systems estimation: speed against R SparseMSE, and coverage / bias.

The peer is R SparseMSE run in the same process run on the same tables
(``benchmarks.rpeer``): ``estimatepopulation.0(method="stepwise")`` for the fit and
profile interval, ``estimatepopulation(nboot=...)`` for the bootstrap that repeats the
selection. Times are CPU seconds on both sides (R's ``system.time`` user + system, inside
R, so R's start-up is not counted; zicht's process plus its bootstrap workers): on a
shared machine wall time measures the neighbours. ``ratio`` = R time / zicht time
(> 1 = zicht faster). Without R the peer is reported as skipped.

Coverage and bias use simulated populations with a known total
(``zicht.research.estimate.simulate``: independent lists, dependent lists, and
heterogeneous capture plus dependence), stepwise selection with a BCa bootstrap that
repeats the selection.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from zicht.research.estimate import estimate, reference_table
from zicht.research.estimate.simulate import SCENARIOS, Scenario, simulate

R_PEER = "R SparseMSE (same run, CPU s)"

_R_FIT = """
suppressMessages(library(SparseMSE))
d <- read.csv(path_table)
t <- system.time(r <- estimatepopulation.0(d, method = "stepwise",
                                           quantiles = c(0.025, 0.975)))
emit("cpu", t[["user.self"]] + t[["sys.self"]])
emit("estimate", r$estimate[2]); emit("lower", r$estimate[1]); emit("upper", r$estimate[3])
"""
_R_BOOT = """
suppressMessages(library(SparseMSE))
d <- read.csv(path_table)
t <- system.time(r <- estimatepopulation(d, nboot = NBOOT, pthresh = 0.02, iseed = 2021,
                                         alpha = c(0.025, 0.975)))
emit("cpu", t[["user.self"]] + t[["sys.self"]] + t[["user.child"]] + t[["sys.child"]])
"""


def _r_peer(table: Any, script: str) -> dict[str, float] | str:
    """SparseMSE on ``table`` (the R figures), or why it was skipped."""
    from benchmarks.rpeer import r_missing, run_r

    missing = r_missing(("SparseMSE",))
    if missing:
        return missing
    import pandas as pd

    return run_r(script, {"table": pd.DataFrame(table.to_rows())})


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the bootstrap workers)."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time of ``repeat`` runs (after one warm-up)."""
    fn()
    walls, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), _cpu()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(_cpu() - c0)
    return statistics.median(walls), statistics.median(cpus)


def _row(benchmark: str, value: float, unit: str, peer: str | None = None,
         peer_value: float | None = None, target: str | None = None,
         met: bool | None = None) -> dict[str, Any]:
    ratio = round(peer_value / value, 1) if peer_value and value else None
    if unit == "s":  # wall time depends on what else runs: say how busy the machine was
        benchmark += f" [load avg {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores]"
    return {"benchmark": benchmark, "value": round(value, 4), "unit": unit, "peer": peer,
            "peer_value": peer_value, "ratio": ratio, "target": target, "met": met}


def _speed_rows(quick: bool) -> list[dict[str, Any]]:
    uk5, uk6 = reference_table("uk_2013_5lists"), reference_table("uk_2013_6lists")
    rows = []
    for name, table in (("UK 5 lists", uk5), ("UK 6 lists", uk6)):
        _, cpu = _time(lambda table=table: estimate(table, "stepwise"), 3 if quick else 10)
        r = estimate(table, "stepwise")
        peer = _r_peer(table, _R_FIT)
        if isinstance(peer, str):
            rows.append(_row(f"stepwise fit + profile interval, {name} (R skipped: {peer})",
                             cpu, "s"))
            continue
        agree = abs(r.estimate / peer["estimate"] - 1)
        rows.append(_row(f"stepwise fit + profile interval, {name}, CPU: zicht "
                         f"{r.estimate:,.1f} ({r.ci_lower:,.0f}-{r.ci_upper:,.0f}), R "
                         f"{peer['estimate']:,.1f} ({peer['lower']:,.0f}-{peer['upper']:,.0f}),"
                         f" relative difference {agree:.1e}", cpu, "s", R_PEER, peer["cpu"],
                         "no slower than R", cpu <= peer["cpu"]))
    reps = 100 if quick else 1000
    for name, table in (("UK 5 lists", uk5), ("UK 6 lists", uk6)):
        c0 = _cpu()
        r = estimate(table, "stepwise", bootstrap=reps, seed=2021)
        cpu = _cpu() - c0
        peer = _r_peer(table, _R_BOOT.replace("NBOOT", str(reps)))
        label = (f"bootstrap {reps} replicates with re-selection, {name}, CPU "
                 f"(zicht BCa {r.ci_lower:,.0f}-{r.ci_upper:,.0f})")
        if isinstance(peer, str):
            rows.append(_row(f"{label} (R skipped: {peer})", cpu, "s"))
            continue
        rows.append(_row(label, cpu, "s", R_PEER, peer["cpu"], ">= 10x faster than R",
                         peer["cpu"] / cpu >= 10))
    order = 2 if quick else 4  # quick: pairs only (1,024 models) instead of all orders
    t0, c0 = time.perf_counter(), _cpu()
    r = estimate(uk5, "bic", max_order=order)
    t, cpu = time.perf_counter() - t0, _cpu() - c0
    rows.append(_row(f"bic, interactions up to order {order}, UK 5 lists: estimate "
                     f"{r.estimate:,.2f} (CPU {cpu:.1f} s)", t, "s", None, None,
                     "< 10 s (all orders)", t < 10))
    ten = Scenario("ten", 20000, (tuple([0.05, 0.08, 0.03, 0.06, 0.04] * 2),), (1.0,),
                   ((0, 1, 3.0),))
    table = simulate(ten, 1)
    t, cpu = _time(lambda: estimate(table, "stepwise"), 1 if quick else 3)
    rows.append(_row(f"stepwise fit, 10 simulated lists (1,023 cells; CPU {cpu:.2f} s)", t, "s",
                     None, None,
                     ">= 10 lists supported", True))
    return rows


def _coverage_rows(quick: bool) -> list[dict[str, Any]]:
    seeds = 5 if quick else 50
    reps = 50 if quick else 300
    scenarios = SCENARIOS[:1] if quick else SCENARIOS
    rows = []
    for sc in scenarios:
        covered, rel_err, widths = [], [], []
        t0 = time.perf_counter()
        for s in range(seeds):
            r = estimate(simulate(sc, s), "stepwise", bootstrap=reps, seed=s)
            covered.append(r.ci_lower <= sc.total <= r.ci_upper)
            rel_err.append(r.estimate / sc.total - 1)
            widths.append((r.ci_upper - r.ci_lower) / sc.total)
        t = time.perf_counter() - t0
        name = (f"simulated '{sc.name}' (N={sc.total:,}), {seeds} seeds, stepwise + "
                f"{reps}-replicate BCa")
        rows.append(_row(f"{name}: coverage of the 95% interval", float(np.mean(covered)),
                         "share", None, None, "most seeds (>= 0.5); nominal 0.95",
                         bool(np.mean(covered) >= 0.5)))
        rows.append(_row(f"{name}: mean relative bias (median width "
                         f"{np.median(widths):.0%} of N; {t:.0f} s)",
                         float(np.mean(rel_err)), "fraction"))
    return rows


def run(quick: bool) -> list[dict[str, Any]]:
    """Speed rows, then coverage and bias rows."""
    return _speed_rows(quick) + _coverage_rows(quick)
