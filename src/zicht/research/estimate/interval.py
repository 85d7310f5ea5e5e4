"""Intervals for a population estimate: profile likelihood for one fixed model, and BCa
for a bootstrap that repeats the model selection.

The profile interval treats the chosen model as if it were known in advance; when the
model was chosen from the data it is too narrow (see ``docs/estimation.md``). Only the
bootstrap with re-selection carries model-selection uncertainty.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from zicht.core.errors import EstimationError
from zicht.research.estimate.fit import ModelFit, newton, prepare

# Not scipy: its import costs many times the fit (issue 17; numeric.py says how).
from zicht.research.estimate.numeric import brentq, minimize_bounded, ndtr, ndtri

FloatArray = npt.NDArray[np.float64]


def profile_interval(k: int, counts: npt.NDArray[np.int64], fit: ModelFit,
                     level: float = 0.95) -> tuple[float, float]:
    """Profile-likelihood interval for N with the model fixed (Cormack 1992).

    For each candidate N the unseen cell gets N - observed people, the model is fitted
    to the completed table, and the multinomial log-likelihood
    ``log N! - log (N - n)! + sum y_h log p_h + (N - n) log p_0`` is evaluated; the
    interval is where twice its drop from the maximum stays below the chi-square (1 df)
    quantile. This is Rcapture's ``closedpCI.t`` profile interval; it reproduces the
    reference intervals of ``data/README.md`` (UK 5 lists 9,889-13,063).
    """
    _check_level(level)
    p = prepare(k, counts, fit.terms)
    n = float(fit.observed)
    x0 = np.vstack([_unit_row(p.x.shape[1]), p.x])
    warm = [fit.coef.copy()]

    def loglik(big_n: float) -> float:
        z = max(big_n - n, 0.0)
        yy = np.concatenate([[z], p.y])
        out = newton(x0, yy, warm[0], max_iter=200)
        if out is None:
            raise EstimationError("The profile likelihood could not be fitted at N = "
                                  f"{big_n:.0f}. Use --bootstrap for the interval.")
        warm[0] = out[0]
        logp = x0 @ out[0] - math.log(float(out[1].sum()))
        return math.lgamma(big_n + 1) - math.lgamma(z + 1) + float(yy @ logp)

    top = n + 20.0 * (fit.hidden + 10.0)
    n_hat, neg_max = minimize_bounded(lambda v: -loglik(v), n, top, xatol=1e-6 * top)
    ll_max = -neg_max
    crit = float(ndtri(0.5 + level / 2)) ** 2  # the chi-squared(1) quantile at level

    def excess(v: float) -> float:
        return 2.0 * (ll_max - loglik(v)) - crit

    lower = n if excess(n) <= 0 else brentq(excess, n, n_hat, xtol=1e-6)
    hi, step = n_hat, max(fit.hidden, 1.0) * 0.25
    for _ in range(60):
        if excess(hi + step) > 0:
            return lower, brentq(excess, hi, hi + step, xtol=1e-6)
        hi, step = hi + step, step * 1.6
    raise EstimationError("The profile likelihood did not cross its cut-off: the interval "
                          "is unbounded above. Use a bootstrap interval or fewer terms.")


def _unit_row(n: int) -> FloatArray:
    e = np.zeros((1, n))
    e[0, 0] = 1.0
    return e


def wald_interval(fit: ModelFit, level: float = 0.95) -> tuple[float, float]:
    """Normal interval on the log hidden number (SparseMSE ``estimatepopulation.0``)."""
    _check_level(level)
    z = float(ndtri(0.5 + level / 2))
    se = math.sqrt(fit.var_intercept)
    b0 = float(fit.coef[0])
    return fit.observed + math.exp(b0 - z * se), fit.observed + math.exp(b0 + z * se)


def bca_interval(replicates: FloatArray, estimate: float, acceleration: float,
                 level: float = 0.95) -> tuple[float, float]:
    """BCa limits (Efron; as SparseMSE ``bcaconfvalues``, quantile type 8)."""
    _check_level(level)
    reps = replicates[np.isfinite(replicates)]
    if reps.size < 10:
        raise EstimationError(f"Only {reps.size} bootstrap replicates succeeded; at least 10 "
                              "are needed for a BCa interval. Increase --bootstrap.")
    below = float(np.mean(reps < estimate))
    below = min(max(below, 0.5 / reps.size), 1 - 0.5 / reps.size)
    z0 = float(ndtri(below))
    alpha = np.array([(1 - level) / 2, (1 + level) / 2])
    za = np.array([ndtri(a) for a in alpha]) + z0
    q = ndtr(z0 + za / (1 - acceleration * za))
    lo, hi = np.quantile(reps, q, method="median_unbiased")
    return float(lo), float(hi)


def jackknife_acceleration(counts: npt.NDArray[np.int64], jack: FloatArray) -> float:
    """Acceleration from leave-one-out estimates, one per non-empty cell, weighted by count.

    ``jack[i]`` is the estimate with one person removed from cell i (ignored where the
    cell is empty).
    """
    w = counts.astype(np.float64)
    m = (w > 0) & np.isfinite(jack)
    w, jack = w[m], jack[m]
    resid = (w @ jack) / w.sum() - jack
    den = 6.0 * (w @ resid**2) ** 1.5
    return float((w @ resid**3) / den) if den > 0 else 0.0


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise EstimationError(f"Confidence level {level} is not between 0 and 1 "
                              "(use e.g. 0.95).", level=level)
