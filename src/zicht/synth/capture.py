"""One capture process for every true victim: who is registered, and by which lists.

For each year and form the true victims ``i = 1..N`` have a latent visibility
``z_i ~ N(0, 1)``; list ``k`` (reporter type, in list order) finds them with

    logit p_ik = a_k + sigma * z_i + rho * [an earlier list found i]
                 + sum_{j < k} log(AFFINITY[j, k]) * [list j found i]

``sigma`` is the heterogeneity (planted, ``params.CAPTURE_HETEROGENEITY``: every list
finds the same easy-to-see victims), ``AFFINITY`` the planted referral between affine
lists (two-way interactions) and ``rho`` a common dependence between a list and all
earlier ones, *solved* per stratum: negative when reporters leave a victim that another
reporter already registered unreported (few overlaps), positive when one report brings
the next. *Registered* means found by at least one list.

Per stratum the intercepts ``a_k`` and ``rho`` are solved so that the expected list
totals equal the published report counts and the expected number found equals the
published number of victims, with ``N`` the planted true number: with the list totals
fixed, the number found fixes the overlap (extra list memberships = sum of list totals -
found), and ``rho`` is what reconciles that overlap with ``N`` and ``sigma``. The draw is
then conditioned on those totals (the few persons needed are added or removed at
random, weighted by their capture probability), so that the registry margins hold
exactly. ``truth/capture_model.parquet`` keeps ``N, sigma, rho, a_k`` per stratum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from zicht.synth import params as P
from zicht.synth.allocate import pick_weighted

REPORTERS = P.REPORTER_CODES
#: (earlier list, later list, log odds ratio): a list that found someone makes an affine
#: list more likely to find them too (a two-way interaction of the log-linear model)
_PAIRS = [(REPORTERS.index(a), REPORTERS.index(b), float(np.log(w)))
          for (a, b), w in P.AFFINITY.items() if REPORTERS.index(a) < REPORTERS.index(b)]
#: Bounds of the solved dependence (log odds ratio); a stratum at a bound is reported.
RHO_BOUNDS = (-6.0, 6.0)
_QUADRATURE_NODES = 40


@dataclass(frozen=True)
class Capture:
    """The capture histories of one stratum's ``N`` true victims."""

    lists: np.ndarray  # (N, 6) bool
    z: np.ndarray  # latent visibility
    sigma: float
    rho: float  # solved dependence on earlier lists (log odds ratio)
    intercepts: np.ndarray  # a_k (-inf for a list that is only filled to its margin)


def _logit_shift(j: int, rho: float, earlier: np.ndarray, states: np.ndarray) -> np.ndarray:
    """The dependence part of list ``j``'s log odds for each state of the earlier lists
    (``earlier``: any earlier list found; ``states``: bit ``k`` = list ``k`` found)."""
    shift = rho * earlier
    for k, jj, delta in _PAIRS:
        if jj == j:
            shift = shift + delta * ((states >> k) & 1)
    return np.asarray(shift, dtype=float)


def _probabilities(a: np.ndarray, sigma: float, rho: float, z: np.ndarray,
                   caught: np.ndarray) -> np.ndarray:
    """p_ik given the lists that already found each person (``caught``, drawn in order)."""
    base = a[None, :] + sigma * z[:, None]
    bits = (caught * (1 << np.arange(caught.shape[1]))).sum(axis=1)
    p = np.empty_like(base)
    for j in range(base.shape[1]):
        states = bits & ((1 << j) - 1)
        p[:, j] = expit(base[:, j] + _logit_shift(j, rho, (states > 0).astype(float),
                                                   states))
    return p


def _histories(a: np.ndarray, sigma: float, rho: float, z: np.ndarray) -> np.ndarray:
    """P(history h) for every person (N x 2**K): exact, list by list over the states of
    the earlier lists."""
    base = a[None, :] + sigma * z[:, None]
    prob = np.ones((len(z), 1))
    for j in range(base.shape[1]):
        states = np.arange(2**j)
        pj = expit(base[:, j][:, None] + _logit_shift(j, rho, (states > 0).astype(float),
                                                      states)[None, :])
        prob = np.concatenate([prob * (1.0 - pj), prob * pj], axis=1)
    return prob


def _expected(a: np.ndarray, sigma: float, rho: float, z: np.ndarray,
              w: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    """(expected list totals, expected number found, list probabilities per node) over
    visibility nodes ``z`` with weights ``w`` (persons, or quadrature nodes)."""
    prob = _histories(a, sigma, rho, z)
    h = np.arange(prob.shape[1])
    member = np.stack([((h >> k) & 1) for k in range(len(a))], axis=1).astype(float)
    marginal = prob @ member
    return w @ marginal, float(w @ (1.0 - prob[:, 0])), marginal


def _nodes(n_total: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Hermite nodes of N(0, 1), weighted to ``n_total`` persons: the expectations
    over the population without a pass over every person."""
    z, w = np.polynomial.hermite_e.hermegauss(_QUADRATURE_NODES)
    return z, w / w.sum() * n_total


def _solve_intercepts(target: np.ndarray, sigma: float, rho: float, z: np.ndarray,
                      w: np.ndarray, active: np.ndarray) -> np.ndarray:
    a = np.where(active, np.log(np.maximum(target, 0.5) / w.sum()), -np.inf)
    for _ in range(12):  # Newton on each list total (the other lists held fixed)
        tot, _, m = _expected(a, sigma, rho, z, w)
        grad = w @ (m * (1 - m))
        step = np.where(active, (tot - target) / np.maximum(grad, 1e-9), 0.0)
        a = np.where(active, a - np.clip(step, -3, 3), a)
    return a


def solve(target: np.ndarray, n_found: int, n_total: int, active: np.ndarray,
          sigma: float) -> tuple[float, np.ndarray]:
    """(rho, a): expected list totals = ``target`` and E[found] = ``n_found`` among
    ``n_total`` persons for the planted ``sigma``. E[found] falls as ``rho`` rises (more
    overlap), so ``rho`` is bisected."""
    z, w = _nodes(n_total)
    lo, hi = RHO_BOUNDS
    for _ in range(24):
        mid = (lo + hi) / 2
        a = _solve_intercepts(target, sigma, mid, z, w, active)
        if _expected(a, sigma, mid, z, w)[1] > n_found:
            lo = mid  # too little overlap: more positive dependence
        else:
            hi = mid
    rho = (lo + hi) / 2
    return rho, _solve_intercepts(target, sigma, rho, z, w, active)


def draw(rng: np.random.Generator, n_total: int, n_found: int, target: np.ndarray,
         sexual: bool, sigma: float = P.CAPTURE_HETEROGENEITY) -> Capture:
    """Capture histories for ``n_total`` persons, exactly ``n_found`` found, list totals
    exactly ``target`` (where the persons allow it)."""
    z = rng.standard_normal(n_total)
    active = target > 0
    if sexual:
        active[REPORTERS.index("kmar")] = False  # KMar alone is the excluded KMar-only group
    rho, a = solve(np.where(active, target, 0).astype(float), n_found, n_total, active, sigma)
    u = rng.random((n_total, len(REPORTERS)))
    cap = np.zeros((n_total, len(REPORTERS)), dtype=bool)
    for j in range(len(REPORTERS)):  # in list order, so the dependence sees earlier lists
        cap[:, j] = u[:, j] < _probabilities(a, sigma, rho, z, cap)[:, j]

    p = _probabilities(a, sigma, rho, z, cap)
    _fix_found(rng, cap, p, n_found)
    _fix_margins(rng, cap, p, target, active)
    return Capture(cap, z, sigma, rho, a)


def _fix_found(rng: np.random.Generator, cap: np.ndarray, p: np.ndarray, n_found: int) -> None:
    found = cap.any(axis=1)
    extra = int(found.sum()) - n_found
    if extra > 0:
        cap[rng.choice(np.flatnonzero(found), extra, replace=False)] = False
    elif extra < 0:
        pool = np.flatnonzero(~found)
        p_any = 1.0 - np.prod(1.0 - p[pool], axis=1)
        for i in pool[pick_weighted(rng, p_any, -extra)]:
            for _ in range(50):  # a history conditional on being found at least once
                row = rng.random(p.shape[1]) < p[i]
                if row.any():
                    break
            else:
                row = np.zeros(p.shape[1], dtype=bool)
                row[int(np.argmax(p[i]))] = True
            cap[i] = row


def _fix_margins(rng: np.random.Generator, cap: np.ndarray, p: np.ndarray,
                 target: np.ndarray, active: np.ndarray) -> None:
    """List totals to ``target``; nobody is left on inactive lists alone (KMar alone
    would make a sexual-exploitation victim KMar-only, a group the monitor excludes)."""
    found = cap.any(axis=1)
    for k in range(cap.shape[1]):
        diff = int(cap[:, k].sum()) - int(target[k])
        if diff > 0:  # drop list k where the person keeps another (active) list
            others = cap[:, active].sum(axis=1) - (cap[:, k] & active[k])
            pool = np.flatnonzero(cap[:, k] & (others > 0))
            drop = pool[pick_weighted(rng, 1.0 - p[pool, k] + 1e-6, diff)]
            cap[drop, k] = False
            left = int(cap[:, k].sum()) - int(target[k])
            if left > 0:  # sole (active) list: hand the person to another list instead
                others = cap[:, active].sum(axis=1) - (cap[:, k] & active[k])
                pool = np.flatnonzero(cap[:, k] & (others == 0))
                move = rng.choice(pool, min(left, len(pool)), replace=False)
                cap[move, k] = False
                ranked = np.argsort(-p[move], axis=1)
                for row, order in zip(move, ranked, strict=True):
                    cap[row, next(j for j in order if j != k and active[j])] = True
        elif diff < 0:
            pool = np.flatnonzero(found & ~cap[:, k])
            add = pool[pick_weighted(rng, p[pool, k] + 1e-6, -diff)]
            cap[add, k] = True
