"""CLI verb(s) for this stage: parse, call one stage function, print."""

from __future__ import annotations

from zicht.cli.app import app
from zicht.core.errors import NotBuiltError


@app.command("synth")
def synth() -> None:
    """Generate the synthetic world (registry CSVs, linked sources, truth)."""
    raise NotBuiltError("`zicht synth` is not built yet.")
