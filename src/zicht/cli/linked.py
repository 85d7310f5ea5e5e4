"""CLI verb(s) for this stage: parse, call one stage function, print."""

from __future__ import annotations

from zicht.cli.app import app
from zicht.core.errors import NotBuiltError


@app.command("linked")
def linked() -> None:
    """Linked analyses: aid vs matched controls, revictimisation."""
    raise NotBuiltError("`zicht linked` is not built yet.")
