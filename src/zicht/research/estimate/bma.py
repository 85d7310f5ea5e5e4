"""Bayesian model averaging over decomposable graphical models (R ``dga::bma.cr``).

Madigan & York (1997): every decomposable graph on the lists is a log-linear model
whose cliques are its highest-order interactions; with a hyper-Dirichlet prior the
marginal likelihood of the full table given the number missing is closed-form
(``bma_likelihood``). The posterior of the total ``N`` averages the graphs' posteriors
over a grid of the number missing. Up to 6 lists every decomposable graph is used
(18,154 at 6 lists; 617,675 at 7 on request); above that a Metropolis chain over graphs
(``graph_mcmc``) finds the graphs that carry the posterior.

Speed: marginal rows are computed once per vertex subset and shared by all graphs; a
coarse pass over ~1,000 grid points screens out graphs whose posterior is below
``exp(-SCREEN_NATS)`` of the best one (numerically nothing); the kept graphs are
computed on the full grid with one matrix product per chunk.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from zicht.core.errors import EstimationError
from zicht.research.estimate.bma_result import (
    ModelAveragedEstimate,
    posterior_quantile,
    posterior_quantiles,
)
from zicht.research.estimate.decomposable import (
    MAX_ENUMERATED,
    DecomposableGraph,
    clique_coefficients,
    decomposable_edge_masks,
)
from zicht.research.estimate.table import CaptureTable

__all__ = ["ModelAveragedEstimate", "fit_bma", "log_prior_n"]

FloatArray = npt.NDArray[np.float64]
PriorN = str | tuple[Any, ...] | npt.ArrayLike
GraphPrior = str | Callable[[DecomposableGraph], float] | npt.ArrayLike

#: Graphs with less than exp(-SCREEN_NATS) of the posterior, and grid points of a graph
#: this far below the best point, are left out: at 6 lists at most 18,154 * e**-30, about
#: 2e-9 of the posterior (the UK 6-list mean moves by 1e-11 relative against no screening).
SCREEN_NATS = 30.0
#: Default grid: 0 .. GRID_FACTOR * observed missing people (at least MIN_GRID).
GRID_FACTOR = 20
MIN_GRID = 1000
#: The default grid is doubled (at most GRID_DOUBLINGS times) while the posterior mass
#: in its top tenth exceeds TAIL_MASS.
GRID_DOUBLINGS = 3
TAIL_MASS = 0.005
#: Above this many lists graphs=None means "mcmc".
MAX_DEFAULT_ENUMERATED = 6
MCMC_ITERATIONS = 20_000
#: Graphs x coarse points held at once in the screening pass.
COARSE_CELLS = 4_000_000
#: Up to this many graphs x grid points (3 lists on their default grid) every
#: graph is computed on the whole grid in one matrix product: no screening pass, whose
#: fixed cost is most of the time on small tables.
DENSE_CELLS = 250_000


def fit_bma(table: CaptureTable, *, delta: float | None = None, prior_n: PriorN = "inverse",
            n_missing: npt.ArrayLike | None = None,
            graphs: str | Sequence[DecomposableGraph] | None = None,
            graph_prior: GraphPrior = "uniform", level: float = 0.95,
            mcmc_iterations: int | None = None, seed: int | None = None,
            top: int = 10,
            progress: Callable[[int, int], object] | None = None) -> ModelAveragedEstimate:
    """Posterior of the population total averaged over decomposable graphs.

    ``delta``: hyper-Dirichlet parameter per cell of the full table (dga's suggestion
    and the default ``2**-k``). ``prior_n``: prior of ``N = observed + missing`` on the
    grid: ``"inverse"`` (``1/N``, dga's default), ``"uniform"``, ``("lognormal",
    median, sdlog)``, ``("negbin", a, b)`` (Madigan & York's prior) or an array of log
    prior values, one per ``n_missing``. ``n_missing``: grid of the number missing
    (default ``0 .. 20 * observed``, widened while the posterior reaches its top).
    ``graphs``: ``"all"`` (every decomposable graph, up to 7 lists), ``"mcmc"``
    (Metropolis over graphs, ``mcmc_iterations``, ``seed``), a sequence of
    ``DecomposableGraph``, or None (all up to 6 lists, MCMC above). ``graph_prior``:
    ``"uniform"`` (dga's default), a function of the graph returning its log prior
    weight, or an array of log weights aligned with an explicit ``graphs`` sequence
    (dga's ``log.prior.model.weights``). ``progress(done, total)`` follows the graph
    chain (``graphs="mcmc"``); enumerated graphs take well under a second.
    """
    k = table.k
    if table.observed == 0:
        raise EstimationError("The capture table is empty (nobody observed); there is "
                              "nothing to estimate from.")
    delta = _check_delta(delta, k)
    if not 0.0 < level < 1.0:
        raise EstimationError(f"level must lie strictly between 0 and 1; got {level}.")
    if top < 1:
        raise EstimationError(f"top must be at least 1; got {top}.")
    search = _graph_search(graphs, k, mcmc_iterations)
    explicit_grid = n_missing is not None
    grid = _check_grid(n_missing) if n_missing is not None else _default_grid(table.observed)
    if not explicit_grid and not isinstance(prior_n, str | tuple):
        raise EstimationError("An array prior_n needs the n_missing grid it is aligned "
                              "with; pass n_missing too.")
    _check_graph_prior(graph_prior, graphs)
    warnings: list[str] = []

    for doubling in range(GRID_DOUBLINGS + 1):
        log_prior = log_prior_n(prior_n, grid + table.observed)
        fitted = _fit_on_grid(table, delta, grid, log_prior, search, graphs, graph_prior,
                              mcmc_iterations, seed, top, progress)
        tail = float(fitted["posterior"][grid >= grid[-1] * 0.9].sum())
        if tail <= TAIL_MASS or explicit_grid or doubling == GRID_DOUBLINGS:
            break
        grid = np.arange(0.0, 2 * grid[-1] + 1)
    if tail > TAIL_MASS:
        warnings.append(f"{tail:.1%} of the posterior lies in the top tenth of the grid of "
                        f"the number missing (up to {grid[-1]:,.0f}): the upper quantiles "
                        "depend on where the grid ends; widen n_missing or use a proper "
                        "prior_n.")
    warnings += fitted["warnings"]

    totals = grid + table.observed
    post = fitted["posterior"]
    mean = float((totals * post).sum())
    sd = math.sqrt(max(float(((totals - mean) ** 2 * post).sum()), 0.0))
    median, ci_lower, ci_upper = posterior_quantiles(totals, post,
                                                     (0.5, (1 - level) / 2, (1 + level) / 2))
    provenance: dict[str, Any] = {
        "method": "bma", "reference": "R dga::bma.cr 2.0.2 (Madigan & York 1997)",
        "delta": delta, "prior_n": _describe(prior_n), "graph_prior": _describe(graph_prior),
        "n_missing": {"from": float(grid[0]), "to": float(grid[-1]), "points": int(grid.size),
                      "default": not explicit_grid},
        "graphs": search, "mcmc_iterations": fitted["diagnostics"].get("iterations"),
        "seed": seed,
        "table_sha256": hashlib.sha256(table.counts.tobytes()).hexdigest(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": _versions(),
    }
    return ModelAveragedEstimate(
        method="bma", observed=table.observed,
        estimate=median, se=sd, ci_lower=ci_lower, ci_upper=ci_upper, level=level,
        posterior_mean=mean,
        lists=table.lists, top_graphs=fitted["top"], n_graphs=fitted["n_graphs"],
        graph_search=search, diagnostics=fitted["diagnostics"], warnings=tuple(warnings),
        provenance=provenance, totals=totals, posterior=post)


# ---- the computation ------------------------------------------------------------------
def _fit_on_grid(table: CaptureTable, delta: float, grid: FloatArray, log_prior: FloatArray,
                 search: str, graphs: str | Sequence[DecomposableGraph] | None,
                 graph_prior: GraphPrior, mcmc_iterations: int | None, seed: int | None,
                 top: int,
                 progress: Callable[[int, int], object] | None = None) -> dict[str, Any]:
    from zicht.research.estimate.bma_likelihood import LogPosterior

    k = table.k
    lp = LogPosterior(table, delta, grid, log_prior)
    diagnostics: dict[str, Any] = {}
    warnings: list[str] = []
    if search == "mcmc":
        from zicht.research.estimate.graph_mcmc import sample_graphs

        iterations = mcmc_iterations or MCMC_ITERATIONS
        lp.focus(0, grid.size)
        prior_of = _graph_prior_function(graph_prior)
        run = sample_graphs(k, lambda g: lp.graph_log_mass(g.coefficients(), prior_of(g)),
                            iterations=iterations, burn_in=iterations // 10,
                            rng=np.random.default_rng(seed), progress=progress)
        chosen = list(run.graphs)
        edges = np.array([g.edges for g in chosen], dtype=np.int64)
        coef = clique_coefficients(edges, k)
        gp = np.array([prior_of(g) for g in chosen])
        visits = np.array(run.visits, dtype=np.float64)
        diagnostics = {"iterations": run.iterations, "burn_in": run.burn_in,
                       "acceptance": round(run.acceptance, 4),
                       "distinct_graphs": len(chosen),
                       "non_decomposable_proposals": run.proposed_non_decomposable}
    else:
        if search == "all":
            edges, coef = _all_graphs(k)
            chosen = None
        else:
            chosen = list(graphs)  # type: ignore[arg-type]
            edges = np.array([g.edges for g in chosen], dtype=np.int64)
            coef = clique_coefficients(edges, k)
        gp = _graph_prior_array(graph_prior, edges, k, chosen)
        visits = None

    if coef.shape[0] * grid.size <= DENSE_CELLS:
        post, mass, kept, own = _average_dense(lp, coef, gp)
    else:
        post, mass, kept, own = _average(lp, coef, gp, 2 * top)
    diagnostics["graphs_kept_after_screening"] = int(kept.sum())
    if visits is not None:
        # How well the chain's visit frequencies match the exact weights (1 = perfectly).
        freq = visits / visits.sum()
        diagnostics["visit_weight_overlap"] = round(float(np.minimum(freq, mass).sum()), 4)
        if diagnostics["visit_weight_overlap"] < 0.8:
            warnings.append("The graph chain's visit frequencies and the graphs' exact "
                            "posterior weights overlap only "
                            f"{diagnostics['visit_weight_overlap']:.0%}: run a longer chain "
                            "(mcmc_iterations).")
    order = np.argsort(-mass, kind="stable")[:top]
    order = order[mass[order] > 0]
    top_graphs = []
    totals = grid + table.observed
    medians = _whole_grid_medians(order, own, totals)
    for i in order.tolist():
        median = medians.get(i)
        if median is None:
            start, weights = own.get(i, (lp.lo, None))
            if weights is None:  # not among the heaviest by the coarse pass: compute it
                nonzero = np.flatnonzero(coef[i])
                rows = np.stack([lp.row(int(s)) for s in nonzero])
                log_w = coef[i, nonzero].astype(np.float64) @ rows + lp.base
                weights = np.exp(log_w - log_w.max())
            median = posterior_quantile(totals[start:start + weights.size], weights, 0.5)
        cliques = (chosen[i].labels(table.lists) if chosen is not None
                   else _labels(int(edges[i]), k, table.lists))
        top_graphs.append({"cliques": list(cliques), "probability": round(float(mass[i]), 6),
                           "median": median})
    return {"posterior": post, "top": tuple(top_graphs), "n_graphs": int(edges.size),
            "diagnostics": diagnostics, "warnings": warnings}


def _average(lp: Any, coef: npt.NDArray[np.int8], gp: FloatArray,
             keep: int) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_],
                                 dict[int, tuple[int, FloatArray]]]:
    """Posterior over the grid and per graph, exact up to ``exp(-SCREEN_NATS)``.

    A coarse pass (all graphs, ~1,000 grid points, one matrix product) estimates each
    graph's posterior mass and where on the grid it lives; graphs below
    ``exp(-SCREEN_NATS)`` of the total are dropped, and each kept graph is computed
    exactly on the grid points within ``SCREEN_NATS`` (plus one coarse step) of the best.
    Also returns the posterior over the grid of the ``keep`` heaviest graphs by the
    coarse pass (for their own medians).
    """
    k = lp.k
    subsets = np.arange(1, 2**k)
    used = subsets[(coef[:, 1:] != 0).any(axis=0)]
    size = lp.grid.size
    coarse = _coarse_points(size)
    width = np.gradient(lp.grid[coarse]) if coarse.size > 1 else np.ones(1)
    coarse_rows = lp.rows_at(used, coarse)
    coarse_base = lp.base_at(coarse)
    n_graphs = coef.shape[0]
    step = max(1, COARSE_CELLS // coarse.size)  # graphs per chunk: bounded memory at 7 lists

    def coarse_log(start: int) -> FloatArray:
        part = coef[start:start + step][:, used].astype(np.float64)
        return np.asarray(part @ coarse_rows + coarse_base + gp[start:start + step, None],
                          dtype=np.float64)

    peak = np.empty(n_graphs)
    est = np.empty(n_graphs)
    for start in range(0, n_graphs, step):
        log_c = coarse_log(start)
        top = log_c.max(axis=1)
        peak[start:start + step] = top
        with np.errstate(divide="ignore", invalid="ignore"):  # zero prior weight: -inf
            est[start:start + step] = np.log(
                (np.exp(log_c - top[:, None]) * width).sum(axis=1)) + top
    best = float(peak.max())
    if not math.isfinite(best):
        raise EstimationError("The priors give every grid point and graph zero weight; "
                              "check prior_n and graph_prior.")
    est = np.where(np.isfinite(peak), est, -np.inf)
    total = float(np.log(np.exp(est - est.max()).sum()) + est.max())
    cut = best - SCREEN_NATS - math.log(size)
    kept = (est >= total - SCREEN_NATS) & (peak >= cut)
    idx = np.flatnonzero(kept)
    first = np.empty(idx.size, dtype=np.int64)
    last = np.empty(idx.size, dtype=np.int64)
    for start in range(0, n_graphs, step):
        inside = (idx >= start) & (idx < start + step)
        if inside.any():
            above = coarse_log(start)[idx[inside] - start] >= cut
            first[inside] = np.argmax(above, axis=1)
            last[inside] = coarse.size - 1 - np.argmax(above[:, ::-1], axis=1)
    lo = coarse[np.maximum(first - 1, 0)]
    hi = coarse[np.minimum(last + 1, coarse.size - 1)] + 1
    glo, ghi = int(lo.min()), int(hi.max())
    lp.focus(glo, ghi)
    heavy = set(idx[np.argsort(-est[idx], kind="stable")[:keep]].tolist())
    post = np.zeros(size)
    mass = np.zeros(coef.shape[0])
    own: dict[int, tuple[int, FloatArray]] = {}  # graph -> (first grid index, weights)
    for g, a, b in zip(idx, lo - glo, hi - glo, strict=True):
        w = lp.base[a:b] + (gp[g] - best)
        for subset in np.flatnonzero(coef[g]):
            row = lp.row(int(subset))[a:b]
            c = int(coef[g, subset])
            if c == 1:
                w += row
            elif c == -1:
                w -= row
            else:
                w += c * row
        np.exp(w, out=w)
        post[glo + a:glo + b] += w
        mass[g] = w.sum()
        if g in heavy:
            own[int(g)] = (glo + a, w)
    norm = post.sum()
    return post / norm, mass / norm, kept, own


def _average_dense(lp: Any, coef: npt.NDArray[np.int8], gp: FloatArray,
                   ) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_],
                              dict[int, tuple[int, FloatArray]]]:
    """As :func:`_average`, for small tables: every graph on the whole grid, no screening.

    One matrix product of the clique coefficients with the marginal rows; every graph's
    own posterior over the grid is a row of the result.
    """
    used = np.flatnonzero((coef != 0).any(axis=0))
    weights = lp.dense_weights(used, coef[:, used], gp)
    if weights is None:  # not a grid of consecutive integers: lgamma row by row
        everywhere = np.arange(lp.grid.size)
        log_w = (coef[:, used].astype(np.float64) @ lp.rows_at(used, everywhere)
                 + lp.base_at(everywhere) + gp[:, None])
        best = float(log_w.max())
        if not math.isfinite(best):
            raise EstimationError("The priors give every grid point and graph zero "
                                  "weight; check prior_n and graph_prior.")
        weights = np.exp(log_w - best)
    post = weights.sum(axis=0)
    norm = post.sum()
    mass = weights.sum(axis=1) / norm
    own = {g: (0, weights[g]) for g in range(coef.shape[0])}
    return post / norm, mass, mass > 0, own


@cache
def _all_graphs(k: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int8]]:
    """Every decomposable graph on ``k`` lists and its clique coefficients (read-only)."""
    edges = decomposable_edge_masks(k).astype(np.int64)
    coef = clique_coefficients(edges, k)
    edges.setflags(write=False)
    coef.setflags(write=False)
    return edges, coef


@lru_cache(maxsize=4096)
def _graph(edges: int, k: int) -> DecomposableGraph:
    return DecomposableGraph.from_edges(edges, k)


@lru_cache(maxsize=4096)
def _labels(edges: int, k: int, lists: tuple[str, ...]) -> tuple[str, ...]:
    return _graph(edges, k).labels(lists)


def _whole_grid_medians(order: npt.NDArray[np.int64], own: dict[int, tuple[int, FloatArray]],
                        totals: FloatArray) -> dict[int, float]:
    """Posterior medians of the graphs in ``order`` whose weights cover the whole grid
    (the dense path), from one cumulative sum: the rule of :func:`posterior_quantile`."""
    whole = [i for i in order.tolist() if i in own and own[i][0] == 0
             and own[i][1].size == totals.size]
    if not whole:
        return {}
    cdf = np.cumsum(np.stack([own[i][1] for i in whole]), axis=1)
    at = (cdf >= 0.5 * cdf[:, -1:]).argmax(axis=1)
    return dict(zip(whole, totals[at].tolist(), strict=True))


def _coarse_points(size: int) -> npt.NDArray[np.int64]:
    """Every point up to 256, then a geometric ladder (ratio 1.01) and the last point."""
    head = np.arange(min(size, 256))
    if size <= 256:
        return head
    ladder = np.unique(np.geomspace(256, size - 1, num=int(math.log(size / 256) / 0.00995)
                                    + 2).astype(np.int64))
    return np.unique(np.concatenate([head, ladder, [size - 1]]))


# ---- priors ---------------------------------------------------------------------------
def log_prior_n(prior: PriorN, totals: FloatArray) -> FloatArray:
    """Log prior of the totals ``N`` (unnormalised), as in ``fit_bma``'s ``prior_n``."""
    from scipy.special import gammaln

    if isinstance(prior, str):
        if prior == "inverse":
            return -np.log(totals)
        if prior == "uniform":
            return np.zeros_like(totals)
        raise EstimationError(f"Unknown prior_n {prior!r}; expected 'inverse', 'uniform', "
                              "('lognormal', median, sdlog), ('negbin', a, b) or an array.")
    if isinstance(prior, tuple) and prior and isinstance(prior[0], str):
        name, *params = prior
        if len(params) != 2 or not all(_positive(p) for p in params):
            raise EstimationError(f"prior_n ({name!r}, ...) needs two positive numbers; "
                                  f"got {params}.")
        a, b = float(params[0]), float(params[1])
        if name == "lognormal":  # a = median of N, b = sd of log N
            return np.asarray(-np.log(totals) - (np.log(totals) - math.log(a)) ** 2 / (2 * b * b),
                              dtype=np.float64)
        if name == "negbin":  # Madigan & York (1997), as in dga's example
            return np.asarray(totals * math.log(b) - (totals + a) * math.log1p(b)
                              + gammaln(totals + a) - gammaln(totals + 1) - gammaln(a),
                              dtype=np.float64)
        raise EstimationError(f"Unknown prior_n family {name!r}; expected 'lognormal' or "
                              "'negbin'.")
    values = np.asarray(prior, dtype=np.float64)
    if values.shape != totals.shape:
        raise EstimationError(f"prior_n has {values.size} values but the grid has "
                              f"{totals.size}; give one log prior value per n_missing.")
    if np.isnan(values).any() or np.isposinf(values).any():
        raise EstimationError("prior_n holds NaN or +inf; give finite log prior values "
                              "(-inf excludes a grid point).")
    return values


def _graph_prior_function(prior: GraphPrior) -> Callable[[DecomposableGraph], float]:
    if isinstance(prior, str):
        return lambda g: 0.0
    if callable(prior):
        return lambda g: float(prior(g))
    raise EstimationError("With graphs='mcmc' or 'all', graph_prior must be 'uniform' or a "
                          "function of the graph; an array needs an explicit graphs list.")


def _graph_prior_array(prior: GraphPrior, edges: npt.NDArray[np.int64], k: int,
                       chosen: list[DecomposableGraph] | None) -> FloatArray:
    if isinstance(prior, str):
        return np.zeros(edges.size)
    if callable(prior):
        graphs = chosen or [DecomposableGraph.from_edges(int(e), k) for e in edges]
        return np.array([float(prior(g)) for g in graphs])
    values = np.asarray(prior, dtype=np.float64)
    if values.shape != (edges.size,):
        raise EstimationError(f"graph_prior has {values.size} values for {edges.size} "
                              "graphs; give one log weight per graph.")
    if np.isnan(values).any() or np.isposinf(values).any():
        raise EstimationError("graph_prior holds NaN or +inf; give finite log weights.")
    return values


# ---- argument checks ------------------------------------------------------------------
def _check_delta(delta: float | None, k: int) -> float:
    if delta is None:
        return 2.0**-k
    if not _positive(delta):
        raise EstimationError(f"delta must be a positive number; got {delta!r}. dga "
                              f"suggests 2**-k = {2.0**-k}.")
    return float(delta)


def _graph_search(graphs: str | Sequence[DecomposableGraph] | None, k: int,
                  iterations: int | None) -> str:
    if graphs is None:
        search = "all" if k <= MAX_DEFAULT_ENUMERATED else "mcmc"
    elif isinstance(graphs, str):
        if graphs not in ("all", "mcmc"):
            raise EstimationError(f"Unknown graphs {graphs!r}; expected 'all', 'mcmc', a "
                                  "list of DecomposableGraph or None.")
        search = graphs
    else:
        search = "given"
        if not graphs:
            raise EstimationError("graphs is an empty list; give at least one graph.")
        for i, g in enumerate(graphs):
            if not isinstance(g, DecomposableGraph) or g.k != k:
                raise EstimationError(f"graphs[{i}] is not a DecomposableGraph on {k} lists.")
    if search == "all" and k > MAX_ENUMERATED:
        raise EstimationError(f"graphs='all' enumerates up to {MAX_ENUMERATED} lists; the "
                              f"table has {k}. Use graphs='mcmc'.", lists=k)
    if iterations is not None:
        if search != "mcmc":
            raise EstimationError("mcmc_iterations only applies to graphs='mcmc' (the graphs "
                                  f"are {search!r} here); leave it out or ask for 'mcmc'.")
        if not isinstance(iterations, int) or iterations < 100:
            raise EstimationError(f"mcmc_iterations must be an integer >= 100; got "
                                  f"{iterations!r}.")
    return search


def _check_grid(n_missing: npt.ArrayLike) -> FloatArray:
    grid = np.asarray(n_missing, dtype=np.float64).ravel()
    if grid.size == 0 or not np.isfinite(grid).all() or (grid < 0).any():
        raise EstimationError("n_missing must be a non-empty grid of finite numbers >= 0.")
    if grid.size > 1 and (np.diff(grid) <= 0).any():
        raise EstimationError("n_missing must be strictly increasing.")
    return grid


def _check_graph_prior(prior: GraphPrior, graphs: object) -> None:
    if isinstance(prior, str):
        if prior != "uniform":
            raise EstimationError(f"Unknown graph_prior {prior!r}; expected 'uniform', a "
                                  "function of the graph or an array of log weights.")
    elif not callable(prior) and (graphs is None or isinstance(graphs, str)):
        raise EstimationError("An array graph_prior needs the explicit list of graphs it "
                              "is aligned with (graphs=[...]).")


def _default_grid(observed: int) -> FloatArray:
    return np.arange(0.0, max(MIN_GRID, GRID_FACTOR * observed) + 1)


def _positive(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) \
        and x > 0


def _describe(prior: object) -> object:
    if isinstance(prior, str | tuple):
        return prior if isinstance(prior, str) else list(prior)
    return "function" if callable(prior) else "array"


def _versions() -> dict[str, str]:
    from zicht.research.estimate.api import versions  # one place; api loads scipy

    return versions()
