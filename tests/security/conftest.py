"""Fixtures of the security proofs (helpers live in ``security_server.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from security_seed import TEST_KEY
from security_server import Seeded, attach_dashboard, seed_registry, start_server

from zicht.api import create_app
from zicht.registry import Registry, open_registry


@pytest.fixture(autouse=True)
def _encryption_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every registry of these tests uses one fixed key (tests may override it). Per
    test, not per session: a session-wide key leaked into other folders' tests that
    need no key configured (tests/registry/test_crypto.py)."""
    monkeypatch.setenv("ZICHT_ENCRYPTION_KEY", TEST_KEY)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """A seeded SQLite registry behind a live server (module-scoped: tests only read)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZICHT_ENCRYPTION_KEY", TEST_KEY)
        url = f"sqlite:///{tmp_path_factory.mktemp('sec') / 'registry.db'}"
        data = seed_registry(url)
        registry: Registry = open_registry(url)
    app = create_app(registry)
    data.path_values = attach_dashboard(app, tmp_path_factory.mktemp("publish"))
    live = start_server(app)
    data.base_url, data.app = live.base_url, app
    try:
        yield data
    finally:
        live.stop()
        registry.dispose()


