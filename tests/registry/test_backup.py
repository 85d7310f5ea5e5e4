"""Backup and restore: a round trip between SQLite and PostgreSQL keeps every row."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import stat
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "security"))
from security_seed import KINDS, TEST_KEY, database, report_row

from zicht.cli import app
from zicht.core.errors import ConfigError, ConflictError, ValidationError
from zicht.registry import import_rows, open_registry, read_reports, verify_audit
from zicht.registry.backup import (
    archive_key,
    backup_registry,
    decode_value,
    encode_value,
    restore_registry,
)
from zicht.registry.db import make_engine
from zicht.registry.keys import create_key, list_keys
from zicht.registry.sealed import MAGIC, open_sealed, read_key_id, seal_file


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZICHT_ENCRYPTION_KEY", TEST_KEY)


def _seed(url: str, n: int = 40) -> None:
    reg = open_registry(url)
    import_rows(reg, [report_row(i) for i in range(n)], list(range(2, n + 2)), actor="test")
    import_rows(reg, [report_row(1, family_name="Zresent")], [2], actor="test")  # history
    import_rows(reg, [report_row(n + 1, "fairwork", identified=False, consent="no")], [2],
                actor="test")  # an anonymous report
    reg.dispose()


def _snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows (audit excepted: backup/restore append to it), comparable."""
    engine = make_engine(url)
    meta = MetaData()
    out: dict[str, list[tuple[object, ...]]] = {}
    with engine.connect() as conn:
        meta.reflect(bind=conn)
        for t in meta.sorted_tables:
            if t.name in ("alembic_version", "audit_log"):
                continue
            rows = conn.execute(select(t).order_by(*t.primary_key.columns)).all()
            out[t.name] = [tuple(_norm(v) for v in r) for r in rows]
    engine.dispose()
    return out


def _norm(value: object) -> object:
    if isinstance(value, memoryview):
        return bytes(value)
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)  # type: ignore[attr-defined]
    return value


@pytest.mark.parametrize(("source", "target"), [
    ("sqlite", "sqlite"), *[pytest.param(*pair, marks=KINDS[1].marks)
                            for pair in (("sqlite", "postgresql"), ("postgresql", "sqlite"))]])
def test_round_trip_keeps_every_row_and_the_audit_chain(source: str, target: str,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "registry.zip"
    with database(source, tmp_path) as src, database(target, tmp_path) as dst:
        _seed(src)
        summary = backup_registry(src, out, actor="test")
        assert summary.rows["reports"] == 41 and summary.rows["report_history"] == 1
        restored = restore_registry(out, dst, actor="test")
        assert restored.rows == summary.rows
        assert _snapshot(dst) == _snapshot(src)
        reg = open_registry(dst)
        with reg.begin() as conn:
            check = verify_audit(conn)
            assert check.ok, check.problems
            before = read_reports(conn, reg.cipher, actor="t", include_bsn=True)
        assert before.column("family_name").to_pylist()[1] == "Zresent"
        # New rows get fresh ids (the PostgreSQL sequences were moved past the restored ids).
        import_rows(reg, [report_row(999)], [2], actor="test")
        reg.dispose()


def test_restore_refuses_a_non_empty_target_unless_forced(tmp_path: Path) -> None:
    src, dst = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    _seed(src, 5)
    _seed(dst, 3)
    out = tmp_path / "a.zip"
    backup_registry(src, out, actor="test")
    with pytest.raises(ConflictError, match="already holds data"):
        restore_registry(out, dst, actor="test")
    restore_registry(out, dst, actor="test", force=True)
    assert _snapshot(dst) == _snapshot(src)


def test_restore_refuses_a_damaged_backup_or_the_wrong_key(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    src = f"sqlite:///{tmp_path / 'a.db'}"
    _seed(src, 5)
    out = tmp_path / "a.zip"
    backup_registry(src, out, actor="test")
    damaged = tmp_path / "damaged.zip"
    blob = bytearray(out.read_bytes())
    blob[len(blob) // 2] ^= 0x01
    damaged.write_bytes(bytes(blob))
    dst = f"sqlite:///{tmp_path / 'b.db'}"
    with pytest.raises(ConfigError, match="fails authentication"):
        restore_registry(damaged, dst, actor="test")
    damaged.write_bytes(out.read_bytes()[:-100])
    with pytest.raises(ConfigError, match=r"authentication|cut off"):
        restore_registry(damaged, dst, actor="test")
    assert not (tmp_path / "b.db").exists()  # refused before touching the target
    monkeypatch.setenv("ZICHT_ENCRYPTION_KEY", "6b" * 32)
    with pytest.raises(ConfigError, match="key id"):
        restore_registry(out, dst, actor="test")


def _tampered(out: Path, tmp: Path) -> tuple[bytes, bytes]:
    """Security finding 12: open the backup (as someone holding the archive), add a
    registrar key to ``tables/api_keys.jsonl`` and recompute the manifest's hash. Returns
    the new manifest and the whole new archive."""
    plain = tmp / "opened.zip"
    open_sealed(out, plain, archive_key(bytes.fromhex(TEST_KEY)))
    with zipfile.ZipFile(plain) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(files["manifest.json"])
    info = manifest["tables"]["api_keys"]
    first = json.loads(files["tables/api_keys.jsonl"].splitlines()[0])
    row = dict(zip(info["columns"], first, strict=True))
    row.update(id="feedfacecafe", role="registrar")
    line = json.dumps([row[c] for c in info["columns"]], separators=(",", ":")).encode()
    files["tables/api_keys.jsonl"] += line + b"\n"
    info["sha256"] = hashlib.sha256(files["tables/api_keys.jsonl"]).hexdigest()
    info["rows"] += 1
    files["manifest.json"] = json.dumps(manifest, indent=1).encode()
    archive = tmp / "forged.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return files["manifest.json"], archive.read_bytes()


def test_restore_refuses_an_injected_key_with_a_recomputed_manifest(
        tmp_path: Path) -> None:
    src, dst = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    _seed(src, 3)
    reg = open_registry(src)
    with reg.begin() as conn:
        create_key(conn, role="reporter", org="police:amsterdam", actor="test")
    reg.dispose()
    out = tmp_path / "a.zip"
    backup_registry(src, out, actor="test")
    assert out.read_bytes()[:len(MAGIC)] == MAGIC and b"api_keys" not in out.read_bytes()
    _, archive = _tampered(out, tmp_path)
    # As in the finding: the forged zip itself, with its recomputed hash.
    forged = tmp_path / "forged-backup.zip"
    forged.write_bytes(archive)
    with pytest.raises(ConfigError, match="not a sealed zicht file"):
        restore_registry(forged, dst, actor="test")
    # Sealed again under the archive key: the manifest's MAC (another derived key) fails.
    seal_file(tmp_path / "forged.zip", forged, archive_key(bytes.fromhex(TEST_KEY)),
              read_key_id(out))
    with pytest.raises(ValidationError, match="MAC"):
        restore_registry(forged, dst, actor="test")
    assert not (tmp_path / "b.db").exists()
    restore_registry(out, dst, actor="test")  # the untouched backup still restores
    reg = open_registry(dst)
    with reg.begin() as conn:
        assert [k.role for k in list_keys(conn)] == ["reporter"]
    reg.dispose()


def test_backup_file_is_private(tmp_path: Path) -> None:
    src = f"sqlite:///{tmp_path / 'a.db'}"
    _seed(src, 2)
    out = tmp_path / "a.zip"
    out.write_bytes(b"old")
    out.chmod(0o644)
    backup_registry(src, out, actor="test")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_cli_backup_and_restore(tmp_path: Path) -> None:
    src, dst = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    _seed(src, 5)
    out = tmp_path / "a.zip"
    runner = CliRunner()
    made = runner.invoke(app, ["backup", "--db", src, "--out", str(out)])
    assert made.exit_code == 0, made.output
    assert "sha256" in made.output
    back = runner.invoke(app, ["restore", str(out), "--db", dst])
    assert back.exit_code == 0, back.output
    again = runner.invoke(app, ["restore", str(out), "--db", dst])
    assert again.exit_code != 0
    assert _snapshot(dst) == _snapshot(src)


@pytest.mark.parametrize("value", [
    b"\x00\xffcipher", dt.date(2020, 1, 2), dt.datetime(2020, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC),
    decimal.Decimal("1.50"), {"b": "not bytes"}, [1, {"t": 2}], "text", 3, 1.5, True, None,
])
def test_every_value_survives_the_dump_encoding(value: object) -> None:
    assert decode_value(json.loads(json.dumps(encode_value(value)))) == value
