"""CLI verb(s) for this stage: parse, call one stage function, print."""

from __future__ import annotations

from zicht.cli.app import app
from zicht.core.errors import NotBuiltError


@app.command("extract")
def extract() -> None:
    """Cross the boundary: write the pseudonymised research extract."""
    raise NotBuiltError("`zicht extract` is not built yet.")
