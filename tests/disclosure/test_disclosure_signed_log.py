"""Issue 12, finding 6: the release log could be forged, and the workbook, charts and
CSV written after the gate were not in it.

Attack: edit ``monitor.json``, recompute its sha256 in ``disclosure_log.json``, and
``zicht report`` published it. Now the log is signed (HMAC-SHA-256) with the gate's
key, which research users do not hold, and lists every released file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zicht.cli import app
from zicht.core.errors import ConfigError, DisclosureError
from zicht.core.table import TableSpec
from zicht.disclosure import Release, load_release, release_stage

ROWS = [{"year": 2020, "victims": 812}, {"year": 2021, "victims": 907}]


def _workbook(release: Release, folder: Path) -> list[Path]:
    path = folder / "monitor.xlsx"
    path.write_bytes(b"PK workbook of " + release.document_name.encode())
    return [path]


def _chart(release: Release, folder: Path) -> list[Path]:
    (folder / "svg").mkdir(exist_ok=True)
    path = folder / "svg" / "figures_2.1.svg"
    path.write_text("<svg/>")
    return [path]


def _release(root: Path) -> Path:
    out = root / "released" / "monitor"
    release_stage([TableSpec("figures/2.1", ROWS, ("victims",), "V", "V")], out,
                  document_name="monitor", meta={}, writers=[_workbook, _chart])
    return out


def test_every_released_file_is_in_the_signed_log(tmp_path: Path) -> None:
    out = _release(tmp_path)
    log = json.loads((out / "disclosure_log.json").read_text())
    assert set(log["files"]) == {"monitor.json", "csv/figures_2.1.csv", "monitor.xlsx",
                                 "svg/figures_2.1.svg"}
    assert log["signature"]["alg"] == "HMAC-SHA-256"
    assert (tmp_path / "released" / "gate.key").stat().st_mode & 0o777 == 0o600
    assert load_release(out, "monitor").table("figures/2.1").rows[0]["victims"] == 812


def test_an_edited_release_with_a_recomputed_hash_is_refused(tmp_path: Path) -> None:
    out = _release(tmp_path)
    doc_path, log_path = out / "monitor.json", out / "disclosure_log.json"
    doc = json.loads(doc_path.read_text())
    doc["figures"]["2.1"][0]["victims"] = 4  # the attack
    doc_path.write_text(json.dumps(doc))
    log = json.loads(log_path.read_text())
    log["files"]["monitor.json"] = hashlib.sha256(doc_path.read_bytes()).hexdigest()
    log_path.write_text(json.dumps(log))
    with pytest.raises(DisclosureError, match="not signed by the gate's key"):
        load_release(out, "monitor")
    result = CliRunner().invoke(app, ["report", "--in", str(tmp_path / "released"),
                                      "--out", str(tmp_path / "report"), "--no-pdf"])
    assert isinstance(result.exception, DisclosureError)
    assert not (tmp_path / "report" / "report.html").exists()


@pytest.mark.parametrize("name", ["monitor.xlsx", "svg/figures_2.1.svg",
                                  "csv/figures_2.1.csv"])
def test_an_edited_workbook_chart_or_csv_is_refused(tmp_path: Path, name: str) -> None:
    out = _release(tmp_path)
    with (out / name).open("ab") as f:
        f.write(b"<!-- 4 victims in Limburg -->")
    with pytest.raises(DisclosureError, match=name.split("/")[-1]):
        load_release(out, "monitor")


def test_a_file_the_gate_did_not_write_is_refused(tmp_path: Path) -> None:
    out = _release(tmp_path)
    (out / "csv" / "extra.csv").write_text("year,victims\n2020,4\n")
    with pytest.raises(DisclosureError, match=r"extra\.csv was not written by the disclosure"):
        load_release(out, "monitor")


def test_a_configured_key_signs_and_a_missing_key_refuses(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZICHT_GATE_KEY", "ab" * 32)
    out = _release(tmp_path)
    assert not (tmp_path / "released" / "gate.key").exists()
    load_release(out, "monitor")
    monkeypatch.setenv("ZICHT_GATE_KEY", "cd" * 32)  # another key: not the gate's log
    with pytest.raises(DisclosureError, match="not signed"):
        load_release(out, "monitor")
    monkeypatch.setenv("ZICHT_GATE_KEY", "abc")
    with pytest.raises(ConfigError, match="ZICHT_GATE_KEY"):
        load_release(out, "monitor")
    monkeypatch.delenv("ZICHT_GATE_KEY")
    monkeypatch.setenv("ZICHT_ENVIRONMENT", "production")
    with pytest.raises(DisclosureError, match="No gate key"):
        load_release(out, "monitor")
