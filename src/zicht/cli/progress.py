"""The one progress bar of the command line (Rich, on stderr).

``with progress_bar("dedupe", quiet=as_json) as tick: run_dedupe(..., progress=tick)``.
The bar is drawn only when stderr is a terminal and the verb is not asked for JSON:
piped output, logs and ``--json`` stay clean. It disappears when the verb ends.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from zicht.core.progress import Tick, no_progress

__all__ = ["progress_bar", "shows_progress"]


def shows_progress(quiet: bool = False) -> bool:
    """Whether a bar would be drawn: not quiet, and stderr is a terminal."""
    return not quiet and sys.stderr.isatty()


@contextmanager
def progress_bar(verb: str, *, quiet: bool = False) -> Iterator[Tick]:
    """A tick that moves a Rich bar on stderr (or does nothing, see the module doc)."""
    if not shows_progress(quiet):
        yield no_progress
        return
    from rich.console import Console  # only when a bar is drawn
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description:<40}"), BarColumn(), TaskProgressColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True),
                  transient=True) as bar:
        task = bar.add_task(verb, total=None)

        def tick(description: str, done: int, total: int) -> None:
            bar.update(task, description=f"{verb}: {description}", completed=done,
                       total=total or None)

        yield tick
