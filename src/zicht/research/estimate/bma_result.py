"""``ModelAveragedEstimate``: the frozen result of ``fit_bma`` (BMA over graphs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from zicht.core.errors import EstimationError
from zicht.research.estimate.result_base import EstimateResult, json_number


def posterior_quantile(totals: npt.NDArray[np.float64], probs: npt.NDArray[np.float64],
                       q: float) -> float:
    """Smallest total whose posterior CDF reaches ``q`` (R: ``N[which(cumsum(p) >= q)[1]]``)."""
    return posterior_quantiles(totals, probs, (q,))[0]


def posterior_quantiles(totals: npt.NDArray[np.float64], probs: npt.NDArray[np.float64],
                        qs: tuple[float, ...]) -> list[float]:
    """:func:`posterior_quantile` at several ``qs`` from one cumulative sum."""
    cdf = np.cumsum(probs)
    at = np.searchsorted(cdf, np.asarray(qs) * cdf[-1], side="left")
    return [float(v) for v in totals[np.minimum(at, totals.size - 1)]]


@dataclass(frozen=True, kw_only=True, repr=False)
class ModelAveragedEstimate(EstimateResult):
    """Posterior of the total ``N`` averaged over decomposable graphical models.

    ``estimate`` is the posterior median, ``ci_lower``/``ci_upper`` the equal-tailed
    posterior quantiles at ``level``, ``se`` the posterior standard deviation.
    ``totals``/``posterior`` hold the whole posterior over the grid of totals;
    ``top_graphs`` the most probable graphs (cliques as ``"A:B"`` labels) with their
    posterior probability and their own posterior median.
    """

    posterior_mean: float
    top_graphs: tuple[dict[str, Any], ...]
    n_graphs: int
    graph_search: str
    diagnostics: dict[str, Any]
    totals: npt.NDArray[np.float64] = field(repr=False, compare=False)
    posterior: npt.NDArray[np.float64] = field(repr=False, compare=False)
    interval: str = "posterior quantiles"

    frame_extra = ("method", "observed", "posterior_mean")

    def repr_tail(self) -> str:
        return f", graphs={self.n_graphs}"

    def quantile(self, q: float) -> float:
        """Posterior quantile of the total."""
        if not 0.0 < q < 1.0:
            raise EstimationError(f"A quantile must lie strictly between 0 and 1; got {q}.")
        return posterior_quantile(self.totals, self.posterior, q)

    def credible_interval(self, level: float = 0.95) -> tuple[float, float]:
        """Equal-tailed posterior interval at another level."""
        if not 0.0 < level < 1.0:
            raise EstimationError(f"level must lie strictly between 0 and 1; got {level}.")
        return self.quantile((1 - level) / 2), self.quantile((1 + level) / 2)

    def dict_body(self) -> dict[str, Any]:
        """The posterior itself is left out (see ``totals``/``posterior``)."""
        return {"posterior_mean": json_number(self.posterior_mean),
                "n_graphs": self.n_graphs, "graph_search": self.graph_search,
                "top_graphs": [dict(g) for g in self.top_graphs],
                "diagnostics": self.diagnostics}

    def summary_title(self) -> str:
        return (f"Bayesian model averaging over decomposable graphs ({self.method}), "
                f"{len(self.lists)} lists ({', '.join(self.lists)})")

    def summary_body(self) -> list[str]:
        lines = [
            f"  posterior median   {self.estimate:,.0f}  (hidden {self.hidden:,.0f}; "
            f"mean {self.posterior_mean:,.0f}, sd {self.se:,.0f})",
            self.interval_line("posterior quantiles", 0),
            f"  graphs             {self.n_graphs:,} ({self.graph_search})",
            "  most probable graphs (posterior probability, median N, cliques):",
        ]
        for g in self.top_graphs[:5]:
            lines.append(f"    {g['probability']:7.3f}  {g['median']:>10,.0f}  "
                         f"{' + '.join(g['cliques'])}")
        return lines
