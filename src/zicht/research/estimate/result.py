"""``PopulationEstimate``: the frozen result of ``estimate()``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from zicht.research.estimate.design import label_term
from zicht.research.estimate.interval import bca_interval, profile_interval, wald_interval

if TYPE_CHECKING:
    import pandas as pd

    from zicht.research.estimate.select import Selection
    from zicht.research.estimate.table import CaptureTable

FRAME_COLUMNS = ("estimate", "se", "ci_lower", "ci_upper", "level")


@dataclass(frozen=True)
class PopulationEstimate:
    """Observed, estimated total, interval, chosen model and how it was obtained.

    ``interval`` names how ``ci_lower``/``ci_upper`` were computed: ``bca`` (bootstrap
    with the model selection repeated), ``profile`` (profile likelihood, the model
    taken as fixed) or ``wald`` (normal on the log hidden number).
    """

    observed: int
    estimate: float
    se: float
    ci_lower: float
    ci_upper: float
    level: float
    interval: str
    method: str
    lists: tuple[str, ...]
    model: tuple[str, ...]
    infinite_terms: tuple[str, ...]
    candidates: tuple[dict[str, Any], ...]
    warnings: tuple[str, ...]
    provenance: dict[str, Any]
    replicates: npt.NDArray[np.float64] | None = field(default=None, repr=False,
                                                     compare=False)
    acceleration: float | None = field(default=None, repr=False)
    _table: CaptureTable | None = field(default=None, repr=False, compare=False)
    _selection: Selection | None = field(default=None, repr=False, compare=False)

    @property
    def hidden(self) -> float:
        """Estimated number seen by no list."""
        return self.estimate - self.observed

    def __repr__(self) -> str:
        return (f"PopulationEstimate(method={self.method!r}, n={self.observed}, "
                f"estimate={self.estimate:.1f}, ci=({self.ci_lower:.1f}, {self.ci_upper:.1f}),"
                f" level={self.level}, interval={self.interval!r})")

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

    def to_frame(self) -> pd.DataFrame:
        """One row with the fixed columns ``estimate, se, ci_lower, ci_upper, level``."""
        import pandas as pd

        return pd.DataFrame([{c: getattr(self, c) for c in FRAME_COLUMNS}],
                            columns=list(FRAME_COLUMNS))

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``zicht estimate --json``."""
        return {
            "observed": self.observed,
            "estimate": _num(self.estimate),
            "ci_lower": _num(self.ci_lower),
            "ci_upper": _num(self.ci_upper),
            "level": self.level,
            "interval": self.interval,
            "se": _num(self.se),
            "method": self.method,
            "model": list(self.model),
            "infinite_terms": list(self.infinite_terms),
            "lists": list(self.lists),
            "candidates": list(self.candidates),
            "warnings": list(self.warnings),
            "provenance": self.provenance,
        }

    def summary(self) -> str:
        """A few lines for people."""
        pct = round(self.level * 100)
        lines = [
            f"Multiple systems estimation, method {self.method}, {len(self.lists)} lists "
            f"({', '.join(self.lists)})",
            f"  observed           {self.observed:,}",
            f"  estimated total    {self.estimate:,.1f}  (hidden {self.hidden:,.1f})",
            f"  {pct}% interval       {self.ci_lower:,.1f} - {self.ci_upper:,.1f}  "
            f"[{_INTERVAL_NAMES.get(self.interval, self.interval)}]",
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
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


_INTERVAL_NAMES = {"bca": "BCa bootstrap, model selection repeated",
                   "profile": "profile likelihood, model taken as fixed",
                   "wald": "Wald on log hidden number, model taken as fixed"}


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 4)


def labels(terms: tuple[int, ...], lists: tuple[str, ...]) -> tuple[str, ...]:
    """Bit-mask terms as ``"LA:NG"`` labels."""
    return tuple(label_term(t, lists) for t in terms)
