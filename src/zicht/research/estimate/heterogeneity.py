"""Rcapture's closed-population models in Python: ``closedp.t`` and ``closedpCI.t``.

Every model is a Poisson log-linear model on the capture histories (Rivest &
Baillargeon 2007, Rcapture 1.4-4): M0, Mt, the heterogeneity models Mh and Mth (Chao's
lower bound, Poisson2, Darroch, Gamma3.5), the behavioural Mb and Mbh, and a user
model (interaction terms or a design matrix) with or without a heterogeneity column.
Estimates, standard errors, deviance, df, AIC, BIC and the warnings are Rcapture's;
intervals are ``closedpCI.t``'s multinomial profile likelihood. See
``docs/estimation.md`` ("Heterogeneity models (Rcapture)")::

    from zicht.research.estimate import reference_table
    from zicht.research.estimate.heterogeneity import fit_closedp, fit_closedp_model

    table = reference_table("uk_2013_5lists")
    fit_closedp(table).to_frame()                     # closedp's results table
    fit_closedp_model(table, "Mth", "darroch").summary()
    fit_closedp_ci(table, terms=["LA:NG"], heterogeneity="chao")

Only numpy is imported here; scipy and pandas load when a function needs them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from zicht.core.errors import EstimationError
from zicht.research.estimate.heterogeneity_design import (
    BASE_MODELS,
    DEFAULT_THETA,
    HETEROGENEITY,
    Design,
    model_design,
    user_design,
)
from zicht.research.estimate.heterogeneity_result import (
    ClosedPopulationEstimate,
    ClosedPopulationResults,
)
from zicht.research.estimate.table import CaptureTable

FloatArray = npt.NDArray[np.float64]

__all__ = ["METHODS", "ClosedPopulationEstimate", "ClosedPopulationResults",
           "fit_closedp", "fit_closedp_ci", "fit_closedp_method", "fit_closedp_model"]

#: method string -> (Rcapture row name, model, heterogeneity), in closedp.t's order.
METHOD_MODELS: dict[str, tuple[str, str, str | None]] = {
    "rcapture-m0": ("M0", "M0", None),
    "rcapture-mt": ("Mt", "Mt", None),
    "rcapture-mh-chao": ("Mh Chao (LB)", "Mh", "chao"),
    "rcapture-mh-poisson2": ("Mh Poisson2", "Mh", "poisson"),
    "rcapture-mh-darroch": ("Mh Darroch", "Mh", "darroch"),
    "rcapture-mh-gamma": ("Mh Gamma3.5", "Mh", "gamma"),
    "rcapture-mth-chao": ("Mth Chao (LB)", "Mth", "chao"),
    "rcapture-mth-poisson2": ("Mth Poisson2", "Mth", "poisson"),
    "rcapture-mth-darroch": ("Mth Darroch", "Mth", "darroch"),
    "rcapture-mth-gamma": ("Mth Gamma3.5", "Mth", "gamma"),
    "rcapture-mb": ("Mb", "Mb", None),
    "rcapture-mbh": ("Mbh", "Mbh", None),
}
#: closedpCI.t only (closedp.t does not fit them): the normal heterogeneity models.
NORMAL_MODELS: dict[str, tuple[str, str, str | None]] = {
    "rcapture-mh-normal": ("Mh Normal", "Mh", "normal"),
    "rcapture-mth-normal": ("Mth Normal", "Mth", "normal"),
}
#: The method strings for ``estimate(method=...)``; ``rcapture-custom`` is a user model.
METHODS: tuple[str, ...] = (*METHOD_MODELS, *NORMAL_MODELS, "rcapture-custom")

_NUMERIC_ERRORS = (np.linalg.LinAlgError, OverflowError, ValueError, FloatingPointError)
_NEGATIVE_ESTIMATE = ("the abundance estimate is negative: the behavioural model does "
                      "not fit these lists (Mb reads the lists as ordered occasions)")


def fit_closedp(table: CaptureTable, *, level: float = 0.95, neg: bool = True,
                fmax_upper: float = 3.0, intervals: bool = True) -> ClosedPopulationResults:
    """Every model of Rcapture's ``closedp.t`` (2 lists: M0, Mt, Mb only, as R).

    Each model with a profile interval as ``closedpCI.t(m=, h=)`` gives it (Mb and Mbh
    have none in Rcapture: a normal interval from the standard error; ``intervals=False``
    skips the profiles).
    """
    _check_common(table, level, fmax_upper)
    methods = (("rcapture-m0", "rcapture-mt", "rcapture-mb") if table.k == 2
               else tuple(METHOD_MODELS))
    models = tuple(_method_or_failed(table, m, level=level, neg=neg,
                                     fmax_upper=fmax_upper, interval=intervals)
                   for m in methods)
    return ClosedPopulationResults(observed=table.observed, lists=table.lists, level=level,
                                   models=models, provenance=_provenance(
                                       {"level": level, "neg": neg,
                                        "fmax_upper": fmax_upper}))


def fit_closedp_method(table: CaptureTable, method: str, *, level: float = 0.95,
                       neg: bool = True, fmax_upper: float = 3.0,
                       interval: bool = True) -> ClosedPopulationEstimate:
    """One model by its method string (``"rcapture-mh-darroch"``; see ``METHODS``)."""
    known = {**METHOD_MODELS, **NORMAL_MODELS}
    if method not in known:
        raise EstimationError(f"Unknown Rcapture method {method!r}; expected one of "
                              f"{', '.join(known)} (a user model: fit_closedp_ci).")
    _, model, kind = known[method]
    return fit_closedp_model(table, model, kind, level=level, neg=neg,
                             fmax_upper=fmax_upper, interval=interval)


def fit_closedp_model(table: CaptureTable, model: str = "Mh",
                      heterogeneity: str | None = None, *, theta: float | None = None,
                      level: float = 0.95, neg: bool = True, fmax_upper: float = 3.0,
                      interval: bool = True) -> ClosedPopulationEstimate:
    """One named model, as ``closedpCI.t(X, m=model, h=heterogeneity)``.

    ``model``: M0, Mt, Mh, Mth (with ``heterogeneity`` chao, poisson, darroch, gamma
    or normal; Mh / Mth default to chao, as Rcapture), or Mb, Mbh. The normal model
    has Rcapture's log-normal interval (Chao 1987), not a profile. ``theta`` sets the
    Poisson (default 2) or Gamma (default 3.5) parameter. ``neg=False`` keeps negative
    Chao ``eta`` parameters (Rcapture's ``h.control = list(neg = FALSE)``).
    """
    _check_common(table, level, fmax_upper)
    if model not in BASE_MODELS:
        raise EstimationError(f"Unknown model {model!r}; expected one of "
                              f"{', '.join(BASE_MODELS)}.")
    if model in ("Mh", "Mth"):
        if table.k < 3:
            raise EstimationError(f"Model {model} needs at least 3 lists; this table has "
                                  f"{table.k}. Use M0, Mt or Mb.")
        kind = _kind(heterogeneity or "chao")
        theta = _theta(kind, theta)
    else:
        if heterogeneity is not None or theta is not None:
            raise EstimationError(f"Model {model} has no heterogeneity: drop heterogeneity"
                                  f"={heterogeneity!r} / theta={theta!r}, or use Mh / Mth.")
        kind = None
    design = model_design(table.k, model, kind, theta)
    label = _label(model, kind, theta)
    method = _method_name(model, kind, theta)
    return _estimate(table, design, label, method, model, level=level, neg=neg,
                     fmax_upper=fmax_upper, interval=interval,
                     parameters={"model": model, "heterogeneity": kind, "theta": theta})


def fit_closedp_ci(table: CaptureTable, terms: Sequence[str] | None = None, *,
                   formula: str | None = None, design: npt.ArrayLike | None = None,
                   names: Sequence[str] | None = None,
                   heterogeneity: str | Callable[[FloatArray], FloatArray] | None = None,
                   theta: float | None = None, level: float = 0.95, neg: bool = True,
                   fmax_upper: float = 3.0) -> ClosedPopulationEstimate:
    """A user model, as ``closedpCI.t(X, mX=, h=)``, with its profile interval.

    The log-linear part is one of:

    - ``terms``: interaction labels such as ``["LA:NG", "NG:GP"]``; every main effect
      is in (Rcapture's ``mX = ~ c1 + ... + ck + c1:c2``);
    - ``formula``: Rcapture's formula, ``"~ LA + NG + PF + LA:NG"`` or
      ``"~ c1 + c2 + c3 + c1:c2"`` (lists by name or as ``c1 .. ck``); only the terms
      written are in, as in R;
    - ``design``: the columns of ``mX`` (without the intercept) over the table's cells
      in zicht's order (row ``h - 1`` for history bit mask ``h``), named by ``names``.

    ``heterogeneity`` adds Rcapture's ``h`` column(s): chao, poisson, darroch, gamma,
    normal (a normal random effect, fitted by quadrature), or a function of the number
    of captures ``c`` (an array) giving one column, like R's
    ``h = function(x) ...``.
    """
    _check_common(table, level, fmax_upper)
    if sum(v is not None for v in (terms, formula, design)) > 1:
        raise EstimationError("Give one of terms (interaction labels), formula or design "
                              "(a matrix), not several.")
    kind = _kind(heterogeneity) if isinstance(heterogeneity, str) else None
    if heterogeneity is not None and kind is None and not callable(heterogeneity):
        raise EstimationError("heterogeneity must be a name (chao, poisson, darroch, gamma) "
                              "or a function of the number of captures.")
    if kind is None and theta is not None:
        raise EstimationError("theta applies only to the poisson or gamma heterogeneity.")
    theta = _theta(kind, theta) if kind is not None else None
    if formula is not None:
        columns, col_names, label = _formula_design(table, formula)
    elif design is None:
        columns, col_names, label = _terms_design(table, list(terms or []))
    else:
        columns, col_names = _user_matrix(table, design, names)
        label = "mX"
    if kind == "chao" and table.k < 3:
        raise EstimationError("Chao's lower bound needs at least 3 lists.")
    h_spec = heterogeneity if callable(heterogeneity) else kind
    full = user_design(table.k, columns, col_names, h_spec, theta)
    if kind is not None:
        label += "+h=" + _label("", kind, theta).strip()
    elif callable(heterogeneity):
        label += "+h=" + getattr(heterogeneity, "__name__", "function")
    return _estimate(table, full, label, "rcapture-custom", None, level=level, neg=neg,
                     fmax_upper=fmax_upper, interval=True,
                     parameters={"terms": list(terms or []), "formula": formula,
                                 "design": design is not None,
                                 "heterogeneity": kind or (label.split("+h=")[-1]
                                                           if heterogeneity else None),
                                 "theta": theta})


# ---- internals ---------------------------------------------------------------------
def _method_or_failed(table: CaptureTable, method: str, **options: Any) -> ClosedPopulationEstimate:
    """A model of the closedp table; one that cannot be fitted keeps its row (R: NA, -1)."""
    try:
        return fit_closedp_method(table, method, **options)
    except EstimationError as exc:
        nan = math.nan
        return ClosedPopulationEstimate(
            method=method, model=METHOD_MODELS[method][0], observed=table.observed,
            estimate=nan, se=nan, ci_lower=nan, ci_upper=nan, level=options["level"],
            interval="none", profile_estimate=nan, deviance=nan, df=0, aic=nan, bic=nan,
            info_fit=-1, bias=nan, parameters={}, removed_eta=(), lists=table.lists,
            warnings=(f"error: {exc}",), provenance=_provenance(dict(options), method))


def _estimate(table: CaptureTable, design: Design, label: str, method: str,
              model: str | None, *, level: float, neg: bool, fmax_upper: float,
              interval: bool, parameters: dict[str, Any]) -> ClosedPopulationEstimate:
    from zicht.research.estimate.heterogeneity_fit import fit_design, fit_normal_design
    from zicht.research.estimate.heterogeneity_profile import profile_interval

    if table.observed == 0:
        raise EstimationError("The capture table is empty: nobody was observed.")
    try:
        fit = (fit_normal_design(design, table.counts) if design.heterogeneity == "normal"
               else fit_design(design, table.counts, model, neg=neg))
    except _NUMERIC_ERRORS as exc:  # R's glm stops with an error here too
        raise EstimationError(f"Model {label} could not be fitted ({exc}): the design is "
                              "(nearly) singular on these data. Use a simpler model.",
                              model=label) from exc
    warnings = list(fit.warnings)
    if fit.removed_eta:
        warnings.append(f"negative {', '.join(fit.removed_eta)} set to zero "
                        "(Chao lower bound; Rcapture neg=TRUE)")
    if math.isfinite(fit.abundance) and fit.abundance < table.observed:
        warnings.append(_NEGATIVE_ESTIMATE if fit.abundance < 0 else
                        "the abundance estimate is below the observed count")
    if math.isinf(fit.abundance):
        warnings.append("the abundance estimate is infinite: the hidden number is not "
                        "identified by this model on these data")
    lower = upper = profile_n = math.nan
    kind = "none"
    if model in ("Mb", "Mbh"):
        if math.isfinite(fit.stderr):
            from scipy.stats import norm

            z = float(norm.ppf(0.5 + level / 2))
            half = z * fit.stderr
            lower, upper, kind = fit.abundance - half, fit.abundance + half, "wald"
    elif design.heterogeneity == "normal":
        from zicht.research.estimate.heterogeneity_normal import chao_log_interval

        if math.isfinite(fit.stderr) and fit.abundance > table.observed:
            lower, upper = chao_log_interval(table.observed, fit.abundance, fit.stderr, level)
            kind = "log-normal"
    elif not fit.full_rank:
        warnings.append("no profile interval: design matrix not of full rank")
    elif interval and math.isfinite(fit.abundance):
        try:
            prof = profile_interval(design, table.counts, fit.abundance, alpha=1 - level,
                                    fmax=fmax_upper, neg=neg)
        except _NUMERIC_ERRORS as exc:  # Rcapture's CI.err: no interval, the fit stands
            warnings.append("no profile interval: the multinomial loglikelihood "
                            f"calculation produced an error ({exc})")
        else:
            lower, upper, profile_n, kind = prof.lower, prof.upper, prof.estimate, "profile"
            warnings += [f"interval: {w}" for w in prof.warnings]
    elif interval:
        warnings.append("no profile interval: the estimate is infinite")
    return ClosedPopulationEstimate(
        method=method, model=label, observed=table.observed, estimate=fit.abundance,
        se=fit.stderr, ci_lower=lower, ci_upper=upper, level=level, interval=kind,
        profile_estimate=profile_n, deviance=fit.deviance, df=fit.df, aic=fit.aic,
        bic=fit.bic, info_fit=fit.info_fit, bias=fit.bias, parameters=fit.coef,
        removed_eta=fit.removed_eta, lists=table.lists, warnings=tuple(warnings),
        provenance=_provenance({**parameters, "level": level, "neg": neg,
                                "fmax_upper": fmax_upper}, method))


def _check_common(table: CaptureTable, level: float, fmax_upper: float) -> None:
    if not isinstance(table, CaptureTable):
        raise EstimationError("Rcapture models take a CaptureTable "
                              "(CaptureTable.from_csv / from_frame).")
    if not 0 < level < 1:
        raise EstimationError(f"Confidence level {level} is not between 0 and 1 "
                              "(use e.g. 0.95).", level=level)
    if not fmax_upper > 1:
        raise EstimationError(f"fmax_upper={fmax_upper}: the upper limit is searched up to "
                              "fmax_upper times the estimate, so it must exceed 1.")


def _kind(heterogeneity: str) -> str:
    kind = heterogeneity.strip().lower()
    kind = {"lb": "chao", "chao (lb)": "chao", "poisson2": "poisson",
            "gamma3.5": "gamma"}.get(kind, kind)
    if kind not in HETEROGENEITY:
        raise EstimationError(f"Unknown heterogeneity {heterogeneity!r}; expected one of "
                              f"{', '.join(HETEROGENEITY)}.")
    return kind


def _theta(kind: str | None, theta: float | None) -> float | None:
    if kind not in DEFAULT_THETA:
        if theta is not None:
            raise EstimationError(f"theta applies only to poisson or gamma, not {kind}.")
        return None
    if theta is None:
        return DEFAULT_THETA[kind]
    if not theta > 0:
        raise EstimationError(f"theta must be positive; got {theta}.")
    return float(theta)


def _label(model: str, kind: str | None, theta: float | None) -> str:
    if kind is None:
        return model
    word = {"chao": "Chao (LB)", "darroch": "Darroch", "normal": "Normal"}.get(kind)
    if word is None:
        word = f"{kind.capitalize()}{theta:g}"
    return f"{model} {word}"


def _method_name(model: str, kind: str | None, theta: float | None) -> str:
    if kind is None:
        return f"rcapture-{model.lower()}"
    name = f"rcapture-{model.lower()}-{kind}"
    if kind == "poisson" or (kind == "gamma" and theta != DEFAULT_THETA["gamma"]):
        name += f"{theta:g}"
    return name


def _terms_design(table: CaptureTable,
                  terms: list[str]) -> tuple[np.ndarray, tuple[str, ...], str]:
    from zicht.research.estimate.design import label_term, parse_term, term_column

    masks: list[int] = []
    for label in terms:
        try:
            t = parse_term(label, table.lists)
        except ValueError:
            raise EstimationError(f"Term {label!r} names a list the table does not have; "
                                  f"lists are {', '.join(table.lists)}.") from None
        if t.bit_count() < 2:
            raise EstimationError(f"Term {label!r} is a main effect; main effects are always "
                                  "in. Give interactions such as 'A:B'.")
        if t in masks:
            raise EstimationError(f"Term {label!r} is given twice.")
        masks.append(t)
    cols = [1 << j for j in range(table.k)] + masks
    x = np.column_stack([term_column(table.k, t) for t in cols])
    names = tuple(label_term(t, table.lists) for t in cols)
    return x, names, "~" + "+".join(names)


def _formula_design(table: CaptureTable,
                    formula: str) -> tuple[np.ndarray, tuple[str, ...], str]:
    """Rcapture's ``mX`` formula: ``~ 1 + LA + NG + LA:NG`` (or ``c1``, ``c2`` ...)."""
    from zicht.research.estimate.design import label_term, term_column

    body = formula.strip()
    if not body.startswith("~"):
        raise EstimationError(f"Formula {formula!r} must start with '~', e.g. '~ A + B + A:B'.")
    masks: list[int] = []
    for raw in body[1:].split("+"):
        label = raw.strip()
        if label in ("", "1"):
            continue
        if label in ("0", "-1") or "-" in label:
            raise EstimationError("The intercept cannot be removed (Rcapture refuses it too); "
                                  f"drop {label!r} from the formula.")
        mask = 0
        for part in label.split(":"):
            mask |= 1 << _list_index(table, part.strip(), formula)
        if mask not in masks:
            masks.append(mask)
    x = (np.column_stack([term_column(table.k, t) for t in masks]) if masks
         else np.zeros((2**table.k - 1, 0)))
    names = tuple(label_term(t, table.lists) for t in masks)
    return x, names, "~" + "+".join(names or ("1",))


def _list_index(table: CaptureTable, name: str, formula: str) -> int:
    if name in table.lists:
        return table.lists.index(name)
    if name.startswith("c") and name[1:].isdigit() and 1 <= int(name[1:]) <= table.k:
        return int(name[1:]) - 1
    raise EstimationError(f"Formula {formula!r} names {name!r}, which is neither a list "
                          f"({', '.join(table.lists)}) nor c1 .. c{table.k}.")


def _user_matrix(table: CaptureTable, design: npt.ArrayLike,
                 names: Sequence[str] | None) -> tuple[np.ndarray, tuple[str, ...]]:
    x = np.asarray(design, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    cells = 2**table.k - 1
    if x.ndim != 2 or x.shape[0] != cells:
        raise EstimationError(f"design must have one row per observable history "
                              f"({cells} for {table.k} lists); got shape {x.shape}.")
    if not np.isfinite(x).all():
        raise EstimationError("design holds a non-finite value.")
    if names is None:
        names = [f"mX.{j + 1}" for j in range(x.shape[1])]
    if len(names) != x.shape[1]:
        raise EstimationError(f"names has {len(names)} entries for {x.shape[1]} columns.")
    return x, tuple(names)


def _provenance(parameters: dict[str, Any], method: str = "rcapture-closedp") -> dict[str, Any]:
    from zicht import __version__

    return {"method": method, "parameters": parameters, "seed": None,
            "reference": "Rcapture 1.4-4 closedp.t / closedpCI.t (Rivest & Baillargeon)",
            "versions": {"zicht": __version__, "numpy": np.__version__,
                         "scipy": _scipy_version()}}


def _scipy_version() -> str:
    import scipy

    return str(scipy.__version__)
