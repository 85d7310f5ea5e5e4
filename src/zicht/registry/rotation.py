"""Rotate the encryption key: re-encrypt every identifying column in one transaction.

Every column named ``*_enc`` in every table (found by reflection, so tables added by
later migrations are covered too) is decrypted under the old key and encrypted under
the new one; every ``bsn_hash`` beside a ``bsn_enc`` is recomputed with the new key's
blind index; the stored key id changes. All of it commits together or not at all, and
it is audited. Old backups stay readable only with the old key: destroy that key to
crypto-shred them (``docs/security.md``).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, MetaData, Table, select, text, update
from sqlalchemy.engine import make_url

from zicht.core.config import Settings, get_settings
from zicht.core.errors import ConfigError
from zicht.registry.audit import append_audit, rewrap_audit_key
from zicht.registry.crypto import FieldCipher
from zicht.registry.db import KEY_ID, normalise_url, open_registry
from zicht.registry.models import RegistryMeta, table_of

PAGE = 2_000


@dataclass(frozen=True)
class RotationOutcome:
    """What :func:`rotate_encryption_key` re-encrypted."""

    old_key_id: str
    new_key_id: str
    values: int  # ciphertexts re-encrypted
    rows: int  # rows touched
    tables: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"old_key_id": self.old_key_id, "new_key_id": self.new_key_id,
                "values": self.values, "rows": self.rows, "tables": self.tables}


def _encrypted_tables(conn: Connection) -> list[tuple[Table, list[str]]]:
    meta = MetaData()
    meta.reflect(bind=conn)
    found = []
    for table in meta.sorted_tables:
        cols = [c.name for c in table.columns if c.name.endswith("_enc")]
        if not cols:
            continue
        if "bsn_hash" in table.c and "bsn_enc" not in cols:
            raise ConfigError(f"Table {table.name} keeps a bsn_hash without a bsn_enc, so its "
                              "blind index cannot be recomputed under a new key; nothing was "
                              "changed. Add bsn_enc to that table or drop the hash first.")
        if len(table.primary_key.columns) != 1:
            raise ConfigError(f"Table {table.name} has encrypted columns but no single-column "
                              "primary key; key rotation needs one. Nothing was changed.")
        found.append((table, cols))
    return found


def _reencrypt_row(row: Any, cols: list[str], old: FieldCipher, new: FieldCipher,
                   with_hash: bool) -> tuple[dict[str, Any], int]:
    values: dict[str, Any] = {}
    count = 0
    for col in cols:
        field = col.removesuffix("_enc")
        clear = old.decrypt(field, getattr(row, col))
        values[col] = new.encrypt(field, clear)
        count += clear is not None
        if with_hash and col == "bsn_enc":
            values["bsn_hash"] = new.blind_index(clear)
    return values, count


def rotate_encryption_key(conn: Connection, old: FieldCipher, new: FieldCipher, *,
                          actor: str) -> RotationOutcome:
    """Re-encrypt every identifying value from ``old`` to ``new`` in the caller's transaction.

    Refuses (ConfigError) when the registry was not written with ``old``.
    """
    meta = table_of(RegistryMeta)
    stored = conn.scalar(select(meta.c.value).where(meta.c.name == KEY_ID))
    if stored is not None and stored != old.key_id:
        raise ConfigError(f"The registry was written with key id {stored}, not with the "
                          f"configured key (id {old.key_id}); nothing was changed. Configure "
                          "the current key before rotating.")
    if old.key_id == new.key_id:
        raise ConfigError("The new key is the current key; nothing was changed. "
                          "Give a new key (or leave it out to have one made).")
    values = rows = 0
    tables: list[str] = []
    encrypted = _encrypted_tables(conn)
    if conn.dialect.name == "postgresql":  # no write may slip in under the old key meanwhile
        names = ", ".join(f'"{t.name}"' for t, _ in encrypted)
        conn.execute(text(f"LOCK TABLE {names}, registry_meta IN EXCLUSIVE MODE"))
    for table, cols in encrypted:
        pk = next(iter(table.primary_key.columns))
        with_hash = "bsn_hash" in table.c
        tables.append(table.name)
        last: Any = None
        while True:  # keyset pages: never update the table under an open cursor
            query = select(pk, *(table.c[c] for c in cols)).order_by(pk).limit(PAGE)
            if last is not None:
                query = query.where(pk > last)
            page = conn.execute(query).all()
            if not page:
                break
            for row in page:
                new_values, n = _reencrypt_row(row, cols, old, new, with_hash)
                values += n
                conn.execute(update(table).where(pk == row[0]).values(**new_values))
            rows += len(page)
            last = page[-1][0]
    if stored is None:
        conn.execute(meta.insert().values(name=KEY_ID, value=new.key_id))
    else:
        conn.execute(update(meta).where(meta.c.name == KEY_ID).values(value=new.key_id))
    rewrap_audit_key(conn, old, new)
    append_audit(conn, actor=actor, action="key.rotate_encryption", record_type="registry",
                 record_id=f"{old.key_id}->{new.key_id}")
    return RotationOutcome(old_key_id=old.key_id, new_key_id=new.key_id, values=values,
                           rows=rows, tables=tables)


def write_key_file(path: Path, key: bytes) -> None:
    """Write ``key`` as hex to a new file readable only by its owner (never overwrites)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(f"{path} already exists; refusing to overwrite a key file. "
                          "Choose a new path or remove the stale file.") from None
    with os.fdopen(fd, "w") as fh:
        fh.write(key.hex() + "\n")
        fh.flush()
        os.fsync(fh.fileno())


@dataclass(frozen=True)
class KeyFiles:
    """Where the new key goes: ``staged`` is written first, then moved to ``final``."""

    staged: Path
    final: Path | None  # None: the user must configure ``staged`` themselves


def plan_key_files(url: str, settings: Settings, new_key_file: Path | None) -> KeyFiles:
    """Decide where the new key is written, from how the current key is configured."""
    if new_key_file is not None:
        return KeyFiles(staged=new_key_file, final=None)
    if settings.encryption_key:
        raise ConfigError("The current key comes from ZICHT_ENCRYPTION_KEY, which zicht cannot "
                          "change; give --new-key-file PATH for the new key and configure it "
                          "afterwards. Nothing was changed.")
    if settings.encryption_key_file:
        current = settings.encryption_key_file
    else:
        database = make_url(normalise_url(url)).database
        if make_url(normalise_url(url)).get_backend_name() != "sqlite" or not database:
            raise ConfigError("No key file to rotate in place; give --new-key-file PATH. "
                              "Nothing was changed.")
        current = Path(database).with_name(Path(database).name + ".key")
    return KeyFiles(staged=current.with_name(current.name + ".new"), final=current)


def rotate_registry_key(url: str, *, actor: str, new_key_file: Path | None = None,
                        settings: Settings | None = None) -> tuple[RotationOutcome, KeyFiles]:
    """Rotate the registry's encryption key end to end (the ``zicht keys rotate-encryption``
    stage function): make a key, write it, re-encrypt in one transaction, install the file.

    If the process dies after the commit but before the file move, the new key is in
    ``KeyFiles.staged``: move it over ``KeyFiles.final`` (the error on the next start,
    "not the key this registry was written with", points there).
    """
    settings = settings or get_settings()
    files = plan_key_files(url, settings, new_key_file)
    registry = open_registry(url, settings=settings)
    try:
        new_key = secrets.token_bytes(32)
        write_key_file(files.staged, new_key)
        try:
            with registry.begin() as conn:
                outcome = rotate_encryption_key(conn, registry.cipher, FieldCipher(new_key),
                                                actor=actor)
        except BaseException:
            files.staged.unlink(missing_ok=True)  # nothing committed: the old key stays
            raise
        if files.final is not None:
            os.replace(files.staged, files.final)
        return outcome, files
    finally:
        registry.dispose()
