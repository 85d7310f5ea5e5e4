"""Finding 11 (and 14) of issue 12: hostile sizes and shapes get a clear refusal.

Every case is refused with a 422 / exit 2 naming the row and field where there is one,
or a 413 for an oversized HTTP body; never a 500, a traceback or gigabytes of memory.
The hostile files are made here, small, with tiny caps set by the test.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest
from argon2 import PasswordHasher, profiles
from security_seed import report_row
from security_server import start_server

from zicht.api import create_app
from zicht.core.errors import Problem, ValidationError
from zicht.registry import Registry, import_file, open_registry
from zicht.registry.access import Role
from zicht.registry.keys import create_key

CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)
HEAD = "report_ref,reporter,police_unit,report_date,forms,family_name\n"
GOOD = "R1,police,amsterdam,2024-03-01,sexual,Jansen\n"


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    reg = open_registry(f"sqlite:///{tmp_path / 'r.db'}")
    yield reg
    reg.dispose()


def refused(reg: Registry, data: bytes, name: str) -> list[Problem]:
    with pytest.raises(ValidationError) as exc:
        import_file(reg, data, name=name, actor="t")
    return exc.value.problems


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def with_member(xlsx: bytes, name: str, data: bytes) -> bytes:
    """The workbook with one more (highly compressible) member: a small zip bomb."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr(name, data)
    return out.getvalue()


def test_a_file_over_the_cap_is_refused_before_it_is_read(
        registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZICHT_MAX_IMPORT_BYTES", "10000")
    big = (HEAD + GOOD * 400).encode()
    assert "at most 10,000" in refused(registry, big, "x.csv")[0].message
    path = tmp_path / "big.csv"
    path.write_bytes(big)
    run = subprocess.run([str(Path(sys.executable).parent / "zicht"), "import", str(path), "--db",
                          registry.url], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "ZICHT_MAX_IMPORT_BYTES" in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr


def test_an_xlsx_bomb_is_refused_before_it_is_opened(
        registry: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    good = workbook([HEAD.strip().split(","), GOOD.strip().split(",")])
    bomb = with_member(good, "xl/media/image1.bin", b"\0" * (5 * 2**20))
    assert len(bomb) < 50_000  # 5 MB of zeros pack into a few KB
    assert "compressed" in refused(registry, bomb, "b.xlsx")[0].message
    monkeypatch.setenv("ZICHT_MAX_XLSX_UNPACKED_BYTES", str(2**20))
    assert "unpacks to" in refused(registry, bomb, "b.xlsx")[0].message
    assert "not a zip" in refused(registry, b"PK\3\4 not really", "c.xlsx")[0].message


def test_an_xlsx_without_a_sheet_is_refused(registry: Registry) -> None:
    good = workbook([["report_ref"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/workbook.xml":
                text = data.decode()
                start, end = text.index("<sheets>"), text.index("</sheets>") + 9
                data = (text[:start] + "<sheets/>" + text[end:]).encode()
            if not item.filename.startswith("xl/worksheets/"):
                dst.writestr(item, data)
    problems = refused(registry, out.getvalue(), "empty.xlsx")
    assert "worksheet" in problems[0].message or "cannot be opened" in problems[0].message


def test_too_long_fields_name_their_row_and_field(registry: Registry) -> None:
    huge = HEAD + GOOD + "R2,police,amsterdam,2024-03-01,sexual," + "x" * 200_000 + "\n"
    problems = refused(registry, huge.encode(), "h.csv")
    assert [p.row for p in problems] == [3]  # over the csv module's own 128 KiB limit
    long = HEAD + GOOD + "R2,police,amsterdam,2024-03-01,sexual," + "x" * 5_000 + "\n"
    assert [(p.row, p.field) for p in refused(registry, long.encode(), "l.csv")] == \
        [(3, "family_name")]
    xlsx = workbook([HEAD.strip().split(","), ["R3", "police", "amsterdam", "2024-03-01",
                                               "sexual", "y" * 5_000]])
    assert [(p.row, p.field) for p in refused(registry, xlsx, "l.xlsx")] == \
        [(2, "family_name")]


def test_json_lines_nesting_and_broken_utf8_are_refused_with_the_line(
        registry: Registry) -> None:
    ok = json.dumps({**report_row(1), "forms": ["sexual"]})
    deep = "[" * 100_000 + "]" * 100_000
    nested = json.dumps({**report_row(2), "family_name": {"a": {"b": 1}}})
    broken = json.dumps({**report_row(3), "family_name": "M\\u00fcller"}).encode()
    broken = broken.replace(b"\\u00fc", b"\xfc")  # Latin-1, not UTF-8
    data = "\n".join([ok, deep, nested]).encode() + b"\n" + broken + b"\n"
    problems = refused(registry, data, "x.jsonl")
    assert [(p.row, p.field) for p in problems] == \
        [(2, None), (3, "family_name"), (4, None)]
    assert "nested too deeply" in problems[0].message
    assert "UTF-8" in problems[2].message


def test_http_bodies_over_the_cap_get_413_never_500(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZICHT_MAX_REQUEST_BYTES", "20000")
    monkeypatch.setenv("ZICHT_MAX_IMPORT_BYTES", "100000")
    reg = open_registry(f"sqlite:///{tmp_path / 'api.db'}")
    with reg.begin() as conn:
        key = create_key(conn, role=Role.REGISTRAR, org="office", actor="t", hasher=CHEAP)[1]
    live = start_server(create_app(reg))
    try:
        with httpx.Client(base_url=live.base_url, timeout=60,
                          headers={"Authorization": f"Bearer {key}"}) as http:
            body = {**report_row(1), "forms": ["sexual"], "padding": "x" * 50_000}
            assert http.post("/reports", json=body).status_code == 413

            def chunks() -> Iterator[bytes]:  # no Content-Length: the stream is counted
                yield json.dumps(body).encode()

            res = http.post("/reports", content=chunks(),
                            headers={"Content-Type": "application/json"})
            assert res.status_code == 413, res.text
            deep = ("[" * 9_000 + "]" * 9_000).encode()
            res = http.post("/reports", content=deep,
                            headers={"Content-Type": "application/json"})
            assert res.status_code in (400, 422), res.text  # FastAPI: "error parsing"
            files = {"file": ("big.csv", (HEAD + GOOD * 5000).encode(), "text/csv")}
            assert http.post("/reports/batch", files=files).status_code == 413
            files = {"file": ("mid.csv", (HEAD + GOOD * 2800).encode(), "text/csv")}
            res = http.post("/reports/batch", files=files)  # over the file cap, in envelope
            assert res.status_code == 422 and "ZICHT_MAX_IMPORT_BYTES" in res.text
            assert http.post("/reports/batch", files={"file": (
                "ok.csv", (HEAD + GOOD).encode(), "text/csv")}).status_code == 200
    finally:
        live.stop()
        reg.dispose()
