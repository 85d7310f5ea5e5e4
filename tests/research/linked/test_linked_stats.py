"""Chi-square tests as the seed's footnotes report them."""

from __future__ import annotations

import pytest
from scipy.stats import chi2_contingency

from zicht.research.linked import chi_square, format_test


def test_pearson_without_continuity_correction() -> None:
    cells = [[60, 85], [4_000, 20_995]]
    test = chi_square("aid/t", "x", cells)
    assert test is not None
    expected = chi2_contingency(cells, correction=False)
    assert test.chi2 == pytest.approx(expected.statistic)
    assert (test.df, test.n) == (1, 60 + 85 + 4_000 + 20_995)


def test_empty_rows_and_columns_are_dropped_and_degenerate_tables_have_no_test() -> None:
    test = chi_square("aid/t", "x", [[5, 0, 7], [9, 0, 30], [0, 0, 0]])
    assert test is not None and test.df == 1
    assert chi_square("aid/t", "x", [[5, 0], [9, 0]]) is None


@pytest.mark.parametrize(("lang", "p", "text"), [
    ("en", 0.0591, "χ²(1, N=25,140) = 3.574, p = 0.059"),
    ("nl", 0.0591, "χ²(1, N=25.140) = 3,574, p = 0,059"),
    ("en", 1e-9, "χ²(1, N=25,140) = 3.574, p < 0.001"),
    ("nl", 1e-9, "χ²(1, N=25.140) = 3,574, p < 0,001"),
])
def test_footnote_format(lang: str, p: float, text: str) -> None:
    assert format_test(3.5741, 1, 25_140, p, lang) == text
