"""Run the Splink model: train (or keep the priors) and score candidate pairs.

Input is a frame prepared by ``normalise_frame`` with an integer ``unique_id``;
anonymous reports must already be left out (they are never linked). Output is the
scored pairs at or above a floor probability, as a pandas frame
``unique_id_l, unique_id_r, match_probability, match_weight``.

Small registries keep the priors of ``model.py``: EM needs thousands of pairs and
``u`` by random sampling needs thousands of records. The cut-off is ``min_train``.
"""

from __future__ import annotations

import logging
import math
import time
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
from splink import Linker, block_on
from splink.internals.exceptions import SplinkException

from zicht.registry.dedupe.conditional import nationality_u_given_family
from zicht.registry.dedupe.model import ModelSpec, build_settings
from zicht.registry.dedupe.name_frequency import blend, reference_frequencies

log = logging.getLogger("zicht.dedupe")

__all__ = ["MIN_TRAIN", "Backend", "ScoredPairs", "log2_bayes_factors", "rescale_lambda",
           "score_new_pairs", "score_pairs", "with_lambda"]

Backend = Literal["duckdb", "spark"]

#: Below this many linkable records the priors are used as they are (no training).
MIN_TRAIN = 2_000

#: From this many identities on, counts of rarely seen names are Good-Turing smoothed
#: (below it there are too few names seen once or twice to smooth with).
MIN_TF = 500

#: Fewest same-BSN pairs to count m on when EM fails for a comparison.
MIN_LABELS = 30

#: Pairs sampled for u, and the cap on pairs per EM session (enough for stable
#: estimates; more only costs time).
U_PAIRS = 1e7
EM_PAIRS = 1e6

#: The smallest m a level keeps after EM: a data error is always possible, so one
#: differing field must never veto a match outright.
M_FLOOR = 0.002

#: Above this many records prediction runs in chunks (bounded memory, Splink 5).
CHUNK_RECORDS = 350_000

#: How far the λ re-estimate may move from the rule-based start (a factor).
LAMBDA_HEADROOM = 8.0

_SCORED_COLUMNS = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]


@dataclass(frozen=True)
class ScoredPairs:
    """Scored candidate pairs plus the model that scored them."""

    pairs: pd.DataFrame
    model: dict[str, Any] = field(repr=False)
    trained: bool
    n_records: int


def _prior_lambda(n: int) -> float:
    # About 0.13 duplicate reports per report (5,533 reports of 4,894 victims) spread
    # over n(n-1)/2 pairs; clipped for tiny registries.
    return min(0.05, max(1e-9, 0.13 * n / max(1.0, n * (n - 1) / 2)))


def _register_input(records: pd.DataFrame, backend: Backend, spark: Any | None) -> Any:
    """Register the records with a new database API; return the SplinkDataFrame."""
    if backend == "spark":
        from splink import SparkAPI

        if spark is None:
            raise ValueError("backend 'spark' needs a SparkSession (spark=...)")
        db_api: Any = SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call]
        clean = records.astype(object).where(records.notna(), None)
        with warnings.catch_warnings():
            # pyspark 4 warns that it does not fully support pandas 3; plain object
            # columns (no extension dtypes) convert correctly.
            warnings.simplefilter("ignore", FutureWarning)
            sdf = spark.createDataFrame(clean, schema=_spark_schema(records))
        df = db_api.register(sdf, dataset_display_name="reports")
    else:
        from splink import DuckDBAPI

        db_api = DuckDBAPI()
        df = db_api.register(
            pa.Table.from_pandas(records, preserve_index=False), dataset_display_name="reports"
        )
    return df


#: Columns with term-frequency adjustments (see ``model.py``).
TF_COLUMNS = ("full_name", "full_name_all", "family", "given1")


def term_frequencies(records: pd.DataFrame, column: str) -> pd.DataFrame:
    """How common each value is among distinct *identities*, not among reports, blended
    with the public reference of ``name_frequency`` (so that a small registry knows
    *de Vries* is common before it has seen many).

    An identity is a (value, birth year) combination; reports of a value without a
    birth year add an identity only when no report of that value has one. So a
    person's own repeat reports, with or without their birth year, do not make their
    name look common (counting reports would: a name seen only in one person's two
    reports would count as twice as common as a name seen once, and weaken exactly
    the links it should make). From ``MIN_TF`` identities on, counts of rarely seen
    names are Good-Turing smoothed.
    """
    counts = identity_counts(records, column)
    total = max(1, int(counts.sum()))
    smoothed = good_turing(counts) if total >= MIN_TF else counts.astype(float)
    tf = blend(smoothed, reference_frequencies(records, column), total)
    return pd.DataFrame({column: counts.index.astype(object),
                         f"tf_{column}": tf.to_numpy(float)})


def identity_counts(records: pd.DataFrame, column: str) -> pd.Series:
    """Distinct (value, birth year) identities per value of ``column`` (see
    ``term_frequencies``)."""
    frame = pd.DataFrame({"value": records[column],
                          "year": records["birth_year"].astype("Int64")}).dropna(
        subset=["value"])
    with_year = frame.dropna(subset=["year"]).drop_duplicates()
    counts = with_year.groupby("value").size()
    only_null = pd.Index(frame["value"].unique()).difference(counts.index)
    return pd.concat([counts, pd.Series(1, index=only_null, dtype="int64")])


def good_turing(counts: pd.Series, max_count: int = 5) -> pd.Series:
    """Counts smoothed for how common a *rarely seen* value really is (Good-Turing:
    a value seen r times is expected r* = (r + 1) N(r+1) / N(r) times, N(r) the number
    of values seen r times), for r up to ``max_count`` and never above r.

    Names follow a long-tailed law: most are seen once, and a name seen once is far
    rarer than 1 in the number of identities, so that equal rare names are stronger
    evidence than their raw count says. Common names keep their count.
    """
    n_r = counts.value_counts()
    smoothed = counts.astype(float)
    for r in range(1, max_count + 1):
        if n_r.get(r, 0) and n_r.get(r + 1, 0):
            r_star = min(float(r), (r + 1) * n_r[r + 1] / n_r[r])
            smoothed[counts == r] = r_star
    return smoothed


def _register_tf(df: Any, records: pd.DataFrame, backend: Backend, spark: Any) -> list[Any]:
    """Register the term-frequency tables once; each linker then looks them up."""
    frames = []
    for column in TF_COLUMNS:
        table = term_frequencies(records, column)
        if backend == "spark":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                data: Any = spark.createDataFrame(table)
        else:
            data = pa.Table.from_pandas(table, preserve_index=False)
        frames.append((column, df.db_api.register(data)))
    return frames


def _linker(df: Any, settings: Any, tf_frames: list[Any]) -> Linker:
    linker = Linker(df, settings, log_level=logging.WARNING)
    for column, frame in tf_frames:
        linker.table_management.register_term_frequency_lookup(frame, column)
    return linker


def _spark_schema(records: pd.DataFrame) -> Any:
    from pyspark.sql import types as T

    fields = []
    for name, dtype in records.dtypes.items():
        kind = T.LongType() if pd.api.types.is_integer_dtype(dtype) else T.StringType()
        fields.append(T.StructField(str(name), kind, True))
    return T.StructType(fields)


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
    linker = _linker(df, model, tf_frames)
    try:
        registered = df.db_api.register(labels)
        linker.training.estimate_m_from_pairwise_labels(registered)  # type: ignore[no-untyped-call]
    except (ValueError, SplinkException, TypeError) as exc:
        log.warning("m from same-BSN pairs skipped: %s", type(exc).__name__)
        return None
    return dict(linker.misc.save_model_to_json())


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
        if all(lv.get("fix_m_probability") for lv in levels):
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


def _train(df: Any, settings: Any, tf_frames: list[Any], records: pd.DataFrame,
           spec: ModelSpec, timings: dict[str, float]) -> dict[str, Any]:
    """λ from the certain rules, u by random sampling, m by EM; returns the model.

    Each EM session runs on its own linker built from the model so far: a session that
    fails (EM can degenerate on small or clean data: a level never observed, an m that
    underflows) leaves Splink's settings half-changed, so its linker is thrown away and
    the model keeps the estimates it had (the priors, for what no session estimated).
    """
    t0 = time.perf_counter()
    linker = _linker(df, settings, tf_frames)
    certain: list[Any] = [block_on("full_name", "birth_date")]
    if spec.bsn:
        certain.append(block_on("bsn_key"))
    linker.training.estimate_probability_two_random_records_match(certain, recall=0.8)
    timings["train_lambda"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    n = len(records)
    linker.training.estimate_u_using_random_sampling(max_pairs=min(U_PAIRS, n * (n - 1) / 2))
    timings["train_u"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = nationality_u_given_family(records, linker.misc.save_model_to_json())
    for rule in (_name_session_rule(spec), block_on("given_all", "family_full")):
        session = _linker(df, model, tf_frames)
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


def score_pairs(
    records: pd.DataFrame,
    *,
    spec: ModelSpec | None = None,
    floor: float = 0.05,
    backend: Backend = "duckdb",
    spark: Any | None = None,
    min_train: int = MIN_TRAIN,
    model: dict[str, Any] | None = None,
    timings: dict[str, float] | None = None,
) -> ScoredPairs:
    """Score every blocked pair of ``records`` and keep those with probability >= floor.

    ``model`` is a trained Splink model (``ScoredPairs.model`` of an earlier run): given
    one, nothing is trained. Otherwise records >= ``min_train`` train the model and a
    smaller set keeps the priors; term-frequency adjustments need ``MIN_TF`` records
    to count names in.
    """
    n = len(records)
    spec = spec or ModelSpec()
    timings = timings if timings is not None else {}
    empty = pd.DataFrame({c: pd.Series(dtype="int64" if "id" in c else "float64")
                          for c in _SCORED_COLUMNS})
    if n < 2:
        return ScoredPairs(empty, {}, trained=False, n_records=n)
    trained = model is None and n >= min_train
    if model is not None:
        settings: Any = model
    else:
        spec = replace(spec, probability_two_random_records_match=_prior_lambda(n))
        settings = build_settings(spec)
    df = _register_input(records, backend, spark)
    tf_frames = _register_tf(df, records, backend, spark) if (spec.tf or model) else []
    if trained:
        settings = _train(df, settings, tf_frames, records, spec, timings)
    linker = _linker(df, settings, tf_frames)
    t0 = time.perf_counter()
    chunks = max(1, math.ceil(n / CHUNK_RECORDS))
    predicted = linker.inference.predict(
        # A trained model re-estimates λ below, which can raise every probability:
        # keep the pairs that may still reach the floor after it.
        threshold_match_probability=floor / LAMBDA_HEADROOM if trained else floor,
        num_chunks_left=chunks, num_chunks_right=1,
        warning_mode="never",
    )
    pairs = _collect(predicted, backend)
    model_dict = linker.misc.save_model_to_json()
    predicted.drop_table_from_database_and_remove_from_cache()
    if trained:
        pairs, model_dict = reestimate_lambda(pairs, model_dict, n)
        pairs = pairs[pairs["match_probability"] >= floor].reset_index(drop=True)
    timings["predict"] = time.perf_counter() - t0
    return ScoredPairs(pairs, model_dict, trained=trained, n_records=n)


def score_new_pairs(
    records: pd.DataFrame,
    new_ids: set[int],
    model: dict[str, Any],
    *,
    floor: float = 0.05,
    timings: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Score only the blocked pairs that involve a record of ``new_ids``, with an
    earlier run's trained ``model`` (DuckDB).

    Splink 5's incremental API: ``predict_within`` on the new records (new x new) and
    ``predict_between`` the unchanged and the new records (old x new); the pairs among
    unchanged records are not scored again. Term frequencies are counted on *all*
    records, as a full run would, so a new pair scores as it would in a full run with
    the same model.
    """
    timings = timings if timings is not None else {}
    empty = pd.DataFrame({c: pd.Series(dtype="int64" if "id" in c else "float64")
                          for c in _SCORED_COLUMNS})
    is_new = records["unique_id"].isin(list(new_ids)).to_numpy()
    if not is_new.any() or len(records) < 2:
        return empty
    from splink import DuckDBAPI

    t0 = time.perf_counter()
    # One Arrow table split in two, so both sides have the same column types (a column
    # that is all null among a few new records would otherwise get another type).
    table = pa.Table.from_pandas(records, preserve_index=False)
    db_api = DuckDBAPI()
    new_df = db_api.register(table.filter(pa.array(is_new)), dataset_display_name="new")
    old_df = db_api.register(table.filter(pa.array(~is_new)), dataset_display_name="reports")
    tf_frames = _register_tf(new_df, records, "duckdb", None)
    linker = _linker(new_df, model, tf_frames)
    parts = []
    within = linker.inference.predict_within(
        new_df, threshold_match_probability=floor, warning_mode="never")
    parts.append(_collect(within, "duckdb"))
    within.drop_table_from_database_and_remove_from_cache()
    if (~is_new).any():
        between = linker.inference.predict_between(
            old_df, new_df, threshold_match_probability=floor, warning_mode="never")
        parts.append(_collect(between, "duckdb"))
        between.drop_table_from_database_and_remove_from_cache()
    timings["predict"] = time.perf_counter() - t0
    pairs = pd.concat(parts, ignore_index=True)
    return pairs.astype({"unique_id_l": "int64", "unique_id_r": "int64"})


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
           else _prior_lambda(n_now))
    return {**model, "probability_two_random_records_match": new}


def with_lambda(bayes_factors: pd.DataFrame, model: dict[str, Any]) -> pd.DataFrame:
    """Scored pairs from kept ``log2_bayes_factor``s and the model's λ."""
    lam = float(model["probability_two_random_records_match"])
    weight = bayes_factors["log2_bayes_factor"].to_numpy(float) + _logit2(lam)
    return pd.DataFrame({
        "unique_id_l": bayes_factors["unique_id_l"].to_numpy("int64"),
        "unique_id_r": bayes_factors["unique_id_r"].to_numpy("int64"),
        "match_probability": 1.0 / (1.0 + np.exp2(-weight)), "match_weight": weight})


def log2_bayes_factors(pairs: pd.DataFrame, model: dict[str, Any]) -> np.ndarray:
    """Each pair's weight without the prior odds: what stays true when λ moves."""
    lam = float(model.get("probability_two_random_records_match") or 0.5)
    return np.asarray(pairs["match_weight"].to_numpy(float) - _logit2(lam), dtype=float)


def _logit2(p: float) -> float:
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
    base = pairs["match_weight"].to_numpy(float) - _logit2(start)  # log2 Bayes factors
    lam = start
    for _ in range(iterations):
        prob = 1.0 / (1.0 + np.exp2(-(base + _logit2(lam))))
        new = min(max(float(prob.sum()) / total, start / LAMBDA_HEADROOM),
                  start * LAMBDA_HEADROOM, 0.5)
        if abs(new - lam) <= 1e-4 * lam:
            lam = new
            break
        lam = new
    weight = base + _logit2(lam)
    out = pairs.assign(match_weight=weight, match_probability=1.0 / (1.0 + np.exp2(-weight)))
    model = {**model, "probability_two_random_records_match": lam}
    log.info("λ re-estimated from the scored pairs: %.3g -> %.3g", start, lam)
    return out, model


def _collect(predicted: Any, backend: Backend) -> pd.DataFrame:
    if backend == "duckdb":
        con = predicted.db_api._con
        table = con.sql(
            f"SELECT unique_id_l, unique_id_r, match_probability, match_weight "
            f"FROM {predicted.physical_name}"
        ).arrow()
        frame = table.read_all().to_pandas() if hasattr(table, "read_all") else table.to_pandas()
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            frame = predicted.as_spark_dataframe().select(*_SCORED_COLUMNS).toPandas()
    return frame[_SCORED_COLUMNS]
