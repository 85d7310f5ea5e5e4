"""R's least-squares path (``estimate/linpack.py``) against R, to the last bit.

Reference values printed by R 4.2.2 (Debian bookworm, reference BLAS 3.11) with
``sprintf("%.17g", ...)``; the R calls are beside each constant.
"""

from __future__ import annotations

import numpy as np
import pytest

from zicht.research.estimate.linpack import dqrdc2, dqrls, glm_fit_r

# x <- cbind(1, 1:5, 2 * (1:5), c(1, 0, 1, 0, 1)); q <- qr(x, tol = 1e-7)
X_ALIASED = np.column_stack([np.ones(5), [1, 2, 3, 4, 5.0], [2, 4, 6, 8, 10.0],
                             [1, 0, 1, 0, 1.0]])
R_QRAUX = [1.4472135954999579, 1.120788258431983, 1.1371250262246613, 1.1239788819612488]
R_QR_UPPER = {(0, 0): -2.2360679774997898, (0, 1): -6.7082039324993676,
              (1, 1): 3.16227766016838, (0, 2): -1.3416407864998736,
              (1, 2): 2.2204460492503131e-16, (2, 2): -1.0954451150103324}
# qr.coef(q, c(1, 3, 2, 5, 4)): the aliased column is NA (zero in Cdqrls)
R_COEF = [1.599999999999999, 0.80000000000000027, -1.6666666666666665]


def test_dqrdc2_pivots_the_aliased_column_out_exactly_as_r():
    qr, qraux, pivot, rank = dqrdc2(X_ALIASED, 1e-7)
    assert rank == 3
    assert list(pivot + 1) == [1, 2, 4, 3]  # q$pivot
    assert list(qraux) == R_QRAUX
    for (i, j), value in R_QR_UPPER.items():
        assert qr[i, j] == value, (i, j)


def test_dqrls_coefficients_are_rs_bit_for_bit():
    b, pivot, rank, _ = dqrls(X_ALIASED, np.array([1, 3, 2, 5, 4.0]), 1e-7)
    assert list(b[:rank]) == R_COEF
    assert b[rank:].tolist() == [0.0]
    assert list(pivot[rank:]) == [2]


def test_glm_fit_r_follows_rs_path_on_a_boundary_fit():
    # Rcapture's Darroch start of Mh Normal on the toy table (rows in histpos order):
    # y <- c(0,6,0,40,0,30,20); cc <- c(3,2,2,1,2,1,1)
    # glm.fit(cbind(1, cc, cc^2/2), y, family = poisson()): 15 iterations, converged
    y = np.array([0, 6, 0, 40, 0, 30, 20.0])
    cc = np.array([3, 2, 2, 1, 2, 1, 1.0])
    fit = glm_fit_r(np.column_stack([np.ones(7), cc, cc**2 / 2]), y)
    assert fit.converged and fit.iterations == 15
    assert list(fit.coef) == [-9.1784344416979255, 20.223472835591213, -15.287682024462276]
    assert fit.deviance == pytest.approx(19.979308997013678, rel=1e-15)
    assert fit.kept.all()


def test_glm_fit_r_marks_an_aliased_column_as_not_kept():
    y = np.array([3, 5, 2, 8, 6.0])
    fit = glm_fit_r(X_ALIASED, y)
    assert fit.kept.tolist() == [True, True, False, True]
    assert fit.coef.size == 3 and fit.cov.shape == (3, 3)
