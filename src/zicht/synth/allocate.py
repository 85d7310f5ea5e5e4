"""Exact allocation: published counts hold by construction, not by luck.

A random draw of 1,334 victims with a 52% female share misses the target by a few
percentage points now and then; allocating the counts first (largest remainder) and
then shuffling who gets which value keeps every calibrated margin exact while the
persons stay random.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def allocate_counts(total: int, weights: Sequence[float] | np.ndarray) -> np.ndarray:
    """Split ``total`` into integer counts proportional to ``weights`` (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    if total <= 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=np.int64)
    raw = w / w.sum() * total
    counts = np.floor(raw).astype(np.int64)
    short = int(total - counts.sum())
    if short:
        order = np.argsort(-(raw - counts), kind="stable")
        counts[order[:short]] += 1
    return np.asarray(counts, dtype=np.int64)


def assign_exact(rng: np.random.Generator, n: int, shares: Mapping[str, float]) -> np.ndarray:
    """An array of ``n`` labels whose counts follow ``shares`` exactly, in random order."""
    labels = list(shares)
    counts = allocate_counts(n, [shares[k] for k in labels])
    out = np.repeat(np.array(labels, dtype=object), counts)
    rng.shuffle(out)
    return out


def pick_weighted(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of ``k`` items drawn without replacement with probability ~ ``weights``.

    Efraimidis-Spirakis: the ``k`` largest ``log(U) / w`` keys; exact count, and
    heavier items are more likely to be chosen.
    """
    n = len(weights)
    k = min(k, n)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    w = np.maximum(np.asarray(weights, dtype=float), 1e-12)
    keys = np.log(rng.random(n)) / w
    return np.sort(np.argpartition(-keys, k - 1)[:k])


def choose(rng: np.random.Generator, table: Mapping[str, float], n: int) -> np.ndarray:
    """``n`` independent draws from a {label: weight} table (object array)."""
    labels = np.array(list(table), dtype=object)
    p = np.array(list(table.values()), dtype=float)
    return labels[rng.choice(len(labels), size=n, p=p / p.sum())]
