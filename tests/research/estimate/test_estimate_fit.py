"""The hand-written Newton fitter against statsmodels' GLM, and the model space."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from zicht.research.estimate.design import (
    design,
    hierarchical_models,
    is_hierarchical,
    main_effects,
    parse_term,
)
from zicht.research.estimate.fit import fit_checked, mle_exists_lp, prepare


@pytest.mark.parametrize(("name", "model"), [
    ("uk5", ["LA:NG", "NG:GP", "PFNCA:GP", "LA:PFNCA", "GO:GP", "NG:GO"]),
    ("uk5", []),
    ("hiv", ["c1:c2", "c3:c4"]),
    ("hiv", ["c1:c2", "c1:c3", "c2:c3", "c1:c2:c3"]),
    ("uk6", ["LA:NG", "PF:NCA"]),
])
def test_newton_matches_statsmodels_glm(name, model, request):
    table = request.getfixturevalue(name)
    terms = [parse_term(t, table.lists) for t in model]
    code, fit = fit_checked(table.k, table.counts, terms)
    assert code == 0 and fit is not None
    p = prepare(table.k, table.counts, terms)
    glm = sm.GLM(p.y, p.x, family=sm.families.Poisson()).fit(tol=1e-12)
    np.testing.assert_allclose(fit.coef, glm.params, rtol=1e-6, atol=1e-8)
    assert fit.loglik == pytest.approx(glm.llf, rel=1e-9)
    assert fit.var_intercept == pytest.approx(glm.cov_params()[0, 0], rel=1e-6)


def test_minus_infinity_equals_dropping_the_cells(uk5):
    """LA:GP has no observed overlap: its cells leave the fit, the rest is a plain GLM."""
    terms = [parse_term("LA:GP", uk5.lists), parse_term("LA:NG", uk5.lists)]
    code, fit = fit_checked(uk5.k, uk5.counts, terms)
    assert code == 0 and fit is not None
    assert fit.infinite == (parse_term("LA:GP", uk5.lists),)
    x = design(uk5.k, (*main_effects(uk5.k), terms[1]))
    keep = (np.arange(1, 32) & terms[0]) != terms[0]
    glm = sm.GLM(uk5.counts[keep].astype(float), x[keep],
                 family=sm.families.Poisson()).fit(tol=1e-12)
    assert fit.hidden == pytest.approx(np.exp(glm.params[0]), rel=1e-6)
    assert np.all(fit.fitted[~keep] == 0)


def test_warm_start_gives_the_same_fit(uk5):
    terms = [parse_term(t, uk5.lists) for t in ("LA:NG", "NG:GP")]
    _, cold = fit_checked(uk5.k, uk5.counts, terms)
    _, main = fit_checked(uk5.k, uk5.counts, [])
    _, warm = fit_checked(uk5.k, uk5.counts, terms, main)
    assert warm.estimate == pytest.approx(cold.estimate, rel=1e-9)


def test_lp_detects_boundary_data(artificial):
    ab = parse_term("A:B", artificial.lists)
    assert not mle_exists_lp(prepare(3, artificial.counts, [ab]))
    assert mle_exists_lp(prepare(3, artificial.counts, []))


@pytest.mark.parametrize(("k", "order", "count"), [
    (3, 2, 8), (4, 2, 64), (5, 2, 1024), (3, 3, 9),
])
def test_hierarchical_model_counts(k, order, count):
    models = list(hierarchical_models(k, order))
    assert len(models) == count
    assert len(set(models)) == count
    assert all(is_hierarchical(m) for m in models)


def test_models_with_higher_terms_contain_their_pairs():
    for m in hierarchical_models(4, 3):
        for t in m:
            if t.bit_count() == 3:
                subs = {t & ~(1 << j) for j in range(4) if t >> j & 1}
                assert subs <= set(m)


def test_fast_path_agrees_with_the_lp(artificial, uk6):
    """fit_checked decides existence by Newton when it can; it must agree with the LP."""
    ab = parse_term("A:B", artificial.lists)
    assert fit_checked(3, artificial.counts, [ab])[0] == 1
    rng = np.random.default_rng(0)
    pairs = [parse_term(t, uk6.lists) for t in ("LA:NG", "NG:GP", "PF:GP", "GO:GP", "LA:GO")]
    for _ in range(20):
        counts = rng.multinomial(uk6.observed, uk6.counts / uk6.observed)
        terms = [t for t in pairs if rng.random() < 0.6]
        code, _fit = fit_checked(uk6.k, counts, terms)
        p = prepare(uk6.k, counts, terms)
        assert (code == 0) == mle_exists_lp(p)


def test_newton_glm_matches_statsmodels_and_drops_aliased_columns(hiv):
    from zicht.research.estimate.fit import newton_glm

    x = design(hiv.k, (*main_effects(hiv.k), parse_term("c1:c2", hiv.lists)))
    y = hiv.counts.astype(float)
    fit = newton_glm(x, y)
    ref = sm.GLM(y, x, family=sm.families.Poisson()).fit()
    assert fit.converged and fit.kept.all() and not fit.warnings
    np.testing.assert_allclose(fit.coef, ref.params, rtol=1e-6)
    np.testing.assert_allclose(fit.cov, ref.cov_params(), rtol=1e-4)
    assert fit.deviance == pytest.approx(ref.deviance, rel=1e-8)
    aliased = newton_glm(np.column_stack([x, x[:, 1] + x[:, 2]]), y)
    assert aliased.kept.tolist() == [True] * x.shape[1] + [False]
    np.testing.assert_allclose(aliased.coef, fit.coef, rtol=1e-10)


def test_newton_glm_stops_where_r_stops_on_the_boundary():
    from zicht.research.estimate.fit import newton_glm

    # a zero cell with a column of its own: no finite MLE; where the fit stops is R's rule.
    # R 4.2.2: glm(c(5,3,4,0) ~ c(0,0,0,1), family=poisson) -> converged after 18
    # iterations, coef (1.386294, -21.688879), fitted[4] 1.522998e-09
    x = np.column_stack([np.ones(4), [0.0, 0, 0, 1]])
    fit = newton_glm(x, np.array([5.0, 3, 4, 0]))
    assert fit.converged and fit.iterations == 18
    np.testing.assert_allclose(fit.coef, [1.386294, -21.688879], rtol=1e-6)
    assert fit.fitted[3] == pytest.approx(1.522998e-09, rel=1e-5)
