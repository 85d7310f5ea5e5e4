"""Import: valid files, re-sends, refused files, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reports_factory import report, write_csv, write_jsonl, write_xlsx
from sqlalchemy import func, select
from typer.testing import CliRunner

from zicht.cli import app
from zicht.core.errors import ValidationError
from zicht.registry import import_file, open_registry, read_reports, verify_audit
from zicht.registry.models import AuditEntry, Report, ReportHistory

runner = CliRunner()


def count(url: str, table: type) -> int:
    reg = open_registry(url)
    with reg.read() as conn:
        n = conn.scalar(select(func.count()).select_from(table.__table__))
    reg.dispose()
    return int(n or 0)


def run_import(path: Path, url: str) -> tuple[int, dict[str, object]]:
    result = runner.invoke(app, ["import", str(path), "--db", url, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_valid_file_then_resend_updates_and_keeps_history(db_url: str, tmp_path: Path) -> None:
    rows = [report(i) for i in range(1, 6)]
    rows.append(report(6, reporter="fairwork", police_unit="", consent="no", family_name="",
                       given_names="", birth_date="", bsn=""))
    code, summary = run_import(write_csv(tmp_path / "a.csv", rows), db_url)
    assert code == 0, summary
    assert summary | {"import_id": None} == {
        "accepted": 6, "updated": 0, "anonymous": 1, "rejected": 0, "errors": [],
        "import_id": None, "ignored_columns": []}

    resend = [report(2, family_name="Renamed"), report(7)]
    code, summary = run_import(write_csv(tmp_path / "b.csv", resend), db_url)
    assert code == 0 and (summary["accepted"], summary["updated"]) == (1, 1)
    assert count(db_url, Report) == 7 and count(db_url, ReportHistory) == 1

    reg = open_registry(db_url)
    table = read_reports(reg.engine, reg.cipher, actor="test").to_pylist()
    by_ref = {r["report_ref"]: r for r in table}
    assert by_ref["R00002"]["family_name"] == "Renamed" and by_ref["R00002"]["version"] == 2
    assert by_ref["R00006"]["anonymous"] and by_ref["R00006"]["family_name"] is None
    assert by_ref["R00001"]["forms"] == ["sexual", "labour"]
    assert "bsn" not in by_ref["R00001"] and by_ref["R00001"]["bsn_hash"]
    with reg.read() as conn:
        assert verify_audit(conn).ok
        actions = list(conn.scalars(select(AuditEntry.__table__.c.action)))
    assert actions == ["report.import", "report.import", "report.read_bulk"]
    reg.dispose()


def test_refused_file_changes_nothing(db_url: str, tmp_path: Path) -> None:
    code, _ = run_import(write_csv(tmp_path / "ok.csv", [report(1)]), db_url)
    assert code == 0
    bad = [report(1, family_name="Changed"), report(2, bsn="123456789"),
           report(3, reporter="fairwork", police_unit="", consent="no"), report(4),
           report(4)]
    code, summary = run_import(write_csv(tmp_path / "bad.csv", bad), db_url)
    assert code == 2
    assert summary["accepted"] == summary["updated"] == 0 and summary["rejected"] == 3
    errors = summary["errors"]
    assert isinstance(errors, list)
    where = {(e["row"], e["field"]) for e in errors}
    assert {(3, "bsn"), (4, "family_name"), (4, "bsn"), (6, "report_ref")} <= where
    assert any("consent is no" in e["message"] for e in errors)
    assert count(db_url, Report) == 1 and count(db_url, ReportHistory) == 0
    reg = open_registry(db_url)
    assert read_reports(reg.engine, reg.cipher, actor="t").to_pylist()[0]["family_name"] == "Name1"
    reg.dispose()


def test_cli_refusal_without_json_lists_problems(sqlite_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", [report(1, report_date="01-02-2023")])
    result = runner.invoke(app, ["import", str(path), "--db", sqlite_url])
    assert result.exit_code != 0 and isinstance(result.exception, ValidationError)
    assert result.exception.problems[0].row == 2


@pytest.mark.parametrize("writer", [write_jsonl, write_xlsx])
def test_jsonl_and_xlsx_use_the_same_validator(writer: object, sqlite_url: str,
                                               tmp_path: Path) -> None:
    assert callable(writer)
    suffix = ".jsonl" if writer is write_jsonl else ".xlsx"
    reg = open_registry(sqlite_url)
    good = writer(tmp_path / f"good{suffix}", [report(1), report(2, birth_date="",
                                                               birth_year="1990")])
    summary = import_file(reg, good, actor="test")
    assert summary.accepted == 2
    bad = writer(tmp_path / f"bad{suffix}", [report(3), report(4, bsn="123456789")])
    with pytest.raises(ValidationError) as info:
        import_file(reg, bad, actor="test")
    # XLSX counts like a spreadsheet (header = row 1); JSON Lines by line number.
    row = 3 if suffix == ".xlsx" else 2
    assert [(p.row, p.field) for p in info.value.problems] == [(row, "bsn")]
    table = read_reports(reg.engine, reg.cipher, actor="test").to_pylist()
    assert [r["birth_year"] for r in table] == [None, 1990]
    reg.dispose()


def test_missing_column_and_unknown_format_are_refused(sqlite_url: str, tmp_path: Path) -> None:
    reg = open_registry(sqlite_url)
    path = tmp_path / "a.csv"
    path.write_text("report_ref,reporter\nR1,police\n")
    with pytest.raises(ValidationError) as info:
        import_file(reg, path, actor="test")
    assert {p.field for p in info.value.problems} == {"report_date", "forms"}
    with pytest.raises(ValidationError, match=r"\.csv, \.xlsx or \.jsonl"):
        import_file(reg, b"x", name="reports.pdf", actor="test")
    reg.dispose()


def test_resend_without_consent_erases_history(sqlite_url: str) -> None:
    from zicht.registry import import_rows

    reg = open_registry(sqlite_url)
    fw = {"reporter": "fairwork", "police_unit": "", "consent": "yes"}
    import_rows(reg, [report(1, **fw)], [2], actor="t")
    anon = report(1, **{**fw, "consent": "no"}, family_name="", given_names="",
                  birth_date="", bsn="")
    assert import_rows(reg, [anon], [2], actor="t").updated == 1
    with reg.read() as conn:
        hist = conn.execute(select(ReportHistory.__table__)).one()
    assert hist.family_name_enc is None and hist.bsn_hash is None
    reg.dispose()
