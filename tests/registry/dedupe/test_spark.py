"""The same model on Splink's Spark backend (local pyspark) gives the same victims."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2] / "registry" / "dedupe"))

import shutil

import pytest
from dedupe_fixtures import TWENTY, add_reports, make_registry

from zicht.registry.dedupe import DedupeOptions, run_dedupe
from zicht.registry.dedupe.store import read_links

pyspark = pytest.importorskip("pyspark")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java 17+")
def test_spark_backend_matches_duckdb(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from zicht.registry.dedupe.spark import get_spark

    monkeypatch.setenv("ZICHT_SPARK_PARTITIONS", "2")
    spark = get_spark("local[2]")
    results = []
    for backend in ("duckdb", "spark"):
        registry = make_registry(tmp_path / backend)
        try:
            ids = add_reports(registry, TWENTY)
            summary = run_dedupe(registry, DedupeOptions(
                backend=backend, spark=spark if backend == "spark" else None))  # type: ignore[arg-type]
            with registry.begin() as conn:
                links = read_links(conn)
        finally:
            registry.dispose()
        groups: dict[int, set[int]] = {}
        for position, rid in enumerate(ids):
            if rid in links:
                groups.setdefault(links[rid], set()).add(position)
        results.append(({frozenset(g) for g in groups.values()}, summary.victims))
    assert results[0] == results[1]
    assert results[1][1] == 11
