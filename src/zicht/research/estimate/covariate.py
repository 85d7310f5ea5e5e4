"""One log-linear model over strata: a covariate (year, form, ...) as an extra dimension.

The table has a cell per (stratum s, history h). Each stratum has its own intercept
``gamma_s`` (its hidden number is ``exp(gamma_s)``) and its own main effect per list
(capture probabilities differ by stratum, as in the covariate models of the Dutch
estimates), while the interactions between lists are shared by all strata. Compared
with separate estimates per stratum, the shared dependence borrows strength across
small strata; compared with the pooled estimate, it removes the heterogeneity the
covariate explains.

Interactions are chosen as in ``stepwise`` (Chan, Silverman & Vincent 2021) on the
totals over strata, or given. Columns whose observed total is zero are fixed at minus
infinity (their cells leave the fit); the same existence and rank checks apply.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import ndtri  # the normal quantile, without importing scipy.stats

from zicht.core.errors import EstimationError
from zicht.research.estimate.bootstrap import bootstrap as run_bootstrap
from zicht.research.estimate.design import label_term, pair_terms
from zicht.research.estimate.fit import Prepared, mle_exists_lp, newton
from zicht.research.estimate.interval import bca_interval, jackknife_acceleration
from zicht.research.estimate.select import poisson_pvalues
from zicht.research.estimate.table import CaptureTable

FloatArray = npt.NDArray[np.float64]
Column = tuple[Any, ...]  # ("g", s) | ("l", s, j) | ("t", term)

_SMALL_FIT = 1e-10


@dataclass(frozen=True, eq=False)
class CovariateFit:
    terms: tuple[int, ...]
    columns: tuple[Column, ...]  # finite columns, in design order
    coef: FloatArray
    hidden: FloatArray  # per stratum
    var_hidden_total: float
    fitted: FloatArray  # over all (stratum, history) cells


@dataclass(frozen=True)
class CovariateSpec:
    """The covariate model the bootstrap repeats (picklable)."""

    k: int
    n_strata: int
    p_threshold: float
    terms: tuple[int, ...] | None  # fixed interactions; None = stepwise

    def estimate_total(self, counts: npt.NDArray[np.int64], start: Any) -> float:
        fit = select_covariate(self, counts, start)
        return float(counts.sum() + fit.hidden.sum())


@dataclass(frozen=True)
class CovariateEstimate:
    """Per-stratum and total estimates from one covariate model."""

    by: tuple[str, ...]
    keys: tuple[tuple[tuple[str, Any], ...], ...]
    observed: tuple[int, ...]
    stratum_estimates: tuple[float, ...]
    estimate: float
    ci_lower: float
    ci_upper: float
    level: float
    interval: str  # "wald-log" or "bca"
    model: tuple[str, ...]
    warnings: tuple[str, ...] = field(default=())

    def rows(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = [
            {**dict(key), "row": "covariate model, stratum", "observed": obs,
             "estimate": round(est, 2), "ci_low": None, "ci_high": None}
            for key, obs, est in zip(self.keys, self.observed, self.stratum_estimates,
                                     strict=True)]
        out.append({**dict.fromkeys(self.by), "row": "covariate model, total",
                    "observed": sum(self.observed), "estimate": round(self.estimate, 2),
                    "ci_low": round(self.ci_lower, 2), "ci_high": round(self.ci_upper, 2)})
        return out


def _design(k: int, n_strata: int, terms: Sequence[int]) -> tuple[FloatArray, list[Column]]:
    n_cells = 2**k - 1
    h = np.arange(1, 2**k)
    stratum = np.repeat(np.arange(n_strata), n_cells)
    hist = np.tile(h, n_strata)
    cols: list[FloatArray] = []
    names: list[Column] = []
    for s in range(n_strata):
        cols.append((stratum == s).astype(np.float64))
        names.append(("g", s))
    for s in range(n_strata):
        for j in range(k):
            cols.append(((stratum == s) & ((hist >> j) & 1 == 1)).astype(np.float64))
            names.append(("l", s, j))
    for t in terms:
        cols.append(((hist & t) == t).astype(np.float64))
        names.append(("t", t))
    return np.column_stack(cols), names


def fit_covariate(spec: CovariateSpec, counts: npt.NDArray[np.int64], terms: Sequence[int],
                  prev: CovariateFit | None = None) -> CovariateFit | None:
    """Fit one set of shared interactions; None if the model fails its checks."""
    x_all, names = _design(spec.k, spec.n_strata, terms)
    y_all = counts.astype(np.float64)
    totals = x_all.T @ y_all
    keep = np.ones(x_all.shape[0], dtype=bool)
    for zero_col in np.flatnonzero(totals == 0):
        keep &= x_all[:, zero_col] == 0
    finite = [i for i in range(len(names)) if totals[i] > 0]
    x, y = x_all[keep][:, finite], y_all[keep]
    if x.shape[0] < x.shape[1] or np.linalg.matrix_rank(x) < x.shape[1]:
        return None
    start = None
    if prev is not None:
        where = {c: v for c, v in zip(prev.columns, prev.coef, strict=True)}
        start = np.array([where.get(names[i], 0.0) for i in finite])
    out = newton(x, y, start, max_iter=30)
    zero = y == 0
    if out is None or (zero.any() and out[1][zero].min() <= _SMALL_FIT):
        p = Prepared(terms=(), finite=(), infinite=(), keep=keep, x=x, y=y)
        if not mle_exists_lp(p):
            return None
        out = newton(x, y, None, max_iter=500)
        if out is None:
            return None
    b, mu, _, _ = out
    fitted = np.zeros(x_all.shape[0])
    fitted[keep] = mu
    cols = tuple(names[i] for i in finite)
    hidden = np.zeros(spec.n_strata)
    grad = np.zeros(len(cols))
    for i, c in enumerate(cols):
        if c[0] == "g":
            hidden[c[1]] = math.exp(b[i])
            grad[i] = hidden[c[1]]
    cov = np.linalg.inv((x.T * mu) @ x)
    return CovariateFit(terms=tuple(terms), columns=cols, coef=b, hidden=hidden,
                        var_hidden_total=float(grad @ cov @ grad), fitted=fitted)


def select_covariate(spec: CovariateSpec, counts: npt.NDArray[np.int64],
                     start: CovariateFit | None = None) -> CovariateFit:
    """Fixed interactions, or forward selection of shared pairs by Poisson p-values."""
    if spec.terms is not None:
        fit = fit_covariate(spec, counts, spec.terms, start)
        if fit is None:
            raise EstimationError("The covariate model fails the existence / identifiability "
                                  "check. Use fewer interactions or fewer strata.")
        return fit
    current = fit_covariate(spec, counts, (), start)
    if current is None:
        raise EstimationError("The covariate main-effects model fails the existence / "
                              "identifiability check: merge small strata or lists.")
    pairs = pair_terms(spec.k)
    hist = np.tile(np.arange(1, 2**spec.k), spec.n_strata)
    cols = np.stack([((hist & t) == t).astype(np.float64) for t in pairs])
    nstar = cols @ counts.astype(np.float64)
    included = np.zeros(len(pairs), dtype=bool)
    while not included.all():
        pval = poisson_pvalues(nstar, cols @ current.fitted)
        pval[included] = np.inf
        chosen = None
        for j in np.lexsort((np.arange(len(pairs)), pval)):
            if not pval[j] < spec.p_threshold:
                break
            fit = fit_covariate(spec, counts, (*current.terms, pairs[j]), current)
            if fit is not None:
                chosen, included[j] = fit, True
                break
        if chosen is None:
            break
        current = chosen
    return current


def estimate_covariate(tables: Mapping[tuple[tuple[str, Any], ...], CaptureTable], *,
                       model: Sequence[str] | None = None, p_threshold: float = 0.02,
                       bootstrap: int = 0, seed: int = 1234, level: float = 0.95,
                       workers: int | None = None) -> CovariateEstimate:
    """One covariate model over the strata in ``tables`` (same lists in each)."""
    keys = tuple(tables)
    if not keys:
        raise EstimationError("No strata given to the covariate model.")
    lists = tables[keys[0]].lists
    if any(tables[key].lists != lists for key in keys):
        raise EstimationError("A covariate model needs the same lists in every stratum; "
                              "collapse lists the same way in all strata first.")
    counts = np.concatenate([tables[key].counts for key in keys])
    terms = None
    if model is not None:
        from zicht.research.estimate.design import parse_term

        terms = tuple(parse_term(m, lists) for m in model)
    spec = CovariateSpec(k=len(lists), n_strata=len(keys), p_threshold=p_threshold,
                         terms=terms)
    fit = select_covariate(spec, counts)
    observed = tuple(tables[key].observed for key in keys)
    total = float(sum(observed) + fit.hidden.sum())
    warnings: list[str] = []
    if bootstrap > 0:
        boot = run_bootstrap(spec, counts, fit, bootstrap, seed, workers)
        accel = jackknife_acceleration(counts, boot.jackknife)
        lo, hi = bca_interval(boot.replicates, total, accel, level)
        how = "bca"
    else:
        z = float(ndtri(0.5 + level / 2))
        hid = float(fit.hidden.sum())
        rel = math.sqrt(fit.var_hidden_total) / hid if hid > 0 else 0.0
        lo, hi = sum(observed) + hid * math.exp(-z * rel), sum(observed) + hid * math.exp(z * rel)
        how = "wald-log"
        warnings.append("The interval treats the selected interactions as known; use a "
                        "bootstrap for one that includes model selection.")
    return CovariateEstimate(
        by=tuple(name for name, _ in keys[0]), keys=keys, observed=observed,
        stratum_estimates=tuple(float(o + h) for o, h in zip(observed, fit.hidden,
                                                               strict=True)),
        estimate=total, ci_lower=lo, ci_upper=hi, level=level, interval=how,
        model=tuple(label_term(t, lists) for t in fit.terms), warnings=tuple(warnings))
