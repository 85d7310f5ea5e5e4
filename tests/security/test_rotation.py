"""Key rotation: every identifying value re-encrypted under the new key, in one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest
from security_seed import KINDS, TEST_KEY, database, report_row
from sqlalchemy import select
from typer.testing import CliRunner

from zicht.cli import app
from zicht.core.errors import ConfigError
from zicht.registry import (
    find_reports_by_bsn,
    import_rows,
    open_registry,
    read_reports,
    verify_audit,
)
from zicht.registry.crypto import FieldCipher
from zicht.registry.models import Report
from zicht.registry.rotation import rotate_registry_key


def _seed(url: str, n: int = 30) -> None:
    reg = open_registry(url)
    import_rows(reg, [report_row(i) for i in range(n)], list(range(2, n + 2)), actor="test")
    import_rows(reg, [report_row(0, family_name="Zresent")], [2], actor="test")
    reg.dispose()


def _clear(url: str) -> list[dict[str, object]]:
    reg = open_registry(url)
    with reg.begin() as conn:
        table = read_reports(conn, reg.cipher, actor="t", include_bsn=True)
    reg.dispose()
    return [{k: r[k] for k in ("id", "family_name", "given_names", "birth_date", "bsn")}
            for r in table.to_pylist()]


@pytest.mark.parametrize("kind", KINDS)
def test_rotation_reencrypts_everything_and_the_old_key_stops_working(
        kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZICHT_ENCRYPTION_KEY", TEST_KEY)
    with database(kind, tmp_path) as url:
        _seed(url)
        before = _clear(url)
        new_file = tmp_path / "new.key"
        outcome, files = rotate_registry_key(url, actor="test", new_key_file=new_file)
        assert files.final is None and new_file.is_file()
        assert outcome.values == 30 * 4 + 4  # 4 identifying values per report and version
        with pytest.raises(ConfigError, match="not the key"):
            open_registry(url)  # the old key is refused now
        monkeypatch.delenv("ZICHT_ENCRYPTION_KEY")
        monkeypatch.setenv("ZICHT_ENCRYPTION_KEY_FILE", str(new_file))
        assert _clear(url) == before
        reg = open_registry(url)
        with reg.begin() as conn:
            assert find_reports_by_bsn(conn, reg.cipher, str(before[3]["bsn"]), actor="t") == [
                before[3]["id"]]  # the blind index was recomputed under the new key
            blob = conn.scalar(select(Report.__table__.c.bsn_enc).limit(1))
            with pytest.raises(ConfigError):
                FieldCipher(bytes.fromhex(TEST_KEY)).decrypt("bsn", blob)
            assert verify_audit(conn).ok
        reg.dispose()


def test_cli_rotates_the_key_file_beside_sqlite_in_place(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZICHT_ENCRYPTION_KEY", raising=False)
    monkeypatch.delenv("ZICHT_ENCRYPTION_KEY_FILE", raising=False)
    url = f"sqlite:///{tmp_path / 'z.db'}"
    _seed(url, 5)
    key_file = tmp_path / "z.db.key"
    old = key_file.read_text()
    before = _clear(url)
    result = CliRunner().invoke(app, ["keys", "rotate-encryption", "--db", url])
    assert result.exit_code == 0, result.output
    assert key_file.read_text() != old and not (tmp_path / "z.db.key.new").exists()
    assert _clear(url) == before


def test_rotation_from_an_environment_key_needs_a_new_key_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZICHT_ENCRYPTION_KEY", TEST_KEY)
    url = f"sqlite:///{tmp_path / 'z.db'}"
    _seed(url, 2)
    with pytest.raises(ConfigError, match="--new-key-file"):
        rotate_registry_key(url, actor="test")

