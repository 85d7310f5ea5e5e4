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
from scipy.linalg import cho_factor, cho_solve
from scipy.optimize import brentq
from scipy.stats import chi2, norm

from zicht.core.errors import EstimationError
from zicht.research.estimate.fit import ModelFit, prepare

FloatArray = npt.NDArray[np.float64]


def profile_interval(k: int, counts: npt.NDArray[np.int64], fit: ModelFit,
                     level: float = 0.95) -> tuple[float, float]:
    """Profile-likelihood interval for N = observed + exp(intercept), the model fixed.

    The Poisson log-likelihood is maximised over every other parameter with the
    intercept held at c; the interval is where twice the drop stays below the chi-square
    (1 df) quantile. Reproduces the upper limits of the reference values in
    ``data/README.md``; see the tests for the lower ones.
    """
    _check_level(level)
    p = prepare(k, counts, fit.terms)
    x1, y = p.x[:, 1:], p.y
    b_hat = fit.coef
    ll_max = _loglik(p.x, y, b_hat)
    crit = float(chi2.ppf(level, 1))
    rest = b_hat[1:].copy()

    def excess(c: float) -> float:
        nonlocal rest
        rest, ll = _fit_offset(x1, y, c, rest)
        return 2.0 * (ll_max - ll) - crit

    b0 = float(b_hat[0])
    se = math.sqrt(max(fit.var_intercept, 1e-12))
    lo = _bracket(excess, b0, -se)
    rest = b_hat[1:].copy()
    hi = _bracket(excess, b0, se)
    return fit.observed + math.exp(lo), fit.observed + math.exp(hi)


def wald_interval(fit: ModelFit, level: float = 0.95) -> tuple[float, float]:
    """Normal interval on the log hidden number (SparseMSE ``estimatepopulation.0``)."""
    _check_level(level)
    z = float(norm.ppf(0.5 + level / 2))
    se = math.sqrt(fit.var_intercept)
    b0 = float(fit.coef[0])
    return fit.observed + math.exp(b0 - z * se), fit.observed + math.exp(b0 + z * se)


def _bracket(f, b0: float, step: float) -> float:  # type: ignore[no-untyped-def]
    """Walk from the MLE until f changes sign, then solve with Brent's method."""
    a, _fa = b0, -1.0
    for _ in range(60):
        b = a + step
        fb = f(b)
        if fb > 0:
            return float(brentq(f, a, b, xtol=1e-10))
        a, _fa = b, fb
        step *= 1.6
    raise EstimationError("The profile likelihood did not cross its cut-off: the interval "
                          "is unbounded on one side. Use a bootstrap interval or fewer terms.")


def _loglik(x: FloatArray, y: FloatArray, b: FloatArray, offset: float = 0.0) -> float:
    eta = offset + x @ b
    return float(y @ eta - np.exp(eta).sum())


def _fit_offset(x: FloatArray, y: FloatArray, offset: float,
                b: FloatArray) -> tuple[FloatArray, float]:
    """Newton for the Poisson model with a fixed intercept (an offset)."""
    if x.shape[1] == 0:
        return b, _loglik(x, y, b, offset)
    for _ in range(200):
        eta = np.minimum(offset + x @ b, 700.0)
        mu = np.exp(eta)
        ll = float(y @ eta - mu.sum())
        step = cho_solve(cho_factor((x.T * mu) @ x), x.T @ (y - mu))
        t = 1.0
        while t > 1e-8:
            cand = b + t * step
            if _loglik(x, y, cand, offset) >= ll - 1e-10 * abs(ll):
                break
            t *= 0.5
        b = b + t * step
        if np.max(np.abs(t * step)) < 1e-10:
            break
    return b, _loglik(x, y, b, offset)


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
    z0 = float(norm.ppf(below))
    alpha = np.array([(1 - level) / 2, (1 + level) / 2])
    za = norm.ppf(alpha) + z0
    q = norm.cdf(z0 + za / (1 - acceleration * za))
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
