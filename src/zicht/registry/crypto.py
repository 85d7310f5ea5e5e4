"""Encryption at rest of identifying fields (AES-GCM) and the BSN blind index (HMAC).

One master key (``ZICHT_ENCRYPTION_KEY`` or ``ZICHT_ENCRYPTION_KEY_FILE``, 32 random
bytes as 64 hex characters) is expanded with HKDF into two independent keys: one for
AES-GCM, one for the keyed hash of the BSN. The boundary's pseudonym key is a third,
unrelated key that the registry never uses.

With a SQLite file and no key configured, a key file is made beside the database on
first use (``zicht.db.key``) with a warning, so a new user needs no extra step. With
``ZICHT_ENVIRONMENT=production`` zicht refuses to start without a configured key.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.engine import make_url

from zicht.core.config import Settings
from zicht.core.errors import ConfigError

log = logging.getLogger("zicht.registry")

KEY_HELP = (
    "Set ZICHT_ENCRYPTION_KEY to 64 hex characters (32 random bytes), e.g. from "
    "`python -c \"import secrets; print(secrets.token_hex(32))\"`, or point "
    "ZICHT_ENCRYPTION_KEY_FILE at a file holding them."
)
NONCE_BYTES = 12


def derive_key(master: bytes, purpose: bytes) -> bytes:
    """A 32-byte key for one ``purpose``, derived from the master key (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class FieldCipher:
    """Encrypts and decrypts identifying fields; computes the BSN blind index."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) < 32:
            raise ConfigError(f"The encryption key has {len(master_key)} bytes; expected 32. "
                              + KEY_HELP)
        self._aead = AESGCM(derive_key(master_key, b"zicht fields aes-256-gcm v1"))
        self._index_key = derive_key(master_key, b"zicht bsn blind index v1")
        #: The audit chain's HMAC key as first derived; the registry keeps it wrapped
        #: (``zicht.registry.audit``), so a later key rotation does not change it.
        self.audit_key = derive_key(master_key, b"zicht audit chain hmac v1")
        #: A fingerprint of the key (not the key): stored in the registry to catch a wrong key.
        self.key_id = hmac.new(master_key, b"zicht key id", hashlib.sha256).hexdigest()[:16]

    def encrypt(self, column: str, value: str | None) -> bytes | None:
        """Ciphertext ``nonce || ct || tag`` of ``value``, bound to ``column``; None stays None."""
        if value is None:
            return None
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, value.encode(), column.encode())

    def encrypt_fields(self, fields: Sequence[tuple[bytes, str | None]]) -> list[bytes | None]:
        """:meth:`encrypt` of several ``(column as bytes, value)`` pairs, for bulk writes.

        The same ciphertexts, with the random nonces drawn in one call (a 100,000-row
        import encrypts some 300,000 values).
        """
        nonces = os.urandom(NONCE_BYTES * len(fields))
        encrypt = self._aead.encrypt
        out: list[bytes | None] = []
        for i, (column, value) in enumerate(fields):
            if value is None:
                out.append(None)
                continue
            nonce = nonces[i * NONCE_BYTES:(i + 1) * NONCE_BYTES]
            out.append(nonce + encrypt(nonce, value.encode(), column))
        return out

    def decrypt(self, column: str, blob: bytes | None) -> str | None:
        """The clear text of a ciphertext made by :meth:`encrypt` for the same column."""
        if blob is None:
            return None
        blob = bytes(blob)
        try:
            clear = self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], column.encode())
        except InvalidTag:
            raise _wrong_key(column) from None
        return clear.decode()

    def decrypt_many(self, column: str, blobs: Iterable[bytes | None]) -> list[str | None]:
        """:meth:`decrypt` of many ciphertexts of one column, for bulk reads.

        The same clear texts; the associated data is encoded once and the per-value
        set-up of :meth:`decrypt` skipped (a million reports hold some three million
        encrypted values).
        """
        aad = column.encode()
        decrypt = self._aead.decrypt
        out: list[str | None] = []
        append = out.append
        try:
            for blob in blobs:
                if blob is None:
                    append(None)
                    continue
                raw = bytes(blob)  # psycopg hands bytea over as memoryview
                append(decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad).decode())
        except InvalidTag:
            raise _wrong_key(column) from None
        return out

    def blind_index(self, bsn: str | None) -> str | None:
        """Keyed hash (HMAC-SHA256, hex) of a BSN: equal BSNs give equal hashes."""
        if bsn is None:
            return None
        return hmac.new(self._index_key, bsn.encode(), hashlib.sha256).hexdigest()

    def blind_index_many(self, values: Iterable[str | None]) -> list[str | None]:
        """:meth:`blind_index` of many values: the HMAC keyed once and copied for each
        value (copying the keyed state skips hashing the padded key every time)."""
        keyed = hmac.new(self._index_key, digestmod=hashlib.sha256)
        out: list[str | None] = []
        append = out.append
        for value in values:
            if value is None:
                append(None)
                continue
            mac = keyed.copy()
            mac.update(value.encode())
            append(mac.hexdigest())
        return out


def _wrong_key(column: str) -> ConfigError:
    return ConfigError(
        f"A value in column {column} cannot be decrypted with the configured key. "
        "Expected the key the registry was written with; check ZICHT_ENCRYPTION_KEY.")


def parse_key(text: str, source: str) -> bytes:
    """The key bytes of a hex string; a clear error naming ``source`` if malformed."""
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise ConfigError(f"The encryption key in {source} is not hex. " + KEY_HELP) from None
    if len(key) < 32:
        raise ConfigError(f"The encryption key in {source} has {len(key)} bytes; expected 32. "
                          + KEY_HELP)
    return key


def resolve_key(url: str, settings: Settings) -> bytes:
    """The master key for the registry at ``url``: configured, or a key file beside SQLite."""
    if settings.encryption_key:
        return parse_key(settings.encryption_key, "ZICHT_ENCRYPTION_KEY")
    if settings.encryption_key_file:
        path = settings.encryption_key_file
        if not path.is_file():
            raise ConfigError(f"ZICHT_ENCRYPTION_KEY_FILE points at {path}, which does not "
                              "exist. " + KEY_HELP)
        return parse_key(path.read_text(), str(path))
    if settings.environment == "production":
        raise ConfigError("No encryption key is configured and ZICHT_ENVIRONMENT=production "
                          "refuses to make one. " + KEY_HELP)
    parsed = make_url(url)
    if not parsed.get_backend_name() == "sqlite":
        raise ConfigError("No encryption key is configured for this database server. "
                          + KEY_HELP)
    if not parsed.database or parsed.database == ":memory:":
        log.warning("No encryption key configured; using a throw-away key for an "
                    "in-memory database.")
        return secrets.token_bytes(32)
    return _key_file_beside(Path(parsed.database))


def _key_file_beside(database: Path) -> bytes:
    path = database.with_name(database.name + ".key")
    if path.is_file():
        return parse_key(path.read_text(), str(path))
    key = secrets.token_bytes(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key.hex() + "\n")
    log.warning("No encryption key configured: made %s for the identifying fields. Keep it "
                "safe and back it up with the database; without it they cannot be read.", path)
    return key
