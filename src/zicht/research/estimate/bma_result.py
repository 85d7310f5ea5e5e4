"""``ModelAveragedEstimate``: the frozen result of ``fit_bma`` (BMA over graphs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from zicht.core.errors import EstimationError
from zicht.research.estimate.result import _num

if TYPE_CHECKING:
    import pandas as pd

FRAME_COLUMNS = ("estimate", "se", "ci_lower", "ci_upper", "level")


def posterior_quantile(totals: npt.NDArray[np.float64], probs: npt.NDArray[np.float64],
                       q: float) -> float:
    """Smallest total whose posterior CDF reaches ``q`` (R: ``N[which(cumsum(p) >= q)[1]]``)."""
    cdf = np.cumsum(probs)
    i = int(np.searchsorted(cdf, q * cdf[-1], side="left"))
    return float(totals[min(i, totals.size - 1)])


@dataclass(frozen=True)
class ModelAveragedEstimate:
    """Posterior of the total ``N`` averaged over decomposable graphical models.

    ``estimate`` is the posterior median, ``ci_lower``/``ci_upper`` the equal-tailed
    posterior quantiles at ``level``, ``se`` the posterior standard deviation.
    ``totals``/``posterior`` hold the whole posterior over the grid of totals;
    ``top_graphs`` the most probable graphs (cliques as ``"A:B"`` labels) with their
    posterior probability and their own posterior median.
    """

    method: str
    observed: int
    estimate: float
    se: float
    ci_lower: float
    ci_upper: float
    level: float
    posterior_mean: float
    lists: tuple[str, ...]
    top_graphs: tuple[dict[str, Any], ...]
    n_graphs: int
    graph_search: str
    diagnostics: dict[str, Any]
    warnings: tuple[str, ...]
    provenance: dict[str, Any]
    totals: npt.NDArray[np.float64] = field(repr=False, compare=False)
    posterior: npt.NDArray[np.float64] = field(repr=False, compare=False)

    @property
    def hidden(self) -> float:
        """Posterior median of the number seen by no list."""
        return self.estimate - self.observed

    def __repr__(self) -> str:
        return (f"ModelAveragedEstimate(method={self.method!r}, n={self.observed}, "
                f"estimate={self.estimate:.1f}, ci=({self.ci_lower:.1f}, "
                f"{self.ci_upper:.1f}), level={self.level}, graphs={self.n_graphs})")

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

    def to_frame(self) -> pd.DataFrame:
        """One row with the fixed columns ``estimate, se, ci_lower, ci_upper, level``."""
        import pandas as pd

        row = {c: getattr(self, c) for c in FRAME_COLUMNS}
        row.update(method=self.method, observed=self.observed,
                   posterior_mean=self.posterior_mean)
        return pd.DataFrame([row], columns=[*FRAME_COLUMNS, "method", "observed",
                                            "posterior_mean"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary (the posterior itself is left out; see ``totals``)."""
        return {
            "method": self.method,
            "observed": self.observed,
            "estimate": _num(self.estimate),
            "se": _num(self.se),
            "ci_lower": _num(self.ci_lower),
            "ci_upper": _num(self.ci_upper),
            "level": self.level,
            "interval": "posterior quantiles",
            "posterior_mean": _num(self.posterior_mean),
            "lists": list(self.lists),
            "n_graphs": self.n_graphs,
            "graph_search": self.graph_search,
            "top_graphs": [dict(g) for g in self.top_graphs],
            "diagnostics": self.diagnostics,
            "warnings": list(self.warnings),
            "provenance": self.provenance,
        }

    def summary(self) -> str:
        """A few lines for people."""
        pct = round(self.level * 100)
        lines = [
            f"Bayesian model averaging over decomposable graphs ({self.method}), "
            f"{len(self.lists)} lists ({', '.join(self.lists)})",
            f"  observed           {self.observed:,}",
            f"  posterior median   {self.estimate:,.0f}  (hidden {self.hidden:,.0f}; "
            f"mean {self.posterior_mean:,.0f}, sd {self.se:,.0f})",
            f"  {pct}% interval       {self.ci_lower:,.0f} - {self.ci_upper:,.0f}  "
            "[posterior quantiles]",
            f"  graphs             {self.n_graphs:,} ({self.graph_search})",
            "  most probable graphs (posterior probability, median N, cliques):",
        ]
        for g in self.top_graphs[:5]:
            lines.append(f"    {g['probability']:7.3f}  {g['median']:>10,.0f}  "
                         f"{' + '.join(g['cliques'])}")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)

