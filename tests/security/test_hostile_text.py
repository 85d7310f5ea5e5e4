"""Findings 7 and 8 of issue 12, and issue 13 item 4: hostile text and impossible dates.

- ``zicht review list`` shows names as data: Rich markup (``Smit[/]``) does not crash it,
  terminal escapes and OSC 8 hyperlinks are shown escaped, never passed through.
- Every way in (API, CSV, XLSX, JSON Lines) refuses control characters in text fields and
  a ``report_ref`` outside its character set, with row and field.
- ``zicht dedupe --links-out`` neutralises a cell a spreadsheet would run as a formula.
- A birth date after the report date is refused, with row and field, on every way in.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from argon2 import PasswordHasher, profiles
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from security_server import start_server
from sqlalchemy import update
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "registry" / "dedupe"))
from dedupe_fixtures import UNSURE, add_reports

from zicht.api import create_app
from zicht.cli import app as cli
from zicht.core.errors import ValidationError
from zicht.registry import Registry, import_file, open_registry
from zicht.registry.access import Role
from zicht.registry.dedupe import run_dedupe
from zicht.registry.keys import create_key
from zicht.registry.models import Report

CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)
OSC8 = "Evil\x1b]8;;https://attacker.example/\x1b\\click\x1b]8;;\x1b\\"
HOSTILE = {"family_name": ["Smit\x00", "Smit\x1b[2J", "\u202eevil", "Jan\u2066sen", "a\x85b"],
           "report_ref": ["=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)", "R 1", "R\x00",
                          "R" * 65, "R\u202e1"]}
BASE = {"report_ref": "R1", "reporter": "police", "police_unit": "amsterdam",
        "report_date": "2024-03-01", "forms": "sexual", "family_name": "Jansen"}


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Registry]:
    monkeypatch.setenv("ZICHT_ENCRYPTION_KEY", "5a" * 32)
    reg = open_registry(f"sqlite:///{tmp_path / 'r.db'}")
    yield reg
    reg.dispose()


def encode(rows: list[dict[str, Any]], fmt: str) -> bytes:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    if fmt == "jsonl":
        return "\n".join(json.dumps(r) for r in rows).encode()
    if fmt == "xlsx":
        book = openpyxl.Workbook()
        book.active.append(columns)
        for r in rows:
            book.active.append([r.get(c) for c in columns])
        buf = io.BytesIO()
        book.save(buf)
        return buf.getvalue()
    buf = io.StringIO()
    writer = csv.DictWriter(buf, columns)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode()


def problems_of(reg: Registry, rows: list[dict[str, Any]], fmt: str) -> list[tuple[int | None,
                                                                               str | None]]:
    with pytest.raises(ValidationError) as exc:
        import_file(reg, encode(rows, fmt), name=f"f.{fmt}", actor="t")
    return [(p.row, p.field) for p in exc.value.problems]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_imports_refuse_control_characters_bad_refs_and_late_births(
        registry: Registry, fmt: str) -> None:
    first = 2 if fmt != "jsonl" else 1  # the row a user sees for the first report
    for field, values in HOSTILE.items():
        for value in values:
            if fmt == "xlsx" and ILLEGAL_CHARACTERS_RE.search(value):
                continue  # a workbook cannot hold these (openpyxl refuses to write them)
            rows = [{**BASE, "report_ref": "OK1"}, {**BASE, field: value}]
            assert problems_of(registry, rows, fmt) == [(first + 1, field)], (field, value)
    late = [{**BASE, "birth_date": "2024-03-02"}]
    assert problems_of(registry, late, fmt) == [(first, "birth_date")]
    late_year = [{**BASE, "birth_year": "2025", "report_date": "2024-12-31"}]
    assert problems_of(registry, late_year, fmt) == [(first, "birth_year")]
    fine = [{**BASE, "birth_date": "2024-03-01", "family_name": "Smit[/] O'Neil-Ça"}]
    assert import_file(registry, encode(fine, fmt), name=f"f.{fmt}", actor="t").accepted == 1


def test_the_api_refuses_them_too(registry: Registry) -> None:
    with registry.begin() as conn:
        key = create_key(conn, role=Role.REGISTRAR, org="office", actor="t", hasher=CHEAP)[1]
    live = start_server(create_app(registry))
    try:
        with httpx.Client(base_url=live.base_url, timeout=30,
                          headers={"Authorization": f"Bearer {key}"}) as http:
            for field, values in HOSTILE.items():
                for value in values:
                    res = http.post("/reports", json={**BASE, "forms": ["sexual"],
                                                      field: value})
                    assert res.status_code == 422, (field, value, res.text)
                    assert [e["field"] for e in res.json()["errors"]] == [field]
            res = http.post("/reports", json={**BASE, "forms": ["sexual"],
                                              "birth_date": "2024-03-02"})
            assert res.status_code == 422 and res.json()["errors"][0]["field"] == "birth_date"
            assert http.get("/reports").json() == []
    finally:
        live.stop()


def test_review_list_and_links_show_hostile_legacy_text_as_data(
        registry: Registry, tmp_path: Path) -> None:
    """Rows stored before the intake check (written here straight into the table)."""
    ids = add_reports(registry, UNSURE)
    run_dedupe(registry)
    reports = Report.__table__
    with registry.begin() as conn:
        for rid, name in ((ids[0], "Smit[/]"), (ids[1], OSC8)):
            conn.execute(update(reports).where(reports.c.id == rid).values(
                family_name_enc=registry.cipher.encrypt("family_name", name)))
        conn.execute(update(reports).where(reports.c.id == ids[2])
                     .values(report_ref='=HYPERLINK("https://attacker.example/","x")'))
    result = CliRunner().invoke(cli, ["review", "list", "--db", registry.url])
    assert result.exit_code == 0, result.output
    assert "Smit[/]" in result.output
    assert "\x1b" not in result.output and "\\x1b]8;;https://attacker.example/" in result.output
    links = tmp_path / "links.csv"
    run_dedupe(registry, links_out=links)
    refs = [row["report_ref"] for row in csv.DictReader(links.open())]
    assert "'=HYPERLINK(\"https://attacker.example/\",\"x\")" in refs
    assert not any(r.startswith(("=", "+", "-", "@")) for r in refs)
