"""``zicht monitor``: compute the monitor from a research extract and release it through
the disclosure gate (JSON, CSV, XLSX, SVG)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from zicht.cli.app import app, console, parse_years

if TYPE_CHECKING:
    from zicht.disclosure import Release
    from zicht.research.monitor import MonitorResult

NO_CHART = ("regional/municipality/",)


def release_monitor(result: MonitorResult, out_dir: Path, *, charts: bool = True) -> Release:
    """Release the monitor through the gate: JSON, CSV, workbook, charts, signed log."""
    from zicht.disclosure import release_stage
    from zicht.publish import write_workbook
    from zicht.research import classify

    def workbook(release: Release, folder: Path) -> list[Path]:
        return [write_workbook(release, folder / "monitor.xlsx")]

    def svg(release: Release, folder: Path) -> list[Path]:
        return write_monitor_charts(release, folder / "svg")

    return release_stage(result.tables, out_dir, document_name="monitor", meta=result.meta,
                         extra={"method": classify.rules_document()},
                         writers=[workbook, svg] if charts else [workbook])


def write_monitor_charts(release: Release, out_dir: Path) -> list[Path]:
    """One SVG per table, except the municipality tables: hundreds of municipalities make
    an unreadable bar chart (the dashboard shows those as tables)."""
    from zicht.publish import write_charts

    charted = tuple(t for t in release.tables if not t.name.startswith(NO_CHART))
    return write_charts(replace(release, tables=charted), out_dir)


@app.command("monitor")
def monitor(
    extract: Path = typer.Option(..., "--extract", help="Research extract folder "
                                 "(reports.parquet, victims.parquet, sources/)."),
    out: Path = typer.Option(..., "--out", help="Output folder for the released monitor."),
    sources: Path | None = typer.Option(None, "--sources", help="Pseudonymised sources "
                                        "folder; default EXTRACT/sources when present."),
    period: str | None = typer.Option(None, "--period", help="Years of chapter 2, FROM-TO "
                                      "(e.g. 2010-2024): yearly figures up to the last "
                                      "year, figures 2.4a and 2.15 summed over them; "
                                      "default every year of the extract."),
    focus_year: int | None = typer.Option(None, "--focus-year", help="Year of figures "
                                          "2.4b and 2.4c; default the period's last year."),
    charts: bool = typer.Option(True, "--charts/--no-charts", help="Write one SVG per table."),
) -> None:
    """Compute the monitor's figures from a research extract."""
    from zicht.disclosure import gate_parameters
    from zicht.research.monitor import MonitorOptions, compute_monitor
    from zicht.research.store import open_extract

    gate_parameters()  # a setting below the gate's floor is refused before any work
    store = open_extract(extract, sources)
    try:
        result = compute_monitor(store, MonitorOptions(
            focus_year=focus_year, period=parse_years(period) if period else None))
    finally:
        store.close()
    release = release_monitor(result, out, charts=charts)
    first, last = result.meta["years"]
    console.print(
        f"monitor {first}-{last}: {len(release.tables)} tables in {out} "
        f"(computed in {result.meta['seconds']:.2f} s)"
    )
    for note in result.skipped:
        console.print(f"[yellow]skipped[/] {note}")
