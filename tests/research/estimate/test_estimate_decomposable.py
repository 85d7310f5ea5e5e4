"""Decomposable graphs: counts (OEIS A058862), cliques/separators as in R dga's graph lists."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from zicht.core.errors import EstimationError
from zicht.research.estimate.decomposable import (
    A058862,
    DecomposableGraph,
    chordal_mask,
    clique_coefficients,
    decomposable_edge_masks,
    junction,
    pairs,
)

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6])
def test_counts_match_oeis_a058862(k: int) -> None:
    assert len(decomposable_edge_masks(k)) == A058862[k - 1]


def test_seven_lists_enumerated_too() -> None:
    # 2**21 = 2,097,152 graphs tested at once; 617,675 chordal (OEIS A058862).
    assert len(decomposable_edge_masks(7)) == A058862[6] == 617675


def test_chordal_mask_finds_the_chordless_cycle() -> None:
    # 4-cycle 0-1-2-3-0: not chordal; with the chord 0-2 it is.
    index = {pq: p for p, pq in enumerate(pairs(4))}
    cycle = sum(1 << index[e] for e in [(0, 1), (1, 2), (2, 3), (0, 3)])
    chord = cycle | 1 << index[(0, 2)]
    assert chordal_mask(np.array([cycle, chord]), 4).tolist() == [False, True]
    assert junction(cycle, 4) is None
    with pytest.raises(EstimationError, match="not decomposable"):
        DecomposableGraph.from_edges(cycle, 4)


def _dga_graph(line: str) -> tuple[Counter[int], Counter[int]]:
    cliques, seps = line.split("|")

    def masks(part: str) -> Counter[int]:
        return Counter(sum(1 << (int(v) - 1) for v in c) for c in part.split(",") if c)
    return masks(cliques), masks(seps)


def test_cliques_and_separators_equal_dga_graphs5() -> None:
    lines = [s for s in (DATA / "dga_graphs5.txt").read_text().splitlines()
             if not s.startswith("#")]
    expected = Counter(frozenset(_dga_graph(s)[0].items()) | {("S", frozenset(
        _dga_graph(s)[1].items()))} for s in lines)
    ours = Counter()
    edges = decomposable_edge_masks(5)
    coef = clique_coefficients(edges, 5)
    for e, row in zip(edges, coef, strict=True):
        g = DecomposableGraph.from_edges(int(e), 5)
        ours[frozenset(Counter(g.cliques).items()) | {("S", frozenset(
            Counter(g.separators).items()))}] += 1
        # the vectorised Moebius coefficients agree with the junction tree
        dense = np.zeros(32, dtype=int)
        for b, v in g.coefficients().items():
            dense[b] = v
        assert (dense == row).all()
    assert len(lines) == 822
    assert ours == expected


def test_from_cliques_round_trip() -> None:
    g = DecomposableGraph.from_cliques([[0, 1, 2], [2, 3], [1, 4]], 5)
    assert sorted(g.cliques) == sorted([0b00111, 0b01100, 0b10010])
    assert sorted(g.separators) == sorted([0b00100, 0b00010])
    assert g.labels(("A", "B", "C", "D", "E")) in {("A:B:C", "C:D", "B:E"),
                                                   ("A:B:C", "B:E", "C:D")}
    with pytest.raises(EstimationError, match="outside"):
        DecomposableGraph.from_cliques([[0, 7]], 5)


def test_enumeration_beyond_seven_lists_refuses() -> None:
    with pytest.raises(EstimationError, match="mcmc"):
        decomposable_edge_masks(8)
