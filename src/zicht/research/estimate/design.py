"""Log-linear terms, design columns and the hierarchical model space.

A term is a bit mask of lists (``0b011`` = the interaction of lists 0 and 1). A model
is the tuple of its interaction terms (two lists or more); the intercept and every
main effect are always in. Column ``t`` of the design is 1 on cell ``h`` when every
list of ``t`` saw the history (``h & t == t``); the unseen cell has only the intercept,
so ``exp(intercept)`` is the fitted hidden number.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import combinations

import numpy as np
import numpy.typing as npt

Model = tuple[int, ...]


def popcount(t: int) -> int:
    """Number of lists in a term."""
    return int(t).bit_count()


def label_term(t: int, lists: Sequence[str]) -> str:
    """``0b011`` with lists (LA, NG, ...) -> ``"LA:NG"``."""
    return ":".join(name for j, name in enumerate(lists) if t >> j & 1)


def parse_term(label: str, lists: Sequence[str]) -> int:
    """``"LA:NG"`` -> bit mask; raises ValueError for an unknown list."""
    t = 0
    for name in label.split(":"):
        t |= 1 << list(lists).index(name.strip())
    return t


def sort_terms(terms: Sequence[int]) -> Model:
    """Canonical order: by order, then by list position (as R prints them)."""
    return tuple(sorted(set(terms), key=lambda t: (popcount(t), _positions(t))))


@lru_cache(maxsize=65536)
def _positions(t: int) -> tuple[int, ...]:
    return tuple(j for j in range(t.bit_length()) if t >> j & 1)


def main_effects(k: int) -> Model:
    """The k single-list terms."""
    return tuple(1 << j for j in range(k))


def pair_terms(k: int) -> Model:
    """All pairs in R's loop order: (1,2), (1,3), ..., (1,k), (2,3), ..."""
    return tuple((1 << i) | (1 << j) for i in range(k) for j in range(i + 1, k))


@lru_cache(maxsize=32)
def cell_masks(k: int) -> npt.NDArray[np.int64]:
    """The observable histories 1 .. 2**k - 1."""
    return np.arange(1, 2**k, dtype=np.int64)


def term_column(k: int, t: int) -> npt.NDArray[np.float64]:
    """0/1 column of term ``t`` over the observable cells (cached per k)."""
    col: npt.NDArray[np.float64] = _columns(k)(t)
    return col


@lru_cache(maxsize=32)
def _columns(k: int):  # type: ignore[no-untyped-def]
    cells = cell_masks(k)

    @lru_cache(maxsize=4096)
    def column(t: int) -> npt.NDArray[np.float64]:
        col: npt.NDArray[np.float64] = ((cells & t) == t).astype(np.float64)
        col.setflags(write=False)
        return col

    return column


def design(k: int, terms: Sequence[int]) -> npt.NDArray[np.float64]:
    """Design over all observable cells: intercept, then one column per term."""
    cols = [np.ones(2**k - 1)] + [term_column(k, t) for t in terms]
    out: npt.NDArray[np.float64] = np.column_stack(cols)
    return out


def is_hierarchical(model: Sequence[int]) -> bool:
    """True when every sub-interaction (two lists or more) of every term is in the model."""
    have = set(model)
    for t in model:
        for sub in _immediate_subterms(t):
            if popcount(sub) >= 2 and sub not in have:
                return False
    return True


def _immediate_subterms(t: int) -> Iterator[int]:
    for j in _positions(t):
        yield t & ~(1 << j)


def hierarchical_models(k: int, max_order: int) -> Iterator[Model]:
    """Every hierarchical model (main effects always in) with terms up to ``max_order``.

    Depth-first over the terms in canonical order; a term may join only when all its
    sub-interactions are in, so each model is produced exactly once, and a model's
    parent (the same model without its last term) comes just before its subtree, which
    the caller uses to warm-start fits.
    """
    max_order = max(1, min(max_order, k))
    terms: list[int] = []
    for order in range(2, max_order + 1):
        terms.extend(sum(1 << j for j in c) for c in combinations(range(k), order))

    def walk(start: int, chosen: list[int], have: set[int]) -> Iterator[Model]:
        yield tuple(chosen)
        for i in range(start, len(terms)):
            t = terms[i]
            if all(popcount(s) < 2 or s in have for s in _immediate_subterms(t)):
                chosen.append(t)
                have.add(t)
                yield from walk(i + 1, chosen, have)
                chosen.pop()
                have.discard(t)

    yield from walk(0, [], set())
