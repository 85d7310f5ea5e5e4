"""Chi-square tests as the seed reports them: χ²(df, N) = x, p (footnotes of ch. 3-4).

SPSS's Pearson chi-square, i.e. ``scipy.stats.chi2_contingency`` without the Yates
continuity correction. Rows or columns that are all zero are dropped first (they add
nothing and would make an expected count zero); a table left with fewer than two rows
or columns has no test.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.stats import chi2_contingency

from zicht.research.linked.table import ChiSquare


def chi_square(table: str, category: str,
                      counts: Sequence[Sequence[int]]) -> ChiSquare | None:
    """Pearson's chi-square test of independence of a contingency table of counts."""
    observed = np.asarray(counts, dtype=float)
    observed = observed[observed.sum(axis=1) > 0][:, observed.sum(axis=0) > 0]
    if observed.ndim != 2 or min(observed.shape) < 2:
        return None
    result = chi2_contingency(observed, correction=False)
    return ChiSquare(table, category, float(result.statistic), int(result.dof),
                     int(observed.sum()), float(result.pvalue))


def format_test(chi2: float, df: int, n: int | None, p: float, lang: str = "en") -> str:
    """``χ²(1, N=25,140) = 3.574, p = 0.059``; Dutch as the seed: ``N=25.140``, ``3,574``."""
    def number(x: float, decimals: int) -> str:
        s = f"{x:,.{decimals}f}"
        return s.replace(",", "_").replace(".", ",").replace("_", ".") if lang == "nl" else s

    p_text = "p < " + number(0.001, 3) if p < 0.001 else "p = " + number(p, 3)
    n_text = "suppressed" if n is None else number(n, 0)
    if lang == "nl" and n is None:
        n_text = "onderdrukt"
    return f"χ²({df}, N={n_text}) = {number(chi2, 3)}, {p_text}"
