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
    """Marginal rows per vertex subset over a grid of the number missing, cached."""

    def __init__(self, table: CaptureTable, delta: float, n_missing: FloatArray,
                 log_prior_n: FloatArray) -> None:
        from scipy.special import gammaln

        self._gammaln = gammaln
        self.k = table.k
        self.delta = delta
        self.grid = n_missing
        counts = np.concatenate([[0], table.counts]).astype(np.float64)  # cell 0 = missing
        self._counts = counts
        n = float(counts.sum())
        self.n = n
        total_prior = 2**self.k * delta
        self._normaliser = gammaln(total_prior) - gammaln(n_missing + n + total_prior)
        self.base = (gammaln(n_missing + n + 1.0) - gammaln(counts[1:] + 1.0).sum()
                     - gammaln(n_missing + 1.0) + log_prior_n)
        self._rows: dict[int, FloatArray] = {}
        h = np.arange(2**self.k)
        self._cells = h

    def _constant(self, subset: int) -> tuple[float, float]:
        """``(D0_B + delta_B, sum over non-zero cells - 2**|B| lgamma(delta_B))``."""
        size = subset.bit_count()
        delta_b = self.delta * 2.0 ** (self.k - size)
        margin = np.bincount(self._cells & subset, weights=self._counts,
                             minlength=2**self.k)
        inside = self._cells[(self._cells & ~subset) == 0][1:]  # non-zero cells of B
        const = float(self._gammaln(margin[inside] + delta_b).sum()
                      - 2**size * self._gammaln(delta_b))
        return float(margin[0] + delta_b), const

    def row(self, subset: int) -> FloatArray:
        """``R[B]``: CompLogML of subset ``B`` plus the normaliser, over the grid."""
        cached = self._rows.get(subset)
        if cached is None:
            shift, const = self._constant(subset)
            cached = self._gammaln(self.grid + shift) + (const + self._normaliser)
            self._rows[subset] = cached
        return cached

    def rows(self, subsets: npt.NDArray[np.int64]) -> FloatArray:
        """Rows for several subsets, shape ``(len(subsets), len(grid))``."""
        return np.stack([self.row(int(b)) for b in subsets]) if len(subsets) else \
            np.zeros((0, self.grid.size))

    def rows_at(self, subsets: npt.NDArray[np.int64], at: npt.NDArray[np.int64]) -> FloatArray:
        """Rows on a sub-grid ``at`` without caching (the coarse screening pass)."""
        out = np.empty((len(subsets), at.size))
        grid = self.grid[at]
        normaliser = self._normaliser[at]
        for i, b in enumerate(subsets):
            cached = self._rows.get(int(b))
            if cached is not None:
                out[i] = cached[at]
            else:
                shift, const = self._constant(int(b))
                out[i] = self._gammaln(grid + shift) + (const + normaliser)
        return out

    def graph_log_mass(self, coefficients: dict[int, int], log_graph_prior: float) -> float:
        """``log sum_N p(graph, N | data)`` up to the common constant."""
        total = self.base + log_graph_prior
        for subset, c in coefficients.items():
            total = total + c * self.row(subset)
        top = float(total.max())
        return top + float(np.log(np.exp(total - top).sum()))
