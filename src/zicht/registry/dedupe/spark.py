"""A Spark session for Splink's Spark backend (``zicht dedupe --backend spark``).

Without configuration this is a local session (``local[*]``) for one machine. To run
on a cluster, set ``ZICHT_SPARK_MASTER`` (e.g. ``spark://host:7077``, ``yarn``,
``k8s://https://host:443``); any ``spark-submit`` style settings can be passed in
``PYSPARK_SUBMIT_ARGS`` as usual. Splink's similarity UDF jar is always added, since
the Jaro-Winkler levels need it. Needs the ``spark`` extra (``pyspark``) and Java 17+.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from zicht.core.errors import ConfigError

__all__ = ["get_spark"]


def get_spark(master: str | None = None, *, app_name: str = "zicht-dedupe") -> Any:
    """A (possibly shared) SparkSession with Splink's UDF jar registered."""
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError:
        raise ConfigError("The Spark backend needs pyspark: `pip install pyspark` "
                          "(and Java 17 or newer).") from None
    master = master or os.environ.get("ZICHT_SPARK_MASTER", "local[*]")
    checkpoints = os.environ.get("ZICHT_SPARK_CHECKPOINT_DIR",
                                 os.path.join(tempfile.gettempdir(), "zicht-spark-checkpoints"))
    spark = (
        SparkSession.builder.master(master).appName(app_name)
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", os.environ.get("ZICHT_SPARK_PARTITIONS", "8"))
        .config("spark.default.parallelism", os.environ.get("ZICHT_SPARK_PARTITIONS", "8"))
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", os.environ.get("ZICHT_SPARK_DRIVER_MEMORY", "2g"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(checkpoints)
    return spark
