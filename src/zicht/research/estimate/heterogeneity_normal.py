"""Rcapture's normal heterogeneity model (``closedpCI.t(..., h = "Normal")``, Rivest 2011).

Visibility ``e_i`` is normal with standard deviation ``sigma``; the expected count of a
history is ``exp(b0 + x'b + phi(c))`` with ``phi`` integrated by 20-point Gauss-Hermite
quadrature (Rcapture's ``getmu``). Rcapture minimises the Poisson deviance with R's
``optim(method = "BFGS")`` and finite-difference gradients and Hessian, starting from
the Darroch fit and ``sigma = 0.2``; where such a search stops decides the last digits,
so :func:`vmmin` follows R's C code (``vmmin`` and the ``optim`` gradient / Hessian)
step by step. The interval is Chao's (1987) log-normal one, not a profile.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from zicht.research.estimate.heterogeneity_design import capture_counts
from zicht.research.estimate.linpack import matvec

FloatArray = npt.NDArray[np.float64]

SIGMA_WARNING = ("the sigma estimate is non-positive, it seems there is no heterogeneous "
                 "catchability in the data")
_X = np.array([-5.38748089001, -4.60368244955, -3.94476404012, -3.34785456738,
               -2.78880605843, -2.25497400209, -1.73853771212, -1.2340762154,
               -0.737473728545, -0.245340708301, 0.245340708301, 0.737473728545,
               1.2340762154, 1.73853771212, 2.25497400209, 2.78880605843, 3.34785456738,
               3.94476404012, 4.60368244955, 5.38748089001])
_W = np.array([2.22939364554E-013, 4.39934099226E-010, 1.08606937077E-007,
               7.8025564785E-006, 0.000228338636017, 0.00324377334224, 0.0248105208875,
               0.10901720602, 0.286675505363, 0.462243669601, 0.462243669601,
               0.286675505363, 0.10901720602, 0.0248105208875, 0.00324377334224,
               0.000228338636017, 7.8025564785E-006, 1.08606937077E-007,
               4.39934099226E-010, 2.22939364554E-013])
_NDEPS = 1e-3  # optim's default finite-difference step
_RELTOL = math.sqrt(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class NormalFit:
    """The normal model's optimum, as Rcapture reports it."""

    par: FloatArray  # intercept, the mX coefficients, sigma
    cov: FloatArray  # solve(hessian of the deviance), as Rcapture
    fitted: FloatArray
    deviance: float
    loglik: float
    converged: bool
    warnings: tuple[str, ...]


def normal_mu(par: FloatArray, x: FloatArray, c: npt.NDArray[np.int64]) -> FloatArray:
    """Rcapture's ``getmu``: fitted counts of the normal model."""
    p = x.shape[1]
    coef, sig = par[:p + 1], par[p + 1]
    xi = np.column_stack([np.ones(x.shape[0]), x])
    t = int(c.max())
    with np.errstate(all="ignore"):  # R's IEEE arithmetic: a wild step gives Inf / NaN,
        lin = matvec(xi, coef)       # which the line search then rejects
        e0 = np.exp(coef[0])
        # cbind(mXi, nbcap) %*% c(coef, z sqrt(2) sigma): the last column adds last
        node = (_X * np.sqrt(2)) * sig
        big_c = e0 / (e0 + np.sum(np.exp(lin[None, :] + c[None, :] * node[:, None]), axis=1))
        phi = np.array([np.log(np.sum(_W * np.exp(i * np.sqrt(2) * sig * _X) * big_c)
                               / np.sum(_W * big_c)) for i in range(1, t + 1)])
        out: FloatArray = np.exp(lin + phi[c - 1])
    return out


def _deviance(y: FloatArray, mu: FloatArray) -> float:
    with np.errstate(all="ignore"):
        ratio = np.where(y > 0, y / mu, 1.0)
        return float(np.sum(2.0 * (y * np.log(ratio) - (y - mu))))


def fit_normal(x: FloatArray, y: FloatArray, start: FloatArray,
               init_sigma: float = 0.2, max_iter: int = 100) -> NormalFit:
    """Minimise the Poisson deviance as ``optim(par, devPois, method="BFGS", hessian=TRUE)``."""
    from scipy.special import gammaln

    c = capture_counts(int(y.size + 1).bit_length() - 1)

    def dev(par: FloatArray) -> float:
        return _deviance(y, normal_mu(par, x, c))

    par0 = np.append(start, init_sigma)
    par, converged = vmmin(dev, par0, max_iter)
    hess = optim_hessian(dev, par)
    cov = np.asarray(np.linalg.inv(hess), dtype=np.float64)
    mu = normal_mu(par, x, c)
    warnings = [] if converged else ["optim: algorithm did not converge"]
    if par[-1] <= 0:
        warnings.append(SIGMA_WARNING)
    loglik = float(np.sum(y * np.log(mu) - mu - gammaln(y + 1.0)))
    return NormalFit(par=par, cov=cov, fitted=mu, deviance=dev(par), loglik=loglik,
                     converged=converged, warnings=tuple(warnings))


def numeric_gradient(fn: Callable[[FloatArray], float], p: FloatArray) -> FloatArray:
    """optim's central differences with ``ndeps = 1e-3``."""
    g = np.empty(p.size)
    x = p.copy()
    for i in range(p.size):
        x[i] = p[i] + _NDEPS
        v1 = fn(x)
        x[i] = p[i] - _NDEPS
        v2 = fn(x)
        g[i] = (v1 - v2) / (2 * _NDEPS)
        if not math.isfinite(g[i]):
            raise ValueError(f"non-finite finite-difference value [{i + 1}]")
        x[i] = p[i]
    return g


def optim_hessian(fn: Callable[[FloatArray], float], p: FloatArray) -> FloatArray:
    """optim's ``hessian = TRUE``: differences of the numerical gradient, symmetrised."""
    n = p.size
    h = np.empty((n, n))
    d = p.copy()
    for i in range(n):
        d[i] = d[i] + _NDEPS
        g1 = numeric_gradient(fn, d)
        d[i] = d[i] - 2 * _NDEPS
        g2 = numeric_gradient(fn, d)
        h[i] = (g1 - g2) / (2 * _NDEPS)
        d[i] = d[i] + _NDEPS
    return 0.5 * (h + h.T)


def vmmin(fn: Callable[[FloatArray], float], b0: FloatArray,
          max_iter: int = 100) -> tuple[FloatArray, bool]:
    """R's BFGS (``vmmin`` in optim.c) with its constants; returns (par, converged)."""
    stepredn, acctol, reltest = 0.2, 0.0001, 10.0
    b = b0.astype(np.float64).copy()
    n = b.size
    f = fn(b)
    if not math.isfinite(f):
        raise ValueError("initial value in 'vmmin' is not finite")
    fmin = f
    g = numeric_gradient(fn, b)
    gradcount, it, ilast = 1, 1, 1
    bmat = np.eye(n)
    while True:
        if ilast == gradcount:
            bmat = np.eye(n)
        x = b.copy()
        cvec = g.copy()
        # the C loops, in their order (a flat optimum amplifies rounding differences)
        t = np.empty(n)
        gradproj = 0.0
        for i in range(n):
            s = 0.0
            for j in range(i + 1):
                s -= bmat[i, j] * g[j]
            for j in range(i + 1, n):
                s -= bmat[j, i] * g[j]
            t[i] = s
            gradproj += s * g[i]
        if gradproj < 0.0:
            steplength = 1.0
            accpoint = False
            while True:
                b = x + steplength * t
                count = int(np.sum(reltest + x == reltest + b))
                if count < n:
                    f = fn(b)
                    accpoint = math.isfinite(f) and f <= fmin + gradproj * steplength * acctol
                    if not accpoint:
                        steplength *= stepredn
                if count == n or accpoint:
                    break
            enough = f > -math.inf and abs(f - fmin) > _RELTOL * (abs(fmin) + _RELTOL)
            if not enough:
                count = n
                fmin = f
            if count < n:
                fmin = f
                g = numeric_gradient(fn, b)
                gradcount += 1
                it += 1
                d1 = 0.0
                for i in range(n):
                    t[i] = steplength * t[i]
                    cvec[i] = g[i] - cvec[i]
                    d1 += t[i] * cvec[i]
                if d1 > 0:
                    xv = np.empty(n)
                    d2 = 0.0
                    for i in range(n):
                        s = 0.0
                        for j in range(i + 1):
                            s += bmat[i, j] * cvec[j]
                        for j in range(i + 1, n):
                            s += bmat[j, i] * cvec[j]
                        xv[i] = s
                        d2 += s * cvec[i]
                    d2 = 1.0 + d2 / d1
                    for i in range(n):
                        for j in range(i + 1):
                            bmat[i, j] += (d2 * t[i] * t[j] - xv[i] * t[j] - t[i] * xv[j]) / d1
                else:
                    ilast = gradcount
            elif ilast < gradcount:
                count = 0
                ilast = gradcount
        else:
            count = 0
            if ilast == gradcount:
                count = n
            else:
                ilast = gradcount
        if it >= max_iter:
            return b, False
        if gradcount - ilast > 2 * n:
            ilast = gradcount
        if count == n and ilast == gradcount:
            return b, True


def chao_log_interval(n: float, big_n: float, se: float, level: float) -> tuple[float, float]:
    """Chao (1987, formula 12): ``n + (N - n) / C`` and ``n + (N - n) C``."""
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + level / 2))
    big_c = math.exp(z * math.sqrt(math.log(1 + se**2 / (big_n - n) ** 2)))
    return n + (big_n - n) / big_c, n + (big_n - n) * big_c
