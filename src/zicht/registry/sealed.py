"""Sealed files: a file encrypted and authenticated as a whole, streamed in chunks.

Used for backups (``zicht.registry.backup``). The layout::

    MAGIC  key id (16 hex + newline)  nonce prefix (8 bytes)
    then chunks: length (4 bytes, big-endian) || AES-256-GCM(chunk)

Each chunk of up to 1 MiB is encrypted under a key derived (HKDF) from the registry's
encryption key, with the nonce ``prefix || chunk number`` and the header plus a
last-chunk flag as associated data: a changed, reordered, dropped or appended chunk, a
changed header or a cut-off file fails to open (the STREAM construction). The key id in
the header is a fingerprint, so a wrong key is named before anything is decrypted.
"""

from __future__ import annotations

import secrets
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from zicht.core.errors import ConfigError
from zicht.core.private import private_file

__all__ = ["MAGIC", "SealedFileError", "open_sealed", "read_key_id", "seal_file"]

MAGIC = b"ZICHT-SEALED/1\n"
CHUNK = 1 << 20
_PREFIX = 8
_LAST, _MORE = b"\x01", b"\x00"


class SealedFileError(ConfigError):
    """Raised when a sealed file is not one, or fails authentication."""


def _nonce(prefix: bytes, number: int) -> bytes:
    return prefix + struct.pack(">I", number)


def seal_file(plain: Path, sealed: Path, key: bytes, key_id: str) -> None:
    """Encrypt ``plain`` into ``sealed`` (mode 0600) under ``key`` (32 bytes)."""
    aead = AESGCM(key)
    prefix = secrets.token_bytes(_PREFIX)
    header = MAGIC + key_id.encode() + b"\n" + prefix
    with plain.open("rb") as src, private_file(sealed) as out:
        out.write(header)
        number, chunk = 0, src.read(CHUNK)
        while True:
            following = src.read(CHUNK)
            flag = _MORE if following else _LAST
            ct = aead.encrypt(_nonce(prefix, number), chunk, header + flag)
            out.write(struct.pack(">I", len(ct)) + ct)
            if not following:
                break
            number, chunk = number + 1, following


def _header(fh: IO[bytes], path: Path) -> tuple[bytes, str, bytes]:
    magic = fh.read(len(MAGIC))
    if magic != MAGIC:
        raise SealedFileError(f"{path} is not a sealed zicht file (an unencrypted or foreign "
                              "file); nothing was restored. Use a file made by `zicht backup`.")
    key_id = fh.readline(64)
    prefix = fh.read(_PREFIX)
    if not key_id.endswith(b"\n") or len(prefix) != _PREFIX:
        raise SealedFileError(f"{path} has a damaged header; nothing was restored.")
    return MAGIC + key_id + prefix, key_id.strip().decode("ascii", "replace"), prefix


def read_key_id(path: Path) -> str:
    """The key id a sealed file was written under (a fingerprint, not the key)."""
    with path.open("rb") as fh:
        return _header(fh, path)[1]


def _chunks(fh: IO[bytes], path: Path) -> Iterator[tuple[bytes, bool]]:
    pending: bytes | None = None
    while True:
        size = fh.read(4)
        if not size:
            break
        if len(size) != 4:
            raise SealedFileError(f"{path} is cut off; nothing was restored.")
        (length,) = struct.unpack(">I", size)
        ct = fh.read(length)
        if len(ct) != length or length > CHUNK + 16:
            raise SealedFileError(f"{path} is cut off or damaged; nothing was restored.")
        if pending is not None:
            yield pending, False
        pending = ct
    if pending is None:
        raise SealedFileError(f"{path} holds no data; nothing was restored.")
    yield pending, True


def open_sealed(sealed: Path, plain: Path, key: bytes) -> None:
    """Decrypt ``sealed`` into ``plain`` (mode 0600); refuse any change to the file."""
    aead = AESGCM(key)
    with sealed.open("rb") as fh, private_file(plain) as out:
        header, _, prefix = _header(fh, sealed)
        for number, (ct, last) in enumerate(_chunks(fh, sealed)):
            try:
                out.write(aead.decrypt(_nonce(prefix, number), ct,
                                       header + (_LAST if last else _MORE)))
            except InvalidTag:
                raise SealedFileError(
                    f"{sealed} fails authentication at chunk {number}: it was changed, cut "
                    "off or made under another key; nothing was restored. Use another copy "
                    "of the backup.") from None
