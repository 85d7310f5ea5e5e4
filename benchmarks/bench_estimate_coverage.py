"""Coverage and bias of the hidden-number estimate on the synthetic world (issue 7).

For each seed a world is generated with ``zicht.synth.generate_world`` (scale 1 = the
Netherlands, all report years 2010-2024, population register at 0.001: the register is
not used here), its capture tables are built as ``zicht estimate --extract`` sees them
with perfect linkage (the true person behind every named report), and every year is
estimated and compared with the year's true total (registered + unregistered victims,
``truth/hidden_population.parquet``). See ``benchmarks.coverage_study``.

    python -m benchmarks estimate_coverage            # 50 seeds x 15 years, BCa on 20 seeds
    python -m benchmarks estimate_coverage --quick    # 4 small worlds, a smoke run
    python -m benchmarks.bench_estimate_coverage --seeds 100 --scale 0.5 --out DIR
    python -m benchmarks.bench_estimate_coverage --real-chain --scale 0.25   # linkage check

Per-row results (``per_seed.csv``) and the summaries (``summary.json``) go to
``$ZICHT_BENCH_OUT/estimate_coverage`` (default: the system temp folder), never into
the repository. There is no peer: the target is the issue's "covers the known total
for most seeds", read as coverage > 50% (the nominal level is 95%).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.coverage_study import StudyResult, StudySpec, run_study, summarise

FULL = StudySpec(seeds=tuple(range(1, 51)), scale=1.0, years=(2010, 2024), bootstrap=300,
                 bootstrap_seeds=20, workers=2)
QUICK = StudySpec(seeds=(1, 2, 3, 4), scale=0.25, years=(2018, 2020), bootstrap=200,
                  bootstrap_seeds=2, workers=2)
TARGET = "coverage > 0.5 (\"most seeds\"); nominal 0.95"


def output_dir() -> Path:
    """Where the per-seed CSV and the summary JSON go (outside the repository)."""
    root = os.environ.get("ZICHT_BENCH_OUT") or Path(tempfile.gettempdir()) / "zicht-benchmarks"
    out = Path(root) / "estimate_coverage"
    out.mkdir(parents=True, exist_ok=True)
    return out


def _cpu() -> float:
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


#: Bands of the synth's heterogeneity sigma (sd of the latent visibility, logit scale).
SIGMA_BANDS = (0.5, 1.0, 1.5)


def sigma_band(sigma: float) -> str:
    """``"0.5-1.0"`` etc.: the band of :data:`SIGMA_BANDS` that holds ``sigma``."""
    edges = (0.0, *SIGMA_BANDS, math.inf)
    for lo, hi in itertools.pairwise(edges):
        if lo <= sigma < hi:
            return f"sigma {lo:.1f}-{hi:.1f}" if math.isfinite(hi) else f"sigma >= {lo:.1f}"
    return "sigma unknown"


def write_outputs(spec: StudySpec, result: StudyResult, out: Path,
                  timing: dict[str, float]) -> dict[str, Any]:
    """``per_seed.csv`` (one row per seed, year, estimator) and ``summary.json``."""
    pd.DataFrame(result.rows).to_csv(out / "per_seed.csv", index=False)
    forms = [{**r, "sigma_band": sigma_band(r["sigma"])} for r in result.rows
             if r["estimator"] == "form stratum"]
    doc = {
        "spec": {**spec.__dict__, "seeds": [min(spec.seeds), max(spec.seeds)],
                 "linkage": "perfect (truth/report_persons.parquet)"},
        "timing": timing,
        "pooled": summarise(result.rows),
        "by_year": summarise(result.rows, ("estimator", "year")),
        "by_form": summarise(forms, ("form",)),
        "by_sigma": summarise(forms, ("sigma_band",)),
    }
    (out / "summary.json").write_text(json.dumps(doc, indent=2, default=str))
    return doc


def rows_from(doc: dict[str, Any], spec: StudySpec, out: Path) -> list[dict[str, Any]]:
    """Harness rows: per estimator coverage, bias and width; then the cost."""
    years = f"{spec.years[0]}-{spec.years[1]}"
    rows: list[dict[str, Any]] = []
    for s in doc["pooled"]:
        what = (f"synthetic world scale {spec.scale}, {s['seeds']} seeds x years {years}, "
                f"stepwise {s['estimator']}")
        unit = "year x form strata" if s["estimator"] == "form stratum" else "seed-years"
        rows.append(_row(f"{what}: coverage of the 95% interval ({s['n']} {unit}, "
                         f"{s['failed']} failed)", s["coverage"], "share", target=TARGET,
                         met=s["coverage"] > 0.5))
        rows.append(_row(f"{what}: bias (mean relative error; median "
                         f"{s['median_rel_error']:+.1%})", s["bias"], "relative"))
        rows.append(_row(f"{what}: median interval width / true total", s["rel_width"],
                         "relative"))
    for s in doc["by_sigma"]:
        what = (f"synthetic world, form strata with heterogeneity {s['sigma_band']} "
                f"({s['n']} strata)")
        rows.append(_row(f"{what}: coverage of the 95% interval", s["coverage"], "share"))
        rows.append(_row(f"{what}: bias (mean relative error)", s["bias"], "relative"))
    t = doc["timing"]
    load = f"load avg {t['load_before']:.1f} -> {t['load_after']:.1f}, {os.cpu_count()} cores"
    rows.append(_row(f"coverage study wall time ({len(spec.seeds)} worlds, {spec.workers} "
                     f"workers; {load}); per-seed results in {out}", t["wall"], "s"))
    rows.append(_row("coverage study CPU time (generate + estimate, all processes)",
                     t["cpu"], "s"))
    return rows


def _row(benchmark: str, value: float, unit: str, target: str | None = None,
         met: bool | None = None) -> dict[str, Any]:
    return {"benchmark": benchmark, "value": round(float(value), 4), "unit": unit,
            "peer": None, "peer_value": None, "ratio": None, "target": target, "met": met}


def measure(spec: StudySpec, out: Path) -> list[dict[str, Any]]:
    load_before = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), _cpu()
    result = run_study(spec)
    timing = {"wall": time.perf_counter() - t0, "cpu": _cpu() - c0,
              "generate_seconds": result.seconds_generate,
              "estimate_seconds": result.seconds_estimate,
              "load_before": load_before, "load_after": os.getloadavg()[0]}
    doc = write_outputs(spec, result, out, timing)
    return rows_from(doc, spec, out)


def run(quick: bool) -> list[dict[str, Any]]:
    return measure(QUICK if quick else FULL, output_dir())


def real_chain_check(seed: int, scale: float, out: Path) -> list[dict[str, Any]]:
    """One world through the real chain (import into SQLite, dedupe with Splink,
    pseudonymised extract) beside the perfect linkage the study uses: observed and
    estimate (stepwise, profile interval) per year, both ways."""
    import secrets

    from benchmarks.synthworld import true_totals, write_linked_extract
    from zicht.boundary import write_extract
    from zicht.boundary.pseudonym import PseudonymKey
    from zicht.registry import import_file, open_registry
    from zicht.registry.audit import cli_actor
    from zicht.registry.dedupe import run_dedupe
    from zicht.research.estimate import estimate
    from zicht.research.estimate.extract import tables_from_extract
    from zicht.synth import SynthSpec, generate_world

    with tempfile.TemporaryDirectory(prefix="zicht-chain-", dir=out) as tmp:
        world = Path(tmp) / "world"
        generate_world(SynthSpec(out=world, seed=seed, scale=scale, population_scale=0.001))
        registry = open_registry(f"sqlite:///{Path(tmp) / 'zicht.db'}")
        try:
            for path in sorted((world / "registry").glob("reports_*.csv")):
                import_file(registry, path, actor=cli_actor())
            run_dedupe(registry)
            pseudonym_key = PseudonymKey.from_hex(secrets.token_hex(32), "benchmark key")
            write_extract(registry, Path(tmp) / "extract", pseudonym_key)
        finally:
            registry.dispose()
        real = tables_from_extract(Path(tmp) / "extract", "year").tables
        perfect = tables_from_extract(write_linked_extract(world, Path(tmp) / "linked"),
                                      "year").tables
        truth = true_totals(world)
    rows = []
    for key in sorted(perfect):
        year = int(dict(key)["year"])
        row: dict[str, Any] = {"seed": seed, "year": year,
                               "true_total": int(truth.loc[year, "true_total"])}
        for name, tables in (("chain", real), ("perfect", perfect)):
            r = estimate(tables[key]) if key in tables else None
            row |= {f"{name}_observed": tables[key].observed if r else None,
                    f"{name}_estimate": r.estimate if r else None,
                    f"{name}_ci": [r.ci_lower, r.ci_upper] if r else None}
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=len(FULL.seeds))
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=FULL.scale)
    parser.add_argument("--years", default=f"{FULL.years[0]}-{FULL.years[1]}")
    parser.add_argument("--bootstrap", type=int, default=FULL.bootstrap)
    parser.add_argument("--bootstrap-seeds", type=int, default=FULL.bootstrap_seeds)
    parser.add_argument("--workers", type=int, default=FULL.workers)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--real-chain", action="store_true",
                        help="instead: seed --first-seed through import, dedupe and extract, "
                             "beside perfect linkage (real_chain.json)")
    a = parser.parse_args()
    lo, _, hi = a.years.partition("-")
    spec = StudySpec(seeds=tuple(range(a.first_seed, a.first_seed + a.seeds)), scale=a.scale,
                     years=(int(lo), int(hi or lo)), bootstrap=a.bootstrap,
                     bootstrap_seeds=a.bootstrap_seeds, workers=a.workers)
    out = a.out or output_dir()
    out.mkdir(parents=True, exist_ok=True)
    if a.real_chain:
        check = real_chain_check(a.first_seed, a.scale, out)
        (out / "real_chain.json").write_text(json.dumps(check, indent=2))
        for r in check:
            print(r)
        return
    for r in measure(spec, out):
        print(f"{r['value']:>10.4g} {r['unit']:<8} {r['benchmark']}")


if __name__ == "__main__":
    main()
