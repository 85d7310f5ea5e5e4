"""How a long stage reports its progress: one callback type for every stage function.

A stage function takes ``progress: Tick | None = None`` and calls
``progress(description, done, total)`` as it goes (``total`` 0 when unknown); the
command line supplies a Rich bar (``zicht.cli.progress``), library callers nothing.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Tick", "no_progress"]

Tick = Callable[[str, int, int], None]  # (what, done, total)


def no_progress(_description: str, _done: int, _total: int) -> None:
    """The tick of a caller that wants no progress."""
