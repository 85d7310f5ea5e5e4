"""Hidden-number estimation by multiple systems estimation (MSE).

Usable on its own::

    from zicht.research.estimate import CaptureTable, estimate

    table = CaptureTable.from_csv("uk_2013_5lists.csv")
    result = estimate(table, method="stepwise", bootstrap=1000, seed=1)
    print(result.summary())
    result.to_frame()          # estimate, se, ci_lower, ci_upper, level

Methods: ``main``, ``stepwise`` (Chan, Silverman & Vincent 2021), ``bic`` / ``aic``
(exhaustive over hierarchical log-linear models), ``fixed`` (``model=[...]``).
Bayesian model averaging over decomposable graphs (R ``dga``): ``fit_bma``.
Strata: ``estimate_strata`` (per stratum, their sum, the pooled estimate) and
``estimate_covariate`` (one model, the stratum as a covariate). See
``docs/estimation.md``.
"""

from zicht.research.estimate.api import check_model, estimate
from zicht.research.estimate.bma import ModelAveragedEstimate, fit_bma
from zicht.research.estimate.covariate import CovariateEstimate, estimate_covariate
from zicht.research.estimate.reference import reference_table
from zicht.research.estimate.result import PopulationEstimate
from zicht.research.estimate.strata import StratifiedEstimate, estimate_strata
from zicht.research.estimate.table import CaptureTable

__all__ = [
    "CaptureTable",
    "CovariateEstimate",
    "ModelAveragedEstimate",
    "PopulationEstimate",
    "StratifiedEstimate",
    "check_model",
    "estimate",
    "estimate_covariate",
    "estimate_strata",
    "fit_bma",
    "reference_table",
]
