"""Rcapture's profile-likelihood interval for N (``closedpCI.t``), reproduced exactly.

For a candidate N the unseen cell gets ``n0 = N - n`` people (not rounded), the model
is refitted as a Poisson GLM on all ``2**k`` cells (the unseen row is all zeros, so
only the intercept reaches it), and the multinomial profile log-likelihood is
``-(deviance - 2 ct) / 2`` with Cormack's (1992) correction ``ct`` (Stirling's form
above 100 people, exact factorials below). Then, as R does:

- the multinomial estimate ``Nmax`` maximises it on ``(n, 1.5 N)`` (N: the Poisson
  estimate);
- the cut-off is ``max - qchisq(1 - alpha, 1) / 2``;
- the lower limit is the root on ``(n, Nmax)``, or the observed count ``n`` itself
  when the likelihood at ``n`` is still above the cut-off;
- the upper limit is the root on ``(Nmax, fmax * N)`` (``fmaxSupCL = 3``), or
  unbounded (``inf`` here, ``">3N"`` in R) when it does not cross before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from zicht.research.estimate.heterogeneity_design import Design
from zicht.research.estimate.heterogeneity_fit import chao_negative, glm

FloatArray = npt.NDArray[np.float64]

LOWER_AT_N = "the CI lower bound is set to the sample size n"
UPPER_OPEN = ("the CI upper bound is larger than 'fmaxSupCL*N', you could set "
              "'fmaxSupCL' to a larger value (here: fmax_upper={fmax:g})")


_TOL = 1e-4  # R's tol for optimize and uniroot in closedpCI.t


@dataclass(frozen=True)
class ProfileInterval:
    """Multinomial estimate, the interval, and the warnings as Rcapture words them."""

    estimate: float
    lower: float
    upper: float
    warnings: tuple[str, ...]


def cormack(n0: float, total: float) -> float:
    """Cormack's correction term ``ct`` exactly as ``closedpCI.t`` computes it."""
    if total > 100:
        if n0 in (0.0, 1.0):
            return -total + 0.5 * math.log(2 * math.pi * total)
        return n0 - total - 0.5 * math.log(n0 / total)
    # log((n0^n0) * total! / (total^total * n0!)), with 0^0 = 1 as in R
    return (_xlogx(n0) + math.lgamma(total + 1) - _xlogx(total) - math.lgamma(n0 + 1))


def _xlogx(v: float) -> float:
    return v * math.log(v) if v > 0 else 0.0


def profile_loglik(design: Design, counts: npt.NDArray[np.int64], big_n: float,
                   *, neg: bool = True) -> float:
    """The multinomial profile log-likelihood at ``N`` (R's ``loglikemult``)."""
    y = counts.astype(np.float64)
    n0 = big_n - float(y.sum())
    ya = np.append(y, n0)
    xa = np.vstack([design.x, np.zeros((1, design.x.shape[1]))])
    if design.heterogeneity == "chao" and neg:
        fit = chao_negative(xa, design.names, ya, design.nca)[0]
    else:
        fit = glm(xa, design.names, ya)[0]
    return -(float(fit.deviance) - 2.0 * cormack(n0, float(ya.sum()))) / 2.0


def profile_interval(design: Design, counts: npt.NDArray[np.int64], poisson_n: float,
                     *, alpha: float = 0.05, fmax: float = 3.0,
                     neg: bool = True) -> ProfileInterval:
    """The interval of ``closedpCI.t(..., alpha=, fmaxSupCL=)`` for a full-rank model."""
    from scipy.optimize import brentq, minimize_scalar
    from scipy.stats import chi2

    n = float(counts.sum())

    def loglik(v: float) -> float:
        return profile_loglik(design, counts, v, neg=neg)

    warnings: list[str] = []
    # scipy's bounded method and R's optimize are both Brent's fmin: with R's tol the
    # search visits the same points, which matters where the profile is nearly flat
    best = minimize_scalar(lambda v: -loglik(v), bounds=(n, 1.5 * poisson_n),
                           method="bounded", options={"xatol": _TOL})
    n_max, l_max = float(best.x), -float(best.fun)
    cut = l_max - float(chi2.ppf(1 - alpha, 1)) / 2

    def excess(v: float) -> float:
        return loglik(v) - cut

    at_n = excess(n)
    at_max = excess(n_max)
    if at_n * at_max > 0 or n_max <= n:
        lower = n
        warnings.append(LOWER_AT_N)
    else:
        lower = float(brentq(excess, n, n_max, xtol=_TOL))
    top = fmax * poisson_n
    if not math.isfinite(top) or excess(top) * at_max > 0:
        upper = math.inf
        warnings.append(UPPER_OPEN.format(fmax=fmax))
    else:
        upper = float(brentq(excess, n_max, top, xtol=_TOL))
    return ProfileInterval(n_max, lower, upper, tuple(warnings))
