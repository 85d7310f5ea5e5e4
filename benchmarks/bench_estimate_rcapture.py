"""Rcapture's closedp.t / closedpCI.t against zicht's heterogeneity models, same data, same run.

For each reference table (``zicht.research.estimate.data``): the 12 models of
``closedp.t`` (estimate, standard error, deviance), the ``closedpCI.t`` profile
interval of the 10 models it offers (M0, Mt, Mh x4, Mth x4), the normal heterogeneity
models Mh / Mth (log-normal interval), plus five user models
(``mX = ~ c1 + ... + ck + c1:c2`` without and with each heterogeneity). Agreement is
the largest relative difference of the estimate and of either interval limit
(``inf`` = ``inf`` counts as equal). Speed: CPU seconds, R's own ``system.time``
(user + system) of ``closedp.t`` and of the closedpCI calls against zicht's process
time for the same (CPU rather than wall time: the machine is shared).

    python -m benchmarks estimate_rcapture
    python -m benchmarks.bench_estimate_rcapture \
        --golden tests/research/estimate/rcapture_reference.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.rpeer import r_missing, run_r
from zicht.research.estimate import reference_table
from zicht.research.estimate.heterogeneity import (
    fit_closedp,
    fit_closedp_ci,
    fit_closedp_method,
)

DATASETS = ("artificial_3lists", "rcapture_hiv_4lists", "uk_2013_5lists", "uk_2013_6lists")
#: R short name -> zicht method, closedp.t's order
SHORT = {"M0": "rcapture-m0", "Mt": "rcapture-mt", "MhC": "rcapture-mh-chao",
         "MhP": "rcapture-mh-poisson2", "MhD": "rcapture-mh-darroch",
         "MhG": "rcapture-mh-gamma", "MthC": "rcapture-mth-chao",
         "MthP": "rcapture-mth-poisson2", "MthD": "rcapture-mth-darroch",
         "MthG": "rcapture-mth-gamma", "Mb": "rcapture-mb", "Mbh": "rcapture-mbh"}
#: closedpCI.t's models: closedp's without Mb / Mbh, plus the normal heterogeneity ones
CI_MODELS = {**{s: m for s, m in SHORT.items() if s not in ("Mb", "Mbh")},
             "MhN": "rcapture-mh-normal", "MthN": "rcapture-mth-normal"}
USER_H = {"plain": None, "chao": "chao", "darroch": "darroch", "poisson": "poisson",
          "gamma": "gamma"}
TARGET = 1e-3
PEER = "R Rcapture 1.4-4 (same run)"

R_SCRIPT = r"""
suppressMessages(library(Rcapture))
cpu <- function(st) st[["user.self"]] + st[["sys.self"]]  # CPU: fair on a busy machine
short <- c("M0","Mt","MhC","MhP","MhD","MhG","MthC","MthP","MthD","MthG","Mb","Mbh")
ci_spec <- list(M0=list("M0",NULL), Mt=list("Mt",NULL), MhC=list("Mh","Chao"),
  MhP=list("Mh","Poisson"), MhD=list("Mh","Darroch"), MhG=list("Mh","Gamma"),
  MthC=list("Mth","Chao"), MthP=list("Mth","Poisson"), MthD=list("Mth","Darroch"),
  MthG=list("Mth","Gamma"), MhN=list("Mh","Normal"), MthN=list("Mth","Normal"))
user_h <- list(plain=NULL, chao="Chao", darroch="Darroch", poisson="Poisson", gamma="Gamma")
for (ds in datasets) {
  d <- read.csv(get(paste0("path_", ds)))
  k <- ncol(d) - 1
  tm <- cpu(system.time(for (r in 1:reps)
    cp <- suppressWarnings(closedp.t(d, dfreq=TRUE)))) / reps
  emit(paste0(ds, ".time.closedp"), tm)
  res <- cp$results
  for (i in seq_along(short))
    for (col in c("abundance","stderr","deviance","df","AIC","BIC","infoFit"))
    emit(paste(ds, short[i], col, sep="."), res[i, col])
  one_ci <- function(key, ...) {
    ci <- suppressWarnings(closedpCI.t(d, dfreq=TRUE, ...))
    if (is.null(ci$CI))  # h = "Normal": log-normal limits in the results table
      ci$CI <- data.frame(NA, ci$results[1, "infCL"], ci$results[1, "supCL"])
    emit(paste(ds, key, "ci_abundance", sep="."), ci$CI[1, 1])
    emit(paste(ds, key, "ci_lower", sep="."), ci$CI[1, 2])
    up <- ci$CI[1, 3]
    emit(paste(ds, key, "ci_upper", sep="."), if (is.character(up)) Inf else up)
    emit(paste(ds, key, "abundance", sep="."), ci$results[1, "abundance"])
    emit(paste(ds, key, "stderr", sep="."), ci$results[1, "stderr"])
    emit(paste(ds, key, "deviance", sep="."), ci$results[1, "deviance"])
  }
  tci <- cpu(system.time(for (r in 1:reps) for (key in names(ci_spec)) {
    s <- ci_spec[[key]]
    if (is.null(s[[2]])) one_ci(key, m=s[[1]]) else one_ci(key, m=s[[1]], h=s[[2]])
  })) / reps
  emit(paste0(ds, ".time.closedpCI"), tci)
  f <- as.formula(paste("~", paste(c(paste0("c", 1:k), "c1:c2"), collapse=" + ")))
  tu <- cpu(system.time(for (r in 1:reps) for (hn in names(user_h)) {
    if (is.null(user_h[[hn]])) one_ci(paste0("user_", hn), mX=f)
    else one_ci(paste0("user_", hn), mX=f, h=user_h[[hn]])
  })) / reps
  emit(paste0(ds, ".time.user"), tu)
}
"""


def r_reference(datasets: tuple[str, ...] = DATASETS, reps: int = 1) -> dict[str, float]:
    """R's figures, keyed ``<data set>.<model>.<figure>`` (see ``R_SCRIPT``)."""
    frames = {name: _frame(name) for name in datasets}
    header = (f"datasets <- c({', '.join(repr(d).replace(chr(39), chr(34)) for d in datasets)})\n"
              f"reps <- {reps}\n")
    return run_r(header + R_SCRIPT, frames)


def _frame(name: str):  # type: ignore[no-untyped-def]
    import pandas as pd

    return pd.DataFrame(reference_table(name).to_rows(include_zero=True))


def zicht_figures(name: str) -> tuple[dict[str, float], dict[str, float]]:
    """zicht's figures under R's keys, and its timings (wall seconds)."""
    table = reference_table(name)
    out: dict[str, float] = {}
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    fit_closedp(table, intervals=False)
    timings["closedp"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for short, method in CI_MODELS.items():
        e = fit_closedp_method(table, method)
        out.update({f"{short}.ci_abundance": e.profile_estimate,
                    f"{short}.ci_lower": e.ci_lower, f"{short}.ci_upper": e.ci_upper,
                    f"{short}.abundance": e.estimate, f"{short}.stderr": e.se,
                    f"{short}.deviance": e.deviance})
    timings["closedpCI"] = time.perf_counter() - t0
    for short, method in SHORT.items():
        e = fit_closedp_method(table, method, interval=False)
        out.update({f"{short}.abundance": e.estimate, f"{short}.stderr": e.se,
                    f"{short}.deviance": e.deviance, f"{short}.df": e.df,
                    f"{short}.AIC": e.aic, f"{short}.BIC": e.bic,
                    f"{short}.infoFit": e.info_fit})
    pair = ":".join(table.lists[:2])
    t0 = time.perf_counter()
    for key, kind in USER_H.items():
        e = fit_closedp_ci(table, terms=[pair], heterogeneity=kind)
        out.update({f"user_{key}.abundance": e.estimate, f"user_{key}.stderr": e.se,
                    f"user_{key}.deviance": e.deviance,
                    f"user_{key}.ci_abundance": e.profile_estimate,
                    f"user_{key}.ci_lower": e.ci_lower, f"user_{key}.ci_upper": e.ci_upper})
    timings["user"] = time.perf_counter() - t0
    return out, timings


def rel_diff(a: float, b: float) -> float:
    """Relative difference; equal infinities and equal NaNs count as 0."""
    if math.isinf(a) or math.isinf(b):
        return 0.0 if a == b else math.inf
    if math.isnan(a) or math.isnan(b):
        return 0.0 if math.isnan(a) and math.isnan(b) else math.inf
    return abs(a - b) / max(abs(b), 1e-12)


NORMAL = ("MhN", "MthN")


def agreement(zicht: dict[str, float], r: dict[str, float], name: str,
              figures: tuple[str, ...] = ("abundance", "ci_lower", "ci_upper"),
              models: tuple[str, ...] | None = None) -> tuple[float, str]:
    """Largest relative difference over ``figures`` of every model (or of ``models``)."""
    worst, where = 0.0, ""
    for key, value in zicht.items():
        model, figure = key.rsplit(".", 1)
        if figure not in figures or (models is not None and model not in models):
            continue
        if models is None and model in NORMAL:  # reported on their own row
            continue
        d = rel_diff(value, r[f"{name}.{key}"])
        if d > worst:
            worst, where = d, key
    return worst, where


def _timed(fn: Callable[[], Any], repeat: int) -> float:
    """Median CPU seconds (R's side is user + system time too: the machine is shared)."""
    cpus = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        cpus.append(time.process_time() - t0)
    return statistics.median(cpus)


def _row(benchmark: str, value: float, unit: str, peer: str | None, peer_value: float | None,
         target: str | None, met: bool | None, ratio: float | None = None) -> dict[str, Any]:
    if unit == "s":
        benchmark += f" [load avg {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores]"
    return {"benchmark": benchmark, "value": value, "unit": unit, "peer": peer,
            "peer_value": peer_value, "ratio": ratio, "target": target, "met": met}


def run(quick: bool) -> list[dict[str, Any]]:
    missing = r_missing(("Rcapture",))
    rows: list[dict[str, Any]] = []
    r = {} if missing else r_reference(DATASETS, reps=1)
    for name in DATASETS:
        ours, _ = zicht_figures(name)
        if missing:
            rows.append(_row(f"Rcapture models, {name}", float(len(ours)), "figures",
                             f"skipped: {missing}", None, None, None))
            continue
        worst, where = agreement(ours, r, name)
        rows.append(_row(f"Rcapture closedp + closedpCI, {name}: largest relative "
                         f"difference of estimate / interval limits ({where})",
                         float(f"{worst:.3g}"), "rel", PEER, 0.0, "<= 0.1%",
                         worst <= TARGET))
        normal, n_where = agreement(ours, r, name, models=NORMAL)
        rows.append(_row(f"Rcapture closedpCI.t h=Normal (Mh, Mth), {name}: largest "
                         f"relative difference of estimate / interval limits ({n_where})",
                         float(f"{normal:.3g}"), "rel", PEER, 0.0, "<= 0.1%",
                         normal <= TARGET))
        se, se_where = agreement(ours, r, name, ("stderr", "deviance"))
        rows.append(_row(f"Rcapture {name}: standard error and deviance ({se_where})",
                         float(f"{se:.3g}"), "rel", PEER, 0.0, None, None))
        reps = 1 if quick else 3
        table = reference_table(name)
        for label, key, fn in (
            ("closedp.t (12 models, no intervals)", "closedp",
             lambda table=table: fit_closedp(table, intervals=False)),
            ("closedpCI.t x 12 models (10 profile intervals, 2 normal)", "closedpCI",
             lambda table=table: [fit_closedp_method(table, m) for m in CI_MODELS.values()]),
            ("closedpCI.t x 5 user models (mX + h)", "user",
             lambda table=table: [fit_closedp_ci(table, terms=[":".join(table.lists[:2])],
                                                 heterogeneity=h) for h in USER_H.values()]),
        ):
            ours_t = _timed(fn, reps)
            peer_t = r[f"{name}.time.{key}"]
            rows.append(_row(f"{label}, {name} (CPU)", round(ours_t, 4), "s", PEER, peer_t,
                             "report ratio", None,
                             round(peer_t / ours_t, 1) if ours_t > 0 else None))
    return rows


def write_golden(path: Path) -> None:
    """R's figures for the golden test (tests must not need R), with how they were made."""
    r = r_reference(DATASETS, reps=1)
    version = subprocess.run(
        ["Rscript", "-e", 'cat(R.version.string, "| Rcapture", '
         'as.character(packageVersion("Rcapture")))'],
        capture_output=True, text=True, check=True).stdout.strip()
    values = {k: (None if math.isinf(v) else v) for k, v in sorted(r.items())
              if ".time." not in k}
    doc = {"produced_by": version,
           "command": "python -m benchmarks.bench_estimate_rcapture --golden <path>",
           "r_code": R_SCRIPT.strip(),
           "note": "closedp.t(d, dfreq=TRUE)$results and closedpCI.t(d, dfreq=TRUE, m=, h=) / "
                   "(mX=~c1+...+ck+c1:c2, h=) $CI and $results; null = R's '>fmaxSupCL*N' "
                   "(unbounded upper limit)",
           "values": values}
    path.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--golden", type=Path, required=True)
    write_golden(parser.parse_args().golden)
