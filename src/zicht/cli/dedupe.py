"""CLI verb(s) for this stage: parse, call one stage function, print."""

from __future__ import annotations

from zicht.cli.app import app
from zicht.core.errors import NotBuiltError


@app.command("dedupe")
def dedupe() -> None:
    """Merge reports into unique victims (Splink) and fill the review queue."""
    raise NotBuiltError("`zicht dedupe` is not built yet.")
