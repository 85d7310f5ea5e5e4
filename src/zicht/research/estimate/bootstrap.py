"""Multinomial bootstrap that repeats the whole model selection in every resample.

Each replicate ``i`` draws from its own random stream (``SeedSequence(seed,
spawn_key=(i,))``), so the replicates, and therefore the interval, do not depend on
how many worker processes share the work. Fits reuse the cached design columns and
are warm-started from the fit on the original data.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from zicht.core.errors import EstimationError
from zicht.research.estimate.select import Selection, select

FloatArray = npt.NDArray[np.float64]


class Repeatable(Protocol):
    """Anything the bootstrap can repeat: counts in, one estimate out (picklable)."""

    def estimate_total(self, counts: npt.NDArray[np.int64], start: Any) -> float: ...


@dataclass(frozen=True)
class SelectSpec:
    """What to repeat on every resample of one capture table."""

    k: int
    method: str
    p_threshold: float
    max_order: int | None
    terms: tuple[int, ...] | None  # a fixed model (no selection) when given

    def estimate_total(self, counts: npt.NDArray[np.int64], start: Any) -> float:
        return run_selection(self, counts, start).fit.estimate


@dataclass(frozen=True, eq=False)
class BootstrapResult:
    replicates: FloatArray  # NaN where a resample had no valid model
    jackknife: FloatArray  # leave-one-out estimate per cell (NaN for empty cells)
    failed: int
    workers: int


def run_selection(spec: SelectSpec, counts: npt.NDArray[np.int64],
                  start: Selection | None) -> Selection:
    """The estimation the bootstrap repeats (fixed model or a selection method)."""
    if spec.terms is not None:
        from zicht.research.estimate.select import fit_fixed

        return fit_fixed(spec.k, counts, spec.terms, start.fit if start else None)
    return select(spec.k, counts, spec.method, p_threshold=spec.p_threshold,
                  max_order=spec.max_order, start=start, keep=0)


def _estimate_or_nan(spec: Repeatable, counts: npt.NDArray[np.int64], start: Any) -> float:
    try:
        return spec.estimate_total(counts, start)
    except EstimationError:
        return math.nan


def _chunk(args: tuple[Repeatable, npt.NDArray[np.int64], Any, int, list[int]]) -> list[float]:
    spec, counts, start, seed, indices = args
    n = int(counts.sum())
    probs = counts / n
    out = []
    for i in indices:
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
        resample = rng.multinomial(n, probs).astype(np.int64)
        out.append(_estimate_or_nan(spec, resample, start))
    return out


def _jack_chunk(args: tuple[Repeatable, npt.NDArray[np.int64], Any, list[int]]) -> list[float]:
    spec, counts, start, cells = args
    out = []
    for c in cells:
        reduced = counts.copy()
        reduced[c] -= 1
        out.append(_estimate_or_nan(spec, reduced, start))
    return out


_SHARED: dict[int, Any] = {}  # workers -> the ProcessPoolExecutor of ``shared_pool``


@contextmanager
def shared_pool(workers: int | None = None) -> Iterator[None]:
    """Within this block, every bootstrap with ``workers`` processes (default all cores)
    uses one pool instead of starting and stopping its own: an estimate per year starts
    its workers once, not once per year. The replicates do not change (each has its own
    stream, whichever process draws it)."""
    n = default_workers() if workers is None else max(1, workers)
    if n == 1 or n in _SHARED:
        yield
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=n) as pool:
        _SHARED[n] = pool
        try:
            yield
        finally:
            del _SHARED[n]


def open_pool() -> Any:
    """The pool of the innermost open ``shared_pool`` block, or None."""
    return next(iter(_SHARED.values()), None)


@contextmanager
def process_pool(workers: int) -> Iterator[Any]:
    """The pool of ``shared_pool`` when one is open for ``workers``, else a new one."""
    if workers in _SHARED:
        yield _SHARED[workers]
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield pool


def default_workers() -> int:
    """Both cores of the reference machine; all of them elsewhere."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


def bootstrap(spec: Repeatable, counts: npt.NDArray[np.int64], start: Any,
              n_boot: int, seed: int, workers: int | None = None,
              progress: Callable[[int, int], object] | None = None) -> BootstrapResult:
    """``n_boot`` multinomial resamples plus the jackknife for the BCa acceleration.

    ``progress(done, total)`` is called as chunks of resamples and jackknife fits finish.
    The draws do not depend on the chunks (each resample has its own seed stream).
    """
    if n_boot < 1:
        raise EstimationError(f"--bootstrap must be a positive number of replicates; got "
                              f"{n_boot}.")
    workers = default_workers() if workers is None else max(1, workers)
    cells = [int(c) for c in np.flatnonzero(counts > 0)]
    idx = list(range(n_boot))
    # several chunks in one process too, so that a progress bar moves
    n_chunks = workers * 4 if workers > 1 else (8 if progress else 1)
    boot_jobs = [(spec, counts, start, seed, idx[j::n_chunks]) for j in range(n_chunks)]
    jack_jobs = [(spec, counts, start, cells[j::n_chunks]) for j in range(n_chunks)]
    total, done = n_boot + len(cells), 0

    def finished(part: list[float]) -> list[float]:
        nonlocal done
        done += len(part)
        if progress is not None:
            progress(done, total)
        return part

    if workers == 1:
        boot_parts = [finished(_chunk(a)) for a in boot_jobs]
        jack_parts = [finished(_jack_chunk(a)) for a in jack_jobs]
    else:
        with process_pool(workers) as pool:
            boot_futs = [pool.submit(_chunk, a) for a in boot_jobs]
            jack_futs = [pool.submit(_jack_chunk, a) for a in jack_jobs]
            boot_parts = [finished(f.result()) for f in boot_futs]
            jack_parts = [finished(f.result()) for f in jack_futs]
    reps = np.full(n_boot, np.nan)
    for j, part in enumerate(boot_parts):
        reps[idx[j::n_chunks]] = part
    jack = np.full(counts.shape[0], np.nan)
    for j, part in enumerate(jack_parts):
        jack[cells[j::n_chunks]] = part
    failed = int(np.isnan(reps).sum())
    return BootstrapResult(replicates=reps, jackknife=jack, failed=failed, workers=workers)
