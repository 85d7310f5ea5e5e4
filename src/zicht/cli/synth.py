"""CLI verb(s) for this stage: parse, call one stage function, print."""

from __future__ import annotations

from pathlib import Path

import typer

from zicht.cli.app import app, console, parse_years
from zicht.cli.progress import progress_bar


@app.command("synth")
def synth(
    out: Path = typer.Option(..., "--out", help="Folder to write the world into."),
    seed: int = typer.Option(1, "--seed", help="Random seed; the same seed gives "
                             "byte-identical files."),
    scale: float = typer.Option(1.0, "--scale", help="1 = the Netherlands; 0.05 for a demo."),
    years: str = typer.Option("2010-2024", "--years", help="Report years to generate."),
    population_scale: float | None = typer.Option(
        None, "--population-scale", help="Scale of the population register alone "
        "(default: --scale); e.g. 0.001 for a fast world with every victim still linked."),
) -> None:
    """Generate the synthetic world (registry CSVs, linked sources, truth)."""
    from zicht.synth import SynthSpec, generate_world

    spec = SynthSpec(out=out, seed=seed, scale=scale, population_scale=population_scale,
                     years=parse_years(years))
    with progress_bar("synth") as tick:
        result = generate_world(spec, progress=tick)
    console.print(result.summary())
