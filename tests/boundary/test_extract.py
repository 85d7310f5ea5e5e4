"""The boundary: nothing identifying crosses; same key, same pseudonyms; other key, others."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "registry" / "dedupe"))

import datetime as dt
import json
import secrets
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dedupe_fixtures import TWENTY, add_reports, make_registry

from zicht.boundary import PseudonymKey, load_pseudonym_key, write_extract
from zicht.boundary.extract import age_at
from zicht.core.config import Settings
from zicht.core.errors import ConfigError, ConflictError
from zicht.registry.db import Registry
from zicht.registry.dedupe import run_dedupe

BSNS = ["111222333", "123456782", "234567806"]


@pytest.fixture(scope="module")
def deduped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Registry, Path]]:
    base = tmp_path_factory.mktemp("boundary")
    registry = make_registry(base)
    add_reports(registry, TWENTY)
    run_dedupe(registry)
    sources = base / "sources"
    sources.mkdir()
    pq.write_table(pa.table({
        "bsn": [*BSNS, None],
        "sex": ["male", "male", "male", "female"],
        "birth_date": [dt.date(1979, 9, 9), dt.date(1970, 2, 2), dt.date(1970, 2, 3),
                       dt.date(2000, 1, 1)],
        "municipality": ["GM0363"] * 4,
    }), sources / "population.parquet")
    yield registry, sources
    registry.dispose()


def _extract(deduped: tuple[Registry, Path], out: Path, key: PseudonymKey) -> Path:
    registry, sources = deduped
    write_extract(registry, out, key, sources_dir=sources)
    return out


def _needles() -> set[bytes]:
    """Every name, name token, BSN and exact birth date of the input, in common spellings."""
    needles: set[str] = set(BSNS)
    for row in TWENTY:
        for field in ("family_name", "given_names"):
            value = row.get(field)
            if value:
                needles.add(value)
                needles.update(t.strip(",.") for t in value.split() if len(t.strip(",.")) > 3)
        if row.get("birth_date"):
            d = dt.date.fromisoformat(row["birth_date"])
            needles.update({d.isoformat(), d.strftime("%Y%m%d"), d.strftime("%d-%m-%Y")})
    out = set()
    for n in needles:
        out.update({n.encode(), n.lower().encode(), n.upper().encode()})
    return out


def test_no_identifier_in_any_byte(deduped: tuple[Registry, Path], tmp_path: Path) -> None:
    out = _extract(deduped, tmp_path / "x", PseudonymKey(secrets.token_bytes(32)))
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"reports.parquet", "victims.parquet", "manifest.json",
                                       "population.parquet"}
    needles = _needles()
    for path in files:
        blob = path.read_bytes()
        # Parquet compresses pages: scan the decoded content too.
        texts = [blob]
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            texts.append(json.dumps(table.to_pylist(), default=str).encode())
            assert "bsn" not in table.column_names and "birth_date" not in table.column_names
        for text in texts:
            found = [n for n in needles if n in text]
            assert not found, f"{path.name} holds identifying data"
    # Dates are stored as int32 days in Parquet: check no exact birth date as a value.
    births = {dt.date.fromisoformat(r["birth_date"]) for r in TWENTY if r.get("birth_date")}
    for path in files:
        if path.suffix == ".parquet":
            for column in pq.read_table(path).columns:
                if pa.types.is_date(column.type):
                    assert not births & set(column.to_pylist())


def test_reports_and_victims(deduped: tuple[Registry, Path], tmp_path: Path) -> None:
    out = _extract(deduped, tmp_path / "x", PseudonymKey(secrets.token_bytes(32)))
    reports = pq.read_table(out / "reports.parquet").to_pylist()
    victims = pq.read_table(out / "victims.parquet").to_pylist()
    assert len(reports) == 20
    anonymous = [r for r in reports if r["anonymous"]]
    assert len(anonymous) == 2 and all(r["victim_pid"] is None for r in anonymous)
    assert all(r["victim_pid"] for r in reports if not r["anonymous"])
    assert len(victims) == 11 and sum(v["n_reports"] for v in victims) == 18
    assert {v["victim_pid"] for v in victims} == {r["victim_pid"] for r in reports
                                                   if r["victim_pid"]}
    with_bsn = [r for r in reports if r["person_pid"]]
    assert len(with_bsn) == 4 and len({r["person_pid"] for r in with_bsn}) == 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["victims"] == 11 and len(manifest["key_id"]) == 16
    assert pq.read_table(out / "reports.parquet").schema.field("age_at_report").type == pa.int16()


def test_same_key_same_pseudonyms_other_key_others(deduped: tuple[Registry, Path],
                                                    tmp_path: Path) -> None:
    key = PseudonymKey(secrets.token_bytes(32))
    a = _extract(deduped, tmp_path / "a", key)
    b = _extract(deduped, tmp_path / "b", key)
    c = _extract(deduped, tmp_path / "c", PseudonymKey(secrets.token_bytes(32)))

    def pids(out: Path) -> tuple[list, list, list]:
        reports = pq.read_table(out / "reports.parquet")
        population = pq.read_table(out / "sources" / "population.parquet")
        return (reports.column("report_pid").to_pylist(),
                reports.column("person_pid").to_pylist(),
                population.column("person_pid").to_pylist())

    assert pids(a) == pids(b)
    ra, pa_, sa = pids(a)
    rc, pc, sc = pids(c)
    assert not set(ra) & set(rc) and not ({p for p in pa_ if p} & {p for p in pc if p})
    # The registry's persons link to the source by person_pid, under one key only.
    assert {p for p in pa_ if p} == {p for p in sa if p}
    assert not {p for p in sa if p} & {p for p in sc if p}


def test_refuses_without_key_and_before_dedupe(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"secrets\.token_hex"):
        load_pseudonym_key(Settings(pseudonym_key=None, pseudonym_key_file=None))
    with pytest.raises(ConfigError, match="at least 32"):
        load_pseudonym_key(Settings(pseudonym_key="ab" * 16))
    key = load_pseudonym_key(Settings(pseudonym_key="cd" * 32))
    registry = make_registry(tmp_path)
    try:
        add_reports(registry, TWENTY[:3])
        with pytest.raises(ConflictError, match="zicht dedupe"):
            write_extract(registry, tmp_path / "out", key)
    finally:
        registry.dispose()


@pytest.mark.parametrize(("report", "birth", "year", "age"), [
    (dt.date(2020, 4, 11), dt.date(2000, 4, 12), None, 19),
    (dt.date(2020, 4, 12), dt.date(2000, 4, 12), None, 20),
    (dt.date(2020, 6, 30), None, 2000, 19),
    (dt.date(2020, 7, 1), None, 2000, 20),
    (dt.date(2020, 7, 1), None, None, None),
])
def test_age_at_report(report: dt.date, birth: dt.date | None, year: int | None,
                       age: int | None) -> None:
    assert age_at(report, birth, year) == age
