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
from typing import TYPE_CHECKING, Any

import numpy as np

from zicht.core.errors import EstimationError
from zicht.research.estimate.api import estimate
from zicht.research.estimate.result import PopulationEstimate
from zicht.research.estimate.table import CaptureTable

if TYPE_CHECKING:
    import pandas as pd


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

    method: str = "stepwise"

    # the vocabulary of PopulationEstimate: the total is the sum of strata
    @property
    def estimate(self) -> float:
        return self.sum_estimate

    @property
    def ci_lower(self) -> float:
        return self.sum_ci_lower

    @property
    def ci_upper(self) -> float:
        return self.sum_ci_upper

    @property
    def observed(self) -> int:
        return sum(s.observed for s in self.strata)

    def __repr__(self) -> str:
        return (f"StratifiedEstimate(method={self.method!r}, n={self.observed}, "
                f"strata={len(self.strata)}, estimate={self.estimate:.1f}, "
                f"ci=({self.ci_lower:.1f}, {self.ci_upper:.1f}), level={self.level})")

    def to_frame(self) -> pd.DataFrame:
        """The rows of :meth:`rows` with the fixed columns ``estimate, se, ci_lower,
        ci_upper, level``."""
        import pandas as pd

        se = [s.result.se if s.result else None for s in self.strata]
        se += [None, self.pooled.se if self.pooled else None]
        return pd.DataFrame([{**r, "se": e, "level": self.level}
                             for r, e in zip(self.rows(), se, strict=True)])

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: the sum of strata in the ``PopulationEstimate`` keys plus rows."""
        return {"method": self.method, "observed": self.observed,
                "estimate": _round(self.estimate), "ci_lower": _round(self.ci_lower),
                "ci_upper": _round(self.ci_upper), "level": self.level,
                "by": list(self.by), "complete": self.sum_complete, "rows": self.rows()}

    def summary(self) -> str:
        """A few lines for people: each stratum, their sum and the pooled estimate."""
        pct = round(self.level * 100)
        lines = [f"Multiple systems estimation per stratum ({', '.join(self.by)}), method "
                 f"{self.method}; {pct}% intervals"]
        for r in self.rows():
            label = ", ".join(str(r[b]) for b in self.by) if r["row"] == "stratum" \
                else r["row"]
            est = "-" if r["estimate"] is None else f"{r['estimate']:,.0f}"
            lo = "-" if r["ci_lower"] is None else f"{r['ci_lower']:,.0f}"
            hi = "-" if r["ci_upper"] is None else f"{r['ci_upper']:,.0f}"
            lines.append(f"  {label:<16}{r['observed'] or 0:>8,}{est:>10}  {lo} - {hi}"
                         + (f"  ({r['error']})" if r.get("error") else ""))
        return "\n".join(lines)

    def rows(self) -> list[dict[str, Any]]:
        """Tidy rows: one per stratum, then ``sum of strata`` and ``pooled``."""
        out = []
        for s in self.strata:
            r = s.result
            out.append({**dict(s.key), "row": "stratum", "observed": s.observed,
                        "estimate": _round(r.estimate if r else None),
                        "ci_lower": _round(r.ci_lower if r else None),
                        "ci_upper": _round(r.ci_upper if r else None),
                        "model": list(r.model) if r else None, "error": s.error})
        blank = dict.fromkeys(self.by)
        out.append({**blank, "row": "sum of strata",
                    "observed": sum(s.observed for s in self.strata),
                    "estimate": _round(self.sum_estimate), "ci_lower": _round(self.sum_ci_lower),
                    "ci_upper": _round(self.sum_ci_upper), "model": None,
                    "error": None if self.sum_complete else
                    "some strata could not be estimated; their observed count is used"})
        p = self.pooled
        out.append({**blank, "row": "pooled", "observed": p.observed if p else None,
                    "estimate": _round(p.estimate if p else None),
                    "ci_lower": _round(p.ci_lower if p else None),
                    "ci_upper": _round(p.ci_upper if p else None),
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
                              pooled=pooled_result, level=level, method=method)


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
