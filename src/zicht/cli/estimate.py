"""``zicht estimate``: the hidden number by multiple systems estimation.

Two inputs: a capture table (CSV, one 0/1 column per list and ``count``), or a research
extract, where the lists are reporter types and the estimate is made per stratum; that
output goes through the disclosure gate like every research result.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from zicht.cli.app import app, console
from zicht.cli.progress import progress_bar
from zicht.core.errors import EstimationError

if TYPE_CHECKING:
    from zicht.core.progress import Tick
    from zicht.core.table import TableSpec
    from zicht.disclosure import Release
    from zicht.research.estimate.covariate import CovariateEstimate
    from zicht.research.estimate.extract import ExtractTables
    from zicht.research.estimate.strata import StratifiedEstimate

_COUNT_COLUMNS = ("observed", "estimate", "ci_lower", "ci_upper")


def release_strata(result: StratifiedEstimate, tables: ExtractTables, out_dir: Path,
                   options: dict[str, Any],
                   covariate: CovariateEstimate | None = None,
                   extra: list[TableSpec] | None = None) -> Release:
    """Gate the per-stratum table and write ``estimate.json`` + CSV + the gate's log."""
    from zicht.core.table import TableSpec
    from zicht.disclosure import release_stage

    rows = []
    extra_rows = covariate.rows() if covariate else []
    for row in [*result.rows(), *extra_rows]:
        row.setdefault("model", list(covariate.model) if covariate else None)
        row.setdefault("error", None)
        model = row.pop("model")
        rows.append({**row, "model": " + ".join(model) if model else None})
    spec = TableSpec(
        name="figures/estimate", rows=rows, count_columns=_COUNT_COLUMNS,
        title_en="Estimated number of victims (multiple systems estimation, reporter types "
                 "as lists), per stratum, their sum and the pooled estimate",
        title_nl="Geschat aantal slachtoffers (multiple systems estimation, meldertypen als "
                 "lijsten), per stratum, de som van de strata en de gepoolde schatting",
        source="registry extract (victim per report year)",
        notes=f"{int(result.level * 100)}% intervals; see docs/estimation.md",
    )
    methods = {"by": list(result.by), "lists_merged": tables.merged,
               "level": result.level, **options}
    if covariate is not None:
        methods["covariate_model"] = {"lists": list(tables.pooled.lists),
                                      "interactions": list(covariate.model),
                                      "interval": covariate.interval}
    return release_stage([spec, *(extra or ())], out_dir, document_name="estimate",
                         meta={"stage": "estimate", "by": list(result.by)},
                         extra={"method": methods})


def estimate_extract(extract: Path, out: Path, *, by: str = "year",
                     method: str = "stepwise", min_list: int = 10, seed: int = 1234,
                     level: float = 0.95, covariate: bool = False,
                     compare: bool | None = None, multiyear_bootstrap: int = 200,
                     compare_methods: Sequence[str] | None = None,
                     progress: Tick | None = None,
                     **options: Any) -> tuple[Release, StratifiedEstimate]:
    """Estimate per stratum from a research extract and release it through the gate.

    By year (``compare`` defaults to on then), the release also holds the method
    comparison, the published estimate by the documented rule and the estimates for the
    groups the seeds publish (``zicht.research.estimate.published``). ``progress`` is
    told which method and year the comparison is at.
    """
    from zicht.research.estimate.bootstrap import shared_pool

    # One pool of bootstrap workers for every stratum and the method comparison.
    with shared_pool(options.get("workers")):
        return _estimate_extract(extract, out, by=by, method=method, min_list=min_list,
                                 seed=seed, level=level, covariate=covariate,
                                 compare=compare, multiyear_bootstrap=multiyear_bootstrap,
                                 compare_methods=compare_methods, progress=progress,
                                 **options)


def _estimate_extract(extract: Path, out: Path, *, by: str, method: str, min_list: int,
                      seed: int, level: float, covariate: bool, compare: bool | None,
                      multiyear_bootstrap: int, compare_methods: Sequence[str] | None,
                      progress: Tick | None,
                      **options: Any) -> tuple[Release, StratifiedEstimate]:
    from zicht.research.estimate import estimate_strata
    from zicht.research.estimate.covariate import estimate_covariate
    from zicht.research.estimate.extract import tables_from_extract

    tables = tables_from_extract(extract, by, min_list)
    strat = estimate_strata(tables.tables, method, pooled=tables.pooled, seed=seed,
                            level=level, **options)
    cov = None
    if covariate:
        p = options.get("p_threshold")
        cov = estimate_covariate(tables.common, p_threshold=0.02 if p is None else p,
                                 bootstrap=options.get("bootstrap", 0), seed=seed,
                                 level=level, workers=options.get("workers"))
    extra: list[TableSpec] = []
    if compare if compare is not None else tables.by == ("year",):
        if tables.by != ("year",):
            raise EstimationError("The method comparison and the published estimate are "
                                  "per year: use --by year.")
        extra = published_specs(extract, tables, min_list, seed, level, multiyear_bootstrap,
                                compare_methods, progress)
    release = release_strata(strat, tables, out, {"method": method, "seed": seed, **options},
                             cov, extra)
    return release, strat


_INTERVALS = ("observed", "estimate", "ci_lower", "ci_upper")


def published_specs(extract: Path, tables: ExtractTables, min_list: int, seed: int,
                    level: float, bootstrap: int,
                    methods: Sequence[str] | None = None,
                    progress: Tick | None = None) -> list[TableSpec]:
    """The tables of issue 16: methods side by side, the published estimate, groups."""
    from zicht.core.table import TableSpec
    from zicht.research.estimate.api import METHODS
    from zicht.research.estimate.extract import tables_from_extract
    from zicht.research.estimate.published import (
        COMPARED,
        CREDIBLE,
        RULE,
        UNCOMPARABLE,
        compare_methods,
        estimate_groups,
    )

    unknown = [m for m in methods or () if m not in METHODS or m in UNCOMPARABLE]
    if unknown:
        raise EstimationError(f"Unknown method {', '.join(unknown)} in --compare-methods; "
                              "expected any of "
                              f"{', '.join(m for m in METHODS if m not in UNCOMPARABLE)}.")
    if methods is not None and not set(methods) & set(CREDIBLE):
        raise EstimationError("The published estimate is made of the credible methods: "
                              "--compare-methods must include one or more of "
                              f"{', '.join(CREDIBLE)}.")
    comparison = compare_methods(
        tables.common, seed=seed, level=level, bootstrap=bootstrap,
        methods=COMPARED if methods is None else methods,
        progress=None if progress is None else lambda what: progress(f"methods: {what}", 0, 0))
    groups = estimate_groups(tables_from_extract(extract, "year,form,age_group",
                                                 min_list).common,
                             seed=seed, level=level, bootstrap=bootstrap)
    pct = int(level * 100)
    return [
        TableSpec(
            name="figures/estimate_methods", rows=comparison.methods,
            count_columns=_INTERVALS,
            title_en="Estimated number of victims per year by every method, with what each "
                     "assumes",
            title_nl="Geschat aantal slachtoffers per jaar volgens elke methode, met wat elke "
                     "methode veronderstelt",
            source="registry extract (victim per report year)",
            notes=f"{pct}% intervals; see docs/estimation.md"),
        TableSpec(
            name="figures/estimate_published", rows=comparison.published,
            count_columns=(*_INTERVALS, "band_lower", "band_upper"),
            title_en="Published estimate of the number of victims per year, with the "
                     "spread between credible methods",
            title_nl="Gepubliceerde schatting van het aantal slachtoffers per jaar, met de "
                     "spreiding tussen geloofwaardige methoden",
            source="registry extract (victim per report year)",
            notes=f"Rule: {RULE}. {pct}% intervals; see docs/estimation.md"),
        TableSpec(
            name="figures/estimate_groups", rows=groups, count_columns=_INTERVALS,
            title_en="Estimated number of victims per year: minors in domestic sexual "
                     "exploitation, and labour or criminal exploitation",
            title_nl="Geschat aantal slachtoffers per jaar: minderjarigen in binnenlandse "
                     "seksuele uitbuiting, en arbeids- of criminele uitbuiting",
            source="registry extract (victim per report year)",
            notes=f"multi-year model per group; {pct}% intervals; see docs/estimation.md"),
    ]


def _long_running(method: str | None, bootstrap: int | None) -> str | None:
    """What a bar would follow for ``method`` on a capture table, or None (no bar)."""
    import inspect

    from zicht.research.estimate import METHODS

    spec = METHODS.get(method or "stepwise")
    if spec is None or "progress" not in inspect.signature(spec.resolve()).parameters:
        return None
    if spec.family == "log-linear":
        return f"{bootstrap:,} bootstrap replicates" if bootstrap else None
    return f"{spec.name} ({spec.family})"


def _table_method(method: str | None, compare: bool | None,
                  chosen: Sequence[str] | None) -> str | None:
    """The method for a capture table: ``--compare`` (or ``--compare-methods``) is the
    published rule with every method beside it; a plain table keeps stepwise as default
    (the published rule runs seven models, and stepwise is what the docs and scripts
    have called the default since the first release)."""
    if compare and method not in (None, "published"):
        raise EstimationError(f"--compare puts every method side by side and publishes by "
                              f"the rule (--method published); --method {method} "
                              "contradicts it. Pick the methods with --compare-methods.")
    if chosen is not None and not compare and method != "published":
        raise EstimationError("--compare-methods picks the methods of --compare (or "
                              "--method published); add --compare.")
    return "published" if compare else method


@app.command("estimate")
def estimate_cmd(
    table: Path | None = typer.Argument(None, help="Capture table CSV: one 0/1 column per "
                                        "list and a `count` column."),
    method: str | None = typer.Option(None, "--method", help="main | stepwise | bic | aic "
                                      "| fixed | multiyear | published (see "
                                      "`estimate.METHODS`); default stepwise, fixed with "
                                      "--model. published: every method side by side and "
                                      "the figure by the published rule."),
    model: str | None = typer.Option(None, "--model", help="Fit this fixed model instead, "
                                     "e.g. 'LA:NG,NG:GP' (main effects are always in)."),
    max_order: int | None = typer.Option(None, "--max-order", help="bic/aic: largest "
                                         "interaction order (default: all, k-1)."),
    p_threshold: float | None = typer.Option(None, "--p-threshold", help="stepwise, "
                                             "multiyear: add a pair while its Poisson "
                                             "p-value is below this (default 0.02)."),
    bootstrap: int | None = typer.Option(None, "--bootstrap", help="Bootstrap replicates "
                                         "(log-linear: selection repeated, BCa; multiyear: "
                                         "parametric, default 200). 0 = no bootstrap."),
    seed: int = typer.Option(1234, "--seed", help="Seed of the bootstrap."),
    level: float = typer.Option(0.95, "--level", help="Confidence level."),
    workers: int | None = typer.Option(None, "--workers", help="Processes for the bootstrap "
                                       "(default: all cores; results do not depend on it)."),
    strata: str | None = typer.Option(None, "--strata", help="Capture table with a stratum "
                                      "column (e.g. year): its name; for --method multiyear."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a summary."),
    extract: Path | None = typer.Option(None, "--extract", help="Research extract folder: "
                                        "estimate per stratum with reporter types as lists."),
    by: str = typer.Option("year", "--by", help="--extract: strata, comma separated: "
                           "year, form, sex, age_group, origin."),
    out: Path | None = typer.Option(None, "--out", help="--extract: output folder "
                                    "(estimate.json, CSV, disclosure log)."),
    min_list: int = typer.Option(10, "--min-list-size", help="--extract: merge reporter "
                                 "types that saw fewer victims into `other`."),
    covariate: bool = typer.Option(False, "--covariate", help="--extract: also fit one "
                                   "log-linear model with the strata as a covariate."),
    compare: bool | None = typer.Option(None, "--compare/--no-compare", help="A capture "
                                        "table: every method side by side and the published "
                                        "estimate (= --method published). --extract --by "
                                        "year: release them and the group estimates "
                                        "(default on with --by year)."),
    compare_methods: str | None = typer.Option(None, "--compare-methods", help="--compare: "
                                               "the methods side by side, comma separated "
                                               "(default: published.QUICK on a table, all "
                                               "of published.COMPARED with --extract)."),
) -> None:
    """Estimate the hidden number by multiple systems estimation."""
    given = {"max_order": max_order, "p_threshold": p_threshold, "bootstrap": bootstrap,
             "workers": workers}
    options: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    terms = [t.strip() for t in model.split(",") if t.strip()] if model else None
    if (table is None) == (extract is None):
        raise EstimationError("Give either a capture table CSV or --extract DIR (not both). "
                              "Example: zicht estimate table.csv --method stepwise.")
    chosen = None if compare_methods is None else \
        [m.strip() for m in compare_methods.split(",") if m.strip()]
    if table is not None:
        # Only what a capture table needs: no extract, no gate, no pandas.
        from zicht.research.estimate import CaptureTable, estimate
        from zicht.research.estimate.table import strata_from_csv

        method = _table_method(method, compare, chosen)
        if chosen is not None:
            options["methods"] = chosen
        if terms is not None:
            options["model"] = terms
        data: Any = CaptureTable.from_csv(table) if strata is None else \
            strata_from_csv(table, strata)
        # A fit takes milliseconds: a bar only for what repeats it (a bootstrap) or
        # samples (the Bayesian methods), and only for runners that report progress.
        what = _long_running(method, bootstrap)
        with progress_bar("estimate", quiet=as_json or what is None) as tick:
            if what is not None:
                tick(what, 0, 0)
                options["progress"] = lambda done, total: tick(what, done, total)
            result = estimate(data, method, seed=seed, level=level, **options)
        if as_json:
            typer.echo(json.dumps(result.to_dict(), indent=2, default=str))
        else:
            typer.echo(result.summary())
        return
    assert extract is not None
    if out is None:
        raise EstimationError("--extract needs --out DIR for the released estimate.json.")
    if strata is not None:
        raise EstimationError("--strata names the stratum column of a capture table CSV; "
                              "with --extract use --by.")
    if method == "published":
        raise EstimationError("With --extract the release holds the published estimate per "
                              "year already (--by year, --compare); --method picks the "
                              "per-stratum method of figures/estimate.")
    with progress_bar("estimate", quiet=as_json) as tick:
        tick(f"strata by {by}" + (f", {bootstrap:,} bootstrap replicates each"
                                  if bootstrap else ""), 0, 0)
        release, strat = estimate_extract(
            extract, out, by=by, method=method or "stepwise", min_list=min_list, seed=seed,
            level=level, covariate=covariate, compare=compare,
            compare_methods=chosen, progress=tick,
            **options)
    if as_json:
        typer.echo(json.dumps(release.document, indent=2, default=str))
        return
    # print only what passed the gate (rounded), never the raw figures
    gated = {r["row"]: r["estimate"] for r in release.table("figures/estimate").rows}
    console.print(f"estimate: {len(strat.strata)} strata by {', '.join(strat.by)}; sum of "
                  f"strata {gated.get('sum of strata')}, pooled {gated.get('pooled')} "
                  "(rounded by the disclosure gate)", highlight=False)
    console.print(f"released through the disclosure gate: {out / 'estimate.json'}")
