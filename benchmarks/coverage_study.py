"""Coverage and bias of the estimate on synthetic worlds with a known total.

For every seed a world is generated (``zicht.synth.generate_world``), its capture
tables are built as ``zicht estimate --extract`` sees them with perfect linkage
(:mod:`benchmarks.synthworld`), and every report year is estimated and
compared with the year's true total. :func:`study_capture_only` gives the same tables
from the world's capture process alone (``zicht.synth.world.capture_only``, seconds
instead of minutes a world; its form strata are the synth's capture strata). Both paths
share :func:`study_tables`. Estimators (``ESTIMATORS``, plus lcmcr and dga with
``slow=``):

- ``year, profile``: the default, ``zicht estimate --extract DIR`` (``--by year``,
  stepwise, profile likelihood interval);
- ``year, bca``: the same with a bootstrap that repeats the selection (BCa);
- ``year x form, sum``: ``--by year,form``, the sum of the form strata of the year
  (stepwise per stratum, profile limits added in quadrature);
- ``year, form covariate``: one covariate model per year with form as the covariate
  (``--covariate``, Wald interval on the log hidden number);
- ``form stratum``: each year x form stratum on its own, against the synth's planted
  number of that stratum, with the heterogeneity ``sigma`` the synth solved for it;
- ``multiyear``: one log-linear model over all years (shared interactions selected once,
  year-specific main effects), per-year parametric bootstrap interval (the published
  estimate of ``zicht estimate --extract``, docs/estimation.md);
- ``year, main``: main effects per year (independence), profile interval;
- ``rcapture-*``: Rcapture's Mth Chao / Poisson2 / Darroch and Mh Darroch per year.

Per (seed, year, estimator) one row; :func:`summarise` gives the coverage (share of
rows whose interval holds the true total), the bias (mean relative error) and the
interval width.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.synthworld import capture_rows, form_truth, true_totals, write_linked_extract
from zicht.core.errors import EstimationError
from zicht.research.estimate.api import estimate
from zicht.research.estimate.covariate import CovariateEstimate, estimate_covariate
from zicht.research.estimate.extract import ExtractTables, tables_from_extract, tables_from_rows
from zicht.research.estimate.multiyear import estimate_multiyear
from zicht.research.estimate.strata import StratifiedEstimate, StratumResult, estimate_strata
from zicht.research.estimate.table import CaptureTable

#: Rcapture's Mth models per year (fast); lcmcr and dga are left out of the study for
#: their run time (minutes per table on a shared machine).
RCAPTURE = ("rcapture-mth-chao", "rcapture-mth-poisson2", "rcapture-mth-darroch",
            "rcapture-mh-darroch")
ESTIMATORS = ("year, profile", "year, bca", "year x form, sum", "year, form covariate",
              "form stratum", "multiyear", "year, main", *RCAPTURE)
Key = tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class StudySpec:
    """What to run: worlds (seeds, scale, years) and the bootstrap subset."""

    seeds: tuple[int, ...]
    scale: float = 1.0
    years: tuple[int, int] = (2010, 2024)
    population_scale: float = 0.001
    bootstrap: int = 0  # BCa replicates; 0 = no bootstrap
    bootstrap_seeds: int = 0  # the bootstrap runs on the first this-many seeds
    level: float = 0.95
    workers: int = 1  # worlds generated and estimated in parallel
    multiyear_bootstrap: int = 200  # parametric tables of the multi-year model


@dataclass(frozen=True)
class StudyResult:
    rows: list[dict[str, Any]]
    seconds_generate: float  # summed over worlds (CPU-bound, one per worker)
    seconds_estimate: float


def study_world(world: Path, seed: int, *, bootstrap: int = 0, level: float = 0.95,
                multiyear_bootstrap: int = 200,
                slow: Mapping[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One row per report year and estimator for the (full) world in ``world``."""
    extract = write_linked_extract(world, world / "linked_extract")
    return study_tables(tables_from_extract(extract, "year"),
                        tables_from_extract(extract, "year,form"), true_totals(world),
                        form_truth(world), seed, bootstrap=bootstrap, level=level,
                        multiyear_bootstrap=multiyear_bootstrap, slow=slow)


def study_capture_only(seed: int, years: tuple[int, int] = (2010, 2024), scale: float = 1.0,
                       *, level: float = 0.95, multiyear_bootstrap: int = 200,
                       slow: Mapping[str, dict[str, Any]] | None = None,
                       only_slow: bool = False) -> list[dict[str, Any]]:
    """The same study on the capture-only path (:func:`benchmarks.synthworld.capture_rows`:
    the world's own capture draws, no names, reports or registers). Its form strata are
    the synth's capture strata (hidden forms), not the monitor's form hierarchy."""
    rows, truth, forms = capture_rows(seed, range(years[0], years[1] + 1), scale)
    return study_tables(tables_from_rows(rows, ("year",)),
                        tables_from_rows(rows, ("year", "form")), truth, forms, seed,
                        level=level, multiyear_bootstrap=multiyear_bootstrap, slow=slow,
                        only_slow=only_slow)


def study_tables(by_year: ExtractTables, by_form: ExtractTables, truth: pd.DataFrame,
                 forms: pd.DataFrame, seed: int, *, bootstrap: int = 0, level: float = 0.95,
                 multiyear_bootstrap: int = 200,
                 slow: Mapping[str, dict[str, Any]] | None = None,
                 only_slow: bool = False) -> list[dict[str, Any]]:
    """One row per report year and estimator; ``slow`` adds the MCMC methods (name ->
    options such as chain length, e.g. ``{"lcmcr": {"samples": 200}}``), ``only_slow``
    runs them alone (a second pass over worlds already studied)."""
    rows: list[dict[str, Any]] = []
    if only_slow:
        for key, table in sorted(by_year.tables.items()):
            year = int(dict(key)["year"])
            base = _year_base(seed, year, table, truth)
            for name, options in (slow or {}).items():
                rows.append(_attempt(base, name, partial(
                    _single, table, level, method=name, seed=seed * 10_000 + year,
                    **options)))
        return rows
    multi = _multiyear(by_year.common, level, seed, multiyear_bootstrap)
    for key, table in sorted(by_year.tables.items()):
        year = int(dict(key)["year"])
        base = _year_base(seed, year, table, truth)
        rows.append(_attempt(base, "year, profile", partial(_single, table, level)))
        rows.append(_attempt(base, "year, main", partial(_single, table, level,
                                                         method="main")))
        rows.append(_attempt(base, "multiyear", partial(_multi_row, multi, year)))
        for name in RCAPTURE:
            rows.append(_attempt(base, name, partial(_single, table, level, method=name)))
        for name, options in (slow or {}).items():
            rows.append(_attempt(base, name, partial(
                _single, table, level, method=name, seed=seed * 10_000 + year, **options)))
        if bootstrap > 0:
            rows.append(_attempt(base, "year, bca", partial(
                _single, table, level, bootstrap=bootstrap, seed=seed * 10_000 + year,
                workers=1)))
        strata = estimate_strata(_of_year(by_form.tables, year), "stepwise", pooled=False,
                                 level=level)
        rows.append(_attempt(base, "year x form, sum", partial(_strata_sum, strata)))
        rows += [_form_row(seed, year, s, forms) for s in strata.strata]
        common = _of_year(by_form.common, year)
        rows.append(_attempt(base, "year, form covariate", partial(_covariate, common, level)))
    return rows


def _year_base(seed: int, year: int, table: CaptureTable,
               truth: pd.DataFrame) -> dict[str, Any]:
    return {"seed": seed, "year": year, "observed": table.observed,
            "true_total": int(truth.loc[year, "true_total"]),
            "true_registered": int(truth.loc[year, "true_registered"]),
            "form": None, "sigma": math.nan, "lists": len(table.lists)}


def _of_year(tables: dict[Key, CaptureTable], year: int) -> dict[Key, CaptureTable]:
    return {k: t for k, t in tables.items() if dict(k)["year"] == year}


def _single(table: CaptureTable, level: float, method: str = "stepwise",
            **options: Any) -> dict[str, Any]:
    return _fields(estimate(table, method, level=level, **options))


def _multiyear(tables: dict[Key, CaptureTable], level: float, seed: int,
               bootstrap: int) -> CovariateEstimate | EstimationError:
    try:
        return estimate_multiyear(tables, bootstrap=bootstrap, seed=seed, level=level)
    except EstimationError as exc:
        return exc


def _multi_row(multi: CovariateEstimate | EstimationError, year: int) -> dict[str, Any]:
    if isinstance(multi, EstimationError):
        raise multi
    r = multi.stratum(year=year)
    return {"estimate": r["estimate"], "ci_low": r["ci_lower"], "ci_high": r["ci_upper"],
            "interval": multi.interval, "model": " + ".join(multi.model)}


def _strata_sum(s: StratifiedEstimate) -> dict[str, Any]:
    failed = [dict(x.key)["form"] for x in s.strata if x.result is None]
    return {"estimate": s.sum_estimate, "ci_low": s.sum_ci_lower, "ci_high": s.sum_ci_upper,
            "interval": "profile, quadrature", "model": None,
            "error": f"not estimable (observed used): {', '.join(failed)}" if failed else None}


def _form_row(seed: int, year: int, s: StratumResult, truth: pd.DataFrame) -> dict[str, Any]:
    """One form stratum against the synth's planted number of that year and form."""
    form = dict(s.key)["form"]
    known = (year, form) in truth.index
    r = s.result
    base = {"seed": seed, "year": year, "form": form, "observed": s.observed,
            "true_total": int(truth.loc[(year, form), "true_total"]) if known else math.nan,
            "true_registered": int(truth.loc[(year, form), "true_registered"]) if known
            else math.nan,
            "sigma": float(truth.loc[(year, form), "sigma"]) if known else math.nan,
            "lists": len(r.lists) if r else math.nan}
    if r is None:
        return _attempt(base, "form stratum", partial(_raise, s.error or "not estimable"))
    return _attempt(base, "form stratum", partial(_fields, r))


def _fields(r: Any) -> dict[str, Any]:
    return {"estimate": r.estimate, "ci_low": r.ci_lower, "ci_high": r.ci_upper,
            "interval": str(getattr(r, "interval", "")),
            "model": _model_label(getattr(r, "model", None))}


def _model_label(model: Any) -> str | None:
    if model is None or isinstance(model, str):
        return model
    return " + ".join(model)


def _raise(message: str) -> dict[str, Any]:
    raise EstimationError(message)


def _covariate(tables: dict[Key, CaptureTable], level: float) -> dict[str, Any]:
    c = estimate_covariate(tables, level=level)
    return {"estimate": c.estimate, "ci_low": c.ci_lower, "ci_high": c.ci_upper,
            "interval": c.interval, "model": " + ".join(c.model)}


def _attempt(base: dict[str, Any], estimator: str,
             run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one estimator; a failed estimate is a row with its error (it counts as not
    covering in :func:`summarise`)."""
    out: dict[str, Any] = {**base, "estimator": estimator, "estimate": math.nan,
                           "ci_low": math.nan, "ci_high": math.nan, "interval": None,
                           "model": None, "error": None}
    try:
        out.update(run())
    except EstimationError as exc:
        out["error"] = exc.message
    truth = out["true_total"]
    out["covered"] = bool(out["ci_low"] <= truth <= out["ci_high"])
    out["rel_error"] = (out["estimate"] - truth) / truth
    out["rel_width"] = (out["ci_high"] - out["ci_low"]) / truth
    return out


def run_world(spec: StudySpec, seed: int, workdir: Path) -> tuple[list[dict[str, Any]],
                                                                   float, float]:
    """Generate the world of ``seed`` under ``workdir``, study it, delete it."""
    from zicht.synth import SynthSpec, generate_world

    world = Path(tempfile.mkdtemp(prefix=f"world-{seed}-", dir=workdir))
    try:
        t0 = time.perf_counter()
        generate_world(SynthSpec(out=world, seed=seed, scale=spec.scale, years=spec.years,
                                 population_scale=spec.population_scale))
        t1 = time.perf_counter()
        boot = spec.bootstrap if seed in spec.seeds[:spec.bootstrap_seeds] else 0
        rows = study_world(world, seed, bootstrap=boot, level=spec.level,
                           multiyear_bootstrap=spec.multiyear_bootstrap)
        return rows, t1 - t0, time.perf_counter() - t1
    finally:
        shutil.rmtree(world, ignore_errors=True)


def _run_world_args(args: tuple[StudySpec, int, Path]) -> tuple[list[dict[str, Any]],
                                                                float, float]:
    return run_world(*args)


def run_study(spec: StudySpec, workdir: Path | None = None) -> StudyResult:
    """Every seed of ``spec`` (``spec.workers`` worlds at a time)."""
    with tempfile.TemporaryDirectory(prefix="zicht-coverage-", dir=workdir) as tmp:
        jobs = [(spec, s, Path(tmp)) for s in spec.seeds]
        if spec.workers <= 1:
            parts = [_run_world_args(j) for j in jobs]
        else:
            with ProcessPoolExecutor(max_workers=min(spec.workers, os.cpu_count() or 1)) as pool:
                parts = list(pool.map(_run_world_args, jobs))
    rows = [r for part, _, _ in parts for r in part]
    return StudyResult(rows=rows, seconds_generate=sum(p[1] for p in parts),
                       seconds_estimate=sum(p[2] for p in parts))


def summarise(rows: Iterable[dict[str, Any]],
              group: Sequence[str] = ("estimator",)) -> list[dict[str, Any]]:
    """Coverage, bias and width per group (default: per estimator, years pooled).

    ``coverage``: share of rows whose interval holds the true total (a failed estimate
    counts as not covering); ``bias``: mean relative error of the estimates that exist;
    ``median_rel_error``; ``rel_width``: median interval width over the true total;
    ``below`` / ``above``: share of intervals entirely below / above the truth.
    """
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[tuple(r[g] for g in group)].append(r)
    out = []
    for key, rs in sorted(groups.items(), key=lambda kv: tuple(map(str, kv[0]))):
        err = np.array([r["rel_error"] for r in rs if math.isfinite(r["rel_error"])])
        width = np.array([r["rel_width"] for r in rs if math.isfinite(r["rel_width"])])
        n = len(rs)
        out.append({
            **dict(zip(group, key, strict=True)), "n": n,
            "seeds": len({r["seed"] for r in rs}),
            "failed": sum(not math.isfinite(r["estimate"]) for r in rs),
            "coverage": sum(r["covered"] for r in rs) / n,
            "below": sum(r["ci_high"] < r["true_total"] for r in rs) / n,
            "above": sum(r["ci_low"] > r["true_total"] for r in rs) / n,
            "bias": float(err.mean()) if err.size else math.nan,
            "median_rel_error": float(np.median(err)) if err.size else math.nan,
            "rel_width": float(np.median(width)) if width.size else math.nan,
            "median_abs_rel_error": float(np.median(np.abs(err))) if err.size else math.nan,
            "within_world_sd": _within_world_sd(rs),
        })
    return out


def _within_world_sd(rows: list[dict[str, Any]]) -> float:
    """Median over worlds of the standard deviation of estimate/truth across its years."""
    by_seed: dict[Any, list[float]] = defaultdict(list)
    for r in rows:
        if math.isfinite(r["rel_error"]):
            by_seed[r["seed"]].append(1.0 + r["rel_error"])
    sds = [float(np.std(v, ddof=1)) for v in by_seed.values() if len(v) >= 2]
    return float(np.median(sds)) if sds else math.nan
