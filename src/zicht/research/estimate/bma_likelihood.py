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

    def graph_log_mass(self, coefficients: dict[int, int], log_graph_prior: float) -> float:
        """``log sum_N p(graph, N | data)`` over the window, up to the common constant."""
        total = self.base + log_graph_prior
        for subset, c in coefficients.items():
            total = total + c * self.row(subset)
        top = float(total.max())
        return top + float(np.log(np.exp(total - top).sum()))
