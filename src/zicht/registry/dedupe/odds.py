"""The prior odds of a match (λ) and the algebra around it.

λ is the share of candidate *pairs* that match. A pair's match weight is its log2
Bayes factor plus logit2(λ); the Bayes factor stays true when λ moves (more reports,
a re-estimate, reviewers' labels), so kept pairs are stored as Bayes factors and
scored again with the λ of the day (``with_lambda``).
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
import pandas as pd

log = logging.getLogger("zicht.dedupe")

__all__ = ["LAMBDA_HEADROOM", "log2_bayes_factors", "logit2", "prior_lambda",
           "reestimate_lambda", "rescale_lambda", "with_lambda"]

#: How far the λ re-estimate may move from the rule-based start (a factor).
LAMBDA_HEADROOM = 8.0


def prior_lambda(n: int) -> float:
    # About 0.13 duplicate reports per report (5,533 reports of 4,894 victims) spread
    # over n(n-1)/2 pairs; clipped for tiny registries.
    return min(0.05, max(1e-9, 0.13 * n / max(1.0, n * (n - 1) / 2)))


def rescale_lambda(model: dict[str, Any], n_before: int, n_now: int, *,
                   trained: bool) -> dict[str, Any]:
    """The earlier ``model`` with λ moved from ``n_before`` to ``n_now`` records.

    λ is the share of *pairs* that match: matches grow with n, pairs with n², so λ
    scales by (n_before - 1) / (n_now - 1). The priors' λ is exactly that rule
    (``_prior_lambda``), so an untrained incremental run scores as a full one (with
    the old λ a pair near 0.5 flipped between the two).
    """
    old = float(model.get("probability_two_random_records_match") or 0.0)
    if old <= 0.0 or n_now < 2:
        return model
    new = (min(0.5, old * max(1, n_before - 1) / max(1, n_now - 1)) if trained
           else prior_lambda(n_now))
    return {**model, "probability_two_random_records_match": new}


def with_lambda(bayes_factors: pd.DataFrame, model: dict[str, Any]) -> pd.DataFrame:
    """Scored pairs from kept ``log2_bayes_factor``s and the model's λ."""
    lam = float(model["probability_two_random_records_match"])
    weight = bayes_factors["log2_bayes_factor"].to_numpy(float) + logit2(lam)
    return pd.DataFrame({
        "unique_id_l": bayes_factors["unique_id_l"].to_numpy("int64"),
        "unique_id_r": bayes_factors["unique_id_r"].to_numpy("int64"),
        "match_probability": 1.0 / (1.0 + np.exp2(-weight)), "match_weight": weight})


def log2_bayes_factors(pairs: pd.DataFrame, model: dict[str, Any]) -> np.ndarray:
    """Each pair's weight without the prior odds: what stays true when λ moves."""
    lam = float(model.get("probability_two_random_records_match") or 0.5)
    return np.asarray(pairs["match_weight"].to_numpy(float) - logit2(lam), dtype=float)


def logit2(p: float) -> float:
    return math.log2(p / (1.0 - p))


def reestimate_lambda(pairs: pd.DataFrame, model: dict[str, Any], n: int,
                      iterations: int = 50) -> tuple[pd.DataFrame, dict[str, Any]]:
    """λ (the share of pairs that match) as the EM fixed point on the scored pairs:
    λ = Σ P(match) / all pairs, with every pair's Bayes factor held fixed.

    The first λ comes from the deterministic rules with an *assumed* recall, which
    is only right when the data are as clean as assumed; this one needs no
    assumption. Pairs outside the blocking or below the prediction floor count as
    non-matches. The change is bounded to ``LAMBDA_HEADROOM`` either way (the pairs
    below the floor were not collected), and weights shift by the change of prior.
    """
    total = n * (n - 1) / 2
    start = float(model["probability_two_random_records_match"])
    if pairs.empty or total <= 0:
        return pairs, model
    base = pairs["match_weight"].to_numpy(float) - logit2(start)  # log2 Bayes factors
    lam = start
    for _ in range(iterations):
        prob = 1.0 / (1.0 + np.exp2(-(base + logit2(lam))))
        new = min(max(float(prob.sum()) / total, start / LAMBDA_HEADROOM),
                  start * LAMBDA_HEADROOM, 0.5)
        if abs(new - lam) <= 1e-4 * lam:
            lam = new
            break
        lam = new
    weight = base + logit2(lam)
    out = pairs.assign(match_weight=weight, match_probability=1.0 / (1.0 + np.exp2(-weight)))
    model = {**model, "probability_two_random_records_match": lam}
    log.info("λ re-estimated from the scored pairs: %.3g -> %.3g", start, lam)
    return out, model
