"""Model selection: main effects, forward stepwise (Chan, Silverman & Vincent 2021), and
exhaustive search over hierarchical models ranked by BIC or AIC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from zicht.core.errors import EstimationError
from zicht.research.estimate.design import Model, hierarchical_models, pair_terms, term_column
from zicht.research.estimate.fit import CHECK_OK, ModelFit, fit_checked
from zicht.research.estimate.numeric import pdtr, pdtrc

METHODS = ("main", "stepwise", "bic", "aic")


@dataclass(frozen=True)
class Candidate:
    """One model tried by a search, with its fit summary."""

    terms: Model
    loglik: float
    npar: int
    aic: float
    bic: float
    estimate: float


@dataclass(frozen=True, eq=False)
class Selection:
    """The chosen fit and the candidates: ranked by the criterion for ``bic``/``aic``,
    the forward path (main effects first) for ``stepwise``."""

    fit: ModelFit
    candidates: tuple[Candidate, ...]
    skipped: int  # candidate models refused by the existence / identifiability check


def fit_main(k: int, counts: npt.NDArray[np.int64],
             prev: ModelFit | None = None) -> Selection:
    """Main effects only."""
    return Selection(_fit_or_raise(k, counts, (), prev), (), 0)


def fit_fixed(k: int, counts: npt.NDArray[np.int64], terms: Sequence[int],
              prev: ModelFit | None = None) -> Selection:
    """A model the analyst names (interaction terms as bit masks)."""
    return Selection(_fit_or_raise(k, counts, tuple(terms), prev), (), 0)


def _fit_or_raise(k: int, counts: npt.NDArray[np.int64], terms: Model,
                  prev: ModelFit | None) -> ModelFit:
    code, fit = fit_checked(k, counts, terms, prev, full_code=True)
    if fit is None:
        raise EstimationError(_explain(code), code=code)
    return fit


def _explain(code: int) -> str:
    what = {1: "the maximum likelihood estimate does not exist (some fitted cells would be "
               "zero: the data lie on the boundary of the model; Fienberg & Rinaldo LP)",
            2: "the model is not identifiable (more parameters than cells left after "
               "removing terms with zero observed overlap; the design is rank deficient)",
            3: "the model is not identifiable and its maximum likelihood estimate does not "
               "exist"}[code]
    return (f"Model check failed with code {code}: {what}. Expected a model whose "
            "estimate exists and is identifiable (code 0). Choose fewer interaction terms, "
            "merge sparse lists, or use --method stepwise, which skips such models.")


def fit_stepwise(k: int, counts: npt.NDArray[np.int64], p_threshold: float = 0.02,
                 start: Selection | None = None) -> Selection:
    """Forward selection of two-list terms by Poisson p-values (SparseMSE ``stepwisefit``).

    From main effects: for each pair not in the model, the observed number seen by both
    lists is compared with its fitted Poisson mean; the p-value is the smaller tail,
    ``min(P(X <= n), P(X >= n))``. The pair with the smallest p-value (first in list
    order on ties) joins if p < threshold and the enlarged model passes the existence
    and identifiability check; a pair that fails is passed over (as if p = 1).
    ``start`` (the fit on the original data) only warm-starts the fits.
    """
    prev = start.fit if start is not None else None
    current = _fit_or_raise(k, counts, (), prev)
    path = [current]
    if p_threshold <= 0:
        return Selection(current, _candidates(path), 0)
    pairs = pair_terms(k)
    cols = np.stack([term_column(k, t) for t in pairs])
    nstar = cols @ counts.astype(np.float64)
    included = np.zeros(len(pairs), dtype=bool)
    skipped = 0
    while not included.all():
        pstar = cols @ current.fitted
        pval = np.full(len(pairs), np.inf)  # the pairs in the model are not candidates
        pval[~included] = poisson_pvalues(nstar[~included], pstar[~included])
        order = np.lexsort((np.arange(len(pairs)), pval))
        chosen: ModelFit | None = None
        for j in order:
            if not pval[j] < p_threshold:
                break
            code, fit = fit_checked(k, counts, (*current.terms, pairs[j]), current)
            if code == CHECK_OK and fit is not None:
                chosen = fit
                included[j] = True
                break
            skipped += 1
        if chosen is None:
            break
        current = chosen
        path.append(current)
    return Selection(current, _candidates(path), skipped)


def poisson_pvalues(observed: npt.NDArray[np.float64],
                    mean: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Smaller Poisson tail of each observed count: min(P(X <= n), P(X >= n))."""
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = pdtr(observed, mean)
        upper = np.where(observed > 0, pdtrc(observed - 1, mean), 1.0)
    lower = np.where(mean > 0, lower, 1.0)
    upper = np.where(mean > 0, upper, np.where(observed > 0, 0.0, 1.0))
    return np.minimum(lower, upper)


def _candidates(fits: Sequence[ModelFit]) -> tuple[Candidate, ...]:
    return tuple(Candidate(terms=f.terms, loglik=f.loglik, npar=f.npar, aic=f.aic(),
                           bic=f.bic(), estimate=f.estimate) for f in fits)


def fit_exhaustive(k: int, counts: npt.NDArray[np.int64], criterion: str = "bic",
                   max_order: int | None = None, keep: int = 20) -> Selection:
    """Fit every hierarchical model with terms up to ``max_order`` lists; rank by BIC/AIC.

    ``max_order`` defaults to k - 1 (all orders; the k-way term would saturate the table).
    Models failing the existence / identifiability check are skipped and counted.
    BIC = npar log(observed) - 2 loglik (Poisson), AIC = 2 npar - 2 loglik, with npar
    counting the intercept, every main effect and every interaction (minus-infinity
    ones included, as SparseMSE does for AIC).
    """
    if criterion not in ("bic", "aic"):
        raise EstimationError(f"Unknown criterion {criterion!r}; expected 'bic' or 'aic'.")
    order = k - 1 if max_order is None else max(1, min(max_order, k - 1))
    fits: dict[Model, ModelFit] = {}
    failed: dict[Model, int] = {}
    scored: list[tuple[float, Model, ModelFit]] = []
    y = counts.astype(np.float64)
    for model in hierarchical_models(k, order):
        parent = model[:-1]
        # A failed parent plus a term with observed overlap (same cells, one more
        # column) fails the same way: no fit needed.
        if model and parent in failed and float(term_column(k, model[-1]) @ y) > 0:
            failed[model] = failed[parent]
            continue
        code, fit = fit_checked(k, counts, model, fits.get(parent) if model else None)
        if fit is None:
            failed[model] = code
            continue
        fits[model] = fit
        score = fit.bic() if criterion == "bic" else fit.aic()
        scored.append((score, model, fit))
    skipped = len(failed)
    if not scored:
        raise EstimationError("No hierarchical model passed the existence and "
                              "identifiability checks. Merge sparse lists and try again.")
    scored.sort(key=lambda r: (r[0], len(r[1])))
    return Selection(scored[0][2], _candidates([f for _, _, f in scored[:keep]]), skipped)


def select(k: int, counts: npt.NDArray[np.int64], method: str, *, p_threshold: float = 0.02,
           max_order: int | None = None, start: Selection | None = None,
           keep: int = 20) -> Selection:
    """Run one selection method on one table (the unit the bootstrap repeats)."""
    if method == "main":
        return fit_main(k, counts, start.fit if start else None)
    if method == "stepwise":
        return fit_stepwise(k, counts, p_threshold, start)
    if method in ("bic", "aic"):
        return fit_exhaustive(k, counts, method, max_order, keep)
    raise EstimationError(f"Unknown method {method!r}; expected one of {', '.join(METHODS)}.")
