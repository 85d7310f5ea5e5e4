"""Borrow strength across years: one log-linear model over all years.

Year is a stratum: every year has its own hidden number and its own main effect per
list (list sizes change from year to year), while the interactions between lists are
shared by all years and selected once, on the stacked table of all years (forward
selection as in ``stepwise``, Chan, Silverman & Vincent 2021). A year's estimate then
no longer hinges on which interaction its own sparse table happened to select. The
model is the covariate model of :mod:`zicht.research.estimate.covariate` with year as
the covariate; this module adds the per-year intervals by parametric bootstrap (the
selection repeated on every drawn table) and the comparison with the per-year fit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from zicht.core.errors import EstimationError
from zicht.research.estimate.covariate import CovariateEstimate, estimate_covariate
from zicht.research.estimate.table import CaptureTable

Key = tuple[tuple[str, Any], ...]

#: Parametric bootstrap tables for the per-year intervals when none are asked for.
DEFAULT_BOOTSTRAP = 200


def estimate_multiyear(tables: Mapping[Key, CaptureTable], *,
                       model: Sequence[str] | None = None, p_threshold: float | None = None,
                       bootstrap: int = DEFAULT_BOOTSTRAP, interval: str | None = None,
                       seed: int = 1234, level: float = 0.95,
                       method: str = "multiyear") -> CovariateEstimate:
    """One model over the strata of ``tables`` (keys such as ``(("year", 2019),)``).

    ``bootstrap`` parametric tables (default 200) give each year's percentile interval
    with the selection repeated (``interval="parametric"``); ``bootstrap=0`` gives Wald
    intervals on the log hidden number that take the interactions as known.
    ``p_threshold`` (default 0.02) is the selection's; with ``model`` the interactions are
    fixed and ``p_threshold`` contradicts it.
    """
    if model is not None and p_threshold is not None:
        raise EstimationError("model= fixes the shared interactions; p_threshold (for their "
                              "selection) contradicts it. Drop one.", method=method)
    if bootstrap < 0:
        raise EstimationError(f"bootstrap must be 0 or more tables; got {bootstrap}.")
    if len(tables) < 2:
        raise EstimationError("The multi-year model needs two or more years (strata); for "
                              "one table use method 'stepwise'.", method=method)
    how = interval or ("parametric" if bootstrap > 0 else "wald-log")
    return estimate_covariate(tables, model=model,
                              p_threshold=0.02 if p_threshold is None else p_threshold,
                              bootstrap=bootstrap, interval=how, seed=seed, level=level,
                              method=method)


def compare_per_year(tables: Mapping[Key, CaptureTable], multi: CovariateEstimate, *,
                     method: str = "stepwise", level: float = 0.95,
                     seed: int = 1234) -> list[dict[str, Any]]:
    """Per stratum: the per-year fit (its own selection, profile interval) beside the
    multi-year model's estimate and interval, with the ratio of the two."""
    from zicht.research.estimate.api import estimate

    rows = []
    for key, row in zip(multi.keys, multi.rows()[:-1], strict=True):
        own: dict[str, Any] = {"estimate": None, "ci_lower": None, "ci_upper": None,
                               "model": None, "error": None}
        try:
            r = estimate(tables[key], method, seed=seed, level=level)
            own = {"estimate": round(r.estimate, 2), "ci_lower": _r(r.ci_lower),
                   "ci_upper": _r(r.ci_upper), "model": " + ".join(r.model), "error": None}
        except EstimationError as exc:
            own["error"] = exc.message
        ratio = (row["estimate"] / own["estimate"]) if own["estimate"] else None
        rows.append({**dict(key), "observed": row["observed"],
                     "per_year_estimate": own["estimate"],
                     "per_year_ci_lower": own["ci_lower"],
                     "per_year_ci_upper": own["ci_upper"],
                     "per_year_model": own["model"], "per_year_error": own["error"],
                     "multiyear_estimate": row["estimate"],
                     "multiyear_ci_lower": row["ci_lower"],
                     "multiyear_ci_upper": row["ci_upper"],
                     "ratio_multiyear_to_per_year": None if ratio is None else round(ratio, 4)})
    return rows


def _r(x: float) -> float | None:
    return round(x, 2) if math.isfinite(x) else None
