"""Backup and restore of the registry: a logical dump, portable between SQLite and PostgreSQL.

A backup is one sealed file (``zicht.registry.sealed``: AES-256-GCM in chunks under a
key derived by HKDF from the registry's encryption key, written 0600) holding one zip
(deflate-compressed):

- ``manifest.json``: format, zicht version, the schema revision (Alembic), when, the
  encryption key id (a fingerprint, never the key), and per table its columns, row
  count and the SHA-256 of its data file;
- ``manifest.mac``: HMAC-SHA256 of ``manifest.json`` under another key derived from the
  encryption key, so a table file changed together with its checksum is refused even if
  the archive were opened and sealed again;
- ``tables/NAME.jsonl``: one JSON array per row, in primary-key order. Values that JSON
  has no type for are tagged: ``{"b": base64}`` bytes, ``{"d": iso}`` date,
  ``{"t": iso}`` UTC timestamp, ``{"n": text}`` decimal, ``{"j": value}`` a JSON value.

Every table of the database is dumped (found by reflection, so tables of later
migrations are included) inside one read transaction, so the dump is consistent.
Identifying columns stay AES-GCM ciphertext inside the sealed archive: a backup is useless
without the key, and the key is never in it. Restore opens the archive (any changed,
cut-off or foreign file is refused), checks the manifest's MAC and every checksum
before it touches the target,
refuses a target that holds rows (unless ``force``), creates the schema at the backup's
revision, loads every row in one transaction, then migrates to the newest revision. The
audit log is copied entry for entry, so ``zicht audit verify`` still holds; backup and
restore each add their own audit entry.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import hmac
import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from alembic import command
from sqlalchemy import Connection, Engine, MetaData, Table, delete, func, inspect, select, text
from sqlalchemy.engine import make_url

import zicht
from zicht.core.config import Settings, get_settings
from zicht.core.errors import ConfigError, ConflictError, Problem, ValidationError
from zicht.core.private import private_dir
from zicht.registry.audit import append_audit, bind_audit_key
from zicht.registry.crypto import FieldCipher, derive_key, resolve_key
from zicht.registry.db import KEY_ID, alembic_config, make_engine, normalise_url, upgrade
from zicht.registry.sealed import open_sealed, read_key_id, seal_file

FORMAT = "zicht-backup/2"
_ARCHIVE_KEY = b"zicht backup archive aes-256-gcm v1"
_MAC_KEY = b"zicht backup manifest hmac v1"
CHUNK = 5_000
_SKIP = {"alembic_version"}


@dataclass(frozen=True)
class BackupSummary:
    """What a backup or restore moved."""

    path: Path
    schema_revision: str | None
    rows: dict[str, int]
    sha256: str  # of the whole backup file

    def to_dict(self) -> dict[str, Any]:
        return {"file": str(self.path), "schema_revision": self.schema_revision,
                "rows": self.rows, "total_rows": sum(self.rows.values()),
                "sha256": self.sha256}


def encode_value(value: Any) -> Any:
    """A JSON-ready form of one database value (see the module docstring for the tags)."""
    if isinstance(value, bytes | memoryview | bytearray):
        return {"b": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # SQLite drops the zone; zicht stores UTC only
            value = value.replace(tzinfo=dt.UTC)
        return {"t": value.astimezone(dt.UTC).isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"n": str(value)}
    if isinstance(value, dict | list):  # a JSON column: wrapped, so it is never read as a tag
        return {"j": value}
    return value


def decode_value(value: Any) -> Any:
    """The database value of one :func:`encode_value` output."""
    if isinstance(value, dict):
        if "j" in value:
            return value["j"]
        if "b" in value:
            return base64.b64decode(value["b"])
        if "t" in value:
            return dt.datetime.fromisoformat(value["t"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
        if "n" in value:
            return decimal.Decimal(value["n"])
    return value


def _reflect(conn: Connection) -> list[Table]:
    meta = MetaData()
    meta.reflect(bind=conn)
    return [t for t in meta.sorted_tables if t.name not in _SKIP]


def schema_revision(conn: Connection) -> str | None:
    """The Alembic revision the database is at (None before the first migration)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    revision: str | None = conn.scalar(text("SELECT version_num FROM alembic_version"))
    return revision


def _order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def _dump_table(conn: Connection, table: Table, out: IO[bytes]) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    result = conn.execution_options(yield_per=CHUNK).execute(select(table)
                                                             .order_by(*_order(table)))
    for row in result:
        line = json.dumps([encode_value(v) for v in row], separators=(",", ":")).encode() + b"\n"
        digest.update(line)
        out.write(line)
        count += 1
    return count, digest.hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_mac(manifest: bytes, master_key: bytes) -> str:
    """The MAC of a backup's ``manifest.json`` bytes (hex)."""
    return hmac.new(derive_key(master_key, _MAC_KEY), manifest, hashlib.sha256).hexdigest()


def archive_key(master_key: bytes) -> bytes:
    """The key a backup archive is sealed under (derived, never the master key itself)."""
    return derive_key(master_key, _ARCHIVE_KEY)


def backup_registry(url: str, out: Path, *, actor: str,
                    settings: Settings | None = None) -> BackupSummary:
    """Write a sealed backup of the registry at ``url`` to ``out`` (audited in the source)."""
    key = resolve_key(url, settings or get_settings())
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            if schema_revision(conn) is None:
                raise ConfigError(f"{make_url(normalise_url(url)).render_as_string()} holds no "
                                  "zicht registry (no schema revision); nothing to back up.")
            bind_audit_key(conn, FieldCipher(key))
            append_audit(conn, actor=actor, action="registry.backup", record_type="registry",
                         record_id=out.name[:100])
        return _write_backup(engine, out, key)
    finally:
        engine.dispose()


def _write_backup(engine: Engine, out: Path, key: bytes) -> BackupSummary:
    private_dir(out.parent)
    partial = out.with_name(out.name + ".partial")
    isolation = "REPEATABLE READ" if engine.dialect.name == "postgresql" else None
    opts = {"isolation_level": isolation} if isolation else {}
    cipher = FieldCipher(key)
    with (tempfile.TemporaryDirectory(prefix="zicht-backup-") as tmp,
          engine.connect().execution_options(**opts) as conn, conn.begin()):
        plain = Path(tmp) / "backup.zip"  # the directory is the owner's only (0700)
        revision = schema_revision(conn)
        meta_table = next((t for t in _reflect(conn) if t.name == "registry_meta"), None)
        key_id = (conn.scalar(select(meta_table.c.value).where(meta_table.c.name == KEY_ID))
                  if meta_table is not None else None)
        if key_id is not None and key_id != cipher.key_id:
            raise ConfigError(f"The registry was written under encryption key id {key_id}; "
                              f"the configured key has id {cipher.key_id}. Configure the "
                              "registry's own key; nothing was backed up.")
        tables: dict[str, Any] = {}
        with zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for table in _reflect(conn):
                with zf.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as fh:
                    rows, sha = _dump_table(conn, table, fh)
                tables[table.name] = {"columns": [c.name for c in table.columns],
                                      "rows": rows, "sha256": sha}
            manifest = {"format": FORMAT, "zicht_version": zicht.__version__,
                        "created_at": dt.datetime.now(dt.UTC).isoformat(),
                        "dialect": engine.dialect.name, "schema_revision": revision,
                        "encryption_key_id": cipher.key_id, "tables": tables}
            body = json.dumps(manifest, indent=1).encode()
            zf.writestr("manifest.json", body)
            zf.writestr("manifest.mac", manifest_mac(body, key))
        seal_file(plain, partial, archive_key(key), cipher.key_id)
    partial.replace(out)  # a crash mid-backup never leaves a file that looks complete
    return BackupSummary(path=out, schema_revision=revision,
                         rows={n: t["rows"] for n, t in tables.items()},
                         sha256=_file_sha256(out))


def read_manifest(zf: zipfile.ZipFile, master_key: bytes) -> dict[str, Any]:
    """The manifest of an open backup archive, checked for its MAC and format."""
    try:
        body, mac = zf.read("manifest.json"), zf.read("manifest.mac").decode()
        manifest: dict[str, Any] = json.loads(body)
    except (KeyError, ValueError):
        raise ConfigError("This backup has no readable manifest.json and manifest.mac: it "
                          "is damaged or not made by `zicht backup`; nothing was "
                          "restored.") from None
    if not hmac.compare_digest(mac.strip(), manifest_mac(body, master_key)):
        raise ValidationError("The backup's manifest fails its MAC: the backup was changed "
                              "after it was made; nothing was restored. Use another copy.",
                              problems=[Problem(None, "manifest.json", "MAC does not match")])
    if manifest.get("format") != FORMAT:
        raise ConfigError(f"Backup format {manifest.get('format')!r} is not {FORMAT!r}; "
                          "restore it with the zicht version that made it.")
    return manifest


def verify_backup(plain: Path, master_key: bytes) -> dict[str, Any]:
    """Check an opened backup archive: the manifest's MAC, then every table file against
    the manifest's checksum and row count."""
    try:
        zf = zipfile.ZipFile(plain)
    except (FileNotFoundError, zipfile.BadZipFile) as exc:
        raise ConfigError(f"The backup cannot be opened as an archive ({exc}). "
                          "Give a file made by `zicht backup`.") from None
    with zf:
        manifest = read_manifest(zf, master_key)
        bad = []
        for name, info in manifest["tables"].items():
            digest, rows = hashlib.sha256(), 0
            try:
                with zf.open(f"tables/{name}.jsonl") as fh:
                    for line in fh:
                        digest.update(line)
                        rows += 1
            except (KeyError, zipfile.BadZipFile, OSError):
                bad.append(f"tables/{name}.jsonl is missing or damaged")
                continue
            if digest.hexdigest() != info["sha256"] or rows != info["rows"]:
                bad.append(f"tables/{name}.jsonl does not match its checksum")
    if bad:
        raise ValidationError("The backup is damaged; nothing was restored. "
                              "Use another copy of the backup.",
                              problems=[Problem(None, None, b) for b in bad])
    return manifest


def _rows_of(zf: zipfile.ZipFile, name: str) -> Iterator[list[Any]]:
    with zf.open(f"tables/{name}.jsonl") as fh:
        for line in io.TextIOWrapper(fh, encoding="utf-8"):
            yield [decode_value(v) for v in json.loads(line)]


def _target_key(url: str, wanted: str, settings: Settings) -> bytes:
    """The target's key, which must be the key the backup was sealed under."""
    parsed = make_url(normalise_url(url))
    configured = settings.encryption_key or settings.encryption_key_file
    if not configured and parsed.get_backend_name() == "sqlite" and parsed.database:
        beside = Path(parsed.database).with_name(Path(parsed.database).name + ".key")
        if not beside.is_file():  # don't let resolve_key make a new, wrong key file
            raise ConfigError(f"The backup was written with encryption key id {wanted}, and "
                              f"no key is configured for the target. Copy the source "
                              f"registry's key file to {beside} or set "
                              "ZICHT_ENCRYPTION_KEY_FILE, then restore again.")
    key = resolve_key(url, settings)
    have = FieldCipher(key).key_id
    if have != wanted:
        raise ConfigError(f"The backup was written with encryption key id {wanted}; the key "
                          f"configured for the target has id {have}. Configure the key the "
                          "backup was made with; nothing was restored.")
    return key


def _occupied(conn: Connection) -> list[str]:
    """Tables holding rows (the key id of a registry opened once does not count)."""
    return [t.name for t in _reflect(conn) if t.name != "registry_meta"
            and (conn.scalar(select(func.count()).select_from(t)) or 0) > 0]


def _downgrade_to_base(engine: Engine) -> None:
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")


def restore_registry(path: Path, url: str, *, actor: str, force: bool = False,
                     settings: Settings | None = None) -> BackupSummary:
    """Restore the backup at ``path`` into the database at ``url`` (all or nothing)."""
    key = _target_key(url, read_key_id(path), settings or get_settings())
    with tempfile.TemporaryDirectory(prefix="zicht-restore-") as tmp:
        plain = Path(tmp) / "backup.zip"
        open_sealed(path, plain, archive_key(key))
        manifest = verify_backup(plain, key)
        rows = _restore(plain, url, manifest, actor=actor, force=force, name=path.name,
                        cipher=FieldCipher(key))
    return BackupSummary(path=path, schema_revision=manifest["schema_revision"], rows=rows,
                         sha256=_file_sha256(path))


def _restore(plain: Path, url: str, manifest: dict[str, Any], *, actor: str,
             force: bool, name: str, cipher: FieldCipher) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            current = schema_revision(conn)
            occupied = _occupied(conn) if current else []
        if occupied and not force:
            raise ConflictError(f"The target database already holds data (tables "
                                f"{', '.join(occupied)}); nothing was restored. Restore into "
                                "an empty database, or pass --force to replace its contents.")
        wanted = manifest["schema_revision"]
        if current is not None and force:
            # Replacing everything: drop the schema through the migrations (the audit log
            # is append-only, even for us), then rebuild it at the backup's revision.
            _downgrade_to_base(engine)
            current = None
        if current is None:
            upgrade(engine, wanted)
        elif current != wanted:
            raise ConflictError(f"The target database is at schema revision {current}, the "
                                f"backup at {wanted}; nothing was restored. Restore into an "
                                "empty database (it is migrated after loading).")
        rows = _load(engine, plain, manifest, actor, name, cipher)
        upgrade(engine)
    finally:
        engine.dispose()
    return rows


def _load(engine: Engine, path: Path, manifest: dict[str, Any], actor: str,
          name: str, cipher: FieldCipher) -> dict[str, int]:
    loaded: dict[str, int] = {}
    with zipfile.ZipFile(path) as zf, engine.begin() as conn:
        tables = _reflect(conn)
        meta_table = next(t for t in tables if t.name == "registry_meta")
        conn.execute(delete(meta_table))  # the key id written by an earlier open; restored
        by_name = {t.name: t for t in tables}
        missing = set(manifest["tables"]) - set(by_name)
        if missing:
            raise ConflictError(f"The backup has table(s) {', '.join(sorted(missing))} that "
                                "the target schema lacks; nothing was restored.")
        for table in tables:
            info = manifest["tables"].get(table.name)
            if info is None:
                continue
            columns = info["columns"]
            batch: list[dict[str, Any]] = []
            count = 0
            for values in _rows_of(zf, table.name):
                batch.append(dict(zip(columns, values, strict=True)))
                if len(batch) >= CHUNK:
                    conn.execute(table.insert(), batch)
                    count, batch = count + len(batch), []
            if batch:
                conn.execute(table.insert(), batch)
                count += len(batch)
            loaded[table.name] = count
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn, tables)
        bind_audit_key(conn, cipher)  # the restored registry's own wrapped audit key
        append_audit(conn, actor=actor, action="registry.restore", record_type="registry",
                     record_id=name[:100])
    return loaded


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    """Move every serial column's sequence past the restored ids (else new rows collide)."""
    for table in tables:
        for col in table.primary_key.columns:
            seq = conn.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"),
                              {"t": table.name, "c": col.name})
            if seq:
                conn.execute(text(f'SELECT setval(:s, COALESCE((SELECT MAX("{col.name}") '
                                  f'FROM "{table.name}"), 0) + 1, false)'), {"s": seq})
