"""The issue-16 coverage study, one world at a time, each world's rows appended to a JSON
Lines file as soon as it is done (a long run can be read, or stopped, at any point).

    python -m benchmarks.coverage_stream --seeds 1-50 --out DIR     # per_world.jsonl
    python -m benchmarks.coverage_stream --summarise DIR            # summary.json + table

Every world: scale 1, all report years 2010-2024, perfect linkage; every estimator of
``benchmarks.coverage_study`` including the multi-year model (``--multiyear-bootstrap``
parametric tables per world) and, with ``--slow dga,lcmcr``, the MCMC/BMA methods.
By default a world is its capture process alone (``--path capture``: the world's own
capture draws, seconds per world); ``--path world`` generates each full world (minutes).
``--workers 2`` runs two worlds at a time. BLAS runs single-threaded: on a shared
machine its threads made the multi-year fits 50-100 times slower.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.coverage_study import (
    StudySpec,
    run_world,
    study_capture_only,
    summarise,
)

#: Targets of issue 16 (per seed-year, per estimator).
TARGETS = {"coverage": 0.90, "median_abs_rel_error": 0.15, "within_world_sd": 0.15}


def _seeds(text: str) -> list[int]:
    """``1-50`` or ``26,1,27,2`` (run in the order given) or a mix."""
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out += range(int(lo), int(hi or lo) + 1)
    return out


#: Chains of the slow methods in the study (short, to fit 50 worlds x 15 years).
SLOW: dict[str, dict[str, Any]] = {
    "dga": {},  # exact enumeration of the decomposable graphs of 6 lists: no chain
    "lcmcr": {"samples": 1000, "burn_in": 5000, "thinning": 10, "chains": 2, "workers": 1},
}


def _world(args: tuple[str, int, int, tuple[str, ...], bool, Path],
           ) -> tuple[int, list[dict[str, Any]], float]:
    path, seed, boot, slow, only_slow, tmp = args
    t0 = time.perf_counter()
    chains = {m: SLOW[m] for m in slow}
    if path == "capture":
        rows = study_capture_only(seed, multiyear_bootstrap=boot, slow=chains,
                                  only_slow=only_slow)
    else:
        spec = StudySpec(seeds=(seed,), scale=1.0, years=(2010, 2024),
                         population_scale=0.0001, multiyear_bootstrap=boot)
        rows = run_world(spec, seed, tmp)[0]
    return seed, rows, time.perf_counter() - t0


def run(seeds: list[int], out: Path, multiyear_bootstrap: int = 200, path: str = "capture",
        slow: tuple[str, ...] = (), workers: int = 1, only_slow: bool = False) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="zicht-coverage16-") as tmp:
        jobs = [(path, s, multiyear_bootstrap, slow, only_slow, Path(tmp)) for s in seeds]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for seed, rows, seconds in pool.map(_world, jobs):
                with (out / "per_world.jsonl").open("a", encoding="utf-8") as fh:
                    for r in rows:
                        fh.write(json.dumps(r, default=_json) + "\n")
                print(f"seed {seed}: {seconds:.0f}s", flush=True)


def _json(x: Any) -> Any:
    return None if isinstance(x, float) and not math.isfinite(x) else str(x)


def summary(out: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (out / "per_world.jsonl").read_text().splitlines()]
    for r in rows:
        for k in ("estimate", "ci_low", "ci_high", "rel_error", "rel_width"):
            r[k] = math.nan if r[k] is None else float(r[k])
    years = [r for r in rows if r["estimator"] != "form stratum"]
    table = summarise(years)
    for s in table:
        s["met"] = {k: (s[k] >= v if k == "coverage" else s[k] <= v)
                    for k, v in TARGETS.items()}
    demo = [r for r in years if r["seed"] == 1 and r["year"] == 2024]
    doc = {"worlds": len({r["seed"] for r in rows}), "targets": TARGETS, "summary": table,
           "seed_1_2024": [{k: r[k] for k in ("estimator", "estimate", "ci_low", "ci_high",
                                                 "true_total", "rel_error")} for r in demo]}
    (out / "summary.json").write_text(json.dumps(doc, indent=2, default=_json))
    return table


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="1-50")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "coverage16")
    ap.add_argument("--multiyear-bootstrap", type=int, default=200)
    ap.add_argument("--summarise", type=Path)
    ap.add_argument("--path", choices=("capture", "world"), default="capture")
    ap.add_argument("--slow", default="", help="comma list of: " + ", ".join(SLOW))
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--only-slow", action="store_true",
                    help="run only the --slow methods (capture path)")
    args = ap.parse_args()
    if args.summarise:
        for s in summary(args.summarise):
            print(f"{s['estimator']:<22} n={s['n']:>4} worlds={s['seeds']:>3} "
                  f"coverage={s['coverage']:.3f} median|err|={s['median_abs_rel_error']:.3f} "
                  f"within-world sd={s['within_world_sd']:.3f} bias={s['bias']:+.3f}")
        return
    run(_seeds(args.seeds), args.out, args.multiyear_bootstrap, args.path,
        tuple(m for m in args.slow.split(",") if m), args.workers, args.only_slow)


if __name__ == "__main__":
    main()
