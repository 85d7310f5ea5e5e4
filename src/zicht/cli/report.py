"""``zicht report``: publish the released outputs as HTML, PDF, Excel and charts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zicht.cli.app import app, console
from zicht.cli.progress import progress_bar
from zicht.core.errors import ConfigError


@app.command("report")
def report(
    in_dir: Annotated[Path, typer.Option(
        "--in", help="Folder holding the monitor/, linked/ and estimate/ outputs "
        "(a missing one becomes a chapter that says it was not run).")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.")],
    lang: Annotated[str, typer.Option("--lang", help="Language of the report: nl or en.")]
    = "nl",
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write report.pdf.")]
    = True,
) -> None:
    """Publish the monitor as report.html, report.pdf, tables.xlsx and figures/*.svg."""
    from zicht.publish.report import build_report

    if lang not in ("nl", "en"):
        raise ConfigError(f"--lang is {lang!r}; expected nl or en.")
    with progress_bar("report") as tick:
        result = build_report(in_dir, out, lang, pdf=pdf, progress=tick)
    console.print(result.summary())
