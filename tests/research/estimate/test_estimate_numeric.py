"""The hand-written special functions and solvers (``estimate/numeric.py``) agree with the
scipy routines they replace on the command line's path (issue 17)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
import scipy.optimize as opt
import scipy.special as sp

from zicht.research.estimate import numeric


def test_poisson_tails_match_scipy_over_small_and_large_counts() -> None:
    rng = np.random.default_rng(7)
    big = rng.integers(0, 5000, 300).astype(np.float64)
    k = np.concatenate([np.arange(60.0), big])
    m = np.concatenate([rng.uniform(0.01, 80, 60), big * rng.uniform(0.5, 1.5, 300)])
    for ours, theirs in ((numeric.pdtr, sp.pdtr), (numeric.pdtrc, sp.pdtrc)):
        a, b = theirs(k, m), ours(k, m)
        assert np.array_equal(a == 0, b == 0)  # underflow where scipy underflows
        nz = a > 0
        np.testing.assert_allclose(b[nz], a[nz], rtol=1e-10, atol=0)


def test_poisson_tails_golden_values() -> None:
    # P(X <= 2) for X ~ Poisson(1) = e^-1 (1 + 1 + 1/2); P(X > 0) = 1 - e^-1
    assert numeric.pdtr(2.0, 1.0) == pytest.approx(2.5 * math.exp(-1), rel=1e-15)
    assert numeric.pdtrc(0.0, 1.0) == pytest.approx(1 - math.exp(-1), rel=1e-15)
    assert numeric.pdtr(3.0, 0.0) == 1.0 and numeric.pdtrc(3.0, 0.0) == 0.0
    assert math.isnan(float(numeric.pdtr(-1.0, 2.0)))


def test_gammaln_and_normal_match_scipy() -> None:
    x = np.random.default_rng(3).uniform(0.1, 1e5, 500)
    np.testing.assert_allclose(numeric.gammaln(x), sp.gammaln(x), rtol=1e-14)
    special = np.array([-math.inf, -2.0, 0.0, math.nan])
    np.testing.assert_array_equal(numeric.gammaln(special), sp.gammaln(special))
    z = np.linspace(-8, 8, 401)
    np.testing.assert_allclose(numeric.ndtr(z), sp.ndtr(z), rtol=1e-13)
    for p in (1e-10, 0.025, 0.3, 0.5, 0.975, 1 - 1e-10):
        assert numeric.ndtri(p) == pytest.approx(float(sp.ndtri(p)), rel=1e-14, abs=1e-15)
    assert numeric.ndtri(0.0) == -math.inf and numeric.ndtri(1.0) == math.inf


@pytest.mark.parametrize(("f", "a", "b"), [
    (lambda v: v**3 - 2 * v - 5, 2.0, 3.0),
    (lambda v: math.cos(v) - v, 0.0, 1.0),
    (lambda v: math.exp(v) - 10, 0.0, 5.0),
    (lambda v: math.tanh((v - 1234.5) / 100), 0.0, 3e4),
])
def test_brentq_is_scipys_step_for_step(f: Callable[[float], float], a: float, b: float) -> None:
    assert numeric.brentq(f, a, b, xtol=1e-6) == opt.brentq(f, a, b, xtol=1e-6)
    assert numeric.brentq(f, a, b) == opt.brentq(f, a, b)


def test_brentq_refuses_a_bracket_without_a_sign_change() -> None:
    with pytest.raises(ValueError, match="different signs"):
        numeric.brentq(lambda v: v * v + 1, -1.0, 1.0)


@pytest.mark.parametrize(("f", "a", "b"), [
    (lambda v: (v - 2.3) ** 2 + math.sin(3 * v), 0.0, 5.0),
    (lambda v: abs(v - 1.7) + 0.1 * v * v, 0.0, 10.0),
    (lambda v: -math.log(v) + v / 50, 1.0, 1000.0),
])
def test_minimize_bounded_is_scipys_step_for_step(f: Callable[[float], float], a: float,
                                                 b: float) -> None:
    theirs = opt.minimize_scalar(f, bounds=(a, b), method="bounded",
                                 options={"xatol": 1e-6 * b})
    ours = numeric.minimize_bounded(f, a, b, xatol=1e-6 * b)
    assert ours == (float(theirs.x), float(theirs.fun))
