"""Metropolis sampler over decomposable graphs (Madigan & York 1995, 1997: MC^3).

Used when there are too many lists to enumerate every decomposable graph. A move
flips one vertex pair chosen uniformly (add or delete an edge); a move to a
non-decomposable graph is rejected, so the proposal is symmetric and the chain's
stationary distribution is the posterior over decomposable graphs, with the number
missing summed out over its grid. The caller averages over the distinct graphs the
chain visited with their exact posterior weights, renormalised over that set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from zicht.research.estimate.decomposable import DecomposableGraph, junction, pairs


@dataclass(frozen=True)
class ChainRun:
    """What the chain saw: distinct graphs, their log mass and visit counts."""

    graphs: tuple[DecomposableGraph, ...]
    log_mass: tuple[float, ...]
    visits: tuple[int, ...]
    iterations: int
    burn_in: int
    accepted: int
    proposed_non_decomposable: int

    @property
    def acceptance(self) -> float:
        """Share of proposals accepted (non-decomposable proposals count as rejected)."""
        return self.accepted / self.iterations if self.iterations else 0.0


#: Steps of the graph chain between two progress calls.
PROGRESS_EVERY = 500


def sample_graphs(k: int, log_mass: Callable[[DecomposableGraph], float], *,
                  iterations: int, burn_in: int, rng: np.random.Generator,
                  start: int = 0,
                  progress: Callable[[int, int], object] | None = None) -> ChainRun:
    """Run the add/delete-edge chain from edge mask ``start`` (default: no edges).

    ``progress(done, iterations)`` is called every ``PROGRESS_EVERY`` steps."""
    n_pairs = len(pairs(k))
    known: dict[int, tuple[DecomposableGraph, float]] = {}
    visits: dict[int, int] = {}

    def state(edges: int) -> tuple[DecomposableGraph, float] | None:
        hit = known.get(edges)
        if hit is None:
            found = junction(edges, k)
            if found is None:
                return None
            graph = DecomposableGraph(k, edges, found[0], found[1])
            hit = (graph, log_mass(graph))
            known[edges] = hit
        return hit

    current = start
    first = state(current)
    if first is None:
        raise ValueError("the chain must start at a decomposable graph")
    current_mass = first[1]
    flips = rng.integers(0, n_pairs, size=iterations)
    uniforms = rng.random(iterations)
    accepted = non_decomposable = 0
    for it in range(iterations):
        proposal = current ^ (1 << int(flips[it]))
        found = state(proposal)
        if found is None:
            non_decomposable += 1
        elif np.log(uniforms[it]) < found[1] - current_mass:
            current, current_mass = proposal, found[1]
            accepted += 1
        if it >= burn_in:
            visits[current] = visits.get(current, 0) + 1
        if progress is not None and (it + 1) % PROGRESS_EVERY == 0:
            progress(it + 1, iterations)
    order = sorted(visits, key=lambda e: -known[e][1])
    return ChainRun(graphs=tuple(known[e][0] for e in order),
                    log_mass=tuple(known[e][1] for e in order),
                    visits=tuple(visits[e] for e in order), iterations=iterations,
                    burn_in=burn_in, accepted=accepted,
                    proposed_non_decomposable=non_decomposable)
