"""Releases: only gated tables can be written, and a file that bypassed the gate (or
was edited after it) cannot be read back for publication."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zicht.core.errors import DisclosureError
from zicht.disclosure import TableSpec, apply_rules, load_release, write_release


def _gated() -> list:  # type: ignore[type-arg]
    spec = TableSpec("aid/x", [{"k": "a", "persons": 23}, {"k": "b", "persons": 4}],
                     ("persons",), "X", "X")
    return [apply_rules(spec, threshold=10)]


def test_release_round_trip_with_log(tmp_path: Path) -> None:
    write_release(_gated(), tmp_path, document_name="linked", meta={"stage": "linked"},
                  extra={"tests": []})
    release = load_release(tmp_path, "linked")
    assert release.table("aid/x").rows[0]["persons"] == 25
    log = json.loads((tmp_path / "disclosure_log.json").read_text())
    assert log["tables"][0]["suppressed"] == [{"row": 1, "column": "persons",
                                               "reason": "count below 10"}]
    assert set(log["files"]) == {"linked.json", "csv/aid_x.csv"}


@pytest.mark.parametrize("table", [
    {"name": "aid/x", "rows": [{"persons": 4}]},
    TableSpec("aid/x", [{"persons": 4}], ("persons",), "X", "X"),
])
def test_writing_an_ungated_table_fails(tmp_path: Path, table: object) -> None:
    with pytest.raises(DisclosureError, match="only gated tables can be released"):
        write_release([table], tmp_path, document_name="linked", meta={})  # type: ignore[list-item]
    assert not (tmp_path / "linked.json").exists()


def test_a_hand_written_or_edited_release_is_refused(tmp_path: Path) -> None:
    write_release(_gated(), tmp_path, document_name="linked", meta={})
    doc = tmp_path / "linked.json"
    data = json.loads(doc.read_text())
    data["aid"]["x"][1]["persons"] = 4  # un-suppress a cell after the gate
    doc.write_text(json.dumps(data))
    with pytest.raises(DisclosureError, match="not written by the disclosure gate"):
        load_release(tmp_path, "linked")
    other = tmp_path / "bypass"
    other.mkdir()
    (other / "linked.json").write_text(json.dumps({"aid": {"x": [{"persons": 4}]}}))
    (other / "disclosure_log.json").write_text(json.dumps({"files": {}}))
    with pytest.raises(DisclosureError):
        load_release(other, "linked")
