"""Issue 12, finding 4: settings cannot switch the gate off.

``ZICHT_ROUNDING_BASE=1 ZICHT_SUPPRESSION_THRESHOLD=0 zicht monitor`` released 5,168
cells of 1-9 and ``zicht linked --threshold 1`` 96; ``zicht report`` published them
while its text still said "rounded". Now the gate has a floor (base 5, threshold 10),
and a release that breaks its policy is refused when loaded and by ``zicht report``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zicht.cli import app
from zicht.core.errors import DisclosureError
from zicht.core.table import TableSpec
from zicht.disclosure import apply_rules, gate_statistics, load_release, write_release
from zicht.disclosure.signing import gate_key, sign

ROWS = [{"year": 2020, "municipality": "GM0363", "victims": 23},
        {"year": 2020, "municipality": "GM0599", "victims": 4}]
SPEC = TableSpec("regional/municipality/victims", ROWS, ("victims",), "V", "V")


@pytest.mark.parametrize(("variable", "value", "floor"), [
    ("ZICHT_ROUNDING_BASE", "1", 5), ("ZICHT_SUPPRESSION_THRESHOLD", "0", 10),
    ("ZICHT_SUPPRESSION_THRESHOLD", "9", 10), ("ZICHT_ROUNDING_BASE", "4", 5),
])
def test_a_setting_below_the_floor_is_refused_naming_it(
        monkeypatch: pytest.MonkeyPatch, variable: str, value: str, floor: int) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(DisclosureError, match=f"{variable}={value} is below the disclosure "
                                              f"gate's floor of {floor}"):
        apply_rules(SPEC)
    with pytest.raises(DisclosureError, match=variable):
        gate_statistics([{"n": 4}], population="linked_microdata")


def test_settings_at_or_above_the_floor_are_applied(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZICHT_ROUNDING_BASE", "10")
    monkeypatch.setenv("ZICHT_SUPPRESSION_THRESHOLD", "25")
    table = apply_rules(SPEC)
    assert [r["victims"] for r in table.rows] == [None, None]
    assert table.policy_text("en").endswith("rounded to a multiple of 10, cells below 25 "
                                            "suppressed")


def test_linked_threshold_one_is_refused_before_any_work(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["linked", "--extract", str(tmp_path / "none"),
                                      "--out", str(tmp_path / "out"), "--threshold", "1"])
    assert result.exit_code == 1
    assert isinstance(result.exception, DisclosureError)
    assert "--threshold=1 is below the disclosure gate's floor of 10" in str(result.exception)
    assert not (tmp_path / "out").exists()


def test_monitor_with_the_gate_switched_off_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZICHT_ROUNDING_BASE", "1")
    monkeypatch.setenv("ZICHT_SUPPRESSION_THRESHOLD", "0")
    result = CliRunner().invoke(app, ["monitor", "--extract", str(tmp_path / "none"),
                                      "--out", str(tmp_path / "out")])
    assert isinstance(result.exception, DisclosureError)
    assert "ZICHT_ROUNDING_BASE=1" in str(result.exception)


def _forge(directory: Path, edit_doc: object = None, edit_log: object = None) -> None:
    """Edit a release, recompute the hash in its log and sign it again with the gate's
    key: a release that an older or misconfigured gate could have written."""
    doc_path, log_path = directory / "monitor.json", directory / "disclosure_log.json"
    doc, log = json.loads(doc_path.read_text()), json.loads(log_path.read_text())
    if callable(edit_doc):
        edit_doc(doc)
    if callable(edit_log):
        edit_log(log)
    doc_path.write_text(json.dumps(doc))
    log["files"]["monitor.json"] = hashlib.sha256(doc_path.read_bytes()).hexdigest()
    log_path.write_text(json.dumps(sign(log, gate_key(directory.parent, create=False))))


@pytest.mark.parametrize(("case", "message"), [
    ("unrounded cell", "row 2, column 'victims' = 4"),
    ("threshold lowered in the log", "base of .* is below the disclosure gate.s floor of 5"),
    ("policy switched to registry", r"has policy 'registry' \(grid .*\), but the gate's "
                                    "rules give it 'protected'"),
])
def test_a_release_that_breaks_its_policy_is_refused_on_load_and_by_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str, message: str) -> None:
    released = tmp_path / "released" / "monitor"
    write_release([apply_rules(SPEC)], released, document_name="monitor", meta={})

    def unround(doc: dict) -> None:  # type: ignore[type-arg]
        doc["regional"]["municipality"]["victims"][1]["victims"] = 4

    def lower(log: dict) -> None:  # type: ignore[type-arg]
        log["tables"][0]["threshold"] = 1
        log["tables"][0]["rounding_base"] = 1

    def switch(doc: dict) -> None:  # type: ignore[type-arg]
        doc["figure_meta"]["regional/municipality/victims"]["policy"] = "registry"
        doc["regional"]["municipality"]["victims"][1]["victims"] = 4

    edits = {"unrounded cell": (unround, None), "threshold lowered in the log": (None, lower),
             "policy switched to registry": (switch, None)}
    _forge(released, *edits[case])
    with pytest.raises(DisclosureError, match=message):
        load_release(released, "monitor")
    result = CliRunner().invoke(app, ["report", "--in", str(tmp_path / "released"),
                                      "--out", str(tmp_path / "report"), "--no-pdf"])
    assert isinstance(result.exception, DisclosureError), result.output
    assert not (tmp_path / "report" / "report.html").exists()
