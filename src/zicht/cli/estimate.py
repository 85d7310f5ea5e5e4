"""CLI verb(s) for this stage: parse, call one stage function, print."""

from __future__ import annotations

from zicht.cli.app import app
from zicht.core.errors import NotBuiltError


@app.command("estimate")
def estimate() -> None:
    """Estimate the hidden number by multiple systems estimation."""
    raise NotBuiltError("`zicht estimate` is not built yet.")
