"""Fixtures of the dedupe tests: a fresh registry on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from zicht.registry.db import Registry, open_registry


@pytest.fixture
def registry(db_url: str) -> Iterator[Registry]:
    """A fresh registry on SQLite and (when configured) PostgreSQL."""
    reg = open_registry(db_url)
    yield reg
    reg.dispose()
