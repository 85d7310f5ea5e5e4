"""Reviewers teach the model: decided pairs as labels.

Every accept or reject in the review queue is a labelled pair. They are used twice:

* **Calibration** (``calibrate_offset``): the model's match weights are shifted by one
  offset δ (bits of prior odds) so that the reviewed pairs' probabilities agree with
  the reviewers' decisions: the maximum of the labels' Bernoulli likelihood under
  ``P(match) = σ(ln 2 · (w + δ))`` with a normal prior on δ (mean 0, sd ``PRIOR_BITS``),
  i.e. a one-parameter logistic recalibration (Platt scaling with the slope fixed at
  1). Clustering at 0.5 on the shifted weights is the same as clustering at the
  threshold the labels choose; λ moves by the same factor, so later incremental runs
  start from it. With fewer than ``MIN_LABELS`` labels, or only one kind, δ = 0.
* **Accuracy** (``reviewed_accuracy``): precision and recall of the links *in the
  review band*, estimated from the reviewed pairs with Wilson 95% intervals: of the
  reviewed pairs that were linked, the share reviewers accepted (precision); of the
  accepted pairs, the share that was linked (recall). The band is where the model is
  unsure, so these are lower bounds for the registry as a whole.

The queue itself is ordered by how much a decision would teach: most uncertain first,
``(p - 0.5)²`` ascending (``zicht.registry.review.list_review``): a decision on a pair
at 0.5 has the largest expected change of the labels' likelihood.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from zicht.registry.dedupe.models import LinkDecision, ReviewPair, table_of

__all__ = ["MIN_LABELS", "Estimate", "apply_offset", "calibrate_offset",
           "reviewed_accuracy", "wilson"]

#: Fewest labelled pairs (with both kinds among them) to calibrate on.
MIN_LABELS = 20
#: Prior sd of the offset, in bits: labels move the model, a few cannot overturn it.
PRIOR_BITS = 2.0
#: The offset stays within this many bits either way.
MAX_BITS = 8.0


@dataclass(frozen=True)
class Estimate:
    """A share estimated from ``n`` reviewed pairs, with a Wilson 95% interval."""

    value: float | None
    low: float | None
    high: float | None
    n: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def wilson(k: int, n: int, z: float = 1.959964) -> Estimate:
    """The Wilson score interval of ``k`` successes in ``n`` trials."""
    if n <= 0:
        return Estimate(None, None, None, 0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half), n)


def reviewed_accuracy(conn: Connection) -> dict[str, Estimate]:
    """Precision and recall in the review band from the decided review pairs (the
    latest, unrevoked decision of each)."""
    t, d = table_of(ReviewPair), table_of(LinkDecision)
    rows = conn.execute(
        select(t.c.id, t.c.linked, d.c.decision)
        .join(d, d.c.review_id == t.c.id)
        .where(t.c.status == "decided", d.c.revoked_at.is_(None), d.c.origin == "review")
        .order_by(d.c.id)).all()
    latest = {r.id: (bool(r.linked), r.decision == "match") for r in rows}
    linked = [match for was_linked, match in latest.values() if was_linked]
    matches = [was_linked for was_linked, match in latest.values() if match]
    return {"precision": wilson(sum(linked), len(linked)),
            "recall": wilson(sum(matches), len(matches))}


def calibrate_offset(pairs: pd.DataFrame, labels: pd.DataFrame) -> float:
    """δ in bits (see the module docstring) from ``labels`` (``unique_id_l``,
    ``unique_id_r``, ``decision``) and the scored ``pairs`` (``match_weight``)."""
    if labels.empty or pairs.empty:
        return 0.0
    a = np.minimum(pairs["unique_id_l"], pairs["unique_id_r"]).to_numpy(np.int64)
    b = np.maximum(pairs["unique_id_l"], pairs["unique_id_r"]).to_numpy(np.int64)
    weight = pd.Series(pairs["match_weight"].to_numpy(float), index=pd.MultiIndex.from_arrays(
        [a, b])).groupby(level=[0, 1]).max()
    la = np.minimum(labels["unique_id_l"], labels["unique_id_r"]).to_numpy(np.int64)
    lb = np.maximum(labels["unique_id_l"], labels["unique_id_r"]).to_numpy(np.int64)
    key = pd.MultiIndex.from_arrays([la, lb])
    w = weight.reindex(key).to_numpy(float)
    y = (labels["decision"].to_numpy() == "match").astype(float)
    known = ~np.isnan(w)
    w, y = w[known], y[known]
    if len(w) < MIN_LABELS or y.min() == y.max():
        return 0.0
    x = w * math.log(2)
    delta = 0.0  # natural-log units
    prior_var = (PRIOR_BITS * math.log(2)) ** 2
    for _ in range(50):
        p = 1 / (1 + np.exp(-(x + delta)))
        grad = float((y - p).sum()) - delta / prior_var
        hess = float((p * (1 - p)).sum()) + 1 / prior_var
        step = grad / hess
        delta += step
        if abs(step) < 1e-9:
            break
    return float(np.clip(delta / math.log(2), -MAX_BITS, MAX_BITS))


def apply_offset(pairs: pd.DataFrame, model: dict[str, Any],
                 bits: float) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Pairs and model with every weight and the prior odds moved by ``bits``."""
    if bits == 0.0 or pairs.empty:
        return pairs, model
    weight = pairs["match_weight"].to_numpy(float) + bits
    out = pairs.assign(match_weight=weight, match_probability=1 / (1 + np.exp2(-weight)))
    lam = float(model.get("probability_two_random_records_match") or 0.0)
    if 0.0 < lam < 1.0:
        odds = lam / (1 - lam) * 2.0 ** bits
        # Only Splink's own keys: the model is handed back to Splink next run.
        model = {**model, "probability_two_random_records_match": min(0.5, odds / (1 + odds))}
    return out, model
