"""The few special functions and one-dimensional solvers the log-linear estimate needs.

Written by hand so that ``zicht estimate TABLE.csv`` does not import scipy: importing
``scipy.special`` costs about 0.25 s (it pulls in ``numpy.f2py`` through scipy's
array-API layer) and ``scipy.optimize`` another 0.2 s, many times the fit itself
(issue 17). Each routine follows the algorithm scipy uses, so results agree with it
(``tests/research/estimate/test_estimate_numeric.py`` compares them):

* ``gammaln``: ``math.lgamma`` element-wise (the arrays here are the 2**k cells);
* ``ndtr`` / ``ndtri``: the normal cdf by ``erfc`` (as Cephes) and its quantile by
  Wichura's AS241 (``statistics.NormalDist.inv_cdf``, stdlib);
* ``pdtr`` / ``pdtrc``: Poisson tails as the regularised incomplete gamma, Cephes'
  ``igam``/``igamc`` (power series below ``x = a``, continued fraction above);
* ``brentq``: scipy's ``brentq`` (Brent 1973, its C code step for step);
* ``minimize_bounded``: scipy's ``minimize_scalar(method="bounded")`` (Brent's
  ``fminbound``, golden section with parabolic steps), step for step.

Heavier users (BMA over a grid of 10**5 points, the Rcapture models) keep scipy.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

_MACHEP = 1.11022302462515654042e-16  # 2**-53, Cephes' MACHEP
_MAXLOG = 7.09782712893383996843e2  # log(DBL_MAX)
_BIG = 4.503599627370496e15  # 2**52, Cephes' continued-fraction rescaling
_BIGINV = 2.22044604925031308085e-16
_STANDARD_NORMAL = NormalDist()


def gammaln(x: npt.ArrayLike) -> FloatArray:
    """``log |Gamma(x)|`` element-wise."""
    values = np.asarray(x, dtype=np.float64)
    return np.array([_lgamma(v) for v in values.ravel().tolist()],
                    dtype=np.float64).reshape(values.shape)


def _lgamma(v: float) -> float:
    if math.isnan(v) or v == -math.inf:
        return v  # scipy: nan, and -inf at -inf
    if v <= 0 and v == math.floor(v):  # a pole
        return math.inf
    return math.lgamma(v)


def ndtr(x: npt.ArrayLike) -> FloatArray:
    """Standard normal cdf element-wise."""
    values = np.asarray(x, dtype=np.float64)
    flat = [0.5 * math.erfc(-v / math.sqrt(2.0)) for v in values.ravel().tolist()]
    return np.array(flat, dtype=np.float64).reshape(values.shape)


def ndtri(p: float) -> float:
    """Standard normal quantile of ``p`` (``-inf``/``inf`` at 0 and 1)."""
    if p <= 0.0 or p >= 1.0:
        if p == 0.0:
            return -math.inf
        if p == 1.0:
            return math.inf
        return math.nan
    return _STANDARD_NORMAL.inv_cdf(p)


def pdtr(k: npt.ArrayLike, m: npt.ArrayLike) -> FloatArray:
    """Poisson cdf ``P(X <= k)`` for mean ``m`` (``k`` floored; NaN for ``k < 0`` or
    ``m < 0``), as scipy's ``pdtr``."""
    return _poisson_tail(k, m, upper=False)


def pdtrc(k: npt.ArrayLike, m: npt.ArrayLike) -> FloatArray:
    """Poisson upper tail ``P(X > k)`` for mean ``m``, as scipy's ``pdtrc``."""
    return _poisson_tail(k, m, upper=True)


def _poisson_tail(k: npt.ArrayLike, m: npt.ArrayLike, *, upper: bool) -> FloatArray:
    """``P(X > k) = P(floor(k) + 1, m)`` or ``P(X <= k) = Q(floor(k) + 1, m)``."""

    def one(kk: float, mm: float) -> float:
        if kk < 0 or mm < 0 or math.isnan(kk) or math.isnan(mm):
            return math.nan
        if mm == 0.0:
            return 0.0 if upper else 1.0
        return (igam if upper else igamc)(math.floor(kk) + 1.0, mm)

    ks, ms = np.broadcast_arrays(np.asarray(k, dtype=np.float64),
                                 np.asarray(m, dtype=np.float64))
    flat = [one(a, b) for a, b in zip(ks.ravel().tolist(), ms.ravel().tolist(), strict=True)]
    return np.array(flat, dtype=np.float64).reshape(ks.shape)


def _igam_prefactor(a: float, x: float) -> float:
    """``x**a exp(-x) / Gamma(a)``, 0 where it underflows."""
    ax = a * math.log(x) - x - math.lgamma(a)
    return 0.0 if ax < -_MAXLOG else math.exp(ax)


def igam(a: float, x: float) -> float:
    """Regularised lower incomplete gamma ``P(a, x)`` (``a > 0``, ``x >= 0``)."""
    if x == 0.0:
        return 0.0
    if x > 1.0 and x > a:
        return 1.0 - igamc(a, x)
    prefactor = _igam_prefactor(a, x)
    if prefactor == 0.0:
        return 0.0
    r, c, total = a, 1.0, 1.0  # power series
    while True:
        r += 1.0
        c *= x / r
        total += c
        if c / total <= _MACHEP:
            return total * prefactor / a


def igamc(a: float, x: float) -> float:
    """Regularised upper incomplete gamma ``Q(a, x) = 1 - P(a, x)``."""
    if x == 0.0:
        return 1.0
    if x < 1.0 or x < a:
        return 1.0 - igam(a, x)
    prefactor = _igam_prefactor(a, x)
    if prefactor == 0.0:
        return 0.0
    y, z, c = 1.0 - a, x + 2.0 - a, 0.0  # continued fraction
    pkm2, qkm2, pkm1, qkm1 = 1.0, x, x + 1.0, z * x
    answer = pkm1 / qkm1
    while True:
        c += 1.0
        y += 1.0
        z += 2.0
        yc = y * c
        pk = pkm1 * z - pkm2 * yc
        qk = qkm1 * z - qkm2 * yc
        if qk != 0.0:
            r = pk / qk
            t = abs((answer - r) / r)
            answer = r
        else:
            t = 1.0
        pkm2, pkm1, qkm2, qkm1 = pkm1, pk, qkm1, qk
        if abs(pk) > _BIG:
            pkm2 *= _BIGINV
            pkm1 *= _BIGINV
            qkm2 *= _BIGINV
            qkm1 *= _BIGINV
        if t <= _MACHEP:
            return answer * prefactor


def brentq(f: Callable[[float], float], xa: float, xb: float, xtol: float = 2e-12,
           rtol: float = 8.881784197001252e-16, maxiter: int = 100) -> float:
    """A root of ``f`` in ``[xa, xb]`` (signs must differ), as scipy's ``brentq``."""
    xpre, xcur = float(xa), float(xb)
    fpre, fcur = f(xpre), f(xcur)
    if fpre == 0:
        return xpre
    if fcur == 0:
        return xcur
    if math.copysign(1.0, fpre) == math.copysign(1.0, fcur):
        raise ValueError("f(a) and f(b) must have different signs")
    xblk = fblk = spre = scur = 0.0
    for _ in range(maxiter):
        if fpre != 0 and fcur != 0 and math.copysign(1.0, fpre) != math.copysign(1.0, fcur):
            xblk, fblk = xpre, fpre
            spre = scur = xcur - xpre
        if abs(fblk) < abs(fcur):
            xpre, xcur, xblk = xcur, xblk, xcur
            fpre, fcur, fblk = fcur, fblk, fcur
        delta = (xtol + rtol * abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        if fcur == 0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:  # interpolate
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:  # extrapolate
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - delta):  # good short step
                spre, scur = scur, stry
            else:
                spre = scur = sbis
        else:
            spre = scur = sbis
        xpre, fpre = xcur, fcur
        xcur += scur if abs(scur) > delta else (delta if sbis > 0 else -delta)
        fcur = f(xcur)
    raise RuntimeError(f"brentq did not converge in {maxiter} iterations")


def minimize_bounded(f: Callable[[float], float], lower: float, upper: float,
                     xatol: float = 1e-5, maxiter: int = 500) -> tuple[float, float]:
    """``(x, f(x))`` at a minimum of ``f`` on ``[lower, upper]``, as scipy's
    ``minimize_scalar(method="bounded")``."""
    sqrt_eps = math.sqrt(2.2e-16)
    golden_mean = 0.5 * (3.0 - math.sqrt(5.0))
    a, b = float(lower), float(upper)
    fulc = a + golden_mean * (b - a)
    nfc = xf = fulc
    rat = e = 0.0
    fx = f(xf)
    calls = 1
    ffulc = fnfc = fx
    xm = 0.5 * (a + b)
    tol1 = sqrt_eps * abs(xf) + xatol / 3.0
    tol2 = 2.0 * tol1
    while abs(xf - xm) > (tol2 - 0.5 * (b - a)):
        golden = True
        if abs(e) > tol1:  # try a parabolic step
            golden = False
            r = (xf - nfc) * (fx - ffulc)
            q = (xf - fulc) * (fx - fnfc)
            p = (xf - fulc) * q - (xf - nfc) * r
            q = 2.0 * (q - r)
            if q > 0.0:
                p = -p
            q = abs(q)
            r = e
            e = rat
            if abs(p) < abs(0.5 * q * r) and q * (a - xf) < p < q * (b - xf):
                rat = (p + 0.0) / q
                x = xf + rat
                if (x - a) < tol2 or (b - x) < tol2:
                    rat = tol1 * (_sign(xm - xf) + ((xm - xf) == 0))
            else:
                golden = True
        if golden:  # golden-section step
            e = (a - xf) if xf >= xm else (b - xf)
            rat = golden_mean * e
        x = xf + (_sign(rat) + (rat == 0)) * max(abs(rat), tol1)
        fu = f(x)
        calls += 1
        if fu <= fx:
            if x >= xf:
                a = xf
            else:
                b = xf
            fulc, ffulc = nfc, fnfc
            nfc, fnfc = xf, fx
            xf, fx = x, fu
        else:
            if x < xf:
                a = x
            else:
                b = x
            if fu <= fnfc or nfc == xf:
                fulc, ffulc = nfc, fnfc
                nfc, fnfc = x, fu
            elif fu <= ffulc or fulc in (xf, nfc):
                fulc, ffulc = x, fu
        xm = 0.5 * (a + b)
        tol1 = sqrt_eps * abs(xf) + xatol / 3.0
        tol2 = 2.0 * tol1
        if calls >= maxiter:
            break
    return xf, fx


def _sign(x: float) -> float:
    return 0.0 if x == 0 else math.copysign(1.0, x)
