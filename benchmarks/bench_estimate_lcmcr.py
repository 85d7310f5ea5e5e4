"""Latent-class MSE (``fit_lcmcr``) against R LCMCR 0.4.14, same data, same run.

Two questions per reference table (``src/zicht/research/estimate/data``):

- **Speed**: one chain of R's default length (500 warm-up + 10,000 burn-in + 1,000 x 10
  sweeps), K = 10, timed by ``system.time`` inside R and by ``perf_counter`` here (the
  numba kernel compiled beforehand). ``ratio`` = R time / zicht time (> 1 = zicht
  faster); the row also gives microseconds per sweep.
- **Agreement**: long chains on both sides (full: 5 chains / R seeds of 500 + 50,000 +
  10,000 x 20 sweeps), posterior median of N pooled over the chains. R's own
  seed-to-seed standard deviation of the median is printed beside it, so the 3%
  target is read against R's Monte Carlo noise. Five chains cannot settle a bimodal
  table (UK 5 lists): ``python -m benchmarks.lcmcr_seeds`` runs many per side.

When R or LCMCR is missing the peer columns say so and stay empty.
"""

from __future__ import annotations

import os
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.rpeer import r_missing, run_r
from zicht.core.errors import ConvergenceWarning
from zicht.research.estimate import reference_table
from zicht.research.estimate.latent_class import _cells, _run_chain, _Ticker, fit_lcmcr

TABLES = ("artificial_3lists", "rcapture_hiv_4lists", "uk_2013_5lists", "uk_2013_6lists")
PEER = "R LCMCR 0.4.14 (same run)"
WARM_UP = 500

R_FIT = """
suppressMessages(library(LCMCR))
fit <- function(path, seed, burn, samples, thin) {
  tab <- read.csv(path); k <- ncol(tab) - 1; names(tab)[k + 1] <- "Freq"
  for (i in 1:k) tab[[i]] <- factor(tab[[i]], levels = c(0, 1))
  tab <- tab[tab$Freq > 0, ]
  s <- lcmCR(tab, tabular = TRUE, in_list_label = "1", not_in_list_label = "0", K = 10,
             a_alpha = 0.25, b_alpha = 0.25, seed = seed, buffer_size = samples,
             thinning = thin, verbose = FALSE)
  lcmCR_PostSampl(s, burnin = burn, samples = samples, thinning = thin, output = FALSE)
}
"""

# One chain of the speed length on the table ``path_t``.
R_SPEED = """
emit("speed_s", system.time(fit(path_t, 1, speed_burn, speed_samples, speed_thin))[["elapsed"]])
"""

# ``n_seeds`` long chains on each table, pooled.
R_LONG = """
for (name in names) {
  path <- get(paste0("path_", name))
  all <- c(); meds <- c()
  t <- system.time(for (seed in seq_len(n_seeds)) {
    N <- fit(path, seed, long_burn, long_samples, long_thin)
    all <- c(all, N); meds <- c(meds, median(N))
  })[["elapsed"]]
  emit(paste0(name, "_long_s"), t)
  emit(paste0(name, "_median"), median(all))
  emit(paste0(name, "_lo"), quantile(all, 0.025))
  emit(paste0(name, "_hi"), quantile(all, 0.975))
  emit(paste0(name, "_seed_sd"), sd(meds))
  emit(paste0(name, "_seed_min"), min(meds))
  emit(paste0(name, "_seed_max"), max(meds))
}
"""


def _lengths(quick: bool) -> dict[str, int]:
    if quick:
        return {"speed_burn": 2_000, "speed_samples": 200, "speed_thin": 10, "n_seeds": 2,
                "long_burn": 5_000, "long_samples": 1_000, "long_thin": 5}
    return {"speed_burn": 10_000, "speed_samples": 1_000, "speed_thin": 10, "n_seeds": 5,
            "long_burn": 50_000, "long_samples": 10_000, "long_thin": 20}


def _zicht_chain_seconds(name: str, burn: int, samples: int, thin: int) -> float:
    table = reference_table(name)
    cells, freq = _cells(table)
    t0 = time.perf_counter()
    _run_chain(cells, freq, table.observed, 10, samples, burn, thin, 0.25, 0.25,
               np.random.default_rng(1), _Ticker(None, 0))
    return time.perf_counter() - t0


def _r(script: str, tables: dict[str, str], quick: bool) -> dict[str, float]:
    header = "".join(f"{k} <- {v}\n" for k, v in _lengths(quick).items())
    header += "names <- c(" + ", ".join(f'"{n}"' for n in tables.values()) + ")\n"
    data = {key: pd.DataFrame(reference_table(name).to_rows())
            for key, name in tables.items()}
    return run_r(header + R_FIT + script, data)


def run(quick: bool) -> list[dict[str, Any]]:
    """Speed rows, then agreement rows, one pair per reference table."""
    lengths = _lengths(quick)
    _zicht_chain_seconds("artificial_3lists", 10, 10, 1)  # compile (or load) the kernel
    why = r_missing(("LCMCR",))
    peer = PEER if why is None else f"R LCMCR skipped: {why}"
    rows: list[dict[str, Any]] = []
    sweeps = WARM_UP + lengths["speed_burn"] + lengths["speed_samples"] * lengths["speed_thin"]
    for name in TABLES:  # R then zicht on each table, back to back: the same load
        r_t = None if why else _r(R_SPEED, {"t": name}, quick)["speed_s"]
        t = _zicht_chain_seconds(name, lengths["speed_burn"], lengths["speed_samples"],
                                 lengths["speed_thin"])
        load = f"load avg {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores"
        per = f"{t / sweeps * 1e6:.1f} us/sweep" + (
            f" vs R {r_t / sweeps * 1e6:.1f}" if r_t else "")
        rows.append({"benchmark": f"lcmcr one chain of {sweeps:,} sweeps, {name} ({per}; "
                                  f"{load})",
                     "value": round(t, 3), "unit": "s", "peer": peer, "peer_value": r_t,
                     "ratio": round(r_t / t, 2) if r_t else None,
                     "target": "at least as fast as R", "met": (r_t >= t) if r_t else None})
    chains = lengths["n_seeds"]
    r = None if why else _r(R_LONG, {n: n for n in TABLES}, quick)
    for name in TABLES:
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            z = fit_lcmcr(reference_table(name), chains=chains, seed=2016,
                          burn_in=lengths["long_burn"], samples=lengths["long_samples"],
                          thinning=lengths["long_thin"])
        t = time.perf_counter() - t0
        chain_medians = np.median(z.draws, axis=1)
        long = WARM_UP + lengths["long_burn"] + lengths["long_samples"] * lengths["long_thin"]
        label = (f"lcmcr posterior median of N, {name}, {chains} chains x {long:,} sweeps"
                 f": zicht {z.estimate:,.0f} ({z.ci_lower:,.0f}-{z.ci_upper:,.0f}; "
                 f"R-hat {z.rhat:.3f}, ESS {z.ess_bulk:,.0f}; chain medians sd "
                 f"{np.std(chain_medians, ddof=1):,.0f}; {t:.0f} s)")
        if r:
            med = r[f"{name}_median"]
            label += (f" | R {med:,.0f} ({r[f'{name}_lo']:,.0f}-{r[f'{name}_hi']:,.0f}); R "
                      f"seed-to-seed sd of the median {r[f'{name}_seed_sd']:,.0f} "
                      f"({r[f'{name}_seed_sd'] / med:.1%}), range "
                      f"{r[f'{name}_seed_min']:,.0f}-{r[f'{name}_seed_max']:,.0f}; "
                      f"R {r[f'{name}_long_s']:.0f} s")
            diff = z.estimate / med - 1
            rows.append({"benchmark": label, "value": round(diff, 4),
                         "unit": "relative difference", "peer": peer, "peer_value": med,
                         "ratio": None, "target": "within 3% of R", "met": abs(diff) <= 0.03})
        else:
            rows.append({"benchmark": label, "value": z.estimate, "unit": "N", "peer": peer,
                         "peer_value": None, "ratio": None, "target": "within 3% of R",
                         "met": None})
    return rows
