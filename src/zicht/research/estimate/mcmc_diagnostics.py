"""Convergence diagnostics of MCMC draws: rank-normalised split R-hat and bulk/tail ESS.

Computed by ArviZ (``arviz_stats``, the array interface of ArviZ 1.x; Vehtari, Gelman,
Simpson, Carpenter & Bürkner 2021), imported here only when a sampler has finished, so
``import zicht.research.estimate`` stays light.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

#: Vehtari et al. (2021): trust a posterior summary when R-hat <= 1.01 and ESS >= 400.
RHAT_MAX = 1.01
ESS_MIN = 400.0


@dataclass(frozen=True)
class Diagnostics:
    """R-hat and effective sample sizes of one scalar over ``chains`` x ``draws``."""

    rhat: float
    ess_bulk: float
    ess_tail: float
    chains: int
    draws: int

    @property
    def converged(self) -> bool:
        """True when R-hat <= 1.01 and both ESS >= 400 (Vehtari et al. 2021)."""
        return (bool(np.isfinite(self.rhat)) and self.rhat <= RHAT_MAX
                and self.ess_bulk >= ESS_MIN and self.ess_tail >= ESS_MIN)

    def problems(self, name: str) -> list[str]:
        """What is wrong, in words, for a result warning (empty when converged)."""
        out = []
        if not (np.isfinite(self.rhat) and self.rhat <= RHAT_MAX):
            out.append(f"R-hat of {name} is {self.rhat:.3f} (> {RHAT_MAX}): the "
                       f"{self.chains} chains disagree")
        for kind, value in (("bulk", self.ess_bulk), ("tail", self.ess_tail)):
            if not value >= ESS_MIN:
                out.append(f"{kind} effective sample size of {name} is {value:.0f} "
                           f"(< {ESS_MIN:.0f})")
        return out


def diagnose(draws: npt.ArrayLike) -> Diagnostics:
    """Diagnostics of ``draws`` shaped (chains, draws); one chain is split in two as usual."""
    from arviz_stats.base import array_stats  # type: ignore[attr-defined]

    ary = np.asarray(draws, dtype=np.float64)
    if ary.ndim != 2 or ary.shape[1] < 4:
        raise ValueError(f"draws must be (chains, draws) with >= 4 draws; got {ary.shape}")
    if np.ptp(ary) == 0:
        # A constant trace: every chain agrees but nothing was explored.
        return Diagnostics(float("nan"), float("nan"), float("nan"), *ary.shape)
    rhat = float(array_stats.rhat(ary, chain_axis=0, draw_axis=1, method="rank"))  # type: ignore[no-untyped-call]
    bulk = float(array_stats.ess(ary, chain_axis=0, draw_axis=1, method="bulk"))  # type: ignore[no-untyped-call]
    tail = float(array_stats.ess(  # type: ignore[no-untyped-call]
        ary, chain_axis=0, draw_axis=1, method="tail", prob=0.05))
    return Diagnostics(rhat, bulk, tail, *ary.shape)
