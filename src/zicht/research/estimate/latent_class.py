"""Latent-class multiple systems estimation (Manrique-Vallier 2016), as R ``LCMCR::lcmCR``.

The population is a mixture of up to ``K`` latent classes; within a class the lists
record people independently, each with its own probability. Class weights get a
truncated stick-breaking (Dirichlet process) prior with concentration
``alpha ~ Gamma(a_alpha, b_alpha)``; every list-by-class probability a uniform prior.
The Gibbs sampler augments the unobserved cell: ``n0 | rest ~ NegBin(n, 1 - P(unseen))``
(the prior on N is the improper ``1/N`` of LCMCR). Heterogeneity of capture
(easy-to-see and hard-to-see people) is what the classes absorb.

::

    result = fit_lcmcr(table, seed=1)       # 4 chains of R's default length
    result.estimate, result.ci_lower, result.ci_upper   # posterior median, 95% interval
    result.rhat, result.ess_bulk                       # convergence of N

Defaults are R's (``lcmCR``: ``a_alpha = b_alpha = 0.25``; ``lcmCR_PostSampl``:
``burnin = 10000, samples = 1000, thinning = 10``) except ``K``: R's default is 5,
Manrique-Vallier recommends a generous bound, zicht uses 10.
"""

from __future__ import annotations

import math
import os
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from zicht.core.errors import ConvergenceWarning, EstimationError
from zicht.research.estimate.mcmc_diagnostics import Diagnostics
from zicht.research.estimate.result_base import EstimateResult, json_number

if TYPE_CHECKING:
    from zicht.research.estimate.table import CaptureTable

METHOD = "lcmcr"
#: R LCMCR version whose sampler this module ports.
R_REFERENCE = "LCMCR 0.4.14 (Manrique-Vallier), lcmCR + lcmCR_PostSampl"
#: Sweeps run by the compiled kernel between two progress calls.
_CHUNK = 2000

Progress = Callable[[int, int], object]
_Chain = tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]


@dataclass(frozen=True, kw_only=True, repr=False)
class LatentClassEstimate(EstimateResult):
    """Posterior of the population size under the NPLCM, with its diagnostics.

    ``estimate`` is the posterior median of N, ``ci_lower``/``ci_upper`` the
    equal-tailed posterior interval at ``level``, ``se`` the posterior standard
    deviation; ``draws`` holds N per chain (chains x samples), ``rhat``/``ess_bulk``/
    ``ess_tail`` the convergence of N (Vehtari et al. 2021).
    """

    mean: float
    rhat: float
    ess_bulk: float
    ess_tail: float
    max_classes: int
    draws: npt.NDArray[np.int64] = field(repr=False, compare=False)
    alpha_draws: npt.NDArray[np.float64] = field(repr=False, compare=False)
    method: str = METHOD
    interval: str = "posterior"

    frame_extra = ("mean", "rhat", "ess_bulk", "ess_tail", "observed")

    @property
    def converged(self) -> bool:
        """True when R-hat <= 1.01 and bulk and tail ESS >= 400."""
        return self.diagnostics.converged

    @property
    def diagnostics(self) -> Diagnostics:
        """The convergence diagnostics of N as one object."""
        chains, samples = self.draws.shape
        return Diagnostics(self.rhat, self.ess_bulk, self.ess_tail, chains, samples)

    def credible_interval(self, level: float = 0.95) -> tuple[float, float]:
        """Equal-tailed posterior interval of N at another ``level``."""
        _check_level(level)
        return _equal_tailed(self.draws, level)

    def repr_tail(self) -> str:
        return f", rhat={self.rhat:.3f}, ess_bulk={self.ess_bulk:.0f}"

    def dict_body(self) -> dict[str, Any]:
        """The draws are left out (see ``draws``)."""
        chains, samples = self.draws.shape
        return {"mean": json_number(self.mean), "max_classes": self.max_classes,
                "diagnostics": {"rhat": json_number(self.rhat),
                                "ess_bulk": json_number(self.ess_bulk),
                                "ess_tail": json_number(self.ess_tail), "chains": chains,
                                "samples_per_chain": samples, "converged": self.converged}}

    def summary_title(self) -> str:
        return (f"Latent-class MSE (NPLCM, Manrique-Vallier 2016), up to {self.max_classes} "
                f"classes, {len(self.lists)} lists ({', '.join(self.lists)})")

    def summary_body(self) -> list[str]:
        chains, samples = self.draws.shape
        return [
            f"  posterior median   {self.estimate:,.0f}  (hidden {self.hidden:,.0f}; "
            f"mean {self.mean:,.0f}, sd {self.se:,.0f})",
            self.interval_line("equal-tailed posterior", 0),
            f"  convergence        R-hat {self.rhat:.3f}, ESS bulk {self.ess_bulk:,.0f}, "
            f"tail {self.ess_tail:,.0f} ({chains} chains x {samples:,} draws) "
            f"{'ok' if self.converged else 'NOT CONVERGED'}",
        ]


def fit_lcmcr(table: CaptureTable, *, max_classes: int = 10, samples: int = 1000,
              burn_in: int = 10_000, thinning: int = 10, chains: int = 4,
              seed: int | None = None, level: float = 0.95, a_alpha: float = 0.25,
              b_alpha: float = 0.25, workers: int | None = None,
              progress: Progress | None = None) -> LatentClassEstimate:
    """Posterior of the population size under the NPLCM of Manrique-Vallier (2016).

    Each of ``chains`` chains (each from its own seed stream) does R's initialisation
    (500 warm-up sweeps), ``burn_in`` sweeps, then keeps every ``thinning``-th of
    ``samples * thinning`` sweeps. Chains run on ``workers`` threads (default: one per
    chain up to the number of cores; the compiled sweeps release the GIL); the draws do
    not depend on ``workers``. ``seed=None`` draws fresh entropy and records it in
    ``provenance`` so the run can be repeated. ``progress(done, total)`` is called, in
    the caller's thread, with the sweeps done so far. Warns :class:`ConvergenceWarning`
    (and says so in ``warnings``) when R-hat of N > 1.01 or its ESS < 400.
    """
    from zicht.research.estimate.mcmc_diagnostics import diagnose

    _check_options(max_classes, samples, burn_in, thinning, chains, level, a_alpha,
                   b_alpha, seed, workers)
    cells, freq = _cells(table)
    entropy = int(np.random.SeedSequence(seed).entropy)  # type: ignore[arg-type]
    streams = np.random.SeedSequence(entropy).spawn(chains)
    n_draws = np.empty((chains, samples), dtype=np.int64)
    alpha_draws = np.empty((chains, samples), dtype=np.float64)
    from zicht.research.estimate.lcmcr_kernel import WARM_UP

    per_chain = WARM_UP + burn_in + samples * thinning
    threads = min(chains, workers or os.cpu_count() or 1)
    ticker = _Ticker(progress, per_chain * chains, threaded=threads > 1)

    def chain(c: int) -> _Chain:
        return _run_chain(cells, freq, table.observed, max_classes, samples, burn_in,
                          thinning, a_alpha, b_alpha, np.random.default_rng(streams[c]),
                          ticker)

    for c, (n0, alpha) in enumerate(_map_chains(chain, chains, threads, ticker)):
        n_draws[c] = n0 + table.observed
        alpha_draws[c] = alpha
    diag = diagnose(n_draws)
    problems = diag.problems("N")
    notes = []
    if problems:
        notes.append("; ".join(problems) + ". Run longer chains (samples, burn_in) "
                     "before using this estimate.")
        warnings.warn(ConvergenceWarning(notes[-1]), stacklevel=2)
    lower, upper = _equal_tailed(n_draws, level)
    return LatentClassEstimate(
        observed=table.observed,
        estimate=float(np.median(n_draws)),
        se=float(np.std(n_draws, ddof=1)),
        ci_lower=lower,
        ci_upper=upper,
        level=level,
        mean=float(np.mean(n_draws)),
        rhat=diag.rhat,
        ess_bulk=diag.ess_bulk,
        ess_tail=diag.ess_tail,
        lists=table.lists,
        max_classes=max_classes,
        warnings=tuple(notes),
        provenance=_provenance(max_classes, samples, burn_in, thinning, chains, level,
                               a_alpha, b_alpha, seed, entropy),
        draws=n_draws,
        alpha_draws=alpha_draws,
    )


# ---- the sampler --------------------------------------------------------------------

def _run_chain(cells: npt.NDArray[np.int64], freq: npt.NDArray[np.int64], n_obs: int,
               n_classes: int, samples: int, burn_in: int, thinning: int, a_alpha: float,
               b_alpha: float, rng: np.random.Generator, ticker: _Ticker,
               ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """One chain: R's initialisation, burn-in, then ``samples`` thinned draws of n0, alpha."""
    from zicht.research.estimate import lcmcr_kernel as kernel

    n_lists = cells.shape[1]
    log_nu = np.empty(n_classes)
    log_lam = np.empty((n_lists, n_classes, 2))
    count_z = np.zeros((cells.shape[0], n_classes), dtype=np.int64)
    count0 = np.zeros(n_classes, dtype=np.int64)
    scalars = np.zeros(2)
    trace_n0 = np.empty(samples)
    trace_alpha = np.empty(samples)
    kernel.initialise(rng, cells, freq, n_obs, log_nu, log_lam, count_z, count0, scalars)
    ticker.add(kernel.WARM_UP)
    state = (log_nu, log_lam, count_z, count0, scalars)
    for todo in _chunks(burn_in):
        kernel.sweeps(rng, cells, freq, n_obs, a_alpha, b_alpha, *state, todo, True, 0,
                      trace_n0, trace_alpha, 0)
        ticker.add(todo)
    at = 0
    for todo in _chunks(samples * thinning, multiple_of=thinning):
        at = kernel.sweeps(rng, cells, freq, n_obs, a_alpha, b_alpha, *state, todo, True,
                           thinning, trace_n0, trace_alpha, at)
        ticker.add(todo)
    return trace_n0.astype(np.int64), trace_alpha


def _chunks(total: int, multiple_of: int = 1) -> list[int]:
    size = max(multiple_of, (_CHUNK // multiple_of) * multiple_of)
    out = [size] * (total // size)
    if total % size:
        out.append(total % size)
    return out


def _map_chains(chain: Callable[[int], _Chain], chains: int, threads: int,
                ticker: _Ticker) -> list[_Chain]:
    """``chain(c)`` for every chain, in order; on ``threads`` threads when > 1."""
    if threads == 1:
        return [chain(c) for c in range(chains)]
    from concurrent.futures import ThreadPoolExecutor, wait

    with ThreadPoolExecutor(threads, thread_name_prefix="lcmcr") as pool:
        futures = [pool.submit(chain, c) for c in range(chains)]
        pending = set(futures)
        while pending:
            _, pending = wait(pending, timeout=0.2)
            ticker.report()
        return [f.result() for f in futures]


class _Ticker:
    """Counts finished sweeps and calls ``progress(done, total)`` (or does nothing).

    ``threaded``: the chains run in worker threads, which only count; the caller's
    thread reports (:meth:`report`), so a progress bar is never touched off its thread.
    """

    def __init__(self, progress: Progress | None, total: int, *,
                 threaded: bool = False) -> None:
        self.progress, self.total, self.done = progress, total, 0
        self.threaded = threaded
        self._lock = threading.Lock()

    def add(self, sweeps: int) -> None:
        with self._lock:
            self.done += sweeps
        if not self.threaded:
            self.report()

    def report(self) -> None:
        if self.progress is not None:
            self.progress(self.done, self.total)


def _cells(table: CaptureTable) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Observed non-empty cells as 0/1 rows (list j = column j) and their counts."""
    if table.observed == 0:
        raise EstimationError("The capture table is empty: nobody was observed.")
    empty = [name for name, total in table.list_totals.items() if total == 0]
    if empty:
        raise EstimationError(
            f"List(s) {', '.join(empty)} recorded nobody; a latent-class model cannot "
            "learn their capture probabilities. Drop them from the table first.",
            lists=empty)
    h = np.flatnonzero(table.counts) + 1
    cells = ((h[:, None] >> np.arange(table.k)[None, :]) & 1).astype(np.int64)
    return cells, table.counts[h - 1].astype(np.int64)


# ---- checks and summaries -----------------------------------------------------------

def _check_options(max_classes: int, samples: int, burn_in: int, thinning: int,
                   chains: int, level: float, a_alpha: float, b_alpha: float,
                   seed: int | None, workers: int | None) -> None:
    problems = []
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        problems.append(f"workers must be an integer >= 1 or None (got {workers!r})")
    for name, value, low in (("max_classes", max_classes, 2), ("samples", samples, 4),
                             ("burn_in", burn_in, 0), ("thinning", thinning, 1),
                             ("chains", chains, 1)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            problems.append(f"{name} must be an integer >= {low} (got {value!r})")
    for name, prior in (("a_alpha", a_alpha), ("b_alpha", b_alpha)):
        if not (isinstance(prior, int | float) and math.isfinite(prior) and prior > 0):
            problems.append(f"{name} must be a positive number (got {prior!r})")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)
                             or seed < 0):
        problems.append(f"seed must be a non-negative integer or None (got {seed!r})")
    if problems:
        raise EstimationError("Invalid latent-class options: " + "; ".join(problems) + ".")
    _check_level(level)


def _check_level(level: float) -> None:
    if not (isinstance(level, int | float) and 0 < level < 1):
        raise EstimationError(f"level must be between 0 and 1 (got {level!r}), e.g. 0.95.")


def _equal_tailed(draws: npt.NDArray[np.int64], level: float) -> tuple[float, float]:
    tail = (1 - level) / 2
    lo, hi = np.quantile(draws, [tail, 1 - tail])
    return float(lo), float(hi)


def _provenance(max_classes: int, samples: int, burn_in: int, thinning: int, chains: int,
                level: float, a_alpha: float, b_alpha: float, seed: int | None,
                entropy: int) -> dict[str, Any]:
    from importlib.metadata import version

    return {
        "method": METHOD,
        "model": "NPLCM, truncated stick-breaking prior (Manrique-Vallier 2016)",
        "port_of": R_REFERENCE,
        "parameters": {"max_classes": max_classes, "samples": samples, "burn_in": burn_in,
                       "thinning": thinning, "chains": chains, "level": level,
                       "a_alpha": a_alpha, "b_alpha": b_alpha},
        "seed": seed,
        "seed_entropy": str(entropy),
        "rng": "numpy PCG64, one SeedSequence child per chain",
        "versions": {"numpy": np.__version__, "numba": version("numba"),
                     "arviz-stats": version("arviz-stats")},
    }

