"""The gate's key: the release log is signed with it, so a release cannot be forged.

HMAC-SHA-256 over the canonical JSON of the log, with a key research users do not
hold: ``ZICHT_GATE_KEY`` (hex) or ``ZICHT_GATE_KEY_FILE``. In development, without
either, the gate makes ``gate.key`` (0600) in the folder that holds the releases, as
the registry and boundary do with theirs; production refuses to make one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from zicht.core.config import get_settings
from zicht.core.errors import ConfigError, DisclosureError

KEY_NAME = "gate.key"
KEY_HELP = ("Set ZICHT_GATE_KEY to 64 hex characters (python -c 'import secrets; "
            "print(secrets.token_hex(32))') or ZICHT_GATE_KEY_FILE to a file holding them.")
_log = logging.getLogger(__name__)


def gate_key(releases_dir: Path, *, create: bool) -> bytes:
    """The configured key, else (development) the key file in ``releases_dir``."""
    settings = get_settings()
    if settings.gate_key:
        return _parse(settings.gate_key, "ZICHT_GATE_KEY")
    if settings.gate_key_file:
        if not settings.gate_key_file.is_file():
            raise ConfigError(f"ZICHT_GATE_KEY_FILE points at {settings.gate_key_file}, "
                              "which does not exist. " + KEY_HELP)
        return _parse(settings.gate_key_file.read_text(), str(settings.gate_key_file))
    path = releases_dir / KEY_NAME
    if path.is_file():
        return _parse(path.read_text(), str(path))
    if settings.environment == "production" or not create:
        raise DisclosureError(f"No gate key to verify the release in {releases_dir}: it "
                              "was not signed here, or the key is elsewhere. " + KEY_HELP)
    key = secrets.token_bytes(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key.hex() + "\n")
    _log.warning("No gate key configured: made %s to sign releases. Keep it out of reach "
                 "of research users (production: ZICHT_GATE_KEY_FILE).", path)
    return key


def sign(log: Mapping[str, Any], key: bytes) -> dict[str, Any]:
    """The log with its signature."""
    body = {k: v for k, v in log.items() if k != "signature"}
    return {**body, "signature": {"alg": "HMAC-SHA-256", "key_id": _key_id(key),
                                  "mac": _mac(body, key)}}


def verify(log: Mapping[str, Any], key: bytes, where: Path) -> None:
    """Refuse a log whose signature is missing or does not match."""
    signature = log.get("signature")
    body = {k: v for k, v in log.items() if k != "signature"}
    if not isinstance(signature, Mapping) or not hmac.compare_digest(
            str(signature.get("mac", "")), _mac(body, key)):
        raise DisclosureError(
            f"The disclosure log in {where} is not signed by the gate's key (edited or "
            "forged). Re-run the stage that released it instead of editing its output.")


def _mac(body: Mapping[str, Any], key: bytes) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"zicht-gate-key-id" + key).hexdigest()[:16]


def _parse(text: str, source: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise ConfigError(f"The gate key in {source} is not hex. " + KEY_HELP) from None
    if len(key) < 32:
        raise ConfigError(f"The gate key in {source} has {len(key)} bytes; expected at "
                          "least 32. " + KEY_HELP)
    return key
