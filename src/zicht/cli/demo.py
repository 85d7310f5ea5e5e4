"""CLI verb(s) for this stage: parse, call one stage function, print."""

from __future__ import annotations

from zicht.cli.app import app
from zicht.core.errors import NotBuiltError


@app.command("demo")
def demo() -> None:
    """Run the whole chain on synthetic data and write the monitor."""
    raise NotBuiltError("`zicht demo` is not built yet.")
