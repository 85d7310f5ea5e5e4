"""``zicht keys``: create, list and revoke API keys."""

from __future__ import annotations

from typing import Annotated

import typer

from zicht.cli.app import DB_OPTION, app, console
from zicht.core.roles import Role

keys_app = typer.Typer(help="Create, list and revoke API keys (stored hashed with argon2).",
                       no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def create(
    role: Annotated[Role, typer.Option("--role", help="reporter, registrar, analyst, "
                                       "municipality or admin (docs/access.md).")],
    org: Annotated[str, typer.Option("--org", help="reporter: a reporter code, for police "
                                     "with its unit (police:amsterdam); municipality: its "
                                     "CBS code (GM0363); other roles: a name.")],
    db: str = DB_OPTION,
) -> None:
    """Create an API key and print it once (only its hash is stored)."""
    from zicht.registry import open_registry
    from zicht.registry.audit import cli_actor
    from zicht.registry.keys import create_key

    registry = open_registry(db)
    try:
        with registry.begin() as conn:
            info, key = create_key(conn, role=role, org=org, actor=cli_actor())
    finally:
        registry.dispose()
    console.print(f"Key {info.id} ({info.role}, {info.org}). Store it now; it is not shown "
                  "again:", highlight=False)
    print(key)


@keys_app.command("list")
def list_(db: str = DB_OPTION) -> None:
    """List keys: id, prefix, role, organisation, created, revoked."""
    from zicht.registry import open_registry
    from zicht.registry.keys import list_keys

    registry = open_registry(db)
    try:
        with registry.begin() as conn:
            keys = list_keys(conn)
    finally:
        registry.dispose()
    from rich.table import Table

    table = Table("id", "prefix", "role", "org", "created", "revoked")
    for k in keys:
        table.add_row(k.id, k.prefix, k.role, k.org, f"{k.created_at:%Y-%m-%d %H:%M}",
                      f"{k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "")
    console.print(table)


@keys_app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="The key id from `zicht keys list`.")],
           db: str = DB_OPTION) -> None:
    """Revoke a key; it stops working at once."""
    from zicht.registry import open_registry
    from zicht.registry.audit import cli_actor
    from zicht.registry.keys import revoke_key

    registry = open_registry(db)
    try:
        with registry.begin() as conn:
            revoke_key(conn, key_id, actor=cli_actor())
    finally:
        registry.dispose()
    console.print(f"Revoked key {key_id}.")
