"""CLI verb(s) for this stage: parse, call one stage function, print."""

from __future__ import annotations

from zicht.cli.app import app
from zicht.core.errors import NotBuiltError


@app.command("monitor")
def monitor() -> None:
    """Compute the monitor's figures from a research extract."""
    raise NotBuiltError("`zicht monitor` is not built yet.")
