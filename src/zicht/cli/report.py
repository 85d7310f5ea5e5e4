"""CLI verb(s) for this stage: parse, call one stage function, print."""

from __future__ import annotations

from zicht.cli.app import app
from zicht.core.errors import NotBuiltError


@app.command("report")
def report() -> None:
    """Publish the monitor as HTML, PDF and Excel."""
    raise NotBuiltError("`zicht report` is not built yet.")
