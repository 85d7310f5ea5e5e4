"""``zicht linked``: chapters 3-4 (aid against matched controls, revictimisation) from a
research extract, released only through the disclosure gate (JSON, CSV, XLSX, SVG)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from zicht.cli.app import app, console, parse_years
from zicht.cli.progress import progress_bar

if TYPE_CHECKING:
    from zicht.disclosure import Release
    from zicht.research.linked import LinkedResult


def release_linked(result: LinkedResult, out_dir: Path, *, threshold: int | None = None,
                   charts: bool = True) -> Release:
    """Gate every table and test, write ``linked.json`` + CSV + log, workbook, charts."""
    from zicht.disclosure import gate_statistics, release_stage
    from zicht.publish import write_charts, write_workbook
    from zicht.research.linked import format_test
    from zicht.research.linked.charts import write_linked_charts

    tests = gate_statistics([t.to_dict() for t in result.tests], population="linked_microdata",
                            threshold=threshold)
    for t in tests:  # the footnote text from the gated N, as the seed prints it
        if t.get("chi2") is not None:
            t["text_en"] = format_test(t["chi2"], t["df"], t["n"], t["p"], "en")
            t["text_nl"] = format_test(t["chi2"], t["df"], t["n"], t["p"], "nl")
    extra: dict[str, Any] = {"tests": tests, "method": result.meta.get("method", {})}
    meta = {k: v for k, v in result.meta.items() if k != "method"}
    controls = {k: v for k, v in meta["controls"].items() if k != "strata"}
    meta["controls"] = gate_statistics([controls], population="linked_microdata",
                                       count_keys=("victims", "controls", "shortfall",
                                                   "distinct_controls"),
                                       threshold=threshold)[0]

    def workbook(release: Release, folder: Path) -> list[Path]:
        return [write_workbook(release, folder / "linked.xlsx")]

    def svg(release: Release, folder: Path) -> list[Path]:
        # the generic charts, then ours where a share or a step curve fits better
        paths = write_charts(release, folder / "svg")
        paths += write_linked_charts({t.name: (t.rows, t.title_en) for t in release.tables},
                                     folder / "svg")
        return sorted(set(paths))

    return release_stage(result.tables, out_dir, document_name="linked", meta=meta,
                         extra=extra, threshold=threshold,
                         writers=[workbook, svg] if charts else [workbook])


@app.command("linked")
def linked(
    extract: Annotated[Path, typer.Option("--extract", help="Research extract folder "
                                          "(reports.parquet, sources/).")],
    out: Annotated[Path, typer.Option("--out", help="Output folder for the released "
                                      "analyses.")],
    sources: Annotated[Path | None, typer.Option("--sources", help="Pseudonymised sources "
                                                 "folder; default EXTRACT/sources.")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Seed of the control draw (same data + same seed = same controls; "
        "default 20160101).")] = None,
    threshold: Annotated[int | None, typer.Option(
        "--threshold", help="Suppress counts below this; default "
        "ZICHT_SUPPRESSION_THRESHOLD or 10; never below 10 (the gate's floor).")] = None,
    controls_per_victim: Annotated[int | None, typer.Option(
        "--controls-per-victim", help="Matched controls per victim (default: 1,000, "
        "as in the seed).")] = None,
    with_replacement: Annotated[bool, typer.Option(
        "--controls-with-replacement/--controls-without-replacement",
        help="A (sex, birth year) stratum with fewer residents than it needs repeats "
        "them, so every victim gets --controls-per-victim controls (a small register); "
        "the report states how many different residents they are.")] = False,
    aid_period: Annotated[str | None, typer.Option(
        "--aid-period", help="Incident years of chapter 3 (aid), FROM-TO; default "
        "2016-2020 as in the seed.")] = None,
    revictimisation_period: Annotated[str | None, typer.Option(
        "--revictimisation-period", help="Index years of chapter 4 (revictimisation), "
        "FROM-TO; default 2010-2020 as in the seed.")] = None,
    aid_period_by: Annotated[str | None, typer.Option(
        "--aid-period-by", help="Select chapter-3 incidents by 'offence_start' (the seed, "
        "the default) or 'registration_date'.")] = None,
    charts: Annotated[bool, typer.Option("--charts/--no-charts",
                                         help="Write one SVG per table.")] = True,
) -> None:
    """Linked analyses: aid vs matched controls, revictimisation."""
    from zicht.disclosure import gate_parameters
    from zicht.research.linked import LinkedSpec, run_linked
    from zicht.research.store import open_extract

    gate_parameters(threshold)  # below the gate's floor: refused before any work
    # Options not given keep LinkedSpec's defaults (one place for them).
    spec = LinkedSpec()
    spec = replace(spec, seed=spec.seed if seed is None else seed,
                   controls_per_victim=controls_per_victim or spec.controls_per_victim,
                   aid_period_by=aid_period_by or spec.aid_period_by,
                   controls_with_replacement=with_replacement)
    if aid_period:
        spec = replace(spec, aid_from=parse_years(aid_period)[0],
                       aid_to=parse_years(aid_period)[1])
    if revictimisation_period:
        spec = replace(spec, rv_from=parse_years(revictimisation_period)[0],
                       rv_to=parse_years(revictimisation_period)[1])
    store = open_extract(extract, sources)
    try:
        with progress_bar("linked") as tick:
            result = run_linked(store, spec, progress=tick)
    finally:
        store.close()
    release = release_linked(result, out, threshold=threshold, charts=charts)
    c = release.document["meta"]["controls"]
    console.print(f"linked: {len(release.tables)} tables and {len(result.tests)} tests in {out}; "
                  f"{c['controls']} controls for {c['victims']} victims (rounded)")
