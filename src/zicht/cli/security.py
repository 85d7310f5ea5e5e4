"""CLI verb(s) for this stage: parse, call one stage function, print."""

from __future__ import annotations

from zicht.cli.app import app
from zicht.core.errors import NotBuiltError


@app.command("audit")
def audit() -> None:
    """Verify the tamper-evident audit log."""
    raise NotBuiltError("`zicht audit` is not built yet.")
