"""R's own least-squares path for a Poisson GLM: ``glm.fit`` over LINPACK ``dqrdc2``.

Where a model is nearly unidentified (Rcapture's normal model on a sparse table, whose
start comes from a Darroch GLM drifting to the boundary), the coefficients at which
``glm.fit`` stops carry only a few correct digits, and which ones R reports depends on
its rounding path. Matching R there needs the same path, operation by operation:

* ``dqrdc2`` (R's ``src/appl/dqrdc2.f``): Householder QR with *limited* pivoting (a
  column whose reduced norm falls below ``tol`` times its original norm moves to the
  right edge and is dropped), norms downdated and re-computed by R's 1e-6 rule;
* ``dqrsl`` (job 1110 as ``dqrls`` calls it): ``Q'y`` then back substitution;
* the reference BLAS 3.11 kernels it calls: ``ddot`` sums in index order, ``dnrm2`` is
  the square root of the sum of squares in index order (Blue's algorithm for values in
  the normal range), ``dscal`` multiplies by ``1 / norm``;
* ``glm.fit``'s IRLS for the log link: ``mu = exp(log(y + 0.1))``, weights
  ``sqrt(mu^2 / mu)``, tolerance ``min(1e-7, epsilon / 1000) = 1e-11``, ``x %*% b``
  as ``dgemv`` adds it up (column by column), the relative-deviance stopping rule.

numpy's QR (LAPACK ``dgeqrf``) is as accurate but rounds differently, which is enough
to move Rcapture's normal model on the toy table by 0.3%. Loops over the few columns
stay in Python; each inner product is a numpy product summed sequentially.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from zicht.research.estimate.numeric import gammaln

if TYPE_CHECKING:
    from zicht.research.estimate.fit import GlmFit

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_EPS = float(np.finfo(np.float64).eps)
#: glm.fit passes min(1e-7, epsilon / 1000) to Cdqrls, with glm.control's epsilon 1e-8
GLM_QR_TOL = 1e-11


def _dot(a: FloatArray, b: FloatArray) -> float:
    """Reference ``ddot``: products added one by one in index order."""
    return float(np.add.accumulate(a * b)[-1]) if a.size else 0.0


def _nrm2(a: FloatArray) -> float:
    """Reference ``dnrm2`` (3.10+) for normal-range values: sqrt of the ordered sum."""
    return math.sqrt(_dot(a, a))


def matvec(x: FloatArray, v: FloatArray) -> FloatArray:
    """``x %*% v`` as the reference ``dgemv`` adds it up: column by column."""
    out = np.zeros(x.shape[0])
    for j in range(x.shape[1]):
        out += x[:, j] * v[j]
    return out


def dqrdc2(x: FloatArray, tol: float) -> tuple[FloatArray, FloatArray, IntArray, int]:
    """LINPACK ``dqrdc2``: (compact QR, qraux, pivot (0-based), rank)."""
    a = np.array(x, dtype=np.float64, order="F")
    n, p = a.shape
    qraux = np.array([_nrm2(a[:, j]) for j in range(p)])
    work1 = qraux.copy()
    work2 = np.where(qraux == 0.0, 1.0, qraux)
    pivot = np.arange(p)
    k = p + 1  # 1-based, as the Fortran: columns k.. have been moved out
    for l0 in range(min(n, p)):
        ll = l0 + 1
        # a column whose norm fell below tol times its original one goes to the end
        while ll < k and qraux[l0] < work2[l0] * tol:
            for arr in (pivot, qraux, work1, work2):
                arr[l0:] = np.roll(arr[l0:], -1)
            a[:, l0:] = np.roll(a[:, l0:], -1, axis=1)
            k -= 1
        if ll == n:
            continue
        nrmxl = _nrm2(a[l0:, l0])
        if nrmxl == 0.0:
            continue
        if a[l0, l0] != 0.0:
            nrmxl = math.copysign(nrmxl, a[l0, l0])
        a[l0:, l0] *= 1.0 / nrmxl
        a[l0, l0] = 1.0 + a[l0, l0]
        for j in range(l0 + 1, p):
            t = -_dot(a[l0:, l0], a[l0:, j]) / a[l0, l0]
            a[l0:, j] += t * a[l0:, l0]
            if qraux[j] != 0.0:
                tt = max(1.0 - (abs(a[l0, j]) / qraux[j]) ** 2, 0.0)
                if abs(tt) >= 1e-6:
                    qraux[j] = qraux[j] * math.sqrt(tt)
                else:  # a large reduction: R re-computes the norm
                    qraux[j] = _nrm2(a[l0 + 1:, j])
                    work1[j] = qraux[j]
        qraux[l0] = a[l0, l0]
        a[l0, l0] = -nrmxl
    return a, qraux, pivot, min(k - 1, n)


def dqrls(x: FloatArray, y: FloatArray, tol: float) -> tuple[FloatArray, IntArray, int,
                                                              FloatArray]:
    """R's ``Cdqrls``: (coefficients in pivot order, zero past the rank; pivot; rank; qr)."""
    qr, qraux, pivot, rank = dqrdc2(x, tol)
    n, p = qr.shape
    qty = np.array(y, dtype=np.float64)
    for j in range(min(rank, n - 1)):  # dqrsl: Q'y
        if qraux[j] == 0.0:
            continue
        v = qr[j:, j].copy()
        v[0] = qraux[j]
        t = -_dot(v, qty[j:]) / v[0]
        qty[j:] += t * v
    b = np.zeros(p)
    b[:rank] = qty[:rank]
    for j in range(rank - 1, -1, -1):  # dqrsl: back substitution, column by column
        if qr[j, j] == 0.0:
            raise ValueError(f"exactly singular R factor at column {j + 1}")
        b[j] = b[j] / qr[j, j]
        if j > 0:
            b[:j] += -b[j] * qr[:j, j]
    return b, pivot, rank, qr


def _deviance(y: FloatArray, mu: FloatArray) -> float:
    """Poisson deviance as R's ``sum(dev.resids)`` (R sums in extended precision)."""
    ratio = np.where(y > 0, y / mu, 1.0)
    cells = 2.0 * np.where(y > 0, y * np.log(ratio) - (y - mu), mu)
    return float(np.sum(cells.astype(np.longdouble)))


def _linkinv(eta: FloatArray) -> FloatArray:
    with np.errstate(over="ignore"):
        return np.maximum(np.exp(eta), _EPS)


def glm_fit_r(x: FloatArray, y: FloatArray, *, max_iter: int = 25,
              epsilon: float = 1e-8) -> GlmFit:
    """``glm.fit(x, y, family = poisson())`` step by step; aliased columns not kept."""
    from zicht.research.estimate.fit import GlmFit

    mu = _linkinv(np.log(y + 0.1))
    eta = np.log(y + 0.1)
    dev_old = _deviance(y, mu)
    start = np.zeros(x.shape[1])
    coef_old: FloatArray | None = None
    converged, it = False, 0
    pivot, rank = np.arange(x.shape[1]), x.shape[1]
    qr = np.zeros((0, 0))
    for it in range(1, max_iter + 1):
        mu_eta = _linkinv(eta)
        z = eta + (y - mu) / mu_eta
        w = np.sqrt(mu_eta**2 / mu)
        b, pivot, rank, qr = dqrls(x * w[:, None], z * w, GLM_QR_TOL)
        if not np.isfinite(b).all():
            raise ValueError(f"non-finite coefficients at iteration {it}")
        start = np.zeros(x.shape[1])
        start[pivot] = b
        eta = matvec(x, start)
        mu = _linkinv(eta)
        dev = _deviance(y, mu)
        halvings = 0
        while not math.isfinite(dev):  # R: "step size truncated due to divergence"
            if coef_old is None or halvings >= max_iter:
                raise ValueError("no valid set of coefficients has been found")
            start = (start + coef_old) / 2
            eta = matvec(x, start)
            mu = _linkinv(eta)
            dev = _deviance(y, mu)
            halvings += 1
        if abs(dev - dev_old) / (abs(dev) + 0.1) < epsilon:
            converged = True
            break
        dev_old = dev
        coef_old = start
    warnings = [] if converged else ["glm.fit: algorithm did not converge"]
    if (mu < 10 * _EPS).any():
        warnings.append("glm.fit: fitted rates numerically 0 occurred")
    kept = np.zeros(x.shape[1], dtype=bool)
    kept[pivot[:rank]] = True
    # summary.glm: chol2inv of the last R factor, over the kept columns in pivot order
    r_inv = np.linalg.inv(np.triu(qr[:rank, :rank]))
    cov_pivot = r_inv @ r_inv.T
    order = np.argsort(pivot[:rank])  # back to the design's column order
    cov = cov_pivot[np.ix_(order, order)]
    loglik = float(np.sum(y * np.log(mu) - mu - gammaln(y + 1.0)))
    return GlmFit(coef=start[kept], cov=cov, fitted=mu, kept=kept, deviance=dev,
                  loglik=loglik, converged=converged, iterations=it,
                  warnings=tuple(warnings))
