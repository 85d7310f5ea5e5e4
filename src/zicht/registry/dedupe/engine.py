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
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import pandas as pd
import pyarrow as pa
from splink import Linker, block_on

from zicht.registry.dedupe.model import ModelSpec, build_settings

__all__ = ["MIN_TRAIN", "Backend", "ScoredPairs", "score_pairs"]

Backend = Literal["duckdb", "spark"]

#: Below this many linkable records the priors are used as they are (no training).
MIN_TRAIN = 2_000

#: Above this many records prediction runs in chunks (bounded memory, Splink 5).
CHUNK_RECORDS = 350_000

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


def _make_linker(records: pd.DataFrame, settings: Any, backend: Backend,
                 spark: Any | None) -> Linker:
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
    return Linker(df, settings, log_level=logging.WARNING)


#: Columns with term-frequency adjustments (see ``model.py``).
TF_COLUMNS = ("full_name", "family")


def term_frequencies(records: pd.DataFrame, column: str) -> pd.DataFrame:
    """How common each value is among distinct *identities*, not among reports.

    An identity is a (value, birth year) combination, or the report itself without a
    birth year; so a person's own repeat reports do not make their name look common
    (counting reports would: a name seen only in one person's two reports would count
    as twice as common as a name seen once, and weaken exactly the links it should make).
    """
    values = records[column]
    year = records["birth_year"].astype("string")
    identity = values.astype("string") + "|" + year.fillna(
        "#" + records["unique_id"].astype("string"))
    frame = pd.DataFrame({column: values, "identity": identity}).dropna(subset=[column])
    counts = frame.drop_duplicates("identity").groupby(column).size()
    total = max(1, int(counts.sum()))
    return pd.DataFrame({column: counts.index.astype(object),
                         f"tf_{column}": (counts / total).to_numpy(float)})


def _register_tf(linker: Linker, records: pd.DataFrame, backend: Backend, spark: Any) -> None:
    for column in TF_COLUMNS:
        table = term_frequencies(records, column)
        if backend == "spark":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                data: Any = spark.createDataFrame(table)
        else:
            data = pa.Table.from_pandas(table, preserve_index=False)
        registered = linker._db_api.register(data)
        linker.table_management.register_term_frequency_lookup(registered, column)


def _spark_schema(records: pd.DataFrame) -> Any:
    from pyspark.sql import types as T

    fields = []
    for name, dtype in records.dtypes.items():
        kind = T.LongType() if pd.api.types.is_integer_dtype(dtype) else T.StringType()
        fields.append(T.StructField(str(name), kind, True))
    return T.StructType(fields)


def _train(linker: Linker, n: int, spec: ModelSpec, seed: int) -> None:
    certain: list[Any] = [block_on("full_name", "birth_date")]
    if spec.bsn:
        certain.append(block_on("bsn_key"))
    linker.training.estimate_probability_two_random_records_match(certain, recall=0.8)
    linker.training.estimate_u_using_random_sampling(
        max_pairs=min(5e6, n * (n - 1) / 2), seed=seed
    )
    # Two EM sessions, each blocking on what the other estimates.
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("birth_date"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given1", "family"), estimate_without_term_frequencies=True
    )


def score_pairs(
    records: pd.DataFrame,
    *,
    spec: ModelSpec | None = None,
    floor: float = 0.05,
    backend: Backend = "duckdb",
    spark: Any | None = None,
    min_train: int = MIN_TRAIN,
    seed: int = 42,
    model: dict[str, Any] | None = None,
) -> ScoredPairs:
    """Score every blocked pair of ``records`` and keep those with probability >= floor.

    ``model`` is a trained Splink model (``ScoredPairs.model`` of an earlier run): given
    one, nothing is trained. Otherwise records >= ``min_train`` train the model and a
    smaller set keeps the priors (without term-frequency adjustments, which need
    a population to count names in).
    """
    n = len(records)
    spec = spec or ModelSpec()
    empty = pd.DataFrame({c: pd.Series(dtype="int64" if "id" in c else "float64")
                          for c in _SCORED_COLUMNS})
    if n < 2:
        return ScoredPairs(empty, {}, trained=False, n_records=n)
    trained = model is None and n >= min_train
    if model is not None:
        settings: Any = model
    else:
        small = n < min_train
        spec = replace(spec, tf=spec.tf and not small,
                       probability_two_random_records_match=_prior_lambda(n))
        settings = build_settings(spec)
    linker = _make_linker(records, settings, backend, spark)
    if spec.tf or model is not None:
        _register_tf(linker, records, backend, spark)
    if trained:
        _train(linker, n, spec, seed)
    chunks = max(1, math.ceil(n / CHUNK_RECORDS))
    predicted = linker.inference.predict(
        threshold_match_probability=floor,
        num_chunks_left=chunks, num_chunks_right=1,
        warning_mode="never",
    )
    pairs = _collect(predicted, backend)
    model_dict = linker.misc.save_model_to_json()
    predicted.drop_table_from_database_and_remove_from_cache()
    return ScoredPairs(pairs, model_dict, trained=trained, n_records=n)


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
