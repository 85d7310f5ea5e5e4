"""``zicht audit``: verify the tamper-evident audit log."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from zicht.cli.app import DB_OPTION, app, console, err_console

audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify(
    db: str = DB_OPTION,
    head: Annotated[str | None, typer.Option("--head", help="The head printed by an earlier "
                    "verify (chain:hash,...): also detects entries removed from the end.")
                    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check every entry's hash and link; exit 1 if any entry was edited or deleted."""
    from zicht.registry import open_registry, verify_audit

    registry = open_registry(db)
    try:
        with registry.begin() as conn:
            result = verify_audit(conn, expected_head=head)
    finally:
        registry.dispose()
    if as_json:
        console.print_json(json.dumps({"ok": result.ok, "entries": result.entries,
                                       "head": result.head, "problems": result.problems}))
    elif result.ok:
        console.print(f"Audit log intact: {result.entries} entries; head {result.head}")
    else:
        err_console.print(f"[bold red]Audit log tampered:[/] {len(result.problems)} problem(s) "
                          f"in {result.entries} entries")
        for p in result.problems[:50]:
            err_console.print(f"  {p}")
    if not result.ok:
        raise typer.Exit(1)
