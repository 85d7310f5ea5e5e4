"""The Gibbs sweeps of the NPLCM capture-recapture sampler, compiled with numba.

A line-by-line port of ``CNPLCM_CR_Basic_Freq`` in R package LCMCR 0.4.14
(``src/NPLCM_CR_Basic_Freq.cpp``, Manrique-Vallier 2016): same full conditionals, same
update order, same initialisation and warm-up, same rejection of ``n0 > 20 n``. Only
the random stream differs (numpy's PCG64 instead of GSL's taus2), so draws agree with
R in distribution, not number for number.

This module imports numba at module level: only :mod:`latent_class` imports it, inside
the function that samples, so ``import zicht.research.estimate`` stays light.

State of one chain (arrays updated in place):

- ``log_nu[k]``: log class weights (truncated stick-breaking, ``K`` classes);
- ``log_lam[j, k, x]``: log P(list ``j`` records x | class ``k``), x in {0, 1};
- ``count_z[m, k]``: observed people of cell ``m`` allocated to class ``k``;
- ``count0[k]``: the augmented unobserved people allocated to class ``k``;
- ``scalars = [n0, alpha]``: unobserved count and stick-breaking concentration.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from numba import njit

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Rng = np.random.Generator

#: R's sampler never accepts more unobserved people than this many times ``n``.
N0_CAP = 20
#: Warm-up sweeps at initialisation with ``alpha`` held at 0.3 / K (as R's Initializes).
WARM_UP = 500
#: Multinomials of at most this many units are drawn unit by unit.
SMALL_TOTAL = 8
#: Binomials with a smaller mean are drawn by inversion (O(mean) steps of a few ns each,
#: cheaper than numba's general binomial up to here; q**n stays far from underflow).
SMALL_MEAN = 200.0


@njit(cache=True, nogil=True)
def _log_gamma(rng: Rng, shape: float) -> float:
    """log of a Gamma(shape, 1) draw; below 0.5 by Robert & Casella (2002, p. 45), as R."""
    if shape < 0.5:
        u = rng.random()
        while u <= 0.0:
            u = rng.random()
        return math.log(u) / shape + math.log(rng.standard_gamma(1.0 + shape))
    return math.log(rng.standard_gamma(shape))


@njit(cache=True, nogil=True)
def _log_add(a: float, b: float) -> float:
    if a < b:
        return b + math.log1p(math.exp(a - b))
    return a + math.log1p(math.exp(b - a))


@njit(cache=True, nogil=True)
def _binomial(rng: Rng, n: int, p: float) -> int:
    """Binomial(n, p); by inversion when n min(p, 1-p) is small (numba's own is slow there)."""
    if p > 0.5:
        return n - _binomial(rng, n, 1.0 - p)
    if n * p >= SMALL_MEAN:
        return rng.binomial(n, p)
    q = 1.0 - p
    s = p / q
    a = (n + 1) * s
    r = q ** n
    u = rng.random()
    x = 0
    while u > r:
        u -= r
        x += 1
        if x > n:  # only by rounding: start again
            x = 0
            r = q ** n
            u = rng.random()
            continue
        r *= a / x - s
    return x


@njit(cache=True, nogil=True)
def _multinomial(rng: Rng, total: int, weights: Floats, out: Ints) -> None:
    """``out`` ~ Multinomial(total, weights / sum(weights)): one categorical draw per unit
    for small totals, else conditional binomials (as GSL)."""
    k = weights.shape[0]
    for i in range(k):
        out[i] = 0
    if total <= SMALL_TOTAL:
        for _ in range(total):
            out[_categorical(rng, weights)] += 1
        return
    norm = 0.0
    for i in range(k):
        norm += weights[i]
    left = total
    for i in range(k - 1):
        if left == 0:
            return
        if norm <= 0.0:
            break
        p = weights[i] / norm
        if p >= 1.0:
            out[i] = left
            return
        if p > 0.0:
            out[i] = _binomial(rng, left, p)
        left -= out[i]
        norm -= weights[i]
    out[k - 1] += left


@njit(cache=True, nogil=True)
def _categorical(rng: Rng, weights: Floats) -> int:
    norm = 0.0
    for i in range(weights.shape[0]):
        norm += weights[i]
    u = rng.random() * norm
    acc = 0.0
    for i in range(weights.shape[0]):
        acc += weights[i]
        if u < acc:
            return i
    return int(weights.shape[0] - 1)


@njit(cache=True, nogil=True)
def _sample_z(rng: Rng, cells: Ints, freq: Ints, log_nu: Floats, log_lam: Floats,
              count_z: Ints, work: Floats) -> None:
    """Allocate the observed people of every cell to latent classes (sam_countzIK)."""
    n_cells, n_lists = cells.shape
    n_classes = log_nu.shape[0]
    for m in range(n_cells):
        top = -np.inf
        for k in range(n_classes):
            lp = log_nu[k]
            for j in range(n_lists):
                lp += log_lam[j, k, cells[m, j]]
            work[k] = lp
            if lp > top:
                top = lp
        for k in range(n_classes):
            work[k] = math.exp(work[k] - top)
        if freq[m] > 1:
            _multinomial(rng, freq[m], work, count_z[m])
        else:
            z = _categorical(rng, work)
            for k in range(n_classes):
                count_z[m, k] = 0
            count_z[m, z] = 1


@njit(cache=True, nogil=True)
def _sample_lambda(rng: Rng, cells: Ints, count_z: Ints, count0: Ints,
                   log_lam: Floats) -> None:
    """Per-class list capture probabilities, Beta(1 + seen, 1 + not seen) (sam_lambda)."""
    n_cells, n_lists = cells.shape
    n_classes = count0.shape[0]
    for j in range(n_lists):
        for k in range(n_classes):
            seen = 0
            unseen = count0[k]
            for m in range(n_cells):
                if cells[m, j] == 1:
                    seen += count_z[m, k]
                else:
                    unseen += count_z[m, k]
            a = _log_gamma(rng, 1.0 + seen)
            b = _log_gamma(rng, 1.0 + unseen)
            c = _log_add(a, b)
            log_lam[j, k, 1] = a - c
            log_lam[j, k, 0] = b - c


@njit(cache=True, nogil=True)
def _sample_nu(rng: Rng, n_obs: int, count_z: Ints, count0: Ints, log_nu: Floats,
               scalars: Floats) -> None:
    """Stick-breaking weights given class counts, including the unobserved (sam_nu)."""
    n_classes = log_nu.shape[0]
    n0 = scalars[0]
    alpha = scalars[1]
    acc_count = 0
    acc_log = 0.0
    for k in range(n_classes - 1):
        count_k = count0[k]
        for m in range(count_z.shape[0]):
            count_k += count_z[m, k]
        acc_count += count_k
        g1 = _log_gamma(rng, 1.0 + count_k)
        g2 = _log_gamma(rng, alpha + (n0 + n_obs - acc_count))
        s = _log_add(g1, g2)
        log_nu[k] = g1 - s + acc_log
        acc_log += g2 - s
    log_nu[n_classes - 1] = acc_log


@njit(cache=True, nogil=True)
def _sample_missing(rng: Rng, n_obs: int, log_nu: Floats, log_lam: Floats, count0: Ints,
                    scalars: Floats, work: Floats) -> None:
    """Unobserved count n0 | rest ~ NegBin(n, 1 - P(unseen)), then their classes."""
    n_classes = log_nu.shape[0]
    n_lists = log_lam.shape[0]
    prob_zero = 0.0
    top = -np.inf
    for k in range(n_classes):
        lp = log_nu[k]
        for j in range(n_lists):
            lp += log_lam[j, k, 0]
        work[k] = lp
        prob_zero += math.exp(lp)
        if lp > top:
            top = lp
    p_seen = 1.0 - prob_zero
    n0 = rng.negative_binomial(n_obs, p_seen)
    while n0 > N0_CAP * n_obs:
        n0 = rng.negative_binomial(n_obs, p_seen)
    scalars[0] = n0
    if n0 == 0:
        count0[:] = 0
        return
    for k in range(n_classes):
        work[k] = math.exp(work[k] - top)
    _multinomial(rng, n0, work, count0)


@njit(cache=True, nogil=True)
def _sample_alpha(rng: Rng, a_alpha: float, b_alpha: float, log_nu: Floats,
                  scalars: Floats) -> None:
    """Concentration alpha ~ Gamma(a + K - 1, rate b - log nu_K) (sam_alpha)."""
    n_classes = log_nu.shape[0]
    scale = 1.0 / (b_alpha - log_nu[n_classes - 1])
    scalars[1] = rng.gamma(a_alpha + n_classes - 1.0, scale)


@njit(cache=True, nogil=True)
def sweeps(rng: Rng, cells: Ints, freq: Ints, n_obs: int, a_alpha: float, b_alpha: float,
           log_nu: Floats, log_lam: Floats, count_z: Ints, count0: Ints, scalars: Floats,
           n_iter: int, update_alpha: bool, thinning: int, trace_n0: Floats,
           trace_alpha: Floats, trace_at: int) -> int:
    """Run ``n_iter`` Gibbs sweeps; every ``thinning``-th sweep records n0 and alpha.

    Recording starts at ``trace_at`` (index into the trace arrays) when ``thinning`` > 0;
    returns the next free trace index.
    """
    work = np.empty(log_nu.shape[0])
    since = 0
    at = trace_at
    for _ in range(n_iter):
        _sample_z(rng, cells, freq, log_nu, log_lam, count_z, work)
        _sample_lambda(rng, cells, count_z, count0, log_lam)
        _sample_nu(rng, n_obs, count_z, count0, log_nu, scalars)
        _sample_missing(rng, n_obs, log_nu, log_lam, count0, scalars, work)
        if update_alpha:
            _sample_alpha(rng, a_alpha, b_alpha, log_nu, scalars)
        if thinning > 0:
            since += 1
            if since == thinning:
                since = 0
                trace_n0[at] = scalars[0]
                trace_alpha[at] = scalars[1]
                at += 1
    return at


@njit(cache=True, nogil=True)
def initialise(rng: Rng, cells: Ints, freq: Ints, n_obs: int, log_nu: Floats,
               log_lam: Floats, count_z: Ints, count0: Ints, scalars: Floats) -> None:
    """R's Initializes: random sticks, lambda at the list margins, 500 warm-up sweeps
    with alpha = 0.3 / K and no alpha update, then classes sorted by weight."""
    n_classes = log_nu.shape[0]
    n_cells, n_lists = cells.shape
    acc = 0.0
    for k in range(n_classes - 1):
        g1 = _log_gamma(rng, 1.0)
        g2 = _log_gamma(rng, 1.0)
        s = _log_add(g1, g2)
        log_nu[k] = g1 - s + acc
        acc += g2 - s
    log_nu[n_classes - 1] = acc
    for j in range(n_lists):
        seen = 0
        for m in range(n_cells):
            if cells[m, j] == 1:
                seen += freq[m]
        p = seen / n_obs
        for k in range(n_classes):
            log_lam[j, k, 1] = math.log(p) if p > 0.0 else -np.inf
            log_lam[j, k, 0] = math.log1p(-p) if p < 1.0 else -np.inf
    count_z[:, :] = 0
    count0[:] = 0
    scalars[0] = 0.0
    scalars[1] = 0.3 / n_classes
    dummy = np.empty(0)
    sweeps(rng, cells, freq, n_obs, 0.0, 0.0, log_nu, log_lam, count_z, count0, scalars,
           WARM_UP, False, 0, dummy, dummy, 0)
    # Label classes by decreasing weight (R's permute_latent_classes_by_nu).
    order = np.argsort(-log_nu, kind="mergesort")
    log_nu[:] = log_nu[order]
    log_lam[:, :, :] = log_lam[:, order, :]
    count_z[:, :] = count_z[:, order]
    count0[:] = count0[order]
