"""Splink plumbing shared by training and scoring: register the records and the term
frequencies with a database API, build a linker, collect scored pairs. Only Splink's
public API (``db_api.register``, ``Linker``, ``SplinkDataFrame.as_pyarrow_table`` /
``as_spark_dataframe``)."""

from __future__ import annotations

import logging
import os
import warnings
from typing import Any, Literal

import pandas as pd
import pyarrow as pa
from splink import Linker

from zicht.registry.dedupe.term_frequency import TF_COLUMNS, term_frequencies

__all__ = ["SCORED_COLUMNS", "Backend", "collect", "duckdb_api", "make_linker",
           "register_input", "register_tf"]

Backend = Literal["duckdb", "spark"]

SCORED_COLUMNS = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]


def register_input(records: pd.DataFrame, backend: Backend, spark: Any | None) -> Any:
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
        db_api = duckdb_api()
        df = db_api.register(
            pa.Table.from_pandas(records, preserve_index=False), dataset_display_name="reports"
        )
    return df


def duckdb_api() -> Any:
    """A Splink DuckDB API on its own in-memory database with one thread per core this
    process may run on (DuckDB counts the machine's cores, which a CPU affinity or a
    container's share can make more than are there to run on)."""
    import duckdb
    from splink import DuckDBAPI

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return DuckDBAPI(duckdb.connect(config={"threads": cores or os.cpu_count() or 1}))


def register_tf(df: Any, records: pd.DataFrame, backend: Backend, spark: Any) -> list[Any]:
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


def make_linker(df: Any, settings: Any, tf_frames: list[Any]) -> Linker:
    linker = Linker(df, settings, log_level=logging.WARNING)
    for column, frame in tf_frames:
        linker.table_management.register_term_frequency_lookup(frame, column)
    return linker


def _spark_schema(records: pd.DataFrame) -> Any:
    from pyspark.sql import types as T

    fields = []
    for name, dtype in records.dtypes.items():
        kind: Any = T.LongType() if pd.api.types.is_integer_dtype(dtype) else T.StringType()
        if str(name).endswith(("_aliases", "_del")):  # lists of names (normalise.py)
            kind = T.ArrayType(T.StringType())
        fields.append(T.StructField(str(name), kind, True))
    return T.StructType(fields)


def collect(predicted: Any, backend: Backend) -> pd.DataFrame:
    """The scored pairs of a Splink prediction as pandas (public SplinkDataFrame API)."""
    if backend == "duckdb":
        frame = predicted.as_pyarrow_table().select(SCORED_COLUMNS).to_pandas()
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            frame = predicted.as_spark_dataframe().select(*SCORED_COLUMNS).toPandas()
    return frame[SCORED_COLUMNS]
