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
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from zicht.core.errors import EstimationError
from zicht.research.estimate.bootstrap import bootstrap as run_bootstrap
from zicht.research.estimate.bootstrap import default_workers, open_pool, process_pool
from zicht.research.estimate.design import label_term, pair_terms
from zicht.research.estimate.fit import Prepared, mle_exists_lp, newton
from zicht.research.estimate.interval import bca_interval, jackknife_acceleration
from zicht.research.estimate.numeric import ndtri
from zicht.research.estimate.select import poisson_pvalues
from zicht.research.estimate.table import CaptureTable

if TYPE_CHECKING:
    import pandas as pd

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
    var_hidden: FloatArray  # per stratum (delta method, interactions taken as known)
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
    """Per-stratum and total estimates from one covariate model.

    The vocabulary of ``PopulationEstimate``: ``estimate``/``ci_lower``/``ci_upper`` are
    the total over strata; ``stratum_*`` hold each stratum's estimate and interval
    (``interval`` names how both were computed).
    """

    by: tuple[str, ...]
    keys: tuple[tuple[tuple[str, Any], ...], ...]
    stratum_observed: tuple[int, ...]
    stratum_estimates: tuple[float, ...]
    stratum_ci_lower: tuple[float, ...]
    stratum_ci_upper: tuple[float, ...]
    estimate: float
    ci_lower: float
    ci_upper: float
    level: float
    interval: str  # "wald-log", "bca" (total; strata wald-log) or "parametric"
    model: tuple[str, ...]
    lists: tuple[str, ...] = ()
    se: float = math.nan
    stratum_se: tuple[float, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    provenance: dict[str, Any] = field(default_factory=dict, compare=False)
    method: str = "covariate"

    @property
    def observed(self) -> int:
        return sum(self.stratum_observed)

    def __repr__(self) -> str:
        return (f"CovariateEstimate(method={self.method!r}, n={self.observed}, "
                f"strata={len(self.keys)}, estimate={self.estimate:.1f}, "
                f"ci=({self.ci_lower:.1f}, {self.ci_upper:.1f}), level={self.level}, "
                f"interval={self.interval!r})")

    def stratum(self, **key: Any) -> dict[str, Any]:
        """One stratum's row, e.g. ``result.stratum(year=2024)``."""
        for row in self.rows()[:-1]:
            if all(row.get(k) == v for k, v in key.items()):
                return row
        raise EstimationError(f"No stratum {key} in this estimate; strata: "
                              f"{', '.join(str(dict(k)) for k in self.keys)}.")

    def rows(self) -> list[dict[str, Any]]:
        """One row per stratum, then the total (``ci_lower``/``ci_upper`` everywhere)."""
        out: list[dict[str, Any]] = [
            {**dict(key), "row": f"{self.method} model, stratum", "observed": obs,
             "estimate": _round(est), "se": _round(se), "ci_lower": _round(lo),
             "ci_upper": _round(hi)}
            for key, obs, est, se, lo, hi in zip(
                self.keys, self.stratum_observed, self.stratum_estimates,
                self.stratum_se or (math.nan,) * len(self.keys), self.stratum_ci_lower,
                self.stratum_ci_upper, strict=True)]
        out.append({**dict.fromkeys(self.by), "row": f"{self.method} model, total",
                    "observed": self.observed, "estimate": _round(self.estimate),
                    "se": _round(self.se), "ci_lower": _round(self.ci_lower),
                    "ci_upper": _round(self.ci_upper)})
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per stratum and the total: the strata, ``row``, ``observed`` and the
        fixed columns ``estimate, se, ci_lower, ci_upper, level``."""
        import pandas as pd

        return pd.DataFrame([{**r, "level": self.level} for r in self.rows()])

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: the total in the ``PopulationEstimate`` keys plus ``strata``."""
        return {"method": self.method, "observed": self.observed,
                "estimate": _round(self.estimate), "se": _round(self.se),
                "ci_lower": _round(self.ci_lower), "ci_upper": _round(self.ci_upper),
                "level": self.level, "interval": self.interval, "by": list(self.by),
                "lists": list(self.lists), "model": list(self.model),
                "strata": self.rows()[:-1], "warnings": list(self.warnings),
                "provenance": self.provenance}

    def summary(self) -> str:
        """A few lines for people: the shared model, each stratum, the total."""
        pct = round(self.level * 100)
        lines = [f"One log-linear model over {len(self.keys)} strata ({', '.join(self.by)}): "
                 f"stratum-specific main effects, shared interactions; {len(self.lists)} "
                 f"lists ({', '.join(self.lists)})",
                 f"  shared interactions  {' + '.join(self.model) or 'none'}",
                 f"  {'stratum':<14}{'observed':>10}{'estimate':>12}  {pct}% interval "
                 f"[{self.interval}]"]
        for r in self.rows():
            label = ", ".join(str(r[b]) for b in self.by) if r[self.by[0]] is not None \
                else "total"
            lines.append(f"  {label:<14}{r['observed']:>10,}{_fmt(r['estimate']):>12}  "
                         f"{_fmt(r['ci_lower'])} - {_fmt(r['ci_upper'])}")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _round(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 2)


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def _design(k: int, n_strata: int, terms: Sequence[int]) -> tuple[FloatArray, list[Column]]:
    """The design over all (stratum, history) cells and its column names (cached: the
    selection and the parametric bootstrap ask for the same few designs thousands of
    times; the array is read-only and the list a fresh copy)."""
    x, names = _design_cached(k, n_strata, tuple(terms))
    return x, list(names)


@lru_cache(maxsize=256)
def _design_cached(k: int, n_strata: int,
                   terms: tuple[int, ...]) -> tuple[FloatArray, tuple[Column, ...]]:
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
    x = np.column_stack(cols)
    x.flags.writeable = False
    return x, tuple(names)


@lru_cache(maxsize=4096)
def _full_rank(k: int, n_strata: int, terms: tuple[int, ...], keep: bytes,
               finite: tuple[int, ...]) -> bool:
    """Whether the design of ``terms`` on the kept cells and finite columns has full
    column rank. The key fixes that matrix exactly, so the cache returns what
    ``matrix_rank`` would (an SVD per fit, most of a parametric replicate's time)."""
    x_all, _ = _design_cached(k, n_strata, terms)
    x = x_all[np.frombuffer(keep, dtype=bool)][:, list(finite)]
    return not (x.shape[0] < x.shape[1] or np.linalg.matrix_rank(x) < x.shape[1])


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
    if not _full_rank(spec.k, spec.n_strata, tuple(terms), keep.tobytes(), tuple(finite)):
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
    g_idx = [i for i, c in enumerate(cols) if c[0] == "g"]
    var_s = np.zeros(spec.n_strata)
    for i in g_idx:
        var_s[cols[i][1]] = grad[i] ** 2 * cov[i, i]
    return CovariateFit(terms=tuple(terms), columns=cols, coef=b, hidden=hidden,
                        var_hidden_total=float(grad @ cov @ grad), var_hidden=var_s,
                        fitted=fitted)


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
        pval = np.full(len(pairs), np.inf)  # the pairs in the model are not candidates
        pval[~included] = poisson_pvalues(nstar[~included], (cols @ current.fitted)[~included])
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
                       bootstrap: int = 0, interval: str | None = None, seed: int = 1234,
                       level: float = 0.95, workers: int | None = None,
                       method: str = "covariate") -> CovariateEstimate:
    """One covariate model over the strata in ``tables`` (same lists in each).

    ``interval``: ``wald-log`` (default without a bootstrap; the interactions taken as
    known), ``parametric`` (``bootstrap`` tables drawn from the fitted model, the
    selection repeated on each, percentile interval per stratum and for the total), or
    ``bca`` (default with a bootstrap: multinomial resampling, BCa for the total; the
    strata keep their Wald interval).
    """
    keys = tuple(tables)
    if not keys:
        raise EstimationError("No strata given to the covariate model.")
    lists = tables[keys[0]].lists
    if any(tables[key].lists != lists for key in keys):
        raise EstimationError("A covariate model needs the same lists in every stratum; "
                              "collapse lists the same way in all strata first.")
    how = interval or ("bca" if bootstrap > 0 else "wald-log")
    if how not in ("wald-log", "parametric", "bca"):
        raise EstimationError(f"Unknown interval {how!r}; expected 'wald-log', "
                              "'parametric' or 'bca'.")
    if (how == "wald-log") != (bootstrap == 0):
        raise EstimationError(f"interval={how!r} with bootstrap={bootstrap}: the "
                              "'parametric' and 'bca' intervals need bootstrap > 0, "
                              "'wald-log' needs bootstrap = 0.")
    if not 0 < level < 1:
        raise EstimationError(f"level must be between 0 and 1; got {level}.")
    counts = np.concatenate([tables[key].counts for key in keys])
    terms = None
    if model is not None:
        from zicht.research.estimate.design import parse_term

        try:
            terms = tuple(parse_term(m, lists) for m in model)
        except ValueError as exc:
            raise EstimationError(f"A model term names a list not in the tables "
                                  f"({', '.join(lists)}).") from exc
    spec = CovariateSpec(k=len(lists), n_strata=len(keys), p_threshold=p_threshold,
                         terms=terms)
    fit = select_covariate(spec, counts)
    observed = np.array([tables[key].observed for key in keys], dtype=np.float64)
    est_s = observed + fit.hidden
    total = float(est_s.sum())
    z = float(ndtri(0.5 + level / 2))
    lo_s, hi_s = _wald_log(observed, fit.hidden, fit.var_hidden, z)
    se_s = np.sqrt(fit.var_hidden)
    se = math.sqrt(fit.var_hidden_total)
    warnings: list[str] = []
    failed = 0
    if how == "bca":
        boot = run_bootstrap(spec, counts, fit, bootstrap, seed, workers)
        accel = jackknife_acceleration(counts, boot.jackknife)
        lo, hi = bca_interval(boot.replicates, total, accel, level)
        se = float(np.nanstd(boot.replicates, ddof=1))
        failed = boot.failed
        warnings.append("The stratum intervals are Wald intervals that treat the selected "
                        "interactions as known; interval='parametric' repeats the "
                        "selection for every stratum.")
    elif how == "parametric":
        reps, failed = parametric_replicates(spec, fit, bootstrap, seed, workers)
        q = [(1 - level) / 2, (1 + level) / 2]
        ok = reps[np.isfinite(reps).all(axis=1)]
        if len(ok) < 10:
            raise EstimationError("Fewer than 10 parametric bootstrap tables could be "
                                  "fitted; use interval='wald-log' or merge strata.")
        n_rep = ok + observed[None, :]
        lo_s, hi_s = np.quantile(n_rep, q, axis=0)
        se_s = np.std(n_rep, axis=0, ddof=1)
        tot = n_rep.sum(axis=1)
        lo, hi = (float(v) for v in np.quantile(tot, q))
        se = float(np.std(tot, ddof=1))
    else:
        hid = float(fit.hidden.sum())
        rel = se / hid if hid > 0 else 0.0
        lo, hi = float(observed.sum() + hid * math.exp(-z * rel)), \
            float(observed.sum() + hid * math.exp(z * rel))
        warnings.append("The interval treats the selected interactions as known; use "
                        "interval='parametric' (with bootstrap) to include the selection.")
    if failed:
        warnings.append(f"{failed} of {bootstrap} bootstrap tables had no model passing "
                        "the checks and were left out.")
    provenance = {"method": method, "p_threshold": p_threshold if terms is None else None,
                  "model": list(model) if model is not None else None,
                  "bootstrap": bootstrap, "interval": how, "seed": seed,
                  "strata": [dict(k) for k in keys]}
    return CovariateEstimate(
        by=tuple(name for name, _ in keys[0]), keys=keys,
        stratum_observed=tuple(int(o) for o in observed),
        stratum_estimates=tuple(float(e) for e in est_s),
        stratum_ci_lower=tuple(float(v) for v in lo_s),
        stratum_ci_upper=tuple(float(v) for v in hi_s),
        estimate=total, ci_lower=lo, ci_upper=hi, level=level, interval=how,
        model=tuple(label_term(t, lists) for t in fit.terms), lists=lists, se=se,
        stratum_se=tuple(float(v) for v in se_s), warnings=tuple(warnings),
        provenance=provenance, method=method)


def _wald_log(observed: FloatArray, hidden: FloatArray, var: FloatArray,
              z: float) -> tuple[FloatArray, FloatArray]:
    """Normal interval on the log hidden number, per stratum."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(hidden > 0, np.sqrt(var) / hidden, 0.0)
    return observed + hidden * np.exp(-z * rel), observed + hidden * np.exp(z * rel)


def parametric_replicates(spec: CovariateSpec, fit: CovariateFit, n: int,
                          seed: int, workers: int | None = None) -> tuple[FloatArray, int]:
    """Hidden number per stratum on ``n`` tables drawn (Poisson) from the fitted model,
    the selection repeated on each; rows of NaN where no model passed the checks.
    Replicate ``i`` uses the stream ``SeedSequence(seed, spawn_key=(i,))``, so the
    result does not depend on ``workers``: processes, default the pool of an open
    ``bootstrap.shared_pool`` (``zicht estimate --extract``), else this process alone."""
    shared = open_pool() if workers is None else None
    n_workers = (default_workers() if shared is not None else 1) if workers is None \
        else max(1, workers)
    idx = list(range(n))
    n_chunks = min(n, n_workers * 4) if n_workers > 1 else 1
    jobs = [(spec, fit, seed, idx[j::n_chunks]) for j in range(n_chunks)]
    if n_chunks < 2:
        parts = [_parametric_chunk(job) for job in jobs]
    elif shared is not None:
        parts = list(shared.map(_parametric_chunk, jobs))
    else:
        with process_pool(n_workers) as pool:
            parts = list(pool.map(_parametric_chunk, jobs))
    out = np.full((n, spec.n_strata), np.nan)
    failed = 0
    for job, part in zip(jobs, parts, strict=True):
        for i, hidden in zip(job[3], part, strict=True):
            if hidden is None:
                failed += 1
            else:
                out[i] = hidden
    return out, failed


def _parametric_chunk(job: tuple[CovariateSpec, CovariateFit, int, list[int]],
                      ) -> list[FloatArray | None]:
    """The replicates ``indices`` of :func:`parametric_replicates` (None: no model)."""
    spec, fit, seed, indices = job
    out: list[FloatArray | None] = []
    for i in indices:
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
        counts = rng.poisson(fit.fitted).astype(np.int64)
        try:
            out.append(select_covariate(spec, counts, fit).hidden)
        except EstimationError:
            out.append(None)
    return out
