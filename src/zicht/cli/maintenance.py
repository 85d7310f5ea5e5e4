"""Maintenance verbs: ``zicht retention apply``, ``zicht backup``, ``zicht restore`` and
``zicht keys rotate-encryption`` (``docs/security.md``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer

from zicht.cli.app import DB_OPTION, app, console

retention_app = typer.Typer(help="Erase identifying fields of records past their retention.",
                            no_args_is_help=True)
app.add_typer(retention_app, name="retention")


@retention_app.command("apply")
def retention_apply(
    db: str = DB_OPTION,
    policy: Path | None = typer.Option(
        None, "--policy", envvar="ZICHT_RETENTION_POLICY",
        help="TOML retention policy (docs/security.md); default: reports 5 years, "
        "superseded versions 1 year."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Count only; change nothing."),
    as_of: dt.datetime | None = typer.Option(
        None, "--as-of", help="Judge expiry as of this UTC moment (default: now)."),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
) -> None:
    """Erase the identifying fields of expired records; keep the research data (audited)."""
    from zicht.registry.audit import cli_actor
    from zicht.registry.db import open_registry
    from zicht.registry.retention import apply_retention, load_policy

    rules = load_policy(policy)
    when = as_of.replace(tzinfo=dt.UTC) if as_of and as_of.tzinfo is None else as_of
    registry = open_registry(db)
    try:
        with registry.begin() as conn:
            outcome = apply_retention(conn, registry.cipher, rules, actor=cli_actor(),
                                      as_of=when, dry_run=dry_run)
    finally:
        registry.dispose()
    if as_json:
        console.print_json(json.dumps(outcome.to_dict()))
        return
    verb = "would erase" if dry_run else "erased"
    console.print(f"Retention as of {outcome.as_of:%Y-%m-%d %H:%M} UTC: {verb} the identities "
                  f"of {outcome.reports} report(s) and {outcome.history_versions} superseded "
                  "version(s).")


@app.command("backup")
def backup(
    out: Path = typer.Option(..., "--out", help="The backup file to write (sealed: "
                             "encrypted and authenticated, owner-only)."),
    db: str = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Back up the registry to one portable file, encrypted and authenticated."""
    from zicht.registry.audit import cli_actor
    from zicht.registry.backup import backup_registry

    summary = backup_registry(db, out, actor=cli_actor())
    if as_json:
        console.print_json(json.dumps(summary.to_dict()))
        return
    console.print(f"Backed up {sum(summary.rows.values())} rows of {len(summary.rows)} tables "
                  f"(schema {summary.schema_revision}) to {out}\nsha256 {summary.sha256}\n"
                  "The encryption key is not in the backup: keep it safe, separately.")


@app.command("restore")
def restore(
    file: Path = typer.Argument(..., help="A backup made by `zicht backup`."),
    db: str = DB_OPTION,
    force: bool = typer.Option(False, "--force",
                               help="Replace the contents of a non-empty target database."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Restore a backup into an empty registry database (all or nothing)."""
    from zicht.registry.audit import cli_actor
    from zicht.registry.backup import restore_registry

    summary = restore_registry(file, db, actor=cli_actor(), force=force)
    if as_json:
        console.print_json(json.dumps(summary.to_dict()))
        return
    console.print(f"Restored {sum(summary.rows.values())} rows of {len(summary.rows)} tables "
                  f"into the registry (migrated from schema {summary.schema_revision}).")


def rotate_encryption(
    db: str = DB_OPTION,
    new_key_file: Path | None = typer.Option(
        None, "--new-key-file",
        help="Write the new key here (required when the key comes from "
        "ZICHT_ENCRYPTION_KEY); default: replace the current key file in place."),
) -> None:
    """Re-encrypt every identifying field under a new key, in one transaction (audited)."""
    from zicht.registry.audit import cli_actor
    from zicht.registry.rotation import rotate_registry_key

    outcome, files = rotate_registry_key(db, actor=cli_actor(), new_key_file=new_key_file)
    console.print(f"Re-encrypted {outcome.values} values in {outcome.rows} rows; key id "
                  f"{outcome.old_key_id} -> {outcome.new_key_id}.")
    if files.final is None:
        console.print(f"The new key is in {files.staged}: point ZICHT_ENCRYPTION_KEY_FILE at "
                      "it now. Then destroy the old key (old backups need it: keep it only "
                      "as long as they must stay readable).")
    else:
        console.print(f"The key file {files.final} now holds the new key.")


def _keys_group() -> typer.Typer:
    for group in app.registered_groups:
        if group.name == "keys" and group.typer_instance is not None:
            return group.typer_instance
    raise RuntimeError("zicht.cli.keys must be imported before zicht.cli.maintenance")


# ``zicht keys`` belongs to the keys module; rotation is one more sub-command of it.
_keys_group().command("rotate-encryption")(rotate_encryption)
