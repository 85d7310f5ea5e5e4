"""CLI verb(s) for this stage: parse, call one stage function, print."""

from __future__ import annotations

from zicht.cli.app import app
from zicht.core.errors import NotBuiltError


@app.command("serve")
def serve() -> None:
    """Serve the intake API and the dashboard."""
    raise NotBuiltError("`zicht serve` is not built yet.")
