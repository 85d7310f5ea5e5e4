"""``zicht linked`` end to end: every count in ``linked.json`` is a multiple of 5 or
suppressed, percentages come from unrounded counts, every suppression is logged."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "research" / "linked"))

from linked_world import make_world

from zicht.cli import app
from zicht.research.linked import LinkedSpec, run_linked
from zicht.research.store import open_extract


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("linked_release")
    world = make_world(root, n_pop=5000, n_victims=60, n_old=60, seed=5)
    out = root / "out"
    result = CliRunner().invoke(app, ["linked", "--extract", str(world.extract), "--out",
                                      str(out), "--controls-per-victim", "10", "--seed", "3"])
    assert result.exit_code == 0, result.output
    return world.extract, out


def _counts(doc: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every value in the document that counts persons or incidents."""
    found: list[tuple[str, Any]] = []
    for name, meta in doc["figure_meta"].items():
        node: Any = doc
        for part in name.split("/"):
            node = node[part]
        found += [(f"{name}.{col}", row[col]) for row in node for col in meta["count_columns"]]
        found.append((f"{name}.n", meta["n"]))
    found += [(f"tests.{t['table']}.{t['category']}.n", t["n"]) for t in doc["tests"]]
    controls = doc["meta"]["controls"]
    found += [(f"meta.controls.{k}", controls[k]) for k in ("victims", "controls", "shortfall")]
    return found


def test_every_count_is_a_multiple_of_five_or_suppressed(released: tuple[Path, Path]) -> None:
    _, out = released
    doc = json.loads((out / "linked.json").read_text())
    counts = _counts(doc)
    assert len(counts) > 200
    bad = [(k, v) for k, v in counts if v is not None and (not isinstance(v, int) or v % 5)]
    assert bad == []
    assert any(v is None for _, v in counts)  # the small world has small cells


def test_every_suppression_is_logged(released: tuple[Path, Path]) -> None:
    _, out = released
    doc = json.loads((out / "linked.json").read_text())
    log = {t["table"]: t for t in json.loads((out / "disclosure_log.json").read_text())["tables"]}
    for name, meta in doc["figure_meta"].items():
        node: Any = doc
        for part in name.split("/"):
            node = node[part]
        logged = {(s["row"], s["column"]) for s in log[name]["suppressed"]}
        for i, row in enumerate(node):
            for col in meta["count_columns"]:
                if row[col] is None:
                    assert (i, col) in logged, (name, i, col)
        assert log[name]["policy"] == "protected"


def test_percentages_come_from_released_counts(released: tuple[Path, Path]) -> None:
    extract, out = released
    doc = json.loads((out / "linked.json").read_text())
    store = open_extract(extract)
    try:
        raw = run_linked(store, LinkedSpec(controls_per_victim=10, seed=3))
    finally:
        store.close()
    rows = raw.table("aid/youth_care_by_group").rows
    released_rows = doc["aid"]["youth_care_by_group"]
    checked = 0
    for raw_row, out_row in zip(rows, released_rows, strict=True):
        if out_row["share"] is None:
            continue
        # from the released counts (finding 5): nothing beyond the rounded counts
        assert raw_row["share"] == round(100 * raw_row["persons_with"] / raw_row["persons"], 1)
        if out_row["persons"] is None:  # nobody with it in a small group: 0 of x
            assert (out_row["persons_with"], out_row["share"]) == (0, 0.0)
            continue
        assert out_row["share"] == round(100 * out_row["persons_with"] / out_row["persons"], 1)
        checked += 1
    assert checked >= 2
    assert out / "linked.xlsx" and (out / "svg" / "revictimisation_km_curve.svg").exists()
    assert "Kaplan-Meier" in (out / "svg" / "revictimisation_km_curve.svg").read_text()
