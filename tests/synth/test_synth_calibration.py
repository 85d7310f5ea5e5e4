"""Calibration at scale 1 (every registry target of METHODOLOGY §5), and the counting
rule re-checked from the written files alone."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest

from zicht.synth import SynthResult
from zicht.synth.calibration import SHARE_TOLERANCE, TARGETS, TOTAL_TOLERANCE
from zicht.synth.calibration_sources import SOURCE_TARGETS

pytestmark = pytest.mark.slow


def test_every_target_within_tolerance(full_registry_world: SynthResult) -> None:
    rows = json.loads((full_registry_world.out / "calibration.json").read_text())
    assert [r["metric"] for r in rows] == [t.metric for t in (*TARGETS, *SOURCE_TARGETS)]
    for r in rows:
        assert set(r) >= {"metric", "target", "generated", "relative_error"}
        if r["kind"] == "share":
            assert abs(r["generated"] - r["target"]) <= SHARE_TOLERANCE, r
        else:
            assert abs(r["relative_error"]) <= TOTAL_TOLERANCE, r


def test_unique_victims_from_the_files(full_registry_world: SynthResult) -> None:
    """Victims 2019 and 2020 recounted from the CSVs + truth, KMar-only excluded."""
    out = full_registry_world.out
    person = {(r["reporter"], r["report_ref"]): r["person_id"] for r in
              pq.read_table(out / "truth" / "report_persons.parquet").to_pylist()}
    latest: dict[tuple[str, str], dict[str, str]] = {}
    for y in range(2010, 2025):
        with (out / "registry" / f"reports_{y}.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["consent"] != "no":
                    latest[(row["reporter"], row["report_ref"])] = row
    by_victim: dict[tuple[int, str], list[dict[str, str]]] = {}
    for key, row in latest.items():
        by_victim.setdefault((person[key], row["report_date"][:4]), []).append(row)
    counts = {"2019": 0, "2020": 0}
    for (_, year), rows in by_victim.items():
        kmar_only = all(r["reporter"] == "kmar" for r in rows) and any(
            "sexual" in r["forms"] for r in rows)
        if year in counts and not kmar_only:
            counts[year] += 1
    assert counts == {"2019": 1334, "2020": 984}


def test_overlap_2010_2015_is_the_real_one(full_registry_world: SynthResult) -> None:
    """Issue 16: 6.2% of registered victims of 2010-2015 on two or more reporter-type
    lists (KMar-only left out), as the MSE literature publishes for the real registry;
    the world had 11.3% before. Held to one percentage point here (3 in calibration)."""
    rows = {r["metric"]: r for r in
            json.loads((full_registry_world.out / "calibration.json").read_text())}
    assert abs(rows["multi_list_share_2010_2015"]["generated"] - 0.062) <= 0.01
    assert rows["multi_list_share_with_kmar_only_2010_2015"]["generated"] < 0.062
