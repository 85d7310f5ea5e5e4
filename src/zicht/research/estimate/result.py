"""``PopulationEstimate``: the frozen result of ``estimate()``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from zicht.research.estimate.design import label_term
from zicht.research.estimate.interval import bca_interval, profile_interval, wald_interval
from zicht.research.estimate.result_base import EstimateResult

if TYPE_CHECKING:
    from zicht.research.estimate.select import Selection
    from zicht.research.estimate.table import CaptureTable

@dataclass(frozen=True, kw_only=True, repr=False)
class PopulationEstimate(EstimateResult):
    """Observed, estimated total, interval, chosen model and how it was obtained.

    ``interval`` names how ``ci_lower``/``ci_upper`` were computed: ``bca`` (bootstrap
    with the model selection repeated), ``profile`` (profile likelihood, the model
    taken as fixed) or ``wald`` (normal on the log hidden number).
    """

    model: tuple[str, ...]
    infinite_terms: tuple[str, ...]
    candidates: tuple[dict[str, Any], ...]
    replicates: npt.NDArray[np.float64] | None = field(default=None, repr=False,
                                                     compare=False)
    acceleration: float | None = field(default=None, repr=False)
    _table: CaptureTable | None = field(default=None, repr=False, compare=False)
    _selection: Selection | None = field(default=None, repr=False, compare=False)

    def repr_tail(self) -> str:
        return f", interval={self.interval!r}"

    def confidence_interval(self, level: float = 0.95) -> tuple[float, float]:
        """The interval at another level, by the same route as ``interval``."""
        if self.interval == "bca" and self.replicates is not None:
            return bca_interval(self.replicates, self.estimate, self.acceleration or 0.0,
                                level)
        if self._table is None or self._selection is None:
            return self.ci_lower, self.ci_upper
        fit = self._selection.fit
        if self.interval == "wald":
            return wald_interval(fit, level)
        return profile_interval(self._table.k, self._table.counts, fit, level)

    def dict_body(self) -> dict[str, Any]:
        return {"model": list(self.model), "infinite_terms": list(self.infinite_terms),
                "candidates": list(self.candidates)}

    def summary_title(self) -> str:
        return (f"Multiple systems estimation, method {self.method}, {len(self.lists)} "
                f"lists ({', '.join(self.lists)})")

    def summary_body(self) -> list[str]:
        lines = [
            f"  estimated total    {self.estimate:,.1f}  (hidden {self.hidden:,.1f})",
            self.interval_line(_INTERVAL_NAMES.get(self.interval, self.interval), 1),
            f"  model              {' + '.join(self.model) if self.model else 'main effects'}",
        ]
        if self.infinite_terms:
            lines.append(f"  fixed at -inf      {', '.join(self.infinite_terms)} "
                         "(no overlap observed)")
        if self.candidates:
            lines.append("  best candidates (estimate, BIC, AIC):")
            for c in self.candidates[:5]:
                terms = " + ".join(c["model"]) or "main effects"
                lines.append(f"    {c['estimate']:>12,.1f}  {c['bic']:9.2f}  {c['aic']:9.2f}"
                             f"  {terms}")
        return lines


_INTERVAL_NAMES = {"bca": "BCa bootstrap, model selection repeated",
                   "profile": "profile likelihood, model taken as fixed",
                   "wald": "Wald on log hidden number, model taken as fixed"}


def labels(terms: tuple[int, ...], lists: tuple[str, ...]) -> tuple[str, ...]:
    """Bit-mask terms as ``"LA:NG"`` labels."""
    return tuple(label_term(t, lists) for t in terms)
