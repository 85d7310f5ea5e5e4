"""Score candidate pairs with the Splink model (training is ``train.py``, the λ
algebra ``odds.py``, the Splink plumbing ``splink_io.py``).

Input is a frame prepared by ``normalise_frame`` with an integer ``unique_id``;
anonymous reports must already be left out (they are never linked). Output is the
scored pairs at or above a floor probability, as a pandas frame
``unique_id_l, unique_id_r, match_probability, match_weight``.

Small registries keep the priors of ``model.py``: EM needs thousands of pairs and
``u`` by random sampling needs thousands of records. The cut-off is ``min_train``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
import pyarrow as pa

from zicht.registry.dedupe.model import ModelSpec, build_settings, report_date_u
from zicht.registry.dedupe.odds import LAMBDA_HEADROOM, prior_lambda, reestimate_lambda
from zicht.registry.dedupe.splink_io import (
    SCORED_COLUMNS,
    Backend,
    collect,
    duckdb_api,
    make_linker,
    register_input,
    register_tf,
)
from zicht.registry.dedupe.train import train_model

__all__ = ["CHUNK_RECORDS", "MIN_TRAIN", "ScoredPairs", "score_new_pairs", "score_pairs"]

#: Below this many linkable records the priors are used as they are (no training).
MIN_TRAIN = 2_000

#: Above this many records prediction runs in chunks (bounded memory, Splink 5). Each
#: chunk blocks and scores its share against every record again, so fewer chunks are
#: faster: one chunk scores 1,000,000 reports within 4 GB (``bench_dedupe``).
CHUNK_RECORDS = 2_000_000


@dataclass(frozen=True)
class ScoredPairs:
    """Scored candidate pairs plus the model that scored them."""

    pairs: pd.DataFrame
    model: dict[str, Any] = field(repr=False)
    trained: bool
    n_records: int


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
    smaller set keeps the priors; term frequencies (``term_frequency.py``) are used at
    every size.
    """
    n = len(records)
    spec = spec or ModelSpec()
    timings = timings if timings is not None else {}
    empty = pd.DataFrame({c: pd.Series(dtype="int64" if "id" in c else "float64")
                          for c in SCORED_COLUMNS})
    if n < 2:
        return ScoredPairs(empty, {}, trained=False, n_records=n)
    trained = model is None and n >= min_train
    if model is not None:
        settings: Any = model
    else:
        # The report dates' u is counted exactly on the records; without dated
        # records (FEBRL, a frame without report dates) the comparison is left out,
        # so such data score as before.
        date_u = (report_date_u(records["report_day"])
                  if spec.report_date and "report_day" in records else None)
        spec = replace(spec, probability_two_random_records_match=prior_lambda(n),
                       report_date=date_u is not None, report_date_u=date_u)
        settings = build_settings(spec)
    df = register_input(records, backend, spark)
    tf_frames = register_tf(df, records, backend, spark) if (spec.tf or model) else []
    if trained:
        settings = train_model(df, settings, tf_frames, records, spec, timings)
    linker = make_linker(df, settings, tf_frames)
    t0 = time.perf_counter()
    chunks = max(1, math.ceil(n / CHUNK_RECORDS))
    predicted = linker.inference.predict(
        # A trained model re-estimates λ below, which can raise every probability:
        # keep the pairs that may still reach the floor after it.
        threshold_match_probability=floor / LAMBDA_HEADROOM if trained else floor,
        num_chunks_left=chunks, num_chunks_right=1,
        warning_mode="never",
    )
    pairs = collect(predicted, backend)
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
                          for c in SCORED_COLUMNS})
    is_new = records["unique_id"].isin(list(new_ids)).to_numpy()
    if not is_new.any() or len(records) < 2:
        return empty
    t0 = time.perf_counter()
    # One Arrow table split in two, so both sides have the same column types (a column
    # that is all null among a few new records would otherwise get another type).
    table = pa.Table.from_pandas(records, preserve_index=False)
    db_api = duckdb_api()
    new_df = db_api.register(table.filter(pa.array(is_new)), dataset_display_name="new")
    old_df = db_api.register(table.filter(pa.array(~is_new)), dataset_display_name="reports")
    tf_frames = register_tf(new_df, records, "duckdb", None)
    linker = make_linker(new_df, model, tf_frames)
    parts = []
    within = linker.inference.predict_within(
        new_df, threshold_match_probability=floor, warning_mode="never")
    parts.append(collect(within, "duckdb"))
    within.drop_table_from_database_and_remove_from_cache()
    if (~is_new).any():
        between = linker.inference.predict_between(
            old_df, new_df, threshold_match_probability=floor, warning_mode="never")
        parts.append(collect(between, "duckdb"))
        between.drop_table_from_database_and_remove_from_cache()
    timings["predict"] = time.perf_counter() - t0
    pairs = pd.concat(parts, ignore_index=True)
    return pairs.astype({"unique_id_l": "int64", "unique_id_r": "int64"})
