"""Simulated capture-recapture populations with a known total, for coverage and bias.

Each person belongs to a latent class (heterogeneity: some people are much easier to
see than others) and each list catches them with the class's probability; list
dependence is added as referral: a person caught by list ``a`` is caught by list
``b`` with probability multiplied by ``referral`` (capped at 0.95). With one class
and no referral the lists are independent and the main-effects model is true.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from zicht.research.estimate.table import CaptureTable


@dataclass(frozen=True)
class Scenario:
    """A simulated world: the hidden total and how the lists see it."""

    name: str
    total: int
    capture: tuple[tuple[float, ...], ...]  # per class, per list
    class_share: tuple[float, ...]
    referrals: tuple[tuple[int, int, float], ...] = ()  # (from list, to list, factor)

    @property
    def k(self) -> int:
        return len(self.capture[0])


#: Scenarios of the benchmark: sparse lists like the registry's reporter types.
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("independent", 5000, ((0.10, 0.06, 0.04, 0.08, 0.05),), (1.0,)),
    Scenario("dependent lists", 5000, ((0.10, 0.06, 0.04, 0.08, 0.05),), (1.0,),
             ((0, 1, 3.0), (2, 3, 2.5))),
    Scenario("heterogeneous + dependent", 5000,
             ((0.16, 0.10, 0.07, 0.12, 0.08), (0.05, 0.03, 0.02, 0.04, 0.025)), (0.5, 0.5),
             ((0, 1, 3.0),)),
)


def simulate(scenario: Scenario, seed: int | Sequence[int]) -> CaptureTable:
    """One population drawn from ``scenario``; the all-zero history is dropped."""
    rng = np.random.default_rng(seed)
    cls = rng.choice(len(scenario.class_share), size=scenario.total, p=scenario.class_share)
    probs = np.asarray(scenario.capture)[cls]  # (people, lists)
    caught = rng.random(probs.shape) < probs
    for a, b, factor in scenario.referrals:
        boosted = np.minimum(probs[:, b] * factor, 0.95)
        extra = (rng.random(scenario.total) < (boosted - probs[:, b]) / (1 - probs[:, b]))
        caught[:, b] |= caught[:, a] & extra
    h = caught.astype(np.int64) @ (1 << np.arange(scenario.k))
    counts = np.bincount(h, minlength=2**scenario.k)[1:].astype(np.int64)
    lists = tuple(f"L{j + 1}" for j in range(scenario.k))
    return CaptureTable(lists, counts)
