"""Results of Rcapture-style models: one model (``ClosedPopulationEstimate``) and the
whole ``closedp`` table (``ClosedPopulationResults``), in the shared vocabulary."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zicht.research.estimate.result_base import FRAME_COLUMNS, EstimateResult, json_number

if TYPE_CHECKING:
    import pandas as pd

#: Log-linear parameters (small numbers) keep more decimals in JSON than the counts.
PARAMETER_DIGITS = 8
TABLE_COLUMNS = ("model", "method", "estimate", "se", "ci_lower", "ci_upper", "level",
                 "interval", "profile_estimate", "deviance", "df", "aic", "bic",
                 "info_fit")
_INTERVALS = {"profile": "profile likelihood (Rcapture closedpCI), model taken as fixed",
              "log-normal": "log-normal on the hidden number (Chao 1987), as Rcapture's "
                            "normal model",
              "wald": "normal, estimate +/- z se (Rcapture gives no interval for this model)",
              "none": "no interval (the model's design is rank deficient)"}


@dataclass(frozen=True, kw_only=True, repr=False)
class ClosedPopulationEstimate(EstimateResult):
    """One closed-population model fitted as Rcapture's ``closedp.t`` / ``closedpCI.t``.

    ``estimate`` and ``se`` are the Poisson abundance and standard error of Rcapture's
    results table; ``profile_estimate`` (the maximum of the multinomial profile
    likelihood) and ``ci_lower``/``ci_upper`` are its ``CI`` row. ``ci_upper`` is
    ``inf`` when the profile does not cross its cut-off below ``fmax * estimate``
    (R prints ``">3N"``). ``info_fit`` is Rcapture's code (0 = no warning).
    """

    model: str
    profile_estimate: float
    deviance: float
    df: int
    aic: float
    bic: float
    info_fit: int
    bias: float
    parameters: dict[str, float]
    removed_eta: tuple[str, ...]

    frame_extra = tuple(c for c in TABLE_COLUMNS if c not in FRAME_COLUMNS)

    def row(self) -> dict[str, Any]:
        """One row of the closedp table (``TABLE_COLUMNS``)."""
        return {c: getattr(self, c) for c in TABLE_COLUMNS}

    def dict_body(self) -> dict[str, Any]:
        return {"model": self.model, "profile_estimate": json_number(self.profile_estimate),
                "deviance": json_number(self.deviance), "df": self.df,
                "aic": json_number(self.aic), "bic": json_number(self.bic),
                "info_fit": self.info_fit, "bias": json_number(self.bias),
                "parameters": {k: json_number(v, PARAMETER_DIGITS)
                               for k, v in self.parameters.items()},
                "removed_eta": list(self.removed_eta)}

    def summary_title(self) -> str:
        return (f"Closed-population model {self.model} (Rcapture), method {self.method}, "
                f"{len(self.lists)} lists ({', '.join(self.lists)})")

    def summary_body(self) -> list[str]:
        pct = round(self.level * 100)
        upper = "unbounded" if math.isinf(self.ci_upper) else f"{self.ci_upper:,.1f}"
        lines = [
            f"  estimated total    {self.estimate:,.1f}  (se {self.se:,.1f})",
            f"  {pct}% interval       {self.ci_lower:,.1f} - {upper}  "
            f"[{_INTERVALS.get(self.interval, self.interval)}]",
            f"  deviance {self.deviance:.3f} on {self.df} df, AIC {self.aic:.3f}, "
            f"BIC {self.bic:.3f}",
        ]
        if self.removed_eta:
            lines.append(f"  set to zero        {', '.join(self.removed_eta)} (negative eta)")
        return lines


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

