"""``zicht demo``: the whole chain on synthetic data, on the embedded default
(SQLite registry, DuckDB research zone), in one folder laid out like the zones::

    OUT/world/       the synthetic world (what reporters and linked sources would send)
    OUT/registry/    registry zone: zicht.db (+ its encryption key), the pseudonym key
    OUT/research/    research zone: the pseudonymised extract
    OUT/released/    what passed the disclosure gate: monitor/, linked/, estimate/
    OUT/report/      the publication: report.html, report.pdf, tables.xlsx, figures/

Each stage calls the same functions as its own verb, so the demo is the documented
chain (docs/data-flow.md), not a shortcut.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from zicht.cli.app import app, console, parse_years
from zicht.core.errors import ConfigError
from zicht.core.progress import Tick

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from zicht.publish.report import ReportFiles

BOOTSTRAP = 1000  # BCa replicates of the published estimate (docs/estimation.md)
STAGES = ("synth", "import", "dedupe", "extract", "monitor", "linked", "estimate", "report")


@app.command("demo")
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the whole demo "
                                      "(world, registry, research, released, report).")]
    = Path("zicht-demo"),
    scale: Annotated[float, typer.Option("--scale", help="Reports and victims: 1 = the "
                                         "Netherlands.")] = 1.0,
    population_scale: Annotated[float, typer.Option(
        "--population-scale", help="The population register alone (controls for the "
        "linked analyses); small keeps the demo fast.")] = 0.01,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the world, the controls and "
                                      "the bootstrap.")] = 1,
    lang: Annotated[str, typer.Option("--lang", help="Report language: nl or en.")] = "nl",
    period: Annotated[str | None, typer.Option(
        "--period", help="Years of chapter 2, FROM-TO (default every year of the world); "
        "chapters 3 and 4 keep the seed's windows, 2016-2020 and 2010-2020 (`zicht "
        "linked --aid-period/--revictimisation-period`).")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write report.pdf.")]
    = True,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing OUT.")] = False,
) -> None:
    """Run the whole chain on synthetic data and write the monitor.

    synth -> import (SQLite registry) -> dedupe -> extract (pseudonyms) -> monitor,
    linked, estimate (DuckDB, through the disclosure gate) -> report (HTML, PDF, XLSX).
    """
    if lang not in ("nl", "en"):
        raise ConfigError(f"--lang is {lang!r}; expected nl or en.")
    if out.exists() and any(out.iterdir()):
        if not force:
            raise ConfigError(f"{out} already exists and is not empty. Pass --force to "
                              "replace it, or choose another --out.")
        shutil.rmtree(out)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    timings: dict[str, tuple[float, float]] = {}
    with Progress(TextColumn("{task.description:<34}"), BarColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        overall = bar.add_task("zicht demo", total=len(STAGES))
        run = _Runner(bar, overall, timings)
        report = run_chain(out, scale=scale, population_scale=population_scale, seed=seed,
                           lang=lang, pdf=pdf, stage=run.stage,
                           period=parse_years(period) if period else None)
    table = Table(title="zicht demo", show_lines=False)
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    table.add_column("CPU s", justify="right")  # this process and its finished workers
    for name, (secs, cpu) in timings.items():
        table.add_row(name, f"{secs:.1f}", f"{cpu:.1f}")
    table.add_row("total", f"{sum(t[0] for t in timings.values()):.1f}",
                  f"{sum(t[1] for t in timings.values()):.1f}")
    console.print(table)
    console.print(f"CPU s: this process and its workers; load average "
                  f"{os.getloadavg()[0]:.1f} (1 min) on {os.cpu_count()} cores", highlight=False)
    console.print(report.summary())
    console.print(f"\nOpen [bold]{report.html}[/] in a browser, or run "
                  f"`zicht serve --publish-dir {out / 'released'}` for the dashboard.")


Stage = Callable[[str, Callable[[Tick], object]], object]


def _cpu_seconds() -> float:
    """CPU time of this process and of the child processes it has waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class _Runner:
    """Runs one stage under the progress bar, timing it."""

    def __init__(self, bar: Progress, overall: TaskID,
                 timings: dict[str, tuple[float, float]]) -> None:
        self.bar, self.overall, self.timings = bar, overall, timings

    def stage(self, name: str, work: Callable[[Tick], object],
              ) -> object:
        task = self.bar.add_task(name, total=None)

        def tick(description: str, done: int, total: int) -> None:
            self.bar.update(task, description=f"{name}: {description}", completed=done,
                            total=total)

        start, cpu = time.perf_counter(), _cpu_seconds()
        result = work(tick)
        self.timings[name] = (time.perf_counter() - start, _cpu_seconds() - cpu)
        self.bar.update(task, description=name, completed=1, total=1)
        self.bar.advance(self.overall)
        return result


def run_chain(out: Path, *, scale: float, population_scale: float, seed: int, lang: str,
              pdf: bool, stage: Stage, period: tuple[int, int] | None = None) -> ReportFiles:
    """The chain itself; ``stage(name, work)`` runs ``work(progress)`` (CLI: a bar)."""
    from zicht.boundary import write_extract
    from zicht.boundary.pseudonym import PseudonymKey
    from zicht.cli.estimate import estimate_extract
    from zicht.cli.linked import release_linked
    from zicht.cli.monitor import release_monitor
    from zicht.publish.report import ReportFiles, build_report
    from zicht.registry import import_file, open_registry
    from zicht.registry.audit import cli_actor
    from zicht.registry.dedupe import run_dedupe
    from zicht.research.estimate.published import QUICK
    from zicht.research.linked import LinkedSpec, run_linked
    from zicht.research.monitor import MonitorOptions, compute_monitor
    from zicht.research.store import open_extract
    from zicht.synth import SynthSpec, generate_world

    world, registry_dir = out / "world", out / "registry"
    extract_dir, released = out / "research" / "extract", out / "released"
    registry_dir.mkdir(parents=True, exist_ok=True)

    stage("synth", lambda tick: generate_world(
        SynthSpec(out=world, seed=seed, scale=scale, population_scale=population_scale),
        progress=tick))

    # The registry: SQLite, its encryption key written beside it on first open.
    registry = open_registry(f"sqlite:///{registry_dir / 'zicht.db'}")
    try:
        def import_all(tick: Tick) -> None:
            files = sorted((world / "registry").glob("reports_*.csv"))  # in year order
            for i, path in enumerate(files):
                tick(path.name, i, len(files))
                import_file(registry, path, actor=cli_actor())

        stage("import", import_all)
        stage("dedupe", lambda tick: run_dedupe(registry, progress=tick))
        # The pseudonym key stays in the registry zone, never beside the extract.
        key_path = registry_dir / "pseudonym.key"
        key_path.write_text(secrets.token_hex(32))
        key_path.chmod(0o600)
        key = PseudonymKey.from_hex(key_path.read_text(), str(key_path))
        stage("extract", lambda tick: write_extract(registry, extract_dir, key,
                                                    sources_dir=world / "sources",
                                                    progress=tick,
                                                    register_names=world / "register"
                                                    / "population_names.parquet"))
    finally:
        registry.dispose()

    def monitor(_tick: Tick) -> None:
        store = open_extract(extract_dir)
        try:
            result = compute_monitor(store, MonitorOptions(period=period))
        finally:
            store.close()
        # charts=False: the report draws every figure once, in report/figures.
        release_monitor(result, released / "monitor", charts=False)

    def linked(tick: Tick) -> None:
        store = open_extract(extract_dir)
        try:
            # The demo's small register cannot give 1,000 different residents per
            # victim; repeating residents meets the design, and the report says so.
            result = run_linked(store, LinkedSpec(seed=seed, controls_with_replacement=True),
                                progress=tick)
        finally:
            store.close()
        release_linked(result, released / "linked", charts=False)

    stage("monitor", monitor)
    stage("linked", linked)
    # The bootstrap interval (model selection repeated): the profile interval ignores
    # model selection and covered the truth in fewer than half of the synthetic years.
    # The method comparison without lcmcr and dga (minutes per year on a busy machine;
    # `zicht estimate --extract` compares them too).
    stage("estimate", lambda tick: estimate_extract(extract_dir, released / "estimate",
                                                    seed=seed, bootstrap=BOOTSTRAP,
                                                    compare_methods=QUICK, progress=tick))
    report = stage("report", lambda tick: build_report(released, out / "report", lang,
                                                       pdf=pdf, progress=tick))
    assert isinstance(report, ReportFiles)
    return report
