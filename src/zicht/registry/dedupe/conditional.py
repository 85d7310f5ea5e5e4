"""The ``u`` of nationality among pairs of *different* persons who share a family name.

Fellegi-Sunter adds the evidence of each field as if the fields were independent
among non-matches. Names and nationality are not: names carry origin, so two
different persons called Kowalski are nearly always both Polish, while two random
persons are Polish together only a few times in a hundred. With ``u`` counted on
random pairs, a shared nationality adds ~3-4 bits to every pair whose names already
agree and counts the same evidence twice (on the synthetic world: pairs with an equal
rare family name, a different given name and an equal birth year scored ~0.55 while
1 in 14 was a match). The pairs that reach scoring agree on names (blocking), so the
``u`` that matters is the one *given* agreeing names: counted here on pairs that
share a family name (a few of which are matches, which only makes the estimate more
cautious).
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

log = logging.getLogger("zicht.dedupe")

__all__ = ["nationality_u_given_family"]

#: Records per family name and in all, so that common names and large registries
#: cost a bounded number of pairs.
_PER_FAMILY = 30
_MAX_RECORDS = 300_000
_MIN_PAIRS = 200
_U_FLOOR = 1e-4


def _level_shares(pairs: pd.DataFrame) -> tuple[float, float, float] | None:
    """Shares of (exact, second nationality, else) among pairs, or None if too few."""
    both = pairs.dropna(subset=["nationality_x", "nationality_y"])
    if len(both) < _MIN_PAIRS:
        return None
    exact = both["nationality_x"] == both["nationality_y"]
    second = ~exact & (
        (both["nationality_x"] == both["nationality_2_y"])
        | (both["nationality_2_x"] == both["nationality_y"])
        | (both["nationality_2_x"].notna() & (both["nationality_2_x"] == both["nationality_2_y"]))
    )
    n = float(len(both))
    shares = (float(exact.sum()) / n, float(second.sum()) / n,
              float((~exact & ~second).sum()) / n)
    return tuple(max(s, _U_FLOOR) for s in shares)  # type: ignore[return-value]


def nationality_u_given_family(records: pd.DataFrame, model: dict[str, Any],
                               seed: int = 1) -> dict[str, Any]:
    """The model with the nationality comparison's ``u`` counted on pairs sharing a
    family name (see the module docstring); unchanged when there are too few pairs."""
    comparison = next((c for c in model.get("comparisons", [])
                       if c.get("output_column_name") == "nationality"), None)
    if comparison is None or "family" not in records:
        return model
    cols = ["unique_id", "family", "nationality", "nationality_2"]
    frame = records[cols].dropna(subset=["family", "nationality"])
    if len(frame) > _MAX_RECORDS:
        frame = frame.sample(_MAX_RECORDS, random_state=seed)
    frame = frame.groupby("family", sort=False).head(_PER_FAMILY)
    pairs = frame.merge(frame, on="family")
    pairs = pairs[pairs["unique_id_x"] < pairs["unique_id_y"]]
    shares = _level_shares(pairs)
    if shares is None:
        return model
    levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
    if len(levels) != len(shares):
        return model
    for level, u in zip(levels, shares, strict=True):
        level["u_probability"] = u
    log.info("nationality u given a shared family name: %s",
             ", ".join(f"{u:.3g}" for u in shares))
    return model
