"""Decomposable (chordal) graphs on the lists: enumeration, cliques and separators.

A graph on ``k`` vertices (vertex ``j`` = list ``j``) is an *edge mask*: bit ``p`` is set
when the ``p``-th pair of :func:`pairs` is an edge. Vertex sets (cliques, separators,
marginal tables) are *subset masks*: bit ``j`` = list ``j``, as in ``CaptureTable``.

For Bayesian model averaging a decomposable graph enters only through its clique and
separator multiset, ``m(B) = #cliques equal to B - #separators equal to B``. For every
non-empty complete set ``A`` the cliques containing ``A`` form a subtree of the junction
tree and the separators containing ``A`` its edges, so ``sum_{B >= A} m(B) = 1``; Moebius
inversion over supersets then gives ``m(B) = sum_{A >= B, A complete} (-1)**|A - B|``.
That formula needs no junction tree, so :func:`clique_coefficients` computes ``m`` for
hundreds of thousands of graphs at once with numpy. Chordality is tested the same way
(:func:`chordal_mask`): a graph is chordal exactly when removing simplicial vertices,
all at once, round after round, empties it (Dirac 1961; induced subgraphs of a chordal
graph are chordal, and no vertex of a chordless cycle is ever simplicial).

Counts of labelled chordal graphs, OEIS A058862: 1, 2, 8, 61, 822, 18154, 617675.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import combinations

import numpy as np
import numpy.typing as npt

from zicht.core.errors import EstimationError

#: Largest k for which every decomposable graph is enumerated (617,675 graphs at k = 7).
MAX_ENUMERATED = 7

#: Labelled chordal graphs on n = 1.. vertices (OEIS A058862).
A058862 = (1, 2, 8, 61, 822, 18154, 617675)


@cache
def pairs(k: int) -> tuple[tuple[int, int], ...]:
    """The vertex pairs ``(i, j)``, ``i < j``, in edge-bit order."""
    return tuple(combinations(range(k), 2))


@cache
def _pair_masks_of_subsets(k: int) -> npt.NDArray[np.int64]:
    """For every subset mask ``B``: the edge mask of all pairs inside ``B``."""
    out = np.zeros(2**k, dtype=np.int64)
    b = np.arange(2**k)
    for p, (i, j) in enumerate(pairs(k)):
        inside = ((b >> i) & 1) & ((b >> j) & 1)
        out |= inside.astype(np.int64) << p
    return out


def adjacency(edges: npt.NDArray[np.int64], k: int) -> npt.NDArray[np.int64]:
    """Neighbour masks, shape ``(len(edges), k)``, of edge masks ``edges``."""
    edges = np.asarray(edges, dtype=np.int64)
    adj = np.zeros((edges.size, k), dtype=np.int64)
    for p, (i, j) in enumerate(pairs(k)):
        on = (edges >> p) & 1
        adj[:, i] |= on << j
        adj[:, j] |= on << i
    return adj


def chordal_mask(edges: npt.NDArray[np.int64], k: int) -> npt.NDArray[np.bool_]:
    """Which edge masks are chordal (vectorised simplicial elimination).

    Each round removes every simplicial vertex of the graphs still in play; a graph
    with no simplicial vertex left is stuck (not chordal) and leaves play, so later
    rounds only see graphs that are still shrinking.
    """
    adj = adjacency(edges, k)
    n = adj.shape[0]
    chordal = np.zeros(n, dtype=bool)
    active = np.arange(n)
    left = np.full(n, 2**k - 1, dtype=np.int64)
    while active.size:
        a_adj, a_left = adj[active], left[active]
        removable = np.zeros_like(a_left)
        for v in range(k):
            nbrs = a_adj[:, v] & a_left
            simplicial = ((a_left >> v) & 1).astype(bool)
            for u in range(k):
                if u == v:
                    continue
                has_u = ((nbrs >> u) & 1).astype(bool)
                closed_u = a_adj[:, u] | (1 << u)
                simplicial &= ~has_u | ((nbrs & ~closed_u) == 0)
            removable |= simplicial.astype(np.int64) << v
        a_left &= ~removable
        left[active] = a_left
        chordal[active[a_left == 0]] = True
        active = active[(a_left != 0) & (removable != 0)]
    return chordal


def clique_coefficients(edges: npt.NDArray[np.int64], k: int) -> npt.NDArray[np.int8]:
    """``m[g, B]``: cliques minus separators equal to subset ``B`` (column 0 unused).

    Valid for chordal graphs only (see the module docstring). Shape ``(G, 2**k)``.
    """
    edges = np.asarray(edges, dtype=np.int64)
    inside = _pair_masks_of_subsets(k)
    m = ((inside[None, :] & ~edges[:, None]) == 0).astype(np.int8)  # complete subsets
    for i in range(k):  # in place: axis 2 of the view is bit i of the subset
        view = m.reshape(m.shape[0], 2 ** (k - i - 1), 2, 2**i)
        view[:, :, 0, :] -= view[:, :, 1, :]
    m[:, 0] = 0
    return np.asarray(m, dtype=np.int8)


@cache
def decomposable_edge_masks(k: int) -> npt.NDArray[np.int64]:
    """Every decomposable graph on ``k`` labelled vertices, as sorted edge masks."""
    if not 1 <= k <= MAX_ENUMERATED:
        raise EstimationError(
            f"Enumerating every decomposable graph is supported for 1 to {MAX_ENUMERATED} "
            f"lists; got {k}. Use graphs='mcmc' to sample graphs instead.", lists=k)
    n_pairs = len(pairs(k))
    out = []
    chunk = 1 << 18
    for start in range(0, 2**n_pairs, chunk):
        edges = np.arange(start, min(start + chunk, 2**n_pairs), dtype=np.int64)
        out.append(edges[chordal_mask(edges, k)])
    result = np.concatenate(out)
    result.setflags(write=False)
    return result


@dataclass(frozen=True)
class DecomposableGraph:
    """A decomposable graph on ``k`` lists: its edges, cliques and separators (subset masks)."""

    k: int
    edges: int
    cliques: tuple[int, ...]
    separators: tuple[int, ...]

    @classmethod
    def from_edges(cls, edges: int, k: int) -> DecomposableGraph:
        """The graph with edge mask ``edges``; raises when it is not decomposable."""
        found = junction(int(edges), k)
        if found is None:
            raise EstimationError(
                "The graph is not decomposable (it has a chordless cycle of 4 or more "
                "lists); BMA averages over decomposable graphs only.", edges=int(edges))
        return cls(k, int(edges), found[0], found[1])

    @classmethod
    def from_cliques(cls, cliques: list[list[int]] | tuple[tuple[int, ...], ...],
                     k: int) -> DecomposableGraph:
        """The graph whose maximal cliques are ``cliques`` (0-based list indices)."""
        edges = 0
        index = {pq: p for p, pq in enumerate(pairs(k))}
        for clique in cliques:
            if any(not 0 <= v < k for v in clique):
                raise EstimationError(f"Clique {list(clique)} names a list outside 0..{k - 1}.")
            for i, j in combinations(sorted(set(clique)), 2):
                edges |= 1 << index[(i, j)]
        return cls.from_edges(edges, k)

    def labels(self, lists: tuple[str, ...]) -> tuple[str, ...]:
        """Cliques as ``"LA:NG:GP"`` labels."""
        return tuple(":".join(lists[j] for j in range(self.k) if c >> j & 1)
                     for c in self.cliques)

    def coefficients(self) -> dict[int, int]:
        """``{subset: cliques - separators}`` without zeros."""
        out: dict[int, int] = {}
        for c in self.cliques:
            out[c] = out.get(c, 0) + 1
        for s in self.separators:
            out[s] = out.get(s, 0) - 1
        return {b: v for b, v in out.items() if v}


def junction(edges: int, k: int) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """Cliques and non-empty separators of a chordal graph, or None when not chordal.

    Maximum cardinality search (Tarjan & Yannakakis 1984); a vertex whose numbered
    neighbours are not all the current clique starts a new clique, its numbered
    neighbours being the separator (Blair & Peyton 1993).
    """
    adj = [0] * k
    for p, (i, j) in enumerate(pairs(k)):
        if edges >> p & 1:
            adj[i] |= 1 << j
            adj[j] |= 1 << i
    numbered = 0
    cliques: list[int] = []
    separators: list[int] = []
    previous_label = -1
    for _ in range(k):
        best, best_label = -1, -1
        for v in range(k):
            if not numbered >> v & 1:
                label = (adj[v] & numbered).bit_count()
                if label > best_label:
                    best, best_label = v, label
        before = adj[best] & numbered
        if before:  # perfect elimination: earlier neighbours must be complete
            for u in range(k):
                if before >> u & 1 and (before & ~(adj[u] | 1 << u)):
                    return None
        if cliques and best_label == previous_label + 1 and before == cliques[-1]:
            cliques[-1] |= 1 << best
        else:
            cliques.append(before | 1 << best)
            if before:
                separators.append(before)
        previous_label = best_label
        numbered |= 1 << best
    return tuple(cliques), tuple(separators)
