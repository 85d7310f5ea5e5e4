"""Fitting one Rcapture model: the Poisson GLM, Chao's negative eta, N, its error, bias.

Follows Rcapture 1.4-4 (``closedp.fitone``, ``Chao.neg``, ``getN``, the Mb / Mbh
formulas of ``closedp.internal``) step by step, with the GLM of
:func:`zicht.research.estimate.fit.newton_glm` (R's ``glm.fit`` rules), so that the
figures and the warnings are Rcapture's. Heavy imports stay inside the functions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from zicht.research.estimate.heterogeneity_design import Design

if TYPE_CHECKING:
    from zicht.research.estimate.fit import GlmFit

FloatArray = npt.NDArray[np.float64]

BIAS_WARNING = "the asymptotic bias is large"
RANK_WARNING = "glm: design matrix not of full rank"


@dataclass(frozen=True, eq=False)
class OneFit:
    """One fitted model with Rcapture's results-table figures."""

    abundance: float
    stderr: float
    deviance: float
    df: int
    aic: float
    bic: float
    bias: float
    coef: dict[str, float]
    removed_eta: tuple[str, ...]
    warnings: tuple[str, ...]
    full_rank: bool

    @property
    def info_fit(self) -> int:
        """Rcapture's ``infoFit`` code (0 = no warning; see ``info_code``)."""
        return info_code(self.warnings)


def glm(design_x: FloatArray, names: tuple[str, ...], y: FloatArray, *,
        r_path: bool = False) -> tuple[GlmFit, list[str], tuple[str, ...]]:
    """R's ``glm.call``: the fit and its warnings prefixed ``glm:``; names of kept columns.

    ``r_path`` follows R's rounding path (LINPACK, :mod:`.linpack`): slower, and needed
    only where the fit is so ill-conditioned that R's last digits decide the answer.
    """
    from zicht.research.estimate.fit import newton_glm
    from zicht.research.estimate.linpack import glm_fit_r

    x = np.column_stack([np.ones(y.size), design_x]) if design_x.size else np.ones((y.size, 1))
    fit = glm_fit_r(x, y) if r_path else newton_glm(x, y)
    warnings = [f"glm: {w}" for w in fit.warnings]
    if not fit.kept.all():
        note = " (fewer rows than columns)" if x.shape[0] < x.shape[1] else ""
        warnings.append(RANK_WARNING + note)
    kept_names = tuple(n for n, keep in zip(("Intercept", *names), fit.kept, strict=True)
                       if keep)
    return fit, warnings, kept_names


def chao_negative(x: FloatArray, names: tuple[str, ...], y: FloatArray, nca: int
                  ) -> tuple[GlmFit, list[str], tuple[str, ...], FloatArray, tuple[str, ...],
                             tuple[str, ...]]:
    """Fit, then drop the first negative ``eta`` and refit until none is negative.

    Rcapture's ``Chao.neg`` (``neg = TRUE``): a negative ``eta`` would make the lower
    bound no lower bound, so it is set to zero. Returns the last fit, its warnings,
    its kept names, the final design columns and names, and the removed names.
    """
    fit, warnings, kept = glm(x, names, y)
    removed: list[str] = []
    while True:
        coefs = dict(zip(kept, fit.coef, strict=True))
        pos = next((j for j, n in enumerate(names)
                    if j + 1 >= nca and coefs.get(n, 0.0) < 0), None)
        if pos is None:
            return fit, warnings, kept, x, names, tuple(removed)
        removed.append(names[pos])
        x = np.delete(x, pos, axis=1)
        names = names[:pos] + names[pos + 1:]
        fit, new_warnings, kept = glm(x, names, y)
        warnings = warnings + [f"after removing {removed[-1]}: {w}" for w in new_warnings]


def fit_design(design: Design, counts: npt.NDArray[np.int64], model: str | None,
               *, neg: bool = True) -> OneFit:
    """Fit one model on a table's counts: Rcapture's ``closedp.fitone`` and ``getN``."""
    y = counts.astype(np.float64)
    n = float(y.sum())
    if design.heterogeneity == "chao" and neg:
        fit, warnings, kept, x, _, removed = chao_negative(design.x, design.names, y,
                                                               design.nca)
    else:
        fit, warnings, kept = glm(design.x, design.names, y)
        x, removed = design.x, ()
    coef = dict(zip(kept, (float(v) for v in fit.coef), strict=True))
    full_rank = bool(fit.kept.all())
    xi = np.column_stack([np.ones(y.size), x])[:, fit.kept]
    bias = _bias(xi, fit.cov, fit.fitted, fit.coef[0]) if full_rank else math.nan
    if model == "Mb" and full_rank:
        abundance, stderr = _mb(fit.coef, fit.cov, len(counts).bit_length())
    elif model == "Mbh" and full_rank:
        abundance, stderr = _mbh(fit.coef, fit.cov, len(counts).bit_length())
    elif model in ("Mb", "Mbh"):
        abundance = stderr = math.nan
    else:
        abundance, stderr = abundance_se(n, float(fit.coef[0]), float(fit.cov[0, 0]))
    if not math.isnan(bias) and abs(bias) > 0.1 * abundance:
        warnings.append(BIAS_WARNING)
    aic = -2.0 * fit.loglik + 2.0 * fit.rank
    return OneFit(abundance=abundance, stderr=stderr, deviance=fit.deviance,
                  df=y.size - fit.rank, aic=aic, bic=aic + (math.log(n) - 2.0) * fit.rank,
                  bias=bias, coef=coef, removed_eta=removed, warnings=tuple(warnings),
                  full_rank=full_rank)


def fit_normal_design(design: Design, counts: npt.NDArray[np.int64]) -> OneFit:
    """The normal model (``h = "Normal"``): started from the Darroch fit, as Rcapture."""
    from zicht.research.estimate.heterogeneity_design import (
        capture_counts,
        rcapture_row_order,
    )
    from zicht.research.estimate.heterogeneity_normal import fit_normal

    y = counts.astype(np.float64)
    n = float(y.sum())
    npar = design.x.shape[1] + 2
    if y.size < npar:
        raise ValueError(f"the model was not fitted because the number of parameters "
                         f"({npar}) is larger than the number of observations ({y.size})")
    c = capture_counts(len(counts).bit_length()).astype(np.float64)
    # the Darroch start drifts to the boundary on sparse tables, where the digits it
    # stops at move the normal optimum: R's own rounding path, rows in R's order
    rows = rcapture_row_order(len(counts).bit_length())
    start_fit, start_warnings, _ = glm(np.column_stack([design.x, c**2 / 2])[rows],
                                       (*design.names, "tau"), y[rows], r_path=True)
    fit = fit_normal(design.x, y, start_fit.coef[:design.x.shape[1] + 1])
    warnings = [f"warning from a call to glm to determine 'initcoef': {w}"
                for w in start_warnings] + list(fit.warnings)
    abundance, stderr = abundance_se(n, float(fit.par[0]), float(fit.cov[0, 0]))
    aic = -2.0 * fit.loglik + 2.0 * npar
    coef = dict(zip(("Intercept", *design.names, "sigma"), (float(v) for v in fit.par),
                    strict=True))
    return OneFit(abundance=abundance, stderr=stderr, deviance=fit.deviance,
                  df=y.size - npar, aic=aic, bic=aic + (math.log(n) - 2.0) * npar,
                  bias=math.nan, coef=coef, removed_eta=(), warnings=tuple(warnings),
                  full_rank=True)


def abundance_se(n: float, intercept: float, var_intercept: float) -> tuple[float, float]:
    """Rcapture's ``getN``: ``n + exp(b0)`` and the delta-method error with the Poisson term."""
    hidden = _exp(intercept)
    return n + hidden, math.sqrt(hidden + hidden**2 * var_intercept)


def _exp(v: float) -> float:
    return math.exp(v) if v < 709.0 else math.inf


def _bias(xi: FloatArray, cov: FloatArray, mu: FloatArray, intercept: float) -> float:
    """Asymptotic bias of the hidden number (Rcapture, after Louis-Paul Rivest)."""
    xi_ = -0.5 * np.einsum("ij,jk,ik->i", xi, cov, xi)
    psi = -2.0 * xi.T @ (mu * xi_)
    psi[0] -= 1.0
    vec1 = -cov @ psi
    return float(0.5 * _exp(intercept) * vec1[0])


def _mb(b: FloatArray, cov: FloatArray, t: int) -> tuple[float, float]:
    """Model Mb: N and its standard error (Rcapture's closed form)."""
    e1, e2, e3 = math.exp(b[0]), math.exp(b[1]), math.exp(b[2])
    big_n = e1 * (1 + e3) ** t / (1 + e3 - e2)
    v = big_n * np.array([1.0, e2 / (1 + e3 - e2), t * e3 / (1 + e3) - e3 / (1 + e3 - e2)])
    return big_n, _sqrt(float(v @ cov @ v) - big_n)


def _mbh(b: FloatArray, cov: FloatArray, t: int) -> tuple[float, float]:
    """Model Mbh: N and its standard error (Rcapture's closed form)."""
    e1 = math.exp(b[0])
    den = 1 + math.exp(b[3]) - math.exp(b[2])
    a = math.exp(b[1] + b[2]) / den
    base = e1 * (1 + math.exp(b[3])) ** (t - 1)
    big_n = base * (1 + a)
    v = base * np.array([
        1 + a, a, a + math.exp(b[1] + 2 * b[2]) / den**2,
        (t - 1) * math.exp(b[3]) / (1 + math.exp(b[3]))
        - math.exp(b[1] + b[2] + b[3]) / den**2])
    return big_n, _sqrt(float(v @ cov @ v) - big_n)


def _sqrt(v: float) -> float:
    return math.sqrt(v) if v >= 0 else math.nan


def info_code(warnings: tuple[str, ...] | list[str], error: bool = False) -> int:
    """Rcapture's ``getInfo``: 0 none, 1 convergence / bias, 2 rank, 3 other (digits joined)."""
    if error:
        return -1
    if not warnings:
        return 0
    codes = set()
    for w in warnings:
        if "converge" in w or "the sigma estimate is non-positive" in w or BIAS_WARNING in w:
            codes.add(1)
        elif "design matrix not of full rank" in w:
            codes.add(2)
        elif "multinomial estimation" in w:
            codes.add(4)
        elif "lower bound" in w:
            codes.add(5)
        elif "upper bound" in w:
            codes.add(6)
        else:
            codes.add(3)
    return int("".join(str(c) for c in sorted(codes)))
