"""Open the registry: normalise the URL, make the engine, run the migrations, load the key.

Every verb and the API call :func:`open_registry`; it is safe to call on every start
(migrations already applied are skipped).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.engine import make_url

from zicht.core.config import Settings, get_settings
from zicht.core.errors import ConfigError
from zicht.core.private import private_dir, touch_private
from zicht.registry.crypto import FieldCipher, resolve_key
from zicht.registry.models import RegistryMeta, table_of

KEY_ID = "encryption_key_id"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for ``postgresql://`` URLs (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and write-serialising BEGINs."""
    url = normalise_url(url)
    if make_url(url).get_backend_name() != "sqlite":
        kwargs.setdefault("pool_size", 20)
        kwargs.setdefault("max_overflow", 20)
        return create_engine(url, **kwargs)
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        # Owner-only from the first byte; SQLite gives its -wal and -shm files the
        # database file's mode.
        private_dir(Path(database).parent)
        touch_private(Path(database))
    engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False},
                           **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if make_url(url).database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # IMMEDIATE: take the write lock at BEGIN, so concurrent writers queue instead of
        # failing with "database is locked" when a read transaction upgrades to a write.
        # Connections marked read_only (execution option) read without the lock.
        read_only = conn.get_execution_options().get("read_only", False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def driver_of(conn: Connection) -> Any:
    """The DB-API connection under ``conn``, in its transaction: for the few hot
    statements where SQLAlchemy's per-statement work costs more than the statement."""
    raw = conn.connection.driver_connection
    assert raw is not None
    return raw


def alembic_config() -> Config:
    """The Alembic configuration of the migrations shipped inside the package."""
    cfg = Config()
    cfg.set_main_option("script_location", "zicht.registry:migrations")
    return cfg


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` (default: the newest)."""
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


@dataclass
class Registry:
    """An open registry: its engine and the cipher of its identifying fields."""

    engine: Engine
    cipher: FieldCipher
    url: str
    #: Organisation code -> id, filled by intake (organisations are never deleted).
    org_ids: dict[str, int] = field(default_factory=dict)
    #: PostgreSQL: a small pool of autocommit connections for :meth:`lookup`, made on
    #: first use (switching a pooled connection to autocommit and back on every request
    #: costs more than the SELECT itself).
    _lookup_engine: Engine | None = field(default=None, repr=False)
    _lookup_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection inside one transaction, committed on success."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only connection (on SQLite it does not take the write lock)."""
        with self.engine.connect().execution_options(read_only=True) as conn, conn.begin():
            yield conn

    @contextmanager
    def lookup(self) -> Iterator[Connection]:
        """A connection for single-statement reads: autocommit on PostgreSQL (no BEGIN and
        COMMIT round trips); on SQLite a read transaction (pysqlite's autocommit switch would
        undo the BEGIN handling of :func:`make_engine`)."""
        if self.engine.dialect.name == "sqlite":
            with self.read() as conn:
                yield conn
            return
        with self._lookup_lock:  # request threads race for the first use
            if self._lookup_engine is None:
                self._lookup_engine = make_engine(self.url, isolation_level="AUTOCOMMIT",
                                                  pool_size=5, max_overflow=10)
                from zicht.registry.audit import share_audit_key

                share_audit_key(self.engine, self._lookup_engine)
            engine = self._lookup_engine
        with engine.connect() as conn:
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()
        if self._lookup_engine is not None:
            self._lookup_engine.dispose()


def open_registry(url: str, *, settings: Settings | None = None) -> Registry:
    """Open (and migrate) the registry at ``url`` with its encryption key (and the audit
    key it wraps)."""
    from zicht.registry.audit import bind_audit_key  # audit builds on this module

    settings = settings or get_settings()
    engine = make_engine(url)
    upgrade(engine)
    cipher = FieldCipher(resolve_key(url, settings))
    with engine.begin() as conn:
        stored = conn.scalar(select(RegistryMeta.value).where(RegistryMeta.name == KEY_ID))
        if stored is None:
            conn.execute(table_of(RegistryMeta).insert().values(name=KEY_ID,
                                                                value=cipher.key_id))
        elif stored != cipher.key_id:
            engine.dispose()
            raise ConfigError(
                f"The configured encryption key (id {cipher.key_id}) is not the key this "
                f"registry was written with (id {stored}). Configure the original key "
                "(ZICHT_ENCRYPTION_KEY or ZICHT_ENCRYPTION_KEY_FILE)."
            )
        bind_audit_key(conn, cipher)
    return Registry(engine=engine, cipher=cipher, url=url)
