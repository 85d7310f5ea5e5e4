"""One capture process for every true victim: who is registered, and by which lists.

For each year and form the true victims ``i = 1..N`` have a latent visibility
``z_i ~ N(0, 1)``; list ``k`` (reporter type) finds them independently with
``logit p_ik = a_k + sigma * z_i`` (heterogeneity), and a list that found someone makes an
affine list ``AFFINITY`` times more likely (odds) to find them too (list dependence:
``params.AFFINITY``, a two-way interaction). *Registered* means found by at least one list.

The intercepts ``a_k`` and the heterogeneity ``sigma`` are solved per stratum so that
the expected list totals equal the published report counts and the expected number
found equals the published number of victims, with ``N`` the planted true number. The
draw is then conditioned on those totals (the few persons needed are added or removed
at random, weighted by their capture probability), so that the registry margins hold
exactly while the overlaps between lists carry the information a multiple systems
estimate uses. ``truth/capture_model.parquet`` keeps ``N, sigma, a_k`` per stratum.
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


@dataclass(frozen=True)
class Capture:
    """The capture histories of one stratum's ``N`` true victims."""

    lists: np.ndarray  # (N, 6) bool
    z: np.ndarray  # latent visibility
    sigma: float
    intercepts: np.ndarray  # a_k (-inf for a list that is only filled to its margin)


def _probabilities(a: np.ndarray, sigma: float, z: np.ndarray,
                   caught: np.ndarray | None = None) -> np.ndarray:
    """p_ik; with ``caught`` (a draw so far) the interactions use it, else their
    expectation (a smooth approximation used to solve the intercepts)."""
    base = a[None, :] + sigma * z[:, None]
    p = np.asarray(expit(base), dtype=float)
    for k, j, delta in _PAIRS:
        src = p[:, k] if caught is None else caught[:, k]
        p[:, j] = expit(base[:, j] + delta * src)
    return p


def _expected(a: np.ndarray, sigma: float, z: np.ndarray) -> tuple[np.ndarray, float]:
    p = _probabilities(a, sigma, z)
    return p.sum(axis=0), float((1.0 - np.prod(1.0 - p, axis=1)).sum())


def _solve_intercepts(target: np.ndarray, sigma: float, z: np.ndarray,
                      active: np.ndarray) -> np.ndarray:
    a = np.where(active, np.log(np.maximum(target, 0.5) / len(z)), -np.inf)
    for _ in range(12):  # Newton on each list total (interactions treated as fixed)
        p = _probabilities(a, sigma, z)
        tot = p.sum(axis=0)
        grad = (p * (1 - p)).sum(axis=0)
        step = np.where(active, (tot - target) / np.maximum(grad, 1e-9), 0.0)
        a = np.where(active, a - np.clip(step, -3, 3), a)
    return a


def solve(target: np.ndarray, n_found: int, z: np.ndarray,
          active: np.ndarray) -> tuple[float, np.ndarray]:
    """(sigma, a): list totals = ``target`` and E[found] = ``n_found`` (sigma >= 0)."""
    lo, hi = 0.0, 4.0
    a = _solve_intercepts(target, 0.0, z, active)
    if _expected(a, 0.0, z)[1] <= n_found:
        return 0.0, a  # the lists overlap more than independence allows: no heterogeneity
    for _ in range(22):
        mid = (lo + hi) / 2
        a = _solve_intercepts(target, mid, z, active)
        if _expected(a, mid, z)[1] > n_found:
            lo = mid
        else:
            hi = mid
    sigma = (lo + hi) / 2
    return sigma, _solve_intercepts(target, sigma, z, active)


def draw(rng: np.random.Generator, n_total: int, n_found: int, target: np.ndarray,
         sexual: bool) -> Capture:
    """Capture histories for ``n_total`` persons, exactly ``n_found`` found, list totals
    exactly ``target`` (where the persons allow it)."""
    z = rng.standard_normal(n_total)
    active = target > 0
    if sexual:
        active[REPORTERS.index("kmar")] = False  # KMar alone is the excluded KMar-only group
    sigma, a = solve(np.where(active, target, 0).astype(float), n_found, z, active)
    u = rng.random((n_total, len(REPORTERS)))
    cap = np.zeros((n_total, len(REPORTERS)), dtype=bool)
    for j in range(len(REPORTERS)):  # in list order, so interactions see earlier lists
        cap[:, j] = u[:, j] < _probabilities(a, sigma, z, cap)[:, j]
    p = _probabilities(a, sigma, z, cap)
    _fix_found(rng, cap, p, n_found)
    _fix_margins(rng, cap, p, target)
    return Capture(cap, z, sigma, a)


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
                 target: np.ndarray) -> None:
    found = cap.any(axis=1)
    for k in range(cap.shape[1]):
        diff = int(cap[:, k].sum()) - int(target[k])
        if diff > 0:  # drop list k where the person keeps another list
            pool = np.flatnonzero(cap[:, k] & (cap.sum(axis=1) > 1))
            drop = pool[pick_weighted(rng, 1.0 - p[pool, k] + 1e-6, diff)]
            cap[drop, k] = False
            left = int(cap[:, k].sum()) - int(target[k])
            if left > 0:  # sole list: hand the person to another list instead
                pool = np.flatnonzero(cap[:, k] & (cap.sum(axis=1) == 1))
                move = rng.choice(pool, left, replace=False)
                cap[move, k] = False
                others = np.argsort(-p[move], axis=1)
                for row, order in zip(move, others, strict=True):
                    cap[row, next(j for j in order if j != k)] = True
        elif diff < 0:
            pool = np.flatnonzero(found & ~cap[:, k])
            add = pool[pick_weighted(rng, p[pool, k] + 1e-6, -diff)]
            cap[add, k] = True
