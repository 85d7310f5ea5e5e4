"""CLI verb(s) for this stage: parse, call one stage function, print."""

from __future__ import annotations

from zicht.cli.app import app
from zicht.core.errors import NotBuiltError


@app.command("import")
def import_() -> None:
    """Import reports from CSV, XLSX or JSON Lines into the registry (all or nothing)."""
    raise NotBuiltError("`zicht import` is not built yet.")
