"""Security finding 17: the registry database, extracts and backups are owner-only from
the first byte; stored key prefixes hold no secret character; a NUL in ``report_ref`` on
PostgreSQL is refused with its row and field and nothing is stored."""

from __future__ import annotations

import os
import secrets
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).parent))
from security_seed import KINDS, TEST_KEY, database, report_row

from zicht.boundary import PseudonymKey, write_extract
from zicht.core.errors import ValidationError
from zicht.registry import import_rows, open_registry
from zicht.registry.backup import backup_registry
from zicht.registry.db import make_engine, upgrade
from zicht.registry.keys import create_key
from zicht.registry.models import ApiKey, Report, table_of


@pytest.fixture(autouse=True)
def _open_umask(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The most permissive usual umask: modes must not depend on it."""
    monkeypatch.setenv("ZICHT_ENCRYPTION_KEY", TEST_KEY)
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_registry_extract_and_backup_are_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "registry" / "zicht.db"
    reg = open_registry(f"sqlite:///{db}")
    import_rows(reg, [report_row(i) for i in range(3)], [2, 3, 4], actor="test")
    assert _mode(db.parent) == 0o700
    for path in db.parent.glob("zicht.db*"):  # the database, its -wal/-shm, its key file
        assert _mode(path) == 0o600, path.name
    assert (db.parent / "zicht.db-wal").exists()

    reg.dispose()
    from zicht.registry.dedupe import run_dedupe

    reg = open_registry(f"sqlite:///{db}")
    run_dedupe(reg)
    out = tmp_path / "research" / "extract"
    write_extract(reg, out, PseudonymKey(secrets.token_bytes(32)))
    reg.dispose()
    assert _mode(out) == 0o700 and _mode(out.parent) == 0o700
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.relative_to(out).as_posix() for p in files} == {
        "reports.parquet", "victims.parquet", "manifest.json",
        "pprl/victims.parquet", "pprl/victim_names.parquet"}
    assert all(_mode(p) == 0o600 for p in files), {p.name: oct(_mode(p)) for p in files}

    backup = tmp_path / "backups" / "registry.zicht"
    backup_registry(f"sqlite:///{db}", backup, actor="test")
    assert _mode(backup) == 0o600 and _mode(backup.parent) == 0o700


def test_a_stored_key_prefix_holds_no_secret_character(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'zicht.db'}"
    reg = open_registry(url)
    with reg.begin() as conn:
        info, key = create_key(conn, role="reporter", org="police:amsterdam", actor="test")
        stored = conn.execute(select(table_of(ApiKey))).one()
    reg.dispose()
    secret = key.split("_", 2)[2]
    assert info.prefix == stored.prefix == f"zk_{info.id}"
    assert not any(secret[i:i + 3] in str(v) for v in stored if v != stored.hash
                   for i in range(len(secret) - 2))


def test_the_migration_strips_secret_characters_from_old_prefixes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'zicht.db'}"
    engine = make_engine(url)
    upgrade(engine, "0003_dedupe_incremental")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO api_keys (id, prefix, hash, role, org, created_at) "
                          "VALUES ('a1b2c3d4e5f6', 'zk_a1b2c3d4e5f6_Xy9Q', 'h', 'reporter', "
                          "'police:amsterdam', '2026-01-01 00:00:00')"))
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT prefix FROM api_keys")) == "zk_a1b2c3d4e5f6"
    engine.dispose()


@pytest.mark.parametrize("kind", KINDS)
def test_a_nul_in_report_ref_is_refused_with_row_and_field(kind: str, tmp_path: Path) -> None:
    with database(kind, tmp_path) as url:
        reg = open_registry(url)
        rows = [report_row(1), report_row(2, report_ref="R\x00000002"), report_row(3)]
        with pytest.raises(ValidationError) as err:
            import_rows(reg, rows, [2, 3, 4], actor="test")
        assert [(p.row, p.field) for p in err.value.problems] == [(3, "report_ref")]
        assert "control character" in err.value.problems[0].message
        with reg.read() as conn:
            assert conn.scalar(select(table_of(Report).c.id).limit(1)) is None
        reg.dispose()
