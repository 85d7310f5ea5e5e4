"""BMA over decomposable graphs: zicht ``fit_bma`` against R ``dga::bma.cr``, same run.

For each reference table (artificial 3 lists, HIV 4 lists, UK 5 lists) both sides use
the same grid of the number missing (``0 .. 20 * observed``), ``delta = 2**-k`` and the
``1/N`` prior; the quantile rule is the same (smallest N whose posterior CDF reaches q).
R's time is ``system.time(bma.cr(...))`` inside R (graphs preloaded with ``data()``),
zicht's the whole ``fit_bma`` call after one warm-up (graph list cached); both are the
median of a few repeats, wall time; CPU time is shown beside it. A 3-list call takes
about a millisecond, R's clock step: there each timing covers ``INNER`` calls on both
sides and is divided by it.

At 6 lists dga has no graph list; zicht's 18,154 enumerated graphs are handed to
``bma.cr`` so that R checks zicht's 6-list posterior too (on a grid with step 10 to keep
R's 18,154-row weight matrix in memory). The 6-list estimate is also set beside the
5-list merge (police forces and NCA merged) for plausibility.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.rpeer import r_missing, run_r
from zicht.research.estimate import CaptureTable, reference_table
from zicht.research.estimate.bma import fit_bma
from zicht.research.estimate.decomposable import DecomposableGraph, decomposable_edge_masks

PEER = "R dga 2.0.2 bma.cr"
TABLES = (("artificial 3 lists", "artificial_3lists"), ("HIV 4 lists", "rcapture_hiv_4lists"),
          ("UK 5 lists", "uk_2013_5lists"))
#: Calls per timing, per table (same on both sides).
INNER = {"artificial_3lists": 200, "rcapture_hiv_4lists": 5, "uk_2013_5lists": 1}

R_SCRIPT = """
suppressMessages(library(dga))
d <- read.csv(path_table); p <- ncol(d) - 1
Y <- array(0, dim = rep(2, p))
for (r in seq_len(nrow(d))) Y[matrix(as.integer(d[r, 1:p]) + 1, 1)] <- d$count[r]
n <- sum(Y)
Nm <- seq(0, GRID_TO, by = GRID_BY)
if (exists("path_graphs")) {
  lines <- read.csv(path_graphs, colClasses = "character")$g
  sets <- function(s) lapply(strsplit(s, ",")[[1]],
                              function(x) as.numeric(strsplit(x, "")[[1]]))
  graphs <- lapply(strsplit(lines, "|", fixed = TRUE), function(parts)
    if (length(parts) > 1) list(C = sets(parts[1]), S = sets(parts[2]))
    else list(C = sets(parts[1])))
} else {
  e <- new.env(); data(list = paste0("graphs", p), envir = e)
  graphs <- get(paste0("graphs", p), envir = e)
}
walls <- c(); cpus <- c()
for (i in 1:REPEAT) {
  t <- system.time(for (j in 1:INNER) w <- bma.cr(Y, Nm, 2^-p, graphs)) / INNER
  walls <- c(walls, t[["elapsed"]]); cpus <- c(cpus, t[["user.self"]] + t[["sys.self"]])
}
post <- colSums(w); cdf <- cumsum(post)
q <- function(a) Nm[which(cdf >= a)[1]] + n
emit("q025", q(0.025)); emit("median", q(0.5)); emit("q975", q(0.975))
emit("mean", sum((Nm + n) * post)); emit("top", max(rowSums(w)))
emit("wall", median(walls)); emit("cpu", median(cpus))
"""


def _cpu() -> float:
    return time.process_time()


def _time(fn: Callable[[], Any], repeat: int, inner: int = 1) -> tuple[float, float, Any]:
    """Median wall and CPU time of one call, each timing over ``inner`` calls."""
    result = fn()
    walls, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), _cpu()
        for _ in range(inner):
            result = fn()
        walls.append((time.perf_counter() - t0) / inner)
        cpus.append((_cpu() - c0) / inner)
    return statistics.median(walls), statistics.median(cpus), result


def _row(benchmark: str, value: float | None, unit: str, peer: str | None = None,
         peer_value: float | None = None, ratio: float | None = None,
         target: str | None = None, met: bool | None = None) -> dict[str, Any]:
    if unit == "s":
        benchmark += f" [load avg {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores]"
    return {"benchmark": benchmark, "value": None if value is None else round(value, 4),
            "unit": unit, "peer": peer, "peer_value": peer_value,
            "ratio": None if ratio is None else round(ratio, 1), "target": target,
            "met": met}


def _frame(table: CaptureTable) -> pd.DataFrame:
    return pd.DataFrame(table.to_rows())


def _r(table: CaptureTable, grid_to: float, grid_by: float, repeat: int,
       graphs: pd.DataFrame | None = None, inner: int = 1) -> dict[str, float]:
    script = (R_SCRIPT.replace("GRID_TO", repr(float(grid_to)))
              .replace("GRID_BY", repr(float(grid_by))).replace("REPEAT", str(repeat))
              .replace("INNER", str(inner)))
    data = {"table": _frame(table)}
    if graphs is not None:
        data["graphs"] = graphs
    return run_r(script, data)


def _agreement_rows(name: str, ours: Any, peer: dict[str, float]) -> list[dict[str, Any]]:
    rows = []
    for label, mine, key in (("posterior median", ours.estimate, "median"),
                             ("2.5% quantile", ours.ci_lower, "q025"),
                             ("97.5% quantile", ours.ci_upper, "q975")):
        rel = abs(mine / peer[key] - 1)
        rows.append(_row(f"BMA {name}: {label} (relative difference {rel:.2%})", mine, "N",
                         PEER, peer[key], None, "within 1% of dga", rel <= 0.01))
    return rows


def _graph_lines(k: int) -> pd.DataFrame:
    def sets(masks: tuple[int, ...]) -> str:
        return ",".join("".join(str(j + 1) for j in range(k) if m >> j & 1) for m in masks)
    lines = []
    for e in decomposable_edge_masks(k):
        g = DecomposableGraph.from_edges(int(e), k)
        lines.append(sets(g.cliques) + ("|" + sets(g.separators) if g.separators else ""))
    return pd.DataFrame({"g": lines})


def run(quick: bool) -> list[dict[str, Any]]:
    """Agreement and speed for 3-5 lists; the 6-list table checked by R and by the merge."""
    repeat = 1 if quick else 3
    missing = r_missing(("dga",))
    return small_tables(repeat, missing) + _six_lists(repeat, missing)


def small_tables(repeat: int, missing: str | None) -> list[dict[str, Any]]:
    """Agreement with dga and speed on the 3-, 4- and 5-list reference tables."""
    rows: list[dict[str, Any]] = []
    for name, ref in TABLES:
        table = reference_table(ref)
        grid = np.arange(0, 20 * table.observed + 1)
        inner = INNER[ref]
        wall, cpu, ours = _time(lambda t=table, g=grid: fit_bma(t, n_missing=g), repeat, inner)
        if missing:
            rows.append(_row(f"BMA {name}: fit_bma, grid 0..{grid[-1]:,} (CPU {cpu:.3f} s; "
                             f"median {ours.estimate:,.0f}, {ours.ci_lower:,.0f}-"
                             f"{ours.ci_upper:,.0f})", wall, "s", f"{PEER}: skipped "
                             f"({missing})"))
            continue
        peer = _r(table, grid[-1], 1, repeat, inner=inner)
        rows += _agreement_rows(name, ours, peer)
        ratio = peer["wall"] / wall
        rows.append(_row(f"BMA {name}: fit_bma vs bma.cr, {ours.n_graphs} graphs x "
                         f"{grid.size:,} grid points, per call (timed over {inner}; CPU zicht "
                         f"{cpu:.4f} s, R "
                         f"{peer['cpu']:.4f} s: {peer['cpu'] / cpu:.1f}x)", wall, "s", PEER,
                         peer["wall"], ratio, ">= 5x faster than dga", ratio >= 5))
    return rows


def _six_lists(repeat: int, missing: str | None) -> list[dict[str, Any]]:
    uk6, uk5 = reference_table("uk_2013_6lists"), reference_table("uk_2013_5lists")
    rows: list[dict[str, Any]] = []
    decomposable_edge_masks.cache_clear()
    t0 = time.perf_counter()
    decomposable_edge_masks(6)
    rows.append(_row("enumerate the 18,154 decomposable graphs on 6 lists (cold)",
                     time.perf_counter() - t0, "s", None, None, None,
                     "OEIS A058862: 18,154", len(decomposable_edge_masks(6)) == 18154))
    wall, cpu, exact = _time(lambda: fit_bma(uk6), repeat)
    five = fit_bma(uk5)
    rows.append(_row(f"BMA UK 6 lists, all 18,154 graphs, default grid: median "
                     f"{exact.estimate:,.0f} ({exact.ci_lower:,.0f}-{exact.ci_upper:,.0f}); "
                     f"5-list merge {five.estimate:,.0f} ({five.ci_lower:,.0f}-"
                     f"{five.ci_upper:,.0f}) (CPU {cpu:.2f} s)", wall, "s"))
    mwall, mcpu, chain = _time(lambda: fit_bma(uk6, graphs="mcmc", seed=1), repeat)
    rel = abs(chain.estimate / exact.estimate - 1)
    rows.append(_row(f"BMA UK 6 lists, MCMC over graphs (20,000 steps, "
                     f"{chain.diagnostics['distinct_graphs']} graphs visited, acceptance "
                     f"{chain.diagnostics['acceptance']:.2f}): median {chain.estimate:,.0f} "
                     f"({chain.ci_lower:,.0f}-{chain.ci_upper:,.0f}), {rel:.2%} from all "
                     f"graphs (CPU {mcpu:.2f} s)", mwall, "s", None, None, None,
                     "within 1% of all graphs", rel <= 0.01))
    if missing:
        return rows
    step, top = 10, 20 * uk6.observed
    grid = np.arange(0, top + 1, step)
    ours = fit_bma(uk6, n_missing=grid)
    peer = _r(uk6, top, step, 1, _graph_lines(6))
    rows += _agreement_rows(f"UK 6 lists (zicht's 18,154 graphs given to dga, grid step "
                            f"{step})", ours, peer)
    return rows
