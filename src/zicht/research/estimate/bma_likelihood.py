"""Log posterior of (graph, number missing) for BMA over decomposable graphs (dga).

The definitions are those of R ``dga::bma.cr`` 2.0.2 (Madigan & York 1997), term by
term, so that posterior quantiles agree with R:

* ``CompLogML`` of the marginal table of vertex set ``B`` (hyper-Dirichlet with
  ``delta_B = delta * 2**(k - |B|)`` per marginal cell, so every marginal has total
  prior weight ``2**k * delta``)::

      lgamma(Nmissing + D0_B + delta_B) + sum_{cells b != 0} lgamma(D_b + delta_B)
      - 2**|B| * lgamma(delta_B)

  where ``D0_B`` counts the observed people seen by none of the lists in ``B``;
* the Dirichlet normaliser ``lgamma(2**k delta) - lgamma(Nmissing + n + 2**k delta)``,
  once per clique minus once per separator;
* the multinomial coefficient ``lgamma(Nmissing + n + 1) - sum lgamma(Y + 1)
  - lgamma(Nmissing + 1)``, the log prior of ``N = n + Nmissing`` and the log prior of
  the graph.

A graph's log posterior is ``m_g @ R + base`` with ``m_g`` its clique-minus-separator
coefficients (``decomposable.clique_coefficients``) and ``R[B]`` the marginal row of
``B`` over the whole grid, computed once and shared by every graph holding ``B``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from zicht.research.estimate.table import CaptureTable

FloatArray = npt.NDArray[np.float64]

#: Up to this many lists the constants of every vertex subset are computed at once.
ALL_SUBSETS_AT_ONCE = 8


class LogPosterior:
    """Marginal rows per vertex subset over a grid of the number missing, cached.

    Rows are computed over the active window ``grid[lo:hi]``, set by :meth:`focus`
    before any row is asked for; :meth:`base_at` and :meth:`rows_at` evaluate any points.
    """

    def __init__(self, table: CaptureTable, delta: float, n_missing: FloatArray,
                 log_prior_n: FloatArray) -> None:
        from scipy.special import gammaln

        self._gammaln = gammaln
        self.k = table.k
        self.delta = delta
        self.grid = n_missing
        self._log_prior = log_prior_n
        counts = np.concatenate([[0], table.counts]).astype(np.float64)  # cell 0 = missing
        self._counts = counts
        self.n = float(counts.sum())
        self._total_prior = 2**self.k * delta
        self._log_cells = float(gammaln(counts[1:] + 1.0).sum())
        self._cells = np.arange(2**self.k)
        self._constants: dict[int, tuple[float, float]] = {}
        self.lo, self.hi = 0, 0  # no window until focus()
        self._rows: dict[int, FloatArray] = {}

    def focus(self, lo: int, hi: int) -> None:
        """Compute rows over ``grid[lo:hi]`` from now on (drops the cached rows)."""
        self.lo, self.hi = lo, hi
        self.base = self.base_at(np.arange(lo, hi))
        self._normaliser = self._normaliser_at(self.grid[lo:hi])
        self._rows = {}

    def base_at(self, at: npt.NDArray[np.int64]) -> FloatArray:
        """Multinomial coefficient plus log prior of N at grid indices ``at``."""
        g = self.grid[at]
        return np.asarray(self._gammaln(g + self.n + 1.0) - self._log_cells
                          - self._gammaln(g + 1.0) + self._log_prior[at], dtype=np.float64)

    def _normaliser_at(self, g: FloatArray) -> FloatArray:
        return np.asarray(self._gammaln(self._total_prior)
                          - self._gammaln(g + self.n + self._total_prior), dtype=np.float64)

    def _constant(self, subset: int) -> tuple[float, float]:
        """``(D0_B + delta_B, sum over non-zero cells - 2**|B| lgamma(delta_B))``."""
        hit = self._constants.get(subset)
        if hit is None and not self._constants and self.k <= ALL_SUBSETS_AT_ONCE:
            self._all_constants()
            hit = self._constants[subset]
        if hit is None:
            size = subset.bit_count()
            delta_b = self.delta * 2.0 ** (self.k - size)
            margin = np.bincount(self._cells & subset, weights=self._counts,
                                 minlength=2**self.k)
            inside = self._cells[(self._cells & ~subset) == 0][1:]  # non-zero cells of B
            const = float(self._gammaln(margin[inside] + delta_b).sum()
                          - 2**size * self._gammaln(delta_b))
            hit = (float(margin[0] + delta_b), const)
            self._constants[subset] = hit
        return hit

    def _all_constants(self) -> None:
        """:meth:`_constant` of every subset in a few array operations (small ``k``)."""
        k, cells = self.k, self._cells
        subsets = np.arange(1, 2**k)
        marginal = cells[None, :] & subsets[:, None]  # each cell's marginal cell in B
        index = (subsets[:, None] - 1) * 2**k + marginal
        margins = np.bincount(index.ravel(), weights=np.tile(self._counts, subsets.size),
                              minlength=subsets.size * 2**k).reshape(subsets.size, 2**k)
        sizes = np.array([int(b).bit_count() for b in subsets])
        delta_b = self.delta * 2.0 ** (k - sizes)
        inside = ((cells[None, :] & ~subsets[:, None]) == 0) & (cells[None, :] != 0)
        terms = np.where(inside, self._gammaln(margins + delta_b[:, None]), 0.0)
        consts = terms.sum(axis=1) - 2.0**sizes * self._gammaln(delta_b)
        shifts = margins[:, 0] + delta_b
        self._constants = {int(b): (float(sh), float(c))
                           for b, sh, c in zip(subsets, shifts, consts, strict=True)}

    def row(self, subset: int) -> FloatArray:
        """``R[B]``: CompLogML of subset ``B`` plus the normaliser, over the window."""
        cached = self._rows.get(subset)
        if cached is None:
            shift, const = self._constant(subset)
            cached = self._gammaln(self.grid[self.lo:self.hi] + shift)
            cached += const
            cached += self._normaliser
            self._rows[subset] = cached
        return cached

    def rows_at(self, subsets: npt.NDArray[np.int64], at: npt.NDArray[np.int64]) -> FloatArray:
        """Rows at grid indices ``at`` without caching (the coarse screening pass, and
        every row at once on small tables): one ``gammaln`` call for all of them."""
        grid = self.grid[at]
        if len(subsets) == 0:
            return np.empty((0, at.size))
        shifts, consts = np.array([self._constant(int(b)) for b in subsets]).T
        out = self._gammaln(grid[None, :] + shifts[:, None])
        out += consts[:, None] + self._normaliser_at(grid)[None, :]
        return np.asarray(out, dtype=np.float64)

    def dense_weights(self, subsets: npt.NDArray[np.int64], coef: npt.NDArray[np.int8],
                      log_graph_prior: FloatArray) -> FloatArray | None:
        """Every graph's posterior over the whole grid, scaled to a maximum of 1.

        On a grid of consecutive integers (the default) the weight of a graph moves
        from ``g`` to ``g + 1`` by a rational factor (``lgamma(x + 1) - lgamma(x) =
        log x``)::

            prod_B (g + D0_B + delta_B)**m_B * (g + n + 1) / (g + 1) / (g + n + 2**k delta)**sum(m)

        so a running product of those factors replaces a ``lgamma`` per subset and grid
        point and the ``exp`` of every weight (relative error about grid size * 1e-16).
        ``coef`` holds the graphs' coefficients of ``subsets``. Returns None where that
        does not apply (another grid, or a weight rising more than ~700 nats from the
        first grid point), and :meth:`rows_at` is used instead.
        """
        g = self.grid
        if g.size < 2 or g[0] != round(g[0]) or not (np.diff(g) == 1.0).all():
            return None
        x = g[:-1]
        shifts = np.array([self._constant(int(b))[0] for b in subsets])
        factors = x[None, :] + shifts[:, None]
        ratio = np.empty((coef.shape[0], g.size))
        ratio[:, 0] = 1.0
        common = (x + self.n + 1.0) / (x + 1.0)
        normaliser = x + self.n + self._total_prior
        for i, row in enumerate(coef.tolist()):
            up, down = common, normaliser  # sum(m) is 1 per connected component
            for _ in range(sum(row) - 1):
                down = down * normaliser
            for j, m in enumerate(row):  # m is a small integer: repeated products
                for _ in range(abs(m)):
                    if m > 0:
                        up = up * factors[j]
                    else:
                        down = down * factors[j]
            np.divide(up, down, out=ratio[i, 1:])
        with np.errstate(over="ignore"):  # detected below: the lgamma rows take over
            np.cumprod(ratio, axis=1, out=ratio)
        first = (coef.astype(np.float64) @ self.rows_at(subsets, np.zeros(1, dtype=np.int64))
                 )[:, 0] + float(self.base_at(np.zeros(1, dtype=np.int64))[0]
                                 - self._log_prior[0]) + log_graph_prior
        prior = self._log_prior - self._log_prior.max()
        with np.errstate(invalid="ignore", over="ignore"):
            ratio *= np.exp(prior)[None, :]
            peak = ratio.max(axis=1)
            log_peak = first + np.log(peak)
        best = float(log_peak.max()) if log_peak.size else -np.inf
        if not (np.isfinite(ratio).all() and np.isfinite(best)):
            return None
        with np.errstate(divide="ignore"):
            ratio *= np.exp(first - best)[:, None]
        return ratio

    def graph_log_mass(self, coefficients: dict[int, int], log_graph_prior: float) -> float:
        """``log sum_N p(graph, N | data)`` over the window, up to the common constant."""
        total = self.base + log_graph_prior
        for subset, c in coefficients.items():
            total = total + c * self.row(subset)
        top = float(total.max())
        return top + float(np.log(np.exp(total - top).sum()))

