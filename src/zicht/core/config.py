"""Settings from the environment (``ZICHT_*``), one place for every default."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from zicht.core.defaults import DEFAULT_DATABASE_URL  # re-exported: one place


class Settings(BaseSettings):
    """Every setting zicht reads; each is documented in the README's Configuration table."""

    model_config = SettingsConfigDict(env_prefix="ZICHT_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    # Boundary: keyed pseudonyms. Hex, >= 32 random bytes; or a file holding that hex.
    pseudonym_key: str | None = None
    pseudonym_key_file: Path | None = None
    # Registry: encryption at rest of identifying columns (a different key).
    encryption_key: str | None = None
    encryption_key_file: Path | None = None
    # Disclosure gate.
    suppression_threshold: int = 10
    rounding_base: int = 5
    # Signs the release log (HMAC-SHA-256), so research users cannot forge a release.
    # Hex, >= 32 random bytes; or a file holding that hex. Development: released/gate.key.
    gate_key: str | None = None
    gate_key_file: Path | None = None
    # Publication: the dashboard reads the releases here (monitor/, linked/, estimate/)
    # and signs its session cookie with this secret (random per process when unset).
    publish_dir: Path | None = None
    session_secret: str | None = None
    # The session cookie's Secure flag (None: on in production). Set by configuration,
    # not by the scheme the server sees: behind a TLS proxy uvicorn sees http.
    session_cookie_secure: bool | None = None
    # API keys: argon2 verifications at once (each takes ~64 MiB and a core for ~0.1 s),
    # and failed attempts allowed per key id and per client address within the window.
    auth_max_concurrent: int = 2
    auth_failures_per_key: int = 5
    auth_failures_per_address: int = 30
    auth_failure_window_seconds: int = 60
    # Size limits of what comes in (docs/security.md, finding 11).
    max_import_bytes: int = 100 * 2**20  # a report file (CLI or POST /reports/batch)
    max_request_bytes: int = 2**20  # any other request body (JSON, forms)
    max_xlsx_unpacked_bytes: int = 300 * 2**20  # an XLSX's members, uncompressed
    max_xlsx_ratio: int = 100  # uncompressed / compressed size of an XLSX
    max_field_chars: int = 1_000  # one cell or JSON value (the contract's are <= 200)


def get_settings() -> Settings:
    """Read settings fresh from the environment (cheap; no hidden global state)."""
    return Settings()
