"""Stratified estimates (per year, form, ...) with the sum of strata beside the pooled one.

Each stratum is estimated on its own (its own model selection); the pooled estimate
fits one model to the summed table. Heterogeneity between strata biases the pooled
estimate downwards, so the sum of strata is usually the better total when the strata
are large enough; the two side by side show how much it matters.

Interval of the sum: with a bootstrap in every stratum, the replicates are added
replicate by replicate (independent streams per stratum) and the percentile interval
is taken; without, the per-stratum distances to the limits are added in quadrature.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from zicht.core.errors import EstimationError
from zicht.research.estimate.api import estimate
from zicht.research.estimate.result import PopulationEstimate
from zicht.research.estimate.table import CaptureTable


@dataclass(frozen=True)
class StratumResult:
    key: tuple[tuple[str, Any], ...]  # (("year", 2019), ("form", "labour"))
    observed: int
    result: PopulationEstimate | None
    error: str | None


@dataclass(frozen=True)
class StratifiedEstimate:
    """Per-stratum estimates, their sum and the pooled estimate."""

    by: tuple[str, ...]
    strata: tuple[StratumResult, ...]
    sum_estimate: float
    sum_ci_lower: float
    sum_ci_upper: float
    sum_complete: bool
    pooled: PopulationEstimate | None
    level: float

    def rows(self) -> list[dict[str, Any]]:
        """Tidy rows: one per stratum, then ``sum of strata`` and ``pooled``."""
        out = []
        for s in self.strata:
            r = s.result
            out.append({**dict(s.key), "row": "stratum", "observed": s.observed,
                        "estimate": _round(r.estimate if r else None),
                        "ci_low": _round(r.ci_lower if r else None),
                        "ci_high": _round(r.ci_upper if r else None),
                        "model": list(r.model) if r else None, "error": s.error})
        blank = dict.fromkeys(self.by)
        out.append({**blank, "row": "sum of strata",
                    "observed": sum(s.observed for s in self.strata),
                    "estimate": _round(self.sum_estimate), "ci_low": _round(self.sum_ci_lower),
                    "ci_high": _round(self.sum_ci_upper), "model": None,
                    "error": None if self.sum_complete else
                    "some strata could not be estimated; their observed count is used"})
        p = self.pooled
        out.append({**blank, "row": "pooled", "observed": p.observed if p else None,
                    "estimate": _round(p.estimate if p else None),
                    "ci_low": _round(p.ci_lower if p else None),
                    "ci_high": _round(p.ci_upper if p else None),
                    "model": list(p.model) if p else None, "error": None})
        return out


def _round(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 2)


def estimate_strata(tables: Mapping[tuple[tuple[str, Any], ...], CaptureTable],
                    method: str = "stepwise", *, pooled: CaptureTable | bool = True,
                    seed: int = 1234,
                    level: float = 0.95, **options: Any) -> StratifiedEstimate:
    """Estimate every stratum table, their sum and the pooled table.

    ``tables`` maps a stratum key such as ``(("year", 2019),)`` to its capture table;
    ``pooled`` is the pooled table, or True to add up the strata (they must then share
    their lists), or False for none. ``options`` go to :func:`estimate` (``bootstrap``,
    ``p_threshold``, ``max_order``...).
    """
    if not tables:
        raise EstimationError("No strata to estimate: the extract has no victim in any "
                              "stratum. Check --by and the extract.")
    keys = list(tables)
    lists = tables[keys[0]].lists
    by = tuple(name for name, _ in keys[0])
    results: list[StratumResult] = []
    for i, key in enumerate(keys):
        t = tables[key]
        if pooled is True and t.lists != lists:
            raise EstimationError("To add up strata into a pooled table they must have the "
                                  "same lists in the same order; pass the pooled table.")
        sub_seed = int(np.random.SeedSequence(seed, spawn_key=(i,)).generate_state(1)[0])
        try:
            r = estimate(t, method, seed=sub_seed, level=level, **options)
            results.append(StratumResult(key, t.observed, r, None))
        except EstimationError as exc:
            results.append(StratumResult(key, t.observed, None, exc.message))
    ok = [s.result for s in results if s.result is not None]
    complete = len(ok) == len(results)
    fallback = sum(s.observed for s in results if s.result is None)
    total = sum(r.estimate for r in ok) + fallback
    lo, hi = _sum_interval(ok, total, fallback, level)
    pooled_result = None
    pooled_table = pooled if isinstance(pooled, CaptureTable) else None
    if pooled is True:
        pooled_table = CaptureTable(lists, np.sum([tables[k].counts for k in keys], axis=0))
    if pooled_table is not None:
        try:
            pooled_result = estimate(pooled_table, method, seed=seed, level=level, **options)
        except EstimationError:
            pooled_result = None
    return StratifiedEstimate(by=by, strata=tuple(results), sum_estimate=total,
                              sum_ci_lower=lo, sum_ci_upper=hi, sum_complete=complete,
                              pooled=pooled_result, level=level)


def _sum_interval(ok: list[PopulationEstimate], total: float, fallback: int,
                  level: float) -> tuple[float, float]:
    if not ok:
        return math.nan, math.nan
    reps = [r.replicates for r in ok]
    if all(x is not None for x in reps) and len({len(x) for x in reps if x is not None}) == 1:
        summed = np.sum(np.vstack([x for x in reps if x is not None]), axis=0) + fallback
        summed = summed[np.isfinite(summed)]
        if summed.size >= 10:
            q = np.quantile(summed, [(1 - level) / 2, (1 + level) / 2],
                            method="median_unbiased")
            return float(q[0]), float(q[1])
    down = math.sqrt(sum((r.estimate - r.ci_lower) ** 2 for r in ok))
    up = math.sqrt(sum((r.ci_upper - r.estimate) ** 2 for r in ok))
    return total - down, total + up
