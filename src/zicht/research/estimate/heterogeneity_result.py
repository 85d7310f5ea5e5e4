"""Results of Rcapture-style models: one model (``ClosedPopulationEstimate``) and the
whole ``closedp`` table (``ClosedPopulationResults``), in the shared vocabulary."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

FRAME_COLUMNS = ("estimate", "se", "ci_lower", "ci_upper", "level")
TABLE_COLUMNS = ("model", "method", "estimate", "se", "ci_lower", "ci_upper", "level",
                 "interval", "profile_estimate", "deviance", "df", "aic", "bic",
                 "info_fit")
_INTERVALS = {"profile": "profile likelihood (Rcapture closedpCI), model taken as fixed",
              "log-normal": "log-normal on the hidden number (Chao 1987), as Rcapture's "
                            "normal model",
              "wald": "normal, estimate +/- z se (Rcapture gives no interval for this model)",
              "none": "no interval (the model's design is rank deficient)"}


@dataclass(frozen=True)
class ClosedPopulationEstimate:
    """One closed-population model fitted as Rcapture's ``closedp.t`` / ``closedpCI.t``.

    ``estimate`` and ``se`` are the Poisson abundance and standard error of Rcapture's
    results table; ``profile_estimate`` (the maximum of the multinomial profile
    likelihood) and ``ci_lower``/``ci_upper`` are its ``CI`` row. ``ci_upper`` is
    ``inf`` when the profile does not cross its cut-off below ``fmax * estimate``
    (R prints ``">3N"``). ``info_fit`` is Rcapture's code (0 = no warning).
    """

    method: str
    model: str
    observed: int
    estimate: float
    se: float
    ci_lower: float
    ci_upper: float
    level: float
    interval: str
    profile_estimate: float
    deviance: float
    df: int
    aic: float
    bic: float
    info_fit: int
    bias: float
    parameters: dict[str, float]
    removed_eta: tuple[str, ...]
    lists: tuple[str, ...]
    warnings: tuple[str, ...]
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def hidden(self) -> float:
        """Estimated number seen by no list."""
        return self.estimate - self.observed

    def __repr__(self) -> str:
        return (f"ClosedPopulationEstimate(method={self.method!r}, n={self.observed}, "
                f"estimate={self.estimate:.1f}, ci=({self.ci_lower:.1f}, "
                f"{self.ci_upper:.1f}), level={self.level})")

    def row(self) -> dict[str, Any]:
        """One row of the closedp table (``TABLE_COLUMNS``)."""
        return {c: getattr(self, c) for c in TABLE_COLUMNS}

    def to_frame(self) -> pd.DataFrame:
        """One row: ``estimate, se, ci_lower, ci_upper, level`` then the fit figures."""
        import pandas as pd

        cols = list(FRAME_COLUMNS) + [c for c in TABLE_COLUMNS if c not in FRAME_COLUMNS]
        return pd.DataFrame([self.row()], columns=cols)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: non-finite numbers become None."""
        out = {c: _num(v) for c, v in self.row().items()}
        out.update(observed=self.observed, bias=_num(self.bias),
                   parameters={k: _num(v) for k, v in self.parameters.items()},
                   removed_eta=list(self.removed_eta), lists=list(self.lists),
                   warnings=list(self.warnings), provenance=self.provenance)
        return out

    def summary(self) -> str:
        pct = round(self.level * 100)
        upper = "unbounded" if math.isinf(self.ci_upper) else f"{self.ci_upper:,.1f}"
        lines = [
            f"Closed-population model {self.model} (Rcapture), method {self.method}, "
            f"{len(self.lists)} lists ({', '.join(self.lists)})",
            f"  observed           {self.observed:,}",
            f"  estimated total    {self.estimate:,.1f}  (se {self.se:,.1f})",
            f"  {pct}% interval       {self.ci_lower:,.1f} - {upper}  "
            f"[{_INTERVALS.get(self.interval, self.interval)}]",
            f"  deviance {self.deviance:.3f} on {self.df} df, AIC {self.aic:.3f}, "
            f"BIC {self.bic:.3f}",
        ]
        if self.removed_eta:
            lines.append(f"  set to zero        {', '.join(self.removed_eta)} (negative eta)")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass(frozen=True)
class ClosedPopulationResults:
    """Every model of Rcapture's ``closedp.t`` on one table, in its order."""

    observed: int
    lists: tuple[str, ...]
    level: float
    models: tuple[ClosedPopulationEstimate, ...]
    provenance: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> ClosedPopulationEstimate:
        """By Rcapture's row name (``"Mh Darroch"``) or by method (``"rcapture-mh-darroch"``)."""
        for m in self.models:
            if key in (m.model, m.method):
                return m
        raise KeyError(f"{key!r}: expected one of {[m.model for m in self.models]}")

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.models)

    def __len__(self) -> int:
        return len(self.models)

    def __repr__(self) -> str:
        return (f"ClosedPopulationResults(method='rcapture-closedp', n={self.observed}, "
                f"models={len(self.models)})")

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(f"{m.model}: {w}" for m in self.models for w in m.warnings)

    def to_frame(self) -> pd.DataFrame:
        """closedp's results table: one row per model (index: Rcapture's names)."""
        import pandas as pd

        frame = pd.DataFrame([m.row() for m in self.models], columns=list(TABLE_COLUMNS))
        return frame.set_index("model")

    def to_dict(self) -> dict[str, Any]:
        return {"method": "rcapture-closedp", "observed": self.observed,
                "lists": list(self.lists), "level": self.level,
                "models": [m.to_dict() for m in self.models],
                "provenance": self.provenance}

    def summary(self) -> str:
        pct = round(self.level * 100)
        lines = [f"Rcapture closedp models, {len(self.lists)} lists "
                 f"({', '.join(self.lists)}), observed {self.observed:,}",
                 f"  {'model':<14}{'estimate':>12}{'se':>11}  {pct}% interval"
                 f"{'deviance':>22}{'df':>4}{'AIC':>11}{'BIC':>11}"]
        for m in self.models:
            upper = "inf" if math.isinf(m.ci_upper) else f"{m.ci_upper:,.0f}"
            ci = (f"{m.ci_lower:,.0f} - {upper}" if math.isfinite(m.ci_lower) else "-")
            lines.append(f"  {m.model:<14}{m.estimate:>12,.1f}{m.se:>11,.1f}  {ci:<20}"
                         f"{m.deviance:>12.3f}{m.df:>4}{m.aic:>11.3f}{m.bic:>11.3f}")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _num(x: Any) -> Any:
    if isinstance(x, float):
        return round(x, 6) if math.isfinite(x) else None
    return x
