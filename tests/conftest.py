"""Shared fixtures: real registry databases (SQLite always, PostgreSQL when configured)
and a real uvicorn server on a loopback port.

- ``db_url``: parametrized over ``sqlite`` (a file in ``tmp_path``) and ``postgres``
  (a fresh schema in ``ZICHT_TEST_POSTGRES_URL``, dropped afterwards; skipped when the
  variable is not set). Sets ``ZICHT_ENCRYPTION_KEY`` to a test key for the test.
- ``sqlite_url`` / ``postgres_url``: one backend only.
- ``live_server``: a factory ``live_server(app) -> base_url`` running the app under
  uvicorn in a thread on a free loopback port, stopped after the test.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import uvicorn
from fastapi import FastAPI

TEST_ENCRYPTION_KEY = "5a" * 32
POSTGRES_ENV = "ZICHT_TEST_POSTGRES_URL"


def postgres_base_url() -> str | None:
    """The PostgreSQL URL of the test run, or None when PostgreSQL tests are off."""
    return os.environ.get(POSTGRES_ENV) or None


def _driver_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def make_postgres_schema(base: str) -> tuple[str, Callable[[], None]]:
    """Create a uniquely named schema; return a URL that uses it and a function to drop it."""
    schema = f"zt_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(_driver_url(base))
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options=-csearch_path%3D{schema}"

    def drop() -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        engine.dispose()

    return url, drop


def pytest_sessionstart(session: pytest.Session) -> None:
    """A PostgreSQL URL that is given but unreachable stops the run: never a silent skip."""
    base = postgres_base_url()
    if base is None:
        return
    try:
        engine = sa.create_engine(_driver_url(base))
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
    except sa.exc.OperationalError as exc:
        raise pytest.UsageError(
            f"{POSTGRES_ENV}={base} is set but PostgreSQL is unreachable ({exc.orig}). "
            f"Start PostgreSQL or unset {POSTGRES_ENV} to run the SQLite tests only."
        ) from exc


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ZICHT_ENCRYPTION_KEY", TEST_ENCRYPTION_KEY)
    return f"sqlite:///{tmp_path / 'zicht.db'}"


@pytest.fixture
def postgres_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    base = postgres_base_url()
    if base is None:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    monkeypatch.setenv("ZICHT_ENCRYPTION_KEY", TEST_ENCRYPTION_KEY)
    url, drop = make_postgres_schema(base)
    yield url
    from zicht.registry.db import make_engine  # dispose pooled connections before dropping

    make_engine(url).dispose()
    drop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh, empty registry database URL on each backend."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server() -> Iterator[Callable[[FastAPI], str]]:
    """Start apps under a real uvicorn server on loopback; return their base URLs."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(app: FastAPI) -> str:
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                               log_level="warning", lifespan="on"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)
