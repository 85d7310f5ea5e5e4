"""Alembic environment: run against the connection ``zicht.registry.db.upgrade`` hands in."""

from __future__ import annotations

from alembic import context

from zicht.registry.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - zicht always passes a connection
    raise RuntimeError("Run migrations through zicht.registry.db.upgrade(url).")
context.configure(connection=connection, target_metadata=target_metadata)
with context.begin_transaction():
    context.run_migrations()
