"""``estimate()``: one entry point, every method through one registry (:data:`METHODS`).

``estimate(table, method=NAME, **options)`` looks the method up and calls its runner with
the table and the options; options a method does not take raise ``EstimationError``
(never silently ignored). Log-linear methods (``main``, ``stepwise``, ``bic``, ``aic``,
``fixed``) take one ``CaptureTable``; ``multiyear`` takes a mapping of stratum keys to
tables (one model over all years); ``published`` (the release's rule over the methods,
``published.estimate_published``) takes either. Methods from other modules are registered by name
(``"module:function"``) and imported only when used, so this module stays light.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import math
import platform
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from zicht.core.errors import EstimationError
from zicht.research.estimate.bootstrap import SelectSpec, run_selection
from zicht.research.estimate.bootstrap import bootstrap as run_bootstrap
from zicht.research.estimate.design import label_term, parse_term
from zicht.research.estimate.interval import (
    bca_interval,
    jackknife_acceleration,
    profile_interval,
    wald_interval,
)
from zicht.research.estimate.result import PopulationEstimate, labels
from zicht.research.estimate.select import METHODS as SELECTION_METHODS
from zicht.research.estimate.select import Selection
from zicht.research.estimate.table import CaptureTable

#: A list that saw fewer people than this makes overlaps too sparse to model reliably.
SMALL_LIST = 10


@dataclass(frozen=True)
class Method:
    """One estimation method of the registry: its runner and what it assumes."""

    name: str
    runner: Callable[..., Any] | str  # a callable or "module:function" (imported lazily)
    family: str  # "log-linear", "heterogeneity", "latent class", "model averaging"
    assumes: str  # one line, shown beside the estimate in the method comparison
    strata: bool | None = False  # takes a mapping of stratum keys to tables; None: either

    def resolve(self) -> Callable[..., Any]:
        if callable(self.runner):
            return self.runner
        module, _, attr = self.runner.partition(":")
        return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]


#: Every method ``estimate()`` knows, by name (see :func:`register`).
METHODS: dict[str, Method] = {}


def register(method: Method) -> None:
    """Add (or replace) a method of the registry."""
    METHODS[method.name] = method


def estimate(table: CaptureTable | Mapping[Any, CaptureTable], method: str | None = None,
             **options: Any) -> Any:
    """Estimate the total population (observed + hidden) with the named method.

    ``method`` defaults to ``stepwise`` (``fixed`` when ``model=`` is given). Options are
    the runner's keyword arguments; an option the method does not take raises. Every
    result has ``estimate``, ``ci_lower``, ``ci_upper``, ``level``, ``summary()``,
    ``to_frame()`` and ``to_dict()``.
    """
    name = method or ("fixed" if options.get("model") is not None else "stepwise")
    if name not in METHODS:
        raise EstimationError(f"Unknown method {name!r}; expected one of "
                              f"{', '.join(METHODS)}.", method=name)
    spec = METHODS[name]
    if spec.strata is not None and spec.strata != isinstance(table, Mapping):
        need = "a mapping of stratum keys to capture tables" if spec.strata else \
            "one capture table"
        raise EstimationError(f"Method {name!r} takes {need}.", method=name)
    runner = spec.resolve()
    accepted = inspect.signature(runner).parameters
    takes = [k for k in accepted if k not in ("table", "tables", "method")]
    unknown = sorted(k for k in options if k not in takes)
    if unknown:
        raise EstimationError(f"Method {name!r} does not take {', '.join(unknown)}; it takes "
                              f"{', '.join(takes)}.", method=name)
    if "method" in accepted:
        options = {**options, "method": name}
    return runner(table, **options)


def estimate_loglinear(table: CaptureTable, method: str = "stepwise", *,
                       model: Sequence[str] | None = None, max_order: int | None = None,
                       p_threshold: float | None = None, bootstrap: int = 0,
                       seed: int = 1234, level: float = 0.95, interval: str | None = None,
                       workers: int | None = None, keep_candidates: int = 20,
                       progress: Callable[[int, int], object] | None = None,
                       ) -> PopulationEstimate:
    """A log-linear model on one capture table.

    - ``method``: ``main`` (main effects), ``stepwise`` (Chan, Silverman & Vincent 2021
      forward selection, ``p_threshold``, default 0.02), ``bic`` / ``aic`` (exhaustive
      over hierarchical models up to ``max_order`` lists per term; default all orders),
      or ``fixed`` with ``model=["LA:NG", ...]``.
    - ``bootstrap`` > 0: multinomial bootstrap repeating the selection in every
      resample, BCa interval, seeded by ``seed`` (same result for any ``workers``).
      Otherwise the interval is ``profile`` likelihood (default) or ``wald``, both
      conditional on the chosen model. ``progress(done, total)`` follows the bootstrap.

    Contradictions raise: ``model`` with a method other than ``fixed``, ``p_threshold``
    outside ``stepwise``, ``max_order`` outside ``bic``/``aic``, ``interval`` with a
    bootstrap, ``workers`` without one.
    """
    _check_options(method, model, max_order, p_threshold, bootstrap, interval, workers,
                   level)
    p_threshold = 0.02 if p_threshold is None else p_threshold
    if table.observed == 0:
        raise EstimationError("The capture table is empty (nobody observed); nothing to "
                              "estimate.")
    terms = _parse_model(model, table) if method == "fixed" else None
    spec = SelectSpec(k=table.k, method=method, p_threshold=p_threshold,
                      max_order=max_order, terms=terms)
    selection = _select_top(spec, table, keep_candidates)
    fit = selection.fit
    warnings = _warnings(table, selection, method, bootstrap)

    replicates = None
    accel = None
    se = fit.hidden * math.sqrt(fit.var_intercept)
    if bootstrap > 0:
        boot = run_bootstrap(spec, table.counts, selection, bootstrap, seed, workers,
                             progress)
        accel = jackknife_acceleration(table.counts, boot.jackknife)
        replicates = boot.replicates
        lo, hi = bca_interval(replicates, fit.estimate, accel, level)
        se = float(np.nanstd(replicates, ddof=1))
        how = "bca"
        if boot.failed:
            warnings.append(f"{boot.failed} of {bootstrap} bootstrap resamples had no "
                            "model passing the checks and were left out.")
    else:
        how = interval or "profile"
        if how == "wald":
            lo, hi = wald_interval(fit, level)
        elif how == "profile":
            lo, hi = profile_interval(table.k, table.counts, fit, level)
        else:
            raise EstimationError(f"Unknown interval {how!r}; expected 'profile' or 'wald' "
                                  "(or bootstrap > 0 for BCa).")

    cands = tuple({"model": list(labels(c.terms, table.lists)), "estimate": round(c.estimate, 4),
                   "aic": round(c.aic, 4), "bic": round(c.bic, 4), "loglik": round(c.loglik, 4),
                   "npar": c.npar} for c in selection.candidates)
    provenance: dict[str, Any] = {
        "method": method, "p_threshold": p_threshold if method == "stepwise" else None,
        "max_order": max_order, "bootstrap": bootstrap, "seed": seed,
        "workers": None if replicates is None else (workers or "all cores"),
        "skipped_models": selection.skipped,
        "table_sha256": hashlib.sha256(table.counts.tobytes()).hexdigest(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": versions(),
    }
    return PopulationEstimate(
        observed=table.observed, estimate=fit.estimate, se=se, ci_lower=lo, ci_upper=hi,
        level=level, interval=how, method=method, lists=table.lists,
        model=labels(fit.terms, table.lists),
        infinite_terms=tuple(label_term(t, table.lists) for t in fit.infinite),
        candidates=cands, warnings=tuple(warnings), provenance=provenance,
        replicates=replicates, acceleration=accel, _table=table, _selection=selection)


def _check_options(method: str, model: Sequence[str] | None, max_order: int | None,
                   p_threshold: float | None, bootstrap: int, interval: str | None,
                   workers: int | None, level: float) -> None:
    def fail(message: str) -> None:
        raise EstimationError(message, method=method)

    if method not in (*SELECTION_METHODS, "fixed"):
        fail(f"Unknown log-linear method {method!r}; expected one of "
             f"{', '.join((*SELECTION_METHODS, 'fixed'))}.")
    if (model is not None) != (method == "fixed"):
        fail("A fixed model needs model=[...] and method 'fixed' (or no method); "
             f"method {method!r} selects its own model, so model= contradicts it."
             if model is not None else "Method 'fixed' needs model=[...] (e.g. ['LA:NG']).")
    if p_threshold is not None and method != "stepwise":
        fail(f"p_threshold is an option of 'stepwise' only, not of {method!r}.")
    if p_threshold is not None and not 0 < p_threshold < 1:
        fail(f"p_threshold must be between 0 and 1; got {p_threshold}.")
    if max_order is not None and method not in ("bic", "aic"):
        fail(f"max_order is an option of 'bic' and 'aic' only, not of {method!r}.")
    if bootstrap < 0:
        fail(f"bootstrap must be 0 or more replicates; got {bootstrap}.")
    if interval is not None and bootstrap > 0:
        fail(f"interval={interval!r} contradicts bootstrap={bootstrap} (which gives a BCa "
             "interval); drop one of them.")
    if workers is not None and bootstrap == 0:
        fail("workers only applies to a bootstrap (bootstrap > 0).")
    if not 0 < level < 1:
        fail(f"level must be between 0 and 1; got {level}.")


def _select_top(spec: SelectSpec, table: CaptureTable, keep: int) -> Selection:
    if spec.terms is None and spec.method in ("bic", "aic"):
        from zicht.research.estimate.select import fit_exhaustive

        return fit_exhaustive(spec.k, table.counts, spec.method, spec.max_order, keep)
    return run_selection(spec, table.counts, None)


def _parse_model(model: Sequence[str] | None, table: CaptureTable) -> tuple[int, ...]:
    terms = []
    for label in model or ():
        try:
            t = parse_term(label, table.lists)
        except ValueError as exc:
            raise EstimationError(f"Model term {label!r} names a list not in the table "
                                  f"({', '.join(table.lists)}).") from exc
        if t.bit_count() >= 2:
            terms.append(t)
    return tuple(terms)


def _warnings(table: CaptureTable, sel: Selection, method: str, reps: int) -> list[str]:
    out = []
    if reps == 0 and method in ("stepwise", "bic", "aic"):
        out.append("The interval treats the selected model as known; it ignores model "
                   "selection and is too narrow. Use a bootstrap (--bootstrap 1000).")
    small = [name for name, n in table.list_totals.items() if n < SMALL_LIST]
    if small:
        out.append(f"Lists with fewer than {SMALL_LIST} people: {', '.join(small)}; "
                   "consider merging them.")
    if method in ("bic", "aic") and len(sel.candidates) > 1:
        a, b = sel.candidates[0], sel.candidates[1]
        gap = (b.bic - a.bic) if method == "bic" else (b.aic - a.aic)
        ratio = max(a.estimate, b.estimate) / min(a.estimate, b.estimate)
        if gap < 2 and ratio > 1.2:
            out.append(f"The two best models are within {gap:.2f} {method.upper()} points "
                       f"but their estimates differ by a factor {ratio:.2f}: model "
                       "uncertainty dominates; report a bootstrap interval.")
    if sel.fit.infinite:
        out.append("Terms with no observed overlap were fixed at minus infinity: "
                   + ", ".join(label_term(t, table.lists) for t in sel.fit.infinite) + ".")
    return out


def versions() -> dict[str, str]:
    import scipy  # its package alone: ~20 ms, less than importlib.metadata's ~30 ms

    import zicht

    return {"zicht": zicht.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
            "python": platform.python_version()}


def check_model(table: CaptureTable, model: Sequence[str]) -> int:
    """Existence / identifiability code of a model on a table (Chan, Silverman & Vincent
    2021): 0 fine, 1 no extended MLE, 2 not identifiable, 3 both.

    ``model`` lists terms as labels; single lists are ignored (main effects are always in).
    """
    from zicht.research.estimate.fit import check_model as check_terms

    return check_terms(table.k, table.counts, _parse_model(model, table))


_LOGLINEAR = "estimate_loglinear"
_ASSUME = {
    "main": "lists independent given the stratum, everyone equally catchable",
    "stepwise": "dependence between lists is pairwise and seen in the observed overlaps; "
                "no unobserved heterogeneity",
    "bic": "the best log-linear model by BIC describes the hidden cell",
    "aic": "the best log-linear model by AIC describes the hidden cell",
    "fixed": "the given log-linear model is right",
}
for _name, _text in _ASSUME.items():
    register(Method(_name, estimate_loglinear, "log-linear", _text))
register(Method("multiyear", "zicht.research.estimate.multiyear:estimate_multiyear",
                "log-linear", "one model over all years: list interactions shared by "
                "every year, each year its own list sizes; no unobserved heterogeneity",
                strata=True))

#: Rcapture's closedp models (``heterogeneity.py``), one registry entry each.
_RCAPTURE = "zicht.research.estimate.heterogeneity:fit_closedp_method"
_HETEROGENEITY = {
    "m0": "every list and every person alike",
    "mt": "lists differ, people alike (log-linear main effects)",
    "mb": "a trap response: the lists read as ordered occasions",
    "mbh": "a trap response plus a first-list effect",
}
for _shape, _text in (("chao", "a lower bound: visibility of any shape (Chao)"),
                      ("poisson2", "visibility with a heavy right tail (Poisson2)"),
                      ("darroch", "normal visibility on the logit scale (Darroch)"),
                      ("gamma", "gamma-type visibility (Gamma3.5)"),
                      ("normal", "normal visibility, integrated exactly")):
    _HETEROGENEITY[f"mh-{_shape}"] = f"lists equally likely to find anyone; {_text}"
    _HETEROGENEITY[f"mth-{_shape}"] = f"lists differ and persons differ in visibility, " \
                                       f"the same on every list; {_text}"
for _name, _text in _HETEROGENEITY.items():
    register(Method(f"rcapture-{_name}", _RCAPTURE, "heterogeneity", _text))
register(Method("rcapture-custom", "zicht.research.estimate.heterogeneity:fit_closedp_ci",
                "heterogeneity", "the user's log-linear model plus a heterogeneity column"))
register(Method("published", "zicht.research.estimate.published:estimate_published",
                "published rule", "the median of the credible methods, the envelope of "
                "their intervals, smoothed across three or more years (published.RULE)",
                strata=None))
register(Method("lcmcr", "zicht.research.estimate.latent_class:fit_lcmcr", "latent class",
                "persons fall in latent classes; lists independent within a class "
                "(Manrique-Vallier 2016, as R LCMCR)"))
register(Method("dga", "zicht.research.estimate.bma:fit_bma", "model averaging",
                "dependence is a decomposable graph; estimates averaged over graphs by "
                "posterior weight (Madigan & York 1997, as R dga); no heterogeneity"))
