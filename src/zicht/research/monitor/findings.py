"""Key findings as the seeds write them: long-run trends, tested (issue 14, item 9).

"52 minors in 2023, 81% fewer than in 2014": a level, a comparison with the start of
the current trend, and whether that trend is more than chance. For each series (all
registered victims, each form, minors) the yearly counts, unrounded and inside the
research zone, are fitted with a log-linear Poisson trend, ``log mu = a + b t``, and
with a trend with one change point ``tau``, ``log mu = a + b t + c max(0, t - tau)``
(every ``tau`` that leaves at least ``MIN_SEGMENT`` years on each side; the one with
the lowest deviance). The change point is kept when the likelihood-ratio test against
the straight trend gives p < ``ALPHA``. Counts of victims vary more than Poisson
(a year's police priorities): the standard errors use the quasi-Poisson dispersion
(Pearson chi-square / residual df), never below 1. The current trend is the slope
after the change point (or the straight one): its yearly change ``exp(slope) - 1`` and
the Wald p-value of the slope.

The result is a table (``findings/trends``) that goes through the disclosure gate like
any other; the report writes its sentences from the released row only
(``zicht.publish.summary``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy import stats
from statsmodels.genmod.generalized_linear_model import GLMResults
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from zicht.core.table import TableSpec

ALPHA = 0.05
MIN_SEGMENT = 3  # years on each side of a change point (the change year counts on both)
MIN_YEARS = 5  # fewer years make no trend


@dataclass(frozen=True)
class Series:
    """A yearly count of a table: the sum of ``value`` over the rows whose column has one
    of the listed codes (``match``: column -> codes)."""

    code: str
    table: str
    value: str
    match: tuple[tuple[str, tuple[str, ...]], ...] = ()


#: The series a reader of the seeds expects a sentence on (subjects in
#: ``zicht.publish.labels.FINDING_SUBJECTS``).
SERIES: tuple[Series, ...] = (
    Series("victims", "figures/2.1", "victims"),
    # Sexual exploitation whatever its nationality (seed: 2,819 in 2016-2020, item 4).
    Series("sexual", "figures/2.2", "victims",
           (("form", ("domestic_sexual", "cross_border_sexual", "sexual_unknown")),)),
    Series("labour", "figures/2.2", "victims", (("form", ("labour",)),)),
    Series("criminal", "figures/2.2", "victims", (("form", ("criminal",)),)),
    Series("minors", "figures/2.8_total", "victims", (("age_group", ("minor",)),)),
)


@dataclass(frozen=True)
class Trend:
    """The fitted trend of one yearly series."""

    first_year: int
    last_year: int
    last_value: float
    since_year: int  # start of the current trend: the change point or the first year
    since_value: float
    change_year: int | None
    yearly_change_pct: float  # exp(slope of the current trend) - 1, in %
    p_value: float

    @property
    def change_pct(self) -> float:
        """Last year against the start of the current trend, in %."""
        return (self.last_value / self.since_value - 1) * 100 if self.since_value else math.nan

    @property
    def significant(self) -> bool:
        return self.p_value < ALPHA


def _fit(y: np.ndarray, x: np.ndarray) -> GLMResults:
    # An exact fit (a hinge through every point) is a fine Poisson fit, not the
    # separation of a binary model that statsmodels warns about.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        return sm.GLM(y, sm.add_constant(x, has_constant="add"),
                      family=sm.families.Poisson()).fit()


def _dispersion(fit: GLMResults) -> float:
    return max(1.0, float(fit.pearson_chi2) / float(fit.df_resid)) if fit.df_resid > 0 \
        else 1.0


def fit_trend(years: Sequence[int], counts: Sequence[float]) -> Trend:
    """The trend of ``counts`` over consecutive ``years`` (see the module docstring)."""
    if len(years) != len(counts) or len(years) < MIN_YEARS:
        raise ValueError(f"A trend needs at least {MIN_YEARS} years with a count each, "
                         f"got {len(years)} years and {len(counts)} counts.")
    y = np.asarray(counts, dtype=float)
    t = np.asarray(years, dtype=float) - years[0]
    straight = _fit(y, t)
    best: tuple[float, int, GLMResults] | None = None
    for i in range(MIN_SEGMENT - 1, len(years) - MIN_SEGMENT + 1):
        hinge = np.maximum(0.0, t - t[i])
        fit = _fit(y, np.column_stack([t, hinge]))
        if best is None or fit.deviance < best[0] - 1e-9:
            best = (float(fit.deviance), i, fit)
    change: int | None = None
    fit, contrast = straight, np.array([0.0, 1.0])
    if best is not None:
        # Likelihood ratio of the change point, scaled by the dispersion of the larger model.
        lr = (float(straight.deviance) - best[0]) / _dispersion(best[2])
        if stats.chi2.sf(lr, 1) < ALPHA:
            change, fit, contrast = best[1], best[2], np.array([0.0, 1.0, 1.0])
    params = np.asarray(fit.params)
    slope = float(contrast @ params)
    variance = float(contrast @ np.asarray(fit.cov_params()) @ contrast) * _dispersion(fit)
    z = slope / math.sqrt(variance) if variance > 0 else math.inf
    p = float(2 * stats.norm.sf(abs(z)))
    since = change if change is not None else 0
    return Trend(int(years[0]), int(years[-1]), float(y[-1]), int(years[since]),
                 float(y[since]), None if change is None else int(years[change]),
                 (math.exp(slope) - 1) * 100, p)


def series_counts(series: Series, tables: Mapping[str, TableSpec]) -> dict[int, float]:
    """Yearly counts of ``series`` from the (ungated) tables; {} when the table is absent."""
    table = tables.get(series.table)
    if table is None:
        return {}
    out: dict[int, float] = {}
    for row in table.rows:
        if all(row.get(k) in codes for k, codes in series.match) \
                and isinstance(row.get("year"), int):
            value = row.get(series.value)
            if value is not None:
                out[row["year"]] = out.get(row["year"], 0.0) + float(value)
    return out


def findings_table(tables: Sequence[TableSpec], source: str = "") -> TableSpec | None:
    """``findings/trends``: one row per series with enough consecutive years."""
    by_name = {t.name: t for t in tables}
    rows = []
    for series in SERIES:
        counts = series_counts(series, by_name)
        if not counts:
            continue
        last = max(counts)
        years: list[int] = []  # the unbroken run of years up to the last
        while last - len(years) in counts:
            years.insert(0, last - len(years))
        if len(years) < MIN_YEARS:
            continue
        trend = fit_trend(years, [counts[y] for y in years])
        rows.append({
            "finding": series.code,
            "year_from": trend.since_year, "value_from": round(trend.since_value),
            "year_to": trend.last_year, "value_to": round(trend.last_value),
            "change_pct": round(trend.change_pct, 1),
            "change_year": trend.change_year,
            "first_year": trend.first_year,
            "yearly_change_pct": round(trend.yearly_change_pct, 1),
            "p_value": round(trend.p_value, 4),
        })
    if not rows:
        return None
    return TableSpec(
        "findings/trends", rows, ("value_from", "value_to"),
        "Key findings: long-run trends of the yearly counts",
        "Belangrijkste bevindingen: langjarige trends van de jaarlijkse aantallen",
        source=source,
        notes="Poisson trend with at most one change point (likelihood-ratio test, "
              f"p < {ALPHA}), quasi-Poisson standard errors; computed on the exact yearly "
              "counts.",
        notes_nl="Poisson-trend met hoogstens één trendbreuk (likelihood-ratiotoets, "
                 f"p < {str(ALPHA).replace('.', ',')}), quasi-Poisson-standaardfouten; "
                 "berekend op de exacte jaarlijkse aantallen.",
        shares={"change_pct": "value_to", "yearly_change_pct": "value_to"})
