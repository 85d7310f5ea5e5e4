"""Keyed pseudonyms: HMAC-SHA256 under a key the research zone never sees.

The same key gives the same pseudonym for the same identifier in every run and every
source, so the research zone can link; without the key a pseudonym cannot be reversed
or recomputed (a plain hash of a 9-digit BSN could be, by trying all 10^9). Each kind
of identifier has its own domain (``person:``, ``report:``, ``victim:``) so equal
strings of different kinds never share a pseudonym.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from zicht.core.config import Settings, get_settings
from zicht.core.errors import ConfigError

__all__ = ["KEY_HELP", "PseudonymKey", "load_pseudonym_key"]

KEY_HELP = (
    "Make a key with `python -c \"import secrets; print(secrets.token_hex(32))\"` and "
    "set ZICHT_PSEUDONYM_KEY to it, or save it in a file readable only by you "
    "(chmod 600) and set ZICHT_PSEUDONYM_KEY_FILE to that file. Keep it in the registry "
    "zone: it must never be copied to the research zone, and every extract and source "
    "that should link must use the same key."
)
MIN_KEY_BYTES = 32
PSEUDONYM_HEX = 32  # 128 bits: collisions are out of reach for any registry


@dataclass(frozen=True)
class PseudonymKey:
    """A pseudonym key; ``key_id`` is a fingerprint that is safe to publish."""

    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_KEY_BYTES:
            raise ConfigError(f"The pseudonym key has {len(self.secret)} bytes; expected at "
                              f"least {MIN_KEY_BYTES}. " + KEY_HELP)

    @classmethod
    def from_hex(cls, text: str, source: str = "the key") -> PseudonymKey:
        try:
            secret = bytes.fromhex(text.strip())
        except ValueError:
            raise ConfigError(f"The pseudonym key in {source} is not hex. " + KEY_HELP) from None
        if len(secret) < MIN_KEY_BYTES:
            raise ConfigError(f"The pseudonym key in {source} has {len(secret)} bytes; "
                              f"expected at least {MIN_KEY_BYTES}. " + KEY_HELP)
        return cls(secret)

    @property
    def key_id(self) -> str:
        return hmac.digest(self.secret, b"zicht pseudonym key id", "sha256").hex()[:16]

    def digest(self, kind: str, value: str) -> bytes:
        """The full keyed digest of ``value`` in domain ``kind`` (the one rule every
        pseudonym and every privacy-preserving encoding is made with)."""
        return hmac.digest(self.secret, f"{kind}:{value}".encode(), "sha256")

    def pseudonym(self, kind: str, value: str | None) -> str | None:
        """The pseudonym of ``value`` in domain ``kind``; None stays None."""
        if value is None:
            return None
        return self.digest(kind, value).hex()[:PSEUDONYM_HEX]

    def pseudonyms(self, kind: str, values: Iterable[str | None]) -> list[str | None]:
        """Pseudonyms of many values (one-shot C HMAC per value)."""
        secret, prefix = self.secret, f"{kind}:".encode()
        return [None if v is None else
                hmac.digest(secret, prefix + str(v).encode(), "sha256").hex()[:PSEUDONYM_HEX]
                for v in values]


def load_pseudonym_key(settings: Settings | None = None) -> PseudonymKey:
    """The key from ``ZICHT_PSEUDONYM_KEY`` or ``ZICHT_PSEUDONYM_KEY_FILE``; refuse without."""
    settings = settings or get_settings()
    if settings.pseudonym_key:
        return PseudonymKey.from_hex(settings.pseudonym_key, "ZICHT_PSEUDONYM_KEY")
    path = settings.pseudonym_key_file
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"ZICHT_PSEUDONYM_KEY_FILE points at {path}, which does not "
                              "exist. " + KEY_HELP)
        return PseudonymKey.from_hex(path.read_text(), str(path))
    raise ConfigError("No pseudonym key: zicht extract refuses to write an extract without "
                      "one. " + KEY_HELP)


def key_file_inside(out_dir: Path, settings: Settings | None = None) -> bool:
    """Whether the configured key file lies inside ``out_dir`` (it must not)."""
    settings = settings or get_settings()
    if settings.pseudonym_key_file is None:
        return False
    key = Path(os.path.realpath(settings.pseudonym_key_file))
    out = Path(os.path.realpath(out_dir))
    return out == key.parent or out in key.parents
