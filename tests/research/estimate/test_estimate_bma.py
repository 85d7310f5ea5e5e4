"""BMA over decomposable graphs against R dga::bma.cr, and its argument checks.

Reference values: R 4.2.2, dga 2.0.2 (/work/shared/r/dga_2.0.2.tar.gz), produced by

    Y <- array(0, dim = rep(2, p)); for each CSV row: Y[matrix(row + 1, 1)] <- count
    Nm <- 0:(20 * sum(Y))                         # the grid (factor 10 where noted)
    w <- bma.cr(Y, Nm, delta, graphsp, logprior, log.prior.model.weights)
    cdf <- cumsum(colSums(w)); q <- function(a) Nm[which(cdf >= a)[1]] + sum(Y)
    q(0.025); q(0.5); q(0.975); sum((Nm + sum(Y)) * colSums(w)); max(rowSums(w))

with delta = 2^-p and logprior = NULL (-log N) unless noted. The tests need no R.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from zicht.core.errors import EstimationError
from zicht.research.estimate import CaptureTable, reference_table
from zicht.research.estimate.bma import ModelAveragedEstimate, fit_bma
from zicht.research.estimate.decomposable import DecomposableGraph


def _minus_edges(g: DecomposableGraph) -> float:
    return -float(bin(g.edges).count("1"))


# (table, options, grid factor, q025, median, q975, mean, top graph weight) from R
GOLDEN = [
    # bma.cr(Y, Nm, 2^-3, graphs3)
    ("artificial_3lists", {}, 20, 96, 278, 1375, 351.6594, 0.316149),
    # bma.cr(Y, Nm, 2^-4, graphs4)
    ("rcapture_hiv_4lists", {}, 20, 9404, 11220, 14095, 11357.1320, 0.538658),
    # bma.cr(Y, Nm, 2^-5, graphs5)
    ("uk_2013_5lists", {}, 20, 10387, 22990, 33508, 21281.6083, 0.443440),
    # bma.cr(Y, Nm, 1, graphs3, logprior = N log b - (N+a) log(1+b) + lgamma(N+a)
    #        - lgamma(N+1) - lgamma(a)), a = 13.14, b = 55.17 (dga's Madigan-York example)
    ("artificial_3lists", {"delta": 1.0, "prior_n": ("negbin", 13.14, 55.17)}, 20,
     194, 358, 657, 376.2890, 0.168442),
    # bma.cr(Y, Nm, 2^-4, graphs4, logprior = 0 * N,
    #        log.prior.model.weights = -(number of edges of each graph))
    ("rcapture_hiv_4lists", {"prior_n": "uniform", "graph_prior": _minus_edges}, 20,
     9494, 11181, 13699, 11285.0876, 0.773860),
    # bma.cr(Y, 0:(10 * sum(Y)), 0.5, graphs5)
    ("uk_2013_5lists", {"delta": 0.5}, 10, 2744, 2786, 3276, 2847.4896, 0.995128),
]


@pytest.mark.parametrize(("name", "options", "factor", "lo", "med", "hi", "mean", "top"),
                         GOLDEN)
def test_quantiles_equal_dga(name: str, options: dict, factor: int, lo: int, med: int,
                             hi: int, mean: float, top: float) -> None:
    table = reference_table(name)
    r = fit_bma(table, n_missing=np.arange(0, factor * table.observed + 1), **options)
    assert (r.ci_lower, r.estimate, r.ci_upper) == (lo, med, hi)
    assert r.posterior_mean == pytest.approx(mean, abs=1e-3)
    assert r.top_graphs[0]["probability"] == pytest.approx(top, abs=2e-6)
    assert r.posterior.sum() == pytest.approx(1.0)


def test_result_vocabulary(uk5: CaptureTable) -> None:
    r = fit_bma(uk5, n_missing=np.arange(0, 20 * uk5.observed + 1))
    assert isinstance(r, ModelAveragedEstimate)
    assert r.method == "bma" and r.observed == 2744 and r.lists == uk5.lists
    frame = r.to_frame()
    assert list(frame.columns[:5]) == ["estimate", "se", "ci_lower", "ci_upper", "level"]
    assert frame.loc[0, "estimate"] == 22990
    doc = json.loads(json.dumps(r.to_dict()))
    assert doc["ci_lower"] == 10387 and doc["n_graphs"] == 822
    assert doc["top_graphs"][0]["cliques"] == ["LA:NG:PFNCA", "PFNCA:GO", "NG:GP"]
    assert doc["provenance"]["delta"] == 2**-5
    assert "posterior median" in r.summary() and "bma" in repr(r)
    assert r.credible_interval(0.95) == (r.ci_lower, r.ci_upper)
    lo80, hi80 = r.credible_interval(0.8)
    assert r.ci_lower < lo80 < r.estimate < hi80 < r.ci_upper
    assert r.se == pytest.approx(math.sqrt(((r.totals - r.posterior_mean) ** 2
                                            * r.posterior).sum()))


def test_default_grid_is_widened_until_the_tail_is_small(artificial: CaptureTable) -> None:
    # Artificial 3 lists: the 1/N prior leaves a heavy tail; the default grid doubles.
    r = fit_bma(artificial)
    assert r.provenance["n_missing"]["to"] > 20 * artificial.observed
    explicit = fit_bma(artificial, n_missing=np.arange(0, 20 * artificial.observed + 1))
    assert any("top tenth of the grid" in w for w in explicit.warnings)


def test_six_lists_all_graphs_and_mcmc_agree(uk6: CaptureTable) -> None:
    grid = np.arange(0, 10 * uk6.observed + 1)
    exact = fit_bma(uk6, n_missing=grid)
    assert exact.n_graphs == 18154 and exact.graph_search == "all"
    chain = fit_bma(uk6, n_missing=grid, graphs="mcmc", mcmc_iterations=5000, seed=3)
    again = fit_bma(uk6, n_missing=grid, graphs="mcmc", mcmc_iterations=5000, seed=3)
    assert (chain.estimate, chain.ci_upper) == (again.estimate, again.ci_upper)
    assert chain.graph_search == "mcmc" and chain.n_graphs < 1000
    assert chain.estimate == pytest.approx(exact.estimate, rel=0.01)
    assert chain.ci_lower == pytest.approx(exact.ci_lower, rel=0.01)
    assert chain.ci_upper == pytest.approx(exact.ci_upper, rel=0.02)


def test_explicit_graph_list_and_prior_array(uk5: CaptureTable) -> None:
    grid = np.arange(0, 10 * uk5.observed + 1)
    graphs = [DecomposableGraph.from_cliques([[0, 1, 2], [2, 3], [1, 4]], 5),
              DecomposableGraph.from_cliques([[0], [1], [2], [3], [4]], 5)]
    both = fit_bma(uk5, n_missing=grid, graphs=graphs)
    assert both.n_graphs == 2 and both.graph_search == "given"
    only_first = fit_bma(uk5, n_missing=grid, graphs=graphs, graph_prior=[0.0, -1e6])
    assert only_first.top_graphs[0]["probability"] == pytest.approx(1.0)
    assert only_first.estimate == only_first.top_graphs[0]["median"]


@pytest.mark.parametrize(("options", "message"), [
    ({"delta": 0.0}, "delta"),
    ({"delta": -1}, "delta"),
    ({"level": 1.0}, "level"),
    ({"graphs": "some"}, "Unknown graphs"),
    ({"graphs": "all", "mcmc_iterations": 500}, "mcmc_iterations"),
    ({"mcmc_iterations": 500}, "mcmc_iterations"),
    ({"graphs": "mcmc", "mcmc_iterations": 5}, "mcmc_iterations"),
    ({"n_missing": [3, 2, 1]}, "increasing"),
    ({"n_missing": [-1, 0]}, ">= 0"),
    ({"prior_n": [0.0, 0.0]}, "n_missing"),
    ({"prior_n": "flat"}, "Unknown prior_n"),
    ({"prior_n": ("lognormal", 10000)}, "two positive"),
    ({"prior_n": ("gamma", 1, 2)}, "Unknown prior_n family"),
    ({"n_missing": [0, 1, 2], "prior_n": [0.0, 0.0]}, "one log prior value"),
    ({"graph_prior": [0.0] * 822}, "explicit list"),
    ({"graph_prior": "edges"}, "Unknown graph_prior"),
    ({"graphs": []}, "empty"),
    ({"top": 0}, "top"),
])
def test_contradictory_or_invalid_arguments_raise(uk5: CaptureTable, options: dict,
                                                  message: str) -> None:
    with pytest.raises(EstimationError, match=message):
        fit_bma(uk5, **options)


def test_graphs_of_another_table_raise(uk5: CaptureTable) -> None:
    wrong = [DecomposableGraph.from_cliques([[0, 1], [2]], 3)]
    with pytest.raises(EstimationError, match="DecomposableGraph on 5 lists"):
        fit_bma(uk5, graphs=wrong)
    with pytest.raises(EstimationError, match="one log weight per graph"):
        fit_bma(uk5, graphs=[DecomposableGraph.from_edges(0, 5)], graph_prior=[0.0, 1.0])


def test_empty_table_raises() -> None:
    with pytest.raises(EstimationError, match="empty"):
        fit_bma(CaptureTable(("A", "B"), np.zeros(3, dtype=np.int64)))


def test_seven_lists_default_to_mcmc() -> None:
    rng = np.random.default_rng(7)
    counts = rng.poisson(5, size=2**7 - 1)
    counts[np.array([bin(h).count("1") for h in range(1, 2**7)]) == 1] += 200
    table = CaptureTable(tuple("ABCDEFG"), counts.astype(np.int64))
    r = fit_bma(table, n_missing=np.arange(0, 3000), mcmc_iterations=2000, seed=1)
    assert r.graph_search == "mcmc" and r.diagnostics["iterations"] == 2000
    assert r.observed < r.ci_lower <= r.estimate <= r.ci_upper


@pytest.mark.parametrize("name", ["artificial_3lists", "rcapture_hiv_4lists"])
def test_small_table_path_equals_the_screened_path(name: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Every graph on the whole grid (small tables) and the coarse screening pass give the
    same posterior: the fast path changes the speed, not the answer."""
    import zicht.research.estimate.bma as bma

    table = reference_table(name)
    grid = np.arange(0, 20 * table.observed + 1)
    monkeypatch.setattr(bma, "DENSE_CELLS", 10**9)
    dense = fit_bma(table, n_missing=grid)
    monkeypatch.setattr(bma, "DENSE_CELLS", 0)
    screened = fit_bma(table, n_missing=grid)
    assert (dense.estimate, dense.ci_lower, dense.ci_upper) == \
        (screened.estimate, screened.ci_lower, screened.ci_upper)
    # the screening leaves out graphs below e**-30 of the best: differences far below 1e-12
    np.testing.assert_allclose(dense.posterior, screened.posterior, rtol=1e-9, atol=1e-12)
    assert [g["cliques"] for g in dense.top_graphs] == \
        [g["cliques"] for g in screened.top_graphs]
    assert [g["median"] for g in dense.top_graphs] == [g["median"] for g in screened.top_graphs]


def test_the_graph_chain_reports_its_progress(uk5: CaptureTable) -> None:
    seen: list[tuple[int, int]] = []
    fit_bma(uk5, graphs="mcmc", mcmc_iterations=1200, seed=1,
            progress=lambda done, total: seen.append((done, total)))
    assert seen == [(500, 1200), (1000, 1200)]


@pytest.mark.parametrize(("name", "grid", "applies"), [
    ("artificial_3lists", np.arange(0.0, 1921.0), True),
    ("artificial_3lists", np.arange(37.0, 900.0), True),
    ("artificial_3lists", np.arange(0.0, 1921.0, 2.0), False),  # not consecutive
    ("rcapture_hiv_4lists", np.arange(0.0, 3000.0), False),  # rises > 700 nats: overflow
])
def test_running_product_weights_equal_the_lgamma_rows(name: str, grid: np.ndarray,
                                                       applies: bool) -> None:
    """The dense path's running product of rational factors is the lgamma formula."""
    from zicht.research.estimate.bma import _all_graphs, log_prior_n
    from zicht.research.estimate.bma_likelihood import LogPosterior

    table = reference_table(name)
    _, coef = _all_graphs(table.k)
    used = np.flatnonzero((coef != 0).any(axis=0))
    graph_prior = np.linspace(0.0, -2.0, coef.shape[0])
    lp = LogPosterior(table, 0.3, grid, log_prior_n(("negbin", 13.14, 55.17),
                                                    grid + table.observed))
    weights = lp.dense_weights(used, coef[:, used], graph_prior)
    if not applies:
        assert weights is None
        return
    everywhere = np.arange(grid.size)
    log_w = (coef[:, used].astype(np.float64) @ lp.rows_at(used, everywhere)
             + lp.base_at(everywhere) + graph_prior[:, None])
    assert weights is not None
    np.testing.assert_allclose(weights, np.exp(log_w - log_w.max()), rtol=1e-9, atol=1e-13)
