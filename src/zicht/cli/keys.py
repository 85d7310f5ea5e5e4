"""CLI verb(s) for this stage: parse, call one stage function, print."""

from __future__ import annotations

from zicht.cli.app import app
from zicht.core.errors import NotBuiltError


@app.command("keys")
def keys() -> None:
    """Create and revoke API keys."""
    raise NotBuiltError("`zicht keys` is not built yet.")
