"""LCMCR agreement read against Monte Carlo noise: many seeds of zicht and of R LCMCR.

One long chain's posterior median of N moves from seed to seed by several percent on
the sparse UK tables (R's own chains do too), so a handful of chains per side cannot
tell a 3% gap from noise. This runs ``--seeds`` chains of zicht's sampler and as many
R ``lcmCR`` chains (seeds 1..N), all of the same length (R's initialisation of 500
sweeps, ``--burn-in``, then ``--samples`` x ``--thinning``), one after the other on one
core, and prints per side: the median of the chain medians, the median of all draws
pooled, the seed-to-seed standard deviation of a chain's median, and the standard error
of the difference of the two mean chain medians, with CPU seconds and the load.

    python -m benchmarks.lcmcr_seeds --table uk_2013_5lists --seeds 24
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.bench_estimate_lcmcr import R_FIT
from benchmarks.rpeer import r_missing, run_r
from zicht.core.errors import ConvergenceWarning
from zicht.research.estimate import reference_table
from zicht.research.estimate.latent_class import fit_lcmcr

WARM_UP = 500  # R's initialisation sweeps, on both sides

R_SEEDS = """
meds <- c(); all <- c()
cpu <- system.time(for (seed in seq_len(n_seeds)) {
  N <- fit(path_t, seed, burn, samples, thin)
  meds <- c(meds, median(N)); all <- c(all, N)
})
for (i in seq_along(meds)) emit(paste0("median_", i), meds[i])
emit("pooled", median(all))
emit("cpu_s", cpu[["user.self"]] + cpu[["sys.self"]])
"""


def _summary(medians: list[float], pooled: float) -> dict[str, float]:
    return {"median_of_medians": statistics.median(medians),
            "mean_of_medians": statistics.fmean(medians), "pooled_median": pooled,
            "seed_sd": statistics.stdev(medians), "seeds": len(medians)}


def zicht_side(table: str, seeds: int, burn: int, samples: int, thin: int
               ) -> dict[str, float]:
    """``seeds`` chains on one thread (numba kernel compiled first, not timed)."""
    with warnings.catch_warnings():  # the diagnostics are not the question here
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit_lcmcr(reference_table("artificial_3lists"), chains=1, burn_in=10, samples=10,
                  thinning=1, seed=0, workers=1)
        cpu0 = time.process_time()
        fit = fit_lcmcr(reference_table(table), chains=seeds, seed=2016, burn_in=burn,
                        samples=samples, thinning=thin, workers=1)
    cpu = time.process_time() - cpu0
    medians = [float(m) for m in np.median(fit.draws, axis=1)]
    return {**_summary(medians, float(np.median(fit.draws))), "cpu_s": cpu}


def r_side(table: str, seeds: int, burn: int, samples: int, thin: int) -> dict[str, float]:
    """R LCMCR with seeds 1..``seeds``; CPU time from ``system.time`` inside R."""
    header = f"n_seeds <- {seeds}\nburn <- {burn}\nsamples <- {samples}\nthin <- {thin}\n"
    out = run_r(header + R_FIT + R_SEEDS,
                {"t": pd.DataFrame(reference_table(table).to_rows())})
    medians = [out[f"median_{i}"] for i in range(1, seeds + 1)]
    return {**_summary(medians, out["pooled"]), "cpu_s": out["cpu_s"]}


def compare(z: dict[str, float], r: dict[str, float]) -> dict[str, float]:
    """Relative differences, and the Monte Carlo standard error of the mean difference."""
    se = float(np.hypot(z["seed_sd"] / np.sqrt(z["seeds"]), r["seed_sd"] / np.sqrt(r["seeds"])))
    return {"diff_median_of_medians": z["median_of_medians"] / r["median_of_medians"] - 1,
            "diff_pooled": z["pooled_median"] / r["pooled_median"] - 1,
            "diff_mean_of_medians": z["mean_of_medians"] / r["mean_of_medians"] - 1,
            "se_of_mean_diff": se / r["mean_of_medians"],
            "r_seed_sd_relative": r["seed_sd"] / r["median_of_medians"],
            "zicht_seed_sd_relative": z["seed_sd"] / z["median_of_medians"]}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lcmcr_seeds",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--table", default="uk_2013_5lists")
    parser.add_argument("--seeds", type=int, default=24)
    parser.add_argument("--burn-in", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--thinning", type=int, default=20)
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    why = r_missing(("LCMCR",))
    if why:
        raise SystemExit(f"R peer unavailable: {why}")
    sweeps = WARM_UP + args.burn_in + args.samples * args.thinning
    lengths = (args.table, args.seeds, args.burn_in, args.samples, args.thinning)
    t0 = time.perf_counter()
    z = zicht_side(*lengths)
    r = r_side(*lengths)
    wall = time.perf_counter() - t0
    result: dict[str, Any] = {"table": args.table, "sweeps_per_chain": sweeps,
                              "zicht": z, "r": r, **compare(z, r), "wall_s": wall,
                              "load_avg": os.getloadavg(), "cores": os.cpu_count()}
    c = result
    print(f"{args.table}: {args.seeds} chains per side of {sweeps:,} sweeps")
    for side, s in (("zicht", z), ("R LCMCR", r)):
        print(f"  {side:8} median of chain medians {s['median_of_medians']:,.0f}, pooled "
              f"{s['pooled_median']:,.0f}, seed-to-seed sd {s['seed_sd']:,.0f}, "
              f"CPU {s['cpu_s']:.0f} s")
    print(f"  zicht vs R: median of medians {c['diff_median_of_medians']:+.1%}, pooled "
          f"{c['diff_pooled']:+.1%}, mean {c['diff_mean_of_medians']:+.1%} "
          f"(Monte Carlo se {c['se_of_mean_diff']:.1%}); R's seed-to-seed sd "
          f"{c['r_seed_sd_relative']:.1%}, zicht's {c['zicht_seed_sd_relative']:.1%}")
    print(f"  wall {wall:.0f} s, load average {result['load_avg'][0]:.1f} on "
          f"{result['cores']} cores")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
