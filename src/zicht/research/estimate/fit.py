"""Poisson log-linear fits on the 2**k - 1 observable cells, with the model checks.

Hand-written Newton-Raphson (IRLS with step halving) because thousands of bootstrap
refits must be fast and warm-started; ``tests/research/estimate`` checks it against
statsmodels' GLM. Extended maximum likelihood as in Chan, Silverman & Vincent (2021):
a term whose observed marginal total is zero is fixed at minus infinity, which removes
its cells from the fit (their fitted value is 0).

Check codes (as SparseMSE's ``checkident``): 0 = fine, 1 = the extended maximum
likelihood estimate does not exist (Fienberg & Rinaldo linear programme), 2 = the
model is not identifiable (the design on the remaining cells is rank deficient),
3 = both.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import numpy.typing as npt

from zicht.research.estimate.design import Model, design, main_effects, sort_terms
from zicht.research.estimate.numeric import gammaln

FloatArray = npt.NDArray[np.float64]

CHECK_OK, CHECK_NO_MLE, CHECK_NOT_IDENTIFIABLE = 0, 1, 2

#: Fitted values below this on a zero cell make the fast existence test defer to the LP.
#: (Legitimate fits of 6 sparse lists reach 1e-7; a diverging fit never converges.)
_SMALL_FIT = 1e-10


@dataclass(frozen=True, eq=False)
class Prepared:
    """A model set up on one table: which terms are finite, which cells stay in."""

    terms: Model  # interaction terms, canonical order
    finite: Model  # main effects + interactions with a positive marginal total
    infinite: Model  # terms fixed at minus infinity
    keep: npt.NDArray[np.bool_]  # cells kept in the fit
    x: FloatArray  # design on the kept cells: intercept, then ``finite``
    y: FloatArray  # counts on the kept cells


@dataclass(frozen=True, eq=False)
class ModelFit:
    """One fitted log-linear model."""

    terms: Model
    infinite: Model
    coef: FloatArray  # intercept, then the finite terms in order
    finite: Model
    fitted: FloatArray  # over all observable cells; 0 on removed cells
    loglik: float
    npar: int  # intercept + every term, the infinite ones included (as SparseMSE's AIC)
    observed: int
    iterations: int
    x: FloatArray = field(repr=False)  # design on the kept cells (for the variance)
    keep: npt.NDArray[np.bool_] = field(repr=False)

    @cached_property
    def var_intercept(self) -> float:
        """Inverse-information variance of the intercept (the log hidden number)."""
        mu = self.fitted[self.keep]
        return float(np.linalg.solve((self.x.T * mu) @ self.x, _unit(self.x.shape[1]))[0])

    @property
    def hidden(self) -> float:
        """Fitted number seen by no list."""
        return math.exp(self.coef[0])

    @property
    def estimate(self) -> float:
        """Observed plus hidden."""
        return self.observed + self.hidden

    def aic(self) -> float:
        return -2.0 * self.loglik + 2.0 * self.npar

    def bic(self) -> float:
        return -2.0 * self.loglik + math.log(max(self.observed, 1)) * self.npar


def prepare(k: int, counts: npt.NDArray[np.int64], terms: Sequence[int]) -> Prepared:
    """Fix zero-total terms at minus infinity and build the design on the remaining cells."""
    terms = sort_terms([t for t in terms if t.bit_count() >= 2])
    allterms = main_effects(k) + terms
    full = design(k, allterms)
    y_all = counts.astype(np.float64)
    totals = full[:, 1:].T @ y_all
    keep = np.ones(full.shape[0], dtype=bool)
    finite_idx: list[int] = []
    infinite: list[int] = []
    for i, t in enumerate(allterms):
        if totals[i] > 0:
            finite_idx.append(i)
        else:
            infinite.append(t)
            keep &= full[:, 1 + i] == 0
    cols = [0] + [1 + i for i in finite_idx]
    return Prepared(terms=terms, finite=tuple(allterms[i] for i in finite_idx),
                    infinite=tuple(infinite), keep=keep, x=full[keep][:, cols],
                    y=y_all[keep])


def is_identifiable(p: Prepared) -> bool:
    """Full column rank of the design on the cells that remain."""
    if p.x.shape[0] < p.x.shape[1]:
        return False
    return _full_rank(p.x.shape, p.x.tobytes())


@lru_cache(maxsize=4096)
def _full_rank(shape: tuple[int, ...], data: bytes) -> bool:
    """``matrix_rank`` of the design given by its bytes: a bootstrap meets the same few
    designs (the zero cells of a resample) thousands of times; same matrix, same SVD."""
    x = np.frombuffer(data, dtype=np.float64).reshape(shape)
    return bool(np.linalg.matrix_rank(x) == shape[1])


def mle_exists_lp(p: Prepared) -> bool:
    """Fienberg & Rinaldo (2012): does some x > 0 share the sufficient statistics X'y?

    Maximise s subject to X'x = X'y, x_i >= s, 0 <= s <= 1; the extended MLE exists
    exactly when the optimum is positive.
    """
    n_cells, n_par = p.x.shape
    c = np.zeros(n_cells + 1)
    c[-1] = -1.0
    a_eq = np.hstack([p.x.T, np.zeros((n_par, 1))])
    b_eq = p.x.T @ p.y
    a_ub = np.hstack([-np.eye(n_cells), np.ones((n_cells, 1))])
    b_ub = np.zeros(n_cells)
    bounds = [(0, None)] * n_cells + [(0, 1)]
    from scipy.optimize import linprog  # slow to import; only this check needs it

    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds,
                  method="highs")
    return bool(res.status == 0 and -res.fun > 1e-9)


def check_model(k: int, counts: npt.NDArray[np.int64], terms: Sequence[int]) -> int:
    """Check code 0/1/2/3 of a model on a table (see the module docstring)."""
    p = prepare(k, counts, terms)
    code = 0 if mle_exists_lp(p) else CHECK_NO_MLE
    if not is_identifiable(p):
        code += CHECK_NOT_IDENTIFIABLE
    return code


def newton(x: FloatArray, y: FloatArray, start: FloatArray | None,
           max_iter: int = 100) -> tuple[FloatArray, FloatArray, float, int] | None:
    """Maximise the Poisson log-likelihood ``y'Xb - sum(exp(Xb))`` (constants dropped).

    Newton-Raphson with step halving; returns ``(b, mu, loglik, iterations)``, or None
    when it does not converge (a singular information matrix, or steps that stay large,
    as along a direction of recession when the MLE does not exist).
    """
    b = _start(x, y) if start is None or start.shape[0] != x.shape[1] else start.copy()
    eta = np.minimum(x @ b, 700.0)
    mu = np.exp(eta)
    ll = float(y @ eta - mu.sum())
    for it in range(1, max_iter + 1):
        grad = x.T @ (y - mu)
        hess = (x.T * mu) @ x
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            return None
        t = 1.0
        while True:
            b_new = b + t * step
            eta = np.minimum(x @ b_new, 700.0)
            mu_new = np.exp(eta)
            ll_new = float(y @ eta - mu_new.sum())
            if ll_new >= ll - 1e-10 * abs(ll) or t < 1e-8:
                break
            t *= 0.5
        change = float(np.max(np.abs(t * step)))
        b, mu, ll_old, ll = b_new, mu_new, ll, ll_new
        if change < 1e-7 or (abs(ll - ll_old) < 1e-13 * (abs(ll) + 1.0) and change < 1e-5):
            return (b, mu, ll, it) if np.all(np.isfinite(b)) else None
    return None


def fit_prepared(p: Prepared, k: int, observed: int, start: FloatArray | None = None,
                 *, max_iter: int = 100) -> ModelFit | None:
    """Newton-Raphson on a prepared model; ``None`` when it does not converge."""
    out = newton(p.x, p.y, start, max_iter)
    if out is None:
        return None
    b, mu, ll, it = out
    fitted = np.zeros(p.keep.shape[0])
    fitted[p.keep] = mu
    loglik = ll - _log_factorials(p.y.tobytes())
    return ModelFit(terms=p.terms, infinite=p.infinite, coef=b, finite=p.finite,
                    fitted=fitted, loglik=loglik, npar=1 + k + len(p.terms),
                    observed=observed, iterations=it, x=p.x, keep=p.keep)


@lru_cache(maxsize=256)
def _log_factorials(y: bytes) -> float:
    """``sum(log(y!))`` of the kept counts (given as bytes): the same for every model a
    selection fits on one table, so computed once per table and set of kept cells."""
    return float(gammaln(np.frombuffer(y, dtype=np.float64) + 1.0).sum())


def _unit(n: int) -> FloatArray:
    e = np.zeros(n)
    e[0] = 1.0
    return e


def _start(x: FloatArray, y: FloatArray) -> FloatArray:
    """Least squares on log(y + 1/2): a start Newton converges from in a few steps."""
    b, *_ = np.linalg.lstsq(x, np.log(y + 0.5), rcond=None)
    return np.asarray(b, dtype=np.float64)


def fit_checked(k: int, counts: npt.NDArray[np.int64], terms: Sequence[int],
                prev: ModelFit | None = None, *,
                full_code: bool = False) -> tuple[int, ModelFit | None]:
    """Check and fit in one go: ``(code, fit)``; ``fit`` is None unless code == 0.

    ``prev`` warm-starts Newton (new terms start at 0). The linear programme runs only
    when the fast path cannot decide: a Newton fit that converged (steps below 1e-7,
    which never happens along a direction of recession, where Newton keeps stepping
    by about 1) with every fitted value clearly positive is the MLE, so it exists.
    With ``full_code`` a non-identifiable model also goes through the LP, to tell
    code 2 from code 3.
    """
    p = prepare(k, counts, terms)
    if not is_identifiable(p):  # Newton needs full rank; the LP only tells 2 from 3
        extra = 0 if not full_code or mle_exists_lp(p) else CHECK_NO_MLE
        return CHECK_NOT_IDENTIFIABLE + extra, None
    observed = int(counts.sum())
    fit = fit_prepared(p, k, observed, warm_start(prev, p.finite), max_iter=30)
    zero = p.y == 0
    if fit is not None and (not zero.any() or fit.fitted[p.keep][zero].min() > _SMALL_FIT):
        return CHECK_OK, fit
    if not mle_exists_lp(p):
        return CHECK_NO_MLE, None
    if fit is None:  # exists but Newton failed from the warm start: retry cold, longer
        fit = fit_prepared(p, k, observed, None, max_iter=500)
    return (CHECK_OK, fit) if fit is not None else (CHECK_NO_MLE, None)


def warm_start(prev: ModelFit | None, p_finite: Model) -> FloatArray | None:
    """Coefficients of a previous fit mapped onto a new model's finite terms (new = 0)."""
    if prev is None:
        return None
    where = {t: i + 1 for i, t in enumerate(prev.finite)}
    b = np.zeros(1 + len(p_finite))
    b[0] = prev.coef[0]
    for i, t in enumerate(p_finite):
        j = where.get(t)
        if j is not None:
            b[1 + i] = prev.coef[j]
    return b


@dataclass(frozen=True, eq=False)
class GlmFit:
    """A Poisson fit by R's ``glm.fit`` rule (see :func:`newton_glm`).

    ``kept`` marks the design columns that were estimated (R sets aliased ones to NA);
    ``coef`` and ``cov`` are over the kept columns only.
    """

    coef: FloatArray
    cov: FloatArray  # inverse information from the weights of the last iteration, as R
    fitted: FloatArray
    kept: npt.NDArray[np.bool_]
    deviance: float
    loglik: float  # sum of log dpois(y, mu): R's aic is -2 loglik + 2 rank
    converged: bool
    iterations: int
    warnings: tuple[str, ...]

    @property
    def rank(self) -> int:
        return int(self.kept.sum())


_EPS = float(np.finfo(np.float64).eps)


def newton_glm(x: FloatArray, y: FloatArray, *, max_iter: int = 25,
               epsilon: float = 1e-8) -> GlmFit:
    """Newton-Raphson (IRLS; the same steps for the canonical log link) with R's rules.

    :func:`newton` stops on the step size, which is right at an interior optimum; on
    the boundary (a heterogeneity parameter running to infinity, an estimate tending to
    the observed count) where a fit stops decides the reported figure, so Rcapture's
    numbers are reproduced only with R's own rules: start at ``mu = y + 0.1``, stop
    when the deviance changes by less than ``epsilon`` relative, at most 25 iterations,
    rates floored at machine epsilon, step halving only on a non-finite deviance, and
    columns aliased on earlier ones dropped (R's pivoted QR). The result is returned
    even without convergence, with R's warnings.
    """
    kept = _independent_columns(x)
    xk = x[:, kept]
    mu = y + 0.1
    eta = np.log(mu)
    dev_old = _deviance(y, mu)
    coef = np.zeros(xk.shape[1])
    weights = mu
    converged, it = False, 0
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        weights = mu
        z = eta + (y - mu) / mu
        # weighted least squares by Householder QR, as R's Cdqrls (the normal equations
        # lose the digits that decide where a fit on the boundary stops)
        root = np.sqrt(weights)
        q, r = np.linalg.qr(xk * root[:, None])
        coef_new = np.linalg.solve(r, q.T @ (z * root))
        eta = xk @ coef_new
        mu = np.maximum(np.exp(np.minimum(eta, 700.0)), _EPS)
        dev = _deviance(y, mu)
        halvings = 0
        while not np.isfinite(dev) and halvings < 30:  # R: "step size truncated"
            coef_new = (coef_new + coef) / 2
            eta = xk @ coef_new
            mu = np.maximum(np.exp(np.minimum(eta, 700.0)), _EPS)
            dev = _deviance(y, mu)
            halvings += 1
        coef = coef_new
        if abs(dev - dev_old) / (abs(dev) + 0.1) < epsilon:
            converged = True
            break
        dev_old = dev
    warnings = []
    if not converged:
        warnings.append("glm.fit: algorithm did not converge")
    if (mu < 10 * _EPS).any():
        warnings.append("glm.fit: fitted rates numerically 0 occurred")
    r_last = np.linalg.qr(xk * np.sqrt(weights)[:, None], mode="r")
    r_inv = np.linalg.inv(r_last)
    cov = r_inv @ r_inv.T  # R's chol2inv of the last QR
    loglik = float(np.sum(y * np.log(mu) - mu - gammaln(y + 1.0)))
    return GlmFit(coef=coef, cov=cov, fitted=mu, kept=kept, deviance=_deviance(y, mu),
                  loglik=loglik, converged=converged, iterations=it,
                  warnings=tuple(warnings))


def _deviance(y: FloatArray, mu: FloatArray) -> float:
    """Poisson deviance, R's ``dev.resids`` summed cell by cell (``y log(y/mu)`` is 0 where
    y = 0); R's order of operations, since the stopping rule compares successive values."""
    ratio = np.where(y > 0, y / mu, 1.0)
    return float(np.sum(2.0 * (y * np.log(ratio) - (y - mu))))


def _independent_columns(x: FloatArray, tol: float = 1e-7) -> npt.NDArray[np.bool_]:
    """Columns not aliased on earlier ones, in order (R's limited-pivoting QR)."""
    r_diag = np.abs(np.diag(np.linalg.qr(x, mode="r")))
    norms = np.linalg.norm(x, axis=0)
    if x.shape[0] >= x.shape[1] and (r_diag > 1e3 * tol * norms).all():
        return np.ones(x.shape[1], dtype=bool)  # clearly full rank: the common case
    kept = np.zeros(x.shape[1], dtype=bool)
    basis: list[FloatArray] = []
    for j in range(x.shape[1]):
        v = x[:, j].astype(np.float64)
        norm0 = float(np.linalg.norm(v))
        for _ in range(2):  # Gram-Schmidt twice: orthogonal to rounding
            for q in basis:
                v = v - (q @ v) * q
        norm = float(np.linalg.norm(v))
        if norm0 > 0 and norm > tol * norm0:
            basis.append(v / norm)
            kept[j] = True
    return kept
