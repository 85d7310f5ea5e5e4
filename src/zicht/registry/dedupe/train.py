"""Train the Splink model: λ from certain rules, ``u`` by random sampling, ``m`` by EM
in two sessions, each estimate checked (``guard_m_probabilities``)."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from splink import block_on
from splink.internals.exceptions import SplinkException

from zicht.registry.dedupe.conditional import nationality_u_given_family
from zicht.registry.dedupe.model import REPORT_DATE_M_FLOOR, ModelSpec
from zicht.registry.dedupe.splink_io import make_linker

log = logging.getLogger("zicht.dedupe")

__all__ = ["EM_PAIRS", "MIN_LABELS", "M_FLOOR", "U_PAIRS", "cap_unseen_u",
           "guard_m_probabilities", "settings_dict", "train_model", "u_sample_pairs"]

#: Fewest same-BSN pairs to count m on when EM fails for a comparison.
MIN_LABELS = 30

#: Pairs sampled for u: ``U_PAIRS_PER_RECORD`` per record, at least ``U_PAIRS_MIN``
#: (the rarest levels have u ~2e-5: 2 M pairs see ~40 of them, a relative error of
#: ~15%, 0.2 bits) and at most ``U_PAIRS``; the cap on pairs per EM session. The
#: sample grows with the registry, so u costs time in proportion to it (a fixed 10 M
#: pairs spent 20-150 s on 5,000 FEBRL records). The cap is 5 M since 5 Dec 2026:
#: at a million reports 10 M pairs took 24-27 s for cluster F1 0.9925, 5 M take 13 s
#: for 0.9923 (docs/dedupe.md); registries under 50,000 reports are not affected.
U_PAIRS = 5e6
U_PAIRS_MIN = 2e6
U_PAIRS_PER_RECORD = 100
EM_PAIRS = 1e6


def u_sample_pairs(n: int) -> float:
    """Pairs to sample for u in a registry of ``n`` records (never more than exist)."""
    return min(max(U_PAIRS_MIN, U_PAIRS_PER_RECORD * n), U_PAIRS, n * (n - 1) / 2)

def cap_unseen_u(model: dict[str, Any], priors: dict[str, Any],
                 n_pairs: float) -> dict[str, Any]:
    """Bound the ``u`` of levels the random sample never saw by ``1 / n_pairs``.

    Splink leaves such a level at its prior ``u``; but a sample of ``n_pairs`` pairs
    without one says ``u`` is below about ``1 / n_pairs`` (u = 1/n gives no hit with
    probability e^-1), and a prior above that contradicts the data. With the prior
    kept, whether a rare level (u ~ 1e-6) weighs log2(m / 5e-7) or log2(m / 1e-4), 7
    bits less, depended on which ~2,000 records the sample's hash of the report ids
    happened to pick: the same reports under other ids scored cluster F1 0.965-0.976
    on the synthetic world. Levels with a fixed ``u`` are left alone.
    """
    prior_u = {c["output_column_name"]: [lv.get("u_probability") for lv in
                                         c["comparison_levels"]]
               for c in priors["comparisons"]}
    bound = 1.0 / max(n_pairs, 1.0)
    for comparison in model["comparisons"]:
        priors_of = prior_u.get(comparison["output_column_name"], [])
        levels = comparison["comparison_levels"]
        for i, (level, prior) in enumerate(zip(levels, priors_of, strict=False)):
            u = level.get("u_probability")
            # The else level is the rest of all pairs: unseen only where the data has
            # no such pairs at all (FEBRL's birth dates), and capped it would make
            # disagreement evidence *for* a match.
            if (level.get("is_null_level") or level.get("fix_u_probability")
                    or u is None or prior is None or i == len(levels) - 1):
                continue
            if u == prior and u > bound:  # untouched by the sample: not seen in it
                level["u_probability"] = bound
    return model


#: The smallest m a level keeps after EM: a data error is always possible, so one
#: differing field must never veto a match outright.
M_FLOOR = 0.002


def settings_dict(settings: Any, df: Any) -> dict[str, Any]:
    """The priors as a plain settings dict (what ``guard_m_probabilities`` falls back to)."""
    if isinstance(settings, dict):
        return settings
    return dict(settings.create_settings_dict(df.db_api.sql_dialect.sql_dialect_str))


def _weights(levels: list[dict[str, Any]]) -> list[float]:
    return [math.log2(lv["m_probability"] / lv["u_probability"])
            for lv in levels if not lv.get("is_null_level")
            and lv.get("m_probability") and lv.get("u_probability")]


def _sensible(levels: list[dict[str, Any]]) -> bool:
    weights = _weights(levels)
    m_else = levels[-1].get("m_probability") or 0.0
    return bool(weights) and weights[0] > 0 > weights[-1] and m_else <= 0.5


def _m_from_bsn_pairs(df: Any, model: dict[str, Any], tf_frames: list[Any],
                      records: pd.DataFrame) -> dict[str, Any] | None:
    """The model with m counted on pairs that share a BSN (certain matches), or None
    when there are fewer than ``MIN_LABELS`` such pairs."""
    keyed = records.dropna(subset=["bsn_key"])[["unique_id", "bsn_key"]]
    pairs = keyed.merge(keyed, on="bsn_key")
    pairs = pairs[pairs["unique_id_x"] < pairs["unique_id_y"]]
    if len(pairs) < MIN_LABELS:
        return None
    source = records.attrs.get("source_dataset", "reports")
    labels = pa.table({
        "source_dataset_l": [source] * len(pairs),
        "unique_id_l": pairs["unique_id_x"].to_numpy(np.int64),
        "source_dataset_r": [source] * len(pairs),
        "unique_id_r": pairs["unique_id_y"].to_numpy(np.int64),
    })
    linker = make_linker(df, model, tf_frames)
    try:
        registered = df.db_api.register(labels)
        linker.training.estimate_m_from_pairwise_labels(registered)  # type: ignore[no-untyped-call]
    except (ValueError, SplinkException, TypeError) as exc:
        log.warning("m from same-BSN pairs skipped: %s", type(exc).__name__)
        return None
    return dict(linker.misc.save_model_to_json())


def _floor_report_date(levels: list[dict[str, Any]]) -> None:
    """Raise the m of the report-date levels beyond 90 days to
    ``REPORT_DATE_M_FLOOR``: a registry whose reports of one person all fall close
    together cannot show that others are re-reported months later, and that must not
    become a veto."""
    beyond = [lv for lv in levels if not lv.get("is_null_level")][1:]
    for level, floor in zip(beyond, REPORT_DATE_M_FLOOR, strict=False):
        if level.get("m_probability") is not None:
            level["m_probability"] = max(level["m_probability"], floor)


def guard_m_probabilities(model: dict[str, Any], priors: dict[str, Any],
                          from_labels: dict[str, Any] | None = None) -> dict[str, Any]:
    """Put back the prior ``m`` of a comparison whose EM estimate makes no sense.

    EM finds *a* two-class split, not necessarily match / non-match: with few reports
    or a small pool of common names it can land on "same name, different person". A
    comparison is kept only if its best level is evidence for a match (weight > 0),
    its ``else`` level evidence against (weight < 0) and its ``else`` level holds at
    most half of the matches. Otherwise its ``m`` values come from ``from_labels`` (a
    model whose m were counted on certain matches: pairs sharing a BSN), if that
    estimate passes the same test, or else from the priors.
    """
    labelled = {c["output_column_name"]: c["comparison_levels"]
                for c in (from_labels or {}).get("comparisons", [])}
    prior_m = {c["output_column_name"]: [lv.get("m_probability") for lv in
                                         c["comparison_levels"]]
               for c in priors["comparisons"]}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        if all(lv.get("fix_m_probability") for lv in levels if not lv.get("is_null_level")):
            continue  # fixed on purpose (the sibling correction): nothing estimated
        if _sensible(levels):
            for level in levels:  # no field is never wrong: keep every level possible
                if level.get("m_probability") is not None:
                    level["m_probability"] = max(level["m_probability"], M_FLOOR)
            continue
        name = comparison["output_column_name"]
        counted = labelled.get(name)
        if name != "bsn" and counted and _sensible(counted):
            log.warning("EM estimate of %s rejected; m counted on same-BSN pairs", name)
            for level, other in zip(levels, counted, strict=False):
                if level.get("m_probability") is not None and other.get("m_probability"):
                    level["m_probability"] = max(other["m_probability"], M_FLOOR)
            continue
        log.warning("EM estimate of %s rejected (not a match/non-match split); "
                    "priors kept", name)
        for level, m in zip(levels, prior_m.get(name, []), strict=False):
            if m is not None:
                level["m_probability"] = m
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] == "report_date":
            _floor_report_date(comparison["comparison_levels"])
    return model


def _name_session_rule(spec: ModelSpec) -> Any:
    """The EM session that estimates the name comparison: blocked on the birth date,
    and on sex and nationality when the model compares them.

    Names carry sex and origin, so name, sex and nationality are not independent
    given match status (what EM assumes): blocked on the birth date alone, the pairs
    of *different* persons born the same day with the same sex and nationality look
    like matches to EM, and it counts ~20% of matches as having unrelated names (the
    truth on the synthetic world: ~1%). Holding sex and nationality equal inside
    the session leaves EM only the names to tell matches from non-matches.
    """
    columns = ["birth_date"]
    if spec.sex:
        columns.append("sex")
    if spec.nationality:
        columns.append("nationality")
    return block_on(*columns)


def train_model(df: Any, settings: Any, tf_frames: list[Any], records: pd.DataFrame,
           spec: ModelSpec, timings: dict[str, float]) -> dict[str, Any]:
    """λ from the certain rules, u by random sampling, m by EM; returns the model.

    Each EM session runs on its own linker built from the model so far: a session that
    fails (EM can degenerate on small or clean data: a level never observed, an m that
    underflows) leaves Splink's settings half-changed, so its linker is thrown away and
    the model keeps the estimates it had (the priors, for what no session estimated).
    """
    t0 = time.perf_counter()
    linker = make_linker(df, settings, tf_frames)
    certain: list[Any] = [block_on("full_name", "birth_date")]
    if spec.bsn:
        certain.append(block_on("bsn_key"))
    linker.training.estimate_probability_two_random_records_match(certain, recall=0.8)
    timings["train_lambda"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    n_u = u_sample_pairs(len(records))
    linker.training.estimate_u_using_random_sampling(max_pairs=n_u)
    timings["train_u"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = cap_unseen_u(dict(linker.misc.save_model_to_json()),
                         settings_dict(settings, df), n_u)
    model = nationality_u_given_family(records, model)
    for rule in (_name_session_rule(spec), block_on("given_all", "family_full")):
        session = make_linker(df, model, tf_frames)
        try:
            session.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=EM_PAIRS,
            )
        except (ValueError, SplinkException) as exc:
            log.warning("EM session skipped, estimates so far kept: %s", type(exc).__name__)
            continue
        model = session.misc.save_model_to_json()
    timings["train_em"] = time.perf_counter() - t0
    priors = settings_dict(settings, df)
    # Count m on same-BSN pairs starting from the priors, so that levels no such pair
    # reaches keep their prior m rather than a rejected EM estimate.
    counted = _m_from_bsn_pairs(df, priors, tf_frames, records) if spec.bsn else None
    return guard_m_probabilities(model, priors, counted)
