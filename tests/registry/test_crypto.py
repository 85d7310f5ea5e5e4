"""Encryption at rest, the BSN blind index and key handling."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from reports_factory import report

from zicht.core.config import Settings
from zicht.core.errors import ConfigError
from zicht.registry import find_reports_by_bsn, import_rows, open_registry, read_bsn


def test_identifying_fields_are_not_stored_in_clear(sqlite_url: str, tmp_path: Path) -> None:
    reg = open_registry(sqlite_url)
    import_rows(reg, [report(1, family_name="Uniquename", bsn="123456782")], [2], actor="t")
    reg.dispose()
    raw = (tmp_path / "zicht.db").read_bytes()
    for clear in (b"Uniquename", b"123456782", b"1999-05-04"):
        assert clear not in raw
    with sqlite3.connect(tmp_path / "zicht.db") as conn:
        blob, digest = conn.execute("SELECT family_name_enc, bsn_hash FROM reports").fetchone()
    assert isinstance(blob, bytes) and len(blob) > 12 + 16 and len(digest) == 64


def test_bsn_lookup_by_keyed_hash(db_url: str) -> None:
    reg = open_registry(db_url)
    import_rows(reg, [report(1, bsn="123456782"), report(2, bsn="111222333"),
                      report(3, bsn="123456782")], [2, 3, 4], actor="t")
    with reg.begin() as conn:
        ids = find_reports_by_bsn(conn, reg.cipher, "123456782", actor="t")
        assert len(ids) == 2
        assert read_bsn(conn, reg.cipher, ids[0], actor="t") == "123456782"
    reg.dispose()


@pytest.fixture
def no_key_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("ZICHT_ENCRYPTION_KEY", "ZICHT_ENCRYPTION_KEY_FILE", "ZICHT_ENVIRONMENT"):
        monkeypatch.delenv(var, raising=False)


@pytest.mark.usefixtures("no_key_configured")
def test_key_file_made_beside_sqlite_with_a_warning(tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    with caplog.at_level(logging.WARNING, logger="zicht.registry"):
        reg = open_registry(url, settings=Settings())
    assert (tmp_path / "new.db.key").is_file() and "new.db.key" in caplog.text
    assert (tmp_path / "new.db.key").stat().st_mode & 0o077 == 0
    key_id = reg.cipher.key_id
    reg.dispose()
    assert open_registry(url, settings=Settings()).cipher.key_id == key_id


@pytest.mark.usefixtures("no_key_configured")
def test_production_refuses_without_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="production"):
        open_registry(f"sqlite:///{tmp_path / 'p.db'}",
                      settings=Settings(environment="production"))


def test_wrong_key_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    open_registry(url, settings=Settings(encryption_key="11" * 32)).dispose()
    with pytest.raises(ConfigError, match="not the key this registry was written with"):
        open_registry(url, settings=Settings(encryption_key="22" * 32))
    with pytest.raises(ConfigError, match="not hex"):
        open_registry(url, settings=Settings(encryption_key="zz"))


def test_bulk_decrypt_and_blind_index_equal_the_single_value_ones() -> None:
    from zicht.registry.crypto import FieldCipher

    cipher = FieldCipher(bytes(range(32)))
    values = ["Jansen", None, "Łukasz", "", "1999-05-04"]
    blobs = [cipher.encrypt("family_name_enc", v) for v in values]
    # memoryview: what psycopg returns for bytea
    blobs[2] = memoryview(blobs[2])  # type: ignore[arg-type]
    assert cipher.decrypt_many("family_name_enc", blobs) == values
    assert cipher.blind_index_many(values) == [cipher.blind_index(v) for v in values]
    assert cipher.blind_index_many(["123456782"])[0] != cipher.blind_index_many(["1"])[0]
    with pytest.raises(ConfigError, match="given_names_enc"):
        cipher.decrypt_many("given_names_enc", blobs)  # bound to its column
