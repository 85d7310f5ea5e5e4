"""Settings from the environment (``ZICHT_*``), one place for every default."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///zicht.db"


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


def get_settings() -> Settings:
    """Read settings fresh from the environment (cheap; no hidden global state)."""
    return Settings()
