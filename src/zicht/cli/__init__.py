"""The ``zicht`` command line: one verb, one stage function (``docs/cli.md``)."""

from __future__ import annotations

import sys

from zicht.core.threads import single_threaded_blas

single_threaded_blas()  # before numpy loads (why: zicht.core.threads)

from zicht.cli.app import app, err_console  # noqa: E402  (after the BLAS setting)
from zicht.core.errors import ValidationError, ZichtError  # noqa: E402

# Each module registers its verbs on ``app``; the import order is the help order,
# which follows the data flow.
# isort: off
from zicht.cli import (  # noqa: F401, E402  (imported for their side effect)
    synth,
    intake,
    dedupe,
    extract,
    monitor,
    linked,
    estimate,
    report,
    demo,
    serve,
    keys,
    security,
    maintenance,
)
# isort: on

__all__ = ["START_HERE", "app", "main"]

START_HERE = """\
[bold]zicht[/]: making human trafficking visible, on synthetic data.

[bold]Start here[/]
  zicht demo --out zicht-demo   the whole chain on a synthetic world; then
                                open zicht-demo/report/report.html
  make demo, make test          the two commands of a fresh clone (README.md)
  zicht VERB --help             what a verb does and takes
  docs/                         a page per stage; docs/cli.md: every verb
"""


def main() -> None:
    """Entry point: run the app and turn a ``ZichtError`` into a clear message and exit code.

    With no arguments, a short "start here" comes before the list of verbs."""
    if len(sys.argv) <= 1:
        from zicht.cli.app import console

        console.print(START_HERE, highlight=False)
        sys.argv.append("--help")
    try:
        app(standalone_mode=True)
    except ValidationError as exc:
        err_console.print(f"[bold red]Refused:[/] {exc.message}")
        for p in exc.problems[:200]:
            where = f"row {p.row}" if p.row is not None else "file"
            field = f", field {p.field}" if p.field else ""
            err_console.print(f"  {where}{field}: {p.message}")
        if len(exc.problems) > 200:
            err_console.print(f"  ... and {len(exc.problems) - 200} more")
        sys.exit(2)
    except ZichtError as exc:
        err_console.print(f"[bold red]Error:[/] {exc.message}")
        sys.exit(1)
