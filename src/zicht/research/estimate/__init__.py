"""Hidden-number estimation by multiple systems estimation (MSE).

Usable on its own::

    from zicht.research.estimate import CaptureTable, estimate

    table = CaptureTable.from_csv("uk_2013_5lists.csv")
    result = estimate(table, method="stepwise", bootstrap=1000, seed=1)
    print(result.summary())
    result.to_frame()          # estimate, se, ci_lower, ci_upper, level

Methods (one registry, ``METHODS``): ``main``, ``stepwise`` (Chan, Silverman & Vincent
2021), ``bic`` / ``aic`` (exhaustive over hierarchical log-linear models), ``fixed``
(``model=[...]``), ``multiyear`` (one model over all years, a mapping of tables),
``rcapture-*`` (Rcapture's heterogeneity models), ``lcmcr`` (latent classes), ``dga``
(Bayesian model averaging over decomposable graphs, ``fit_bma``), ``published`` (every
method side by side and the figure by the published rule, ``PublishedEstimate``).
Strata: ``estimate_strata`` (per stratum, their sum, the pooled estimate) and
``estimate_covariate`` (one model, the stratum as a covariate). Latent classes:
``fit_lcmcr`` (Manrique-Vallier 2016, as R LCMCR; Bayesian, with R-hat and ESS). See
``docs/estimation.md``.
"""

from typing import TYPE_CHECKING, Any

from zicht.research.estimate.api import METHODS, Method, check_model, estimate, register
from zicht.research.estimate.reference import reference_table
from zicht.research.estimate.result import PopulationEstimate
from zicht.research.estimate.table import CaptureTable

if TYPE_CHECKING:
    from zicht.research.estimate.bma import ModelAveragedEstimate, fit_bma
    from zicht.research.estimate.covariate import CovariateEstimate, estimate_covariate
    from zicht.research.estimate.latent_class import LatentClassEstimate, fit_lcmcr
    from zicht.research.estimate.strata import StratifiedEstimate, estimate_strata

# Imported on first use (PEP 562), so that ``zicht estimate TABLE.csv`` loads only the
# log-linear fit it runs (issue 17).
_LAZY = {
    "ModelAveragedEstimate": "bma", "fit_bma": "bma",
    "CovariateEstimate": "covariate", "estimate_covariate": "covariate",
    "LatentClassEstimate": "latent_class", "fit_lcmcr": "latent_class",
    "StratifiedEstimate": "strata", "estimate_strata": "strata",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "METHODS",
    "CaptureTable",
    "CovariateEstimate",
    "LatentClassEstimate",
    "Method",
    "ModelAveragedEstimate",
    "PopulationEstimate",
    "StratifiedEstimate",
    "check_model",
    "estimate",
    "estimate_covariate",
    "estimate_strata",
    "fit_bma",
    "fit_lcmcr",
    "reference_table",
    "register",
]
