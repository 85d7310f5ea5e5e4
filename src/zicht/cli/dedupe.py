"""``zicht dedupe`` and ``zicht review``: parse, call one stage function, print."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from zicht.cli.app import DB_OPTION, app, console
from zicht.cli.progress import progress_bar
from zicht.core.safe_text import printable

review_app = typer.Typer(help="The dedupe review queue: pairs of reports to decide on.",
                         no_args_is_help=True)
app.add_typer(review_app, name="review")


@app.command("dedupe")
def dedupe(
    db: str = DB_OPTION,
    links_out: Annotated[Path | None, typer.Option(
        "--links-out", help="Write reporter,report_ref,victim_id for every "
        "non-anonymous report to this CSV.")] = None,
    backend: Annotated[str, typer.Option(
        "--backend", help="duckdb (one machine) or spark (ZICHT_SPARK_MASTER).")] = "duckdb",
    full: Annotated[bool, typer.Option(
        "--full", help="Re-train and score every pair again (default: only pairs with a "
        "new or changed report when an earlier run's model and pairs exist).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Merge reports into unique victims (Splink) and fill the review queue."""
    from zicht.core.errors import ConfigError
    from zicht.registry.db import open_registry
    from zicht.registry.dedupe import DedupeOptions, run_dedupe

    if backend not in ("duckdb", "spark"):
        raise ConfigError(f"--backend is '{backend}'; expected duckdb or spark.")
    spark = None
    if backend == "spark":
        from zicht.registry.dedupe.spark import get_spark

        spark = get_spark()
    registry = open_registry(db)
    try:
        options = DedupeOptions(backend=backend, spark=spark,  # type: ignore[arg-type]
                                full=full)
        with progress_bar("dedupe", quiet=as_json) as tick:
            summary = run_dedupe(registry, options, links_out=links_out, progress=tick)
    finally:
        registry.dispose()
    if as_json:
        console.print_json(json.dumps(summary.to_dict()))
        return
    console.print(
        f"dedupe run {summary.run_id} ({summary.mode}, {summary.rescored_reports} reports "
        f"scored): {summary.reports} reports "
        f"({summary.anonymous} anonymous) -> {summary.victims} unique victims; "
        f"{summary.kept_ids} ids kept, {summary.new_ids} new, "
        f"{summary.split_clusters} incoherent clusters split, "
        f"{summary.review_open} pairs to review; model "
        f"{'trained on this registry' if summary.trained else 'priors (too few to train)'}; "
        f"{summary.seconds:.1f} s")
    for name, est in summary.reviewed.items():
        if est.n:
            console.print(f"{name} in the review band, from {est.n} reviewed pairs: "
                          f"{est.value:.3f} (95% {est.low:.3f}-{est.high:.3f})")
    if summary.label_offset_bits:
        console.print(f"reviewers' decisions moved every match weight by "
                      f"{summary.label_offset_bits:+.2f} bits")
    if links_out:
        console.print(f"links written to {links_out}")


@review_app.command("list")
def review_list(
    db: str = DB_OPTION,
    status: Annotated[str, typer.Option(help="open, decided or obsolete.")] = "open",
    limit: Annotated[int, typer.Option(help="How many pairs to show.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show queued pairs with both reports side by side (registry zone: identifying)."""
    from zicht.registry.audit import cli_actor
    from zicht.registry.db import open_registry
    from zicht.registry.review import list_review

    registry = open_registry(db)
    try:
        with registry.begin() as conn:
            items = list_review(conn, registry.cipher, status=status, limit=limit,
                                actor=cli_actor())
    finally:
        registry.dispose()
    if as_json:
        console.print_json(json.dumps([i.to_dict() for i in items], default=str))
        return
    if not items:
        console.print(f"No {status} review pairs.")
        return

    for item in items:
        table = Table(title=f"pair {item.id}: p={item.match_probability:.3f}, "
                      f"{'linked' if item.linked else 'not linked'}")
        # Names are data: Text is never read as Rich markup, and printable() shows
        # terminal escapes and bidi overrides instead of passing them to the terminal.
        table.add_column("field")
        table.add_column("left")
        table.add_column("right")
        for key in item.left:
            table.add_row(Text(printable(key)), Text(printable(item.left.get(key))),
                          Text(printable(item.right.get(key))))
        console.print(table)


def _decide(db: str, review_id: int, decision: str, note: str | None) -> None:
    from zicht.registry.audit import cli_actor
    from zicht.registry.db import open_registry
    from zicht.registry.review import decide_review

    registry = open_registry(db)
    try:
        with registry.begin() as conn:
            result = decide_review(conn, review_id, decision,  # type: ignore[arg-type]
                                   actor=cli_actor(), note=note)
    finally:
        registry.dispose()
    console.print(f"pair {review_id}: {result['decision']}"
                  + (f"; victim {result['victim_id']} changed" if result.get("changed") else ""))


@review_app.command("accept")
def review_accept(review_id: int, db: str = DB_OPTION,
                  note: Annotated[str | None, typer.Option(help="Why (no personal data).")] = None,
                  ) -> None:
    """The two reports are one victim: merge them now and in every later run."""
    _decide(db, review_id, "accept", note)


@review_app.command("reject")
def review_reject(review_id: int, db: str = DB_OPTION,
                  note: Annotated[str | None, typer.Option(help="Why (no personal data).")] = None,
                  ) -> None:
    """The two reports are different victims: keep them apart now and in every later run."""
    _decide(db, review_id, "reject", note)
