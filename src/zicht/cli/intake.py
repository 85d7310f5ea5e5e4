"""``zicht import``: import a report file into the registry, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from zicht.cli.app import DB_OPTION, app, console
from zicht.cli.progress import progress_bar
from zicht.core.errors import ValidationError


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Reports as "
                                         ".csv, .xlsx or .jsonl (docs/schema.md).")],
    db: str = DB_OPTION,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
    org: Annotated[str | None, typer.Option("--org", help="The organisation of every row "
                                            "(other:fier, police:amsterdam; docs/access.md). "
                                            "Without it, each row's organisation column, "
                                            "else its reporter code (docs/registry.md).")
                   ] = None,
) -> None:
    """Import reports from CSV, XLSX or JSON Lines into the registry (all or nothing).

    A re-sent reporter + report_ref updates that report (its history is kept). If any
    row has a problem nothing is stored, every problem is listed and the exit code is 2.
    """
    from zicht.registry import import_file, open_registry
    from zicht.registry.audit import cli_actor
    from zicht.registry.intake import summarise_refusal

    registry = open_registry(db)
    try:
        with progress_bar("import", quiet=as_json) as tick:
            summary = import_file(registry, file, actor=cli_actor(), only_org=org,
                                  progress=tick)
    except ValidationError as exc:
        if as_json:
            console.print_json(json.dumps(summarise_refusal(exc).to_dict()))
            raise typer.Exit(2) from None
        raise
    finally:
        registry.dispose()
    if as_json:
        console.print_json(json.dumps(summary.to_dict()))
        return
    console.print(f"Imported {file.name}: {summary.accepted} new, {summary.updated} updated "
                  f"({summary.anonymous} anonymous reports).")
    if summary.ignored_columns:
        console.print(f"[yellow]Ignored unknown columns:[/] {', '.join(summary.ignored_columns)}")
