"""Choosing the published rule with the coverage study, without the demo's truth.

    python -m benchmarks.published_rule DIR            # DIR/per_world.jsonl of coverage_stream

The candidate rules below were fixed before the study's figures were read (dga was a
candidate too, and dropped unseen when it proved too slow for 50 worlds). Each is
``published.published_rows`` with its own credible set and with or without the
local-level smoothing across years. A rule is chosen on seeds 1-25 (coverage of the 95%
interval >= 0.90 first, then the smallest of max(median |error|, within-world sd)) and
judged on the held-out seeds 26-50; the table gives both. Writes ``DIR/rules.json``.
"""

from __future__ import annotations

import argparse
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from zicht.research.estimate.published import published_rows

#: Study estimator -> registry method name (the others are already registry names).
REGISTRY = {"year, profile": "stepwise", "year, main": "main"}
ALL_CREDIBLE = ("stepwise", "multiyear", "rcapture-mth-chao", "rcapture-mth-poisson2",
                "rcapture-mth-darroch", "rcapture-mh-darroch")
#: name -> (credible methods, smoothed across years)
CANDIDATES: dict[str, tuple[tuple[str, ...], bool]] = {
    "multiyear alone (the old rule)": (("multiyear",), False),
    "median of all credible, envelope": (ALL_CREDIBLE, False),
    "smoothed median of all credible, envelope": (ALL_CREDIBLE, True),
    "smoothed median of log-linear (stepwise, multiyear), envelope":
        (("stepwise", "multiyear"), True),
    "smoothed median of Rcapture heterogeneity models, envelope":
        (("rcapture-mth-chao", "rcapture-mth-poisson2", "rcapture-mth-darroch",
          "rcapture-mh-darroch"), True),
    "smoothed stepwise": (("stepwise",), True),
    "smoothed rcapture-mth-darroch": (("rcapture-mth-darroch",), True),
    "smoothed rcapture-mh-darroch": (("rcapture-mh-darroch",), True),
}
TARGETS = {"coverage": 0.90, "median_abs_rel_error": 0.15, "within_world_sd": 0.15}
CHOOSE, HELD_OUT = range(1, 26), range(26, 51)


def load(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return [r for r in rows if r["estimator"] != "form stratum"]


def method_rows(study: Sequence[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """Per seed, the study's rows as the release's method rows."""
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in study:
        est = r["estimate"]
        out[r["seed"]].append({
            "year": r["year"], "method": REGISTRY.get(r["estimator"], r["estimator"]),
            "family": "", "assumes": "", "observed": r["observed"],
            "estimate": None if est is None else float(est),
            "ci_lower": None if r["ci_low"] is None else float(r["ci_low"]),
            "ci_upper": None if r["ci_high"] is None else float(r["ci_high"]),
            "error": r["error"]})
    return out


def score(published: dict[int, list[dict[str, Any]]], truth: dict[tuple[int, int], int],
          seeds: range) -> dict[str, float]:
    covered, errors, sds = [], [], []
    for seed in seeds:
        ratios = []
        for r in published.get(seed, []):
            t = truth[(seed, r["year"])]
            ok = r["estimate"] is not None
            covered.append(ok and r["ci_lower"] <= t <= r["ci_upper"])
            if ok:
                errors.append(abs(r["estimate"] / t - 1))
                ratios.append(r["estimate"] / t)
        if len(ratios) >= 2:
            sds.append(float(np.std(ratios, ddof=1)))
    return {"worlds": len(sds), "coverage": float(np.mean(covered)) if covered else math.nan,
            "median_abs_rel_error": float(np.median(errors)) if errors else math.nan,
            "within_world_sd": float(np.median(sds)) if sds else math.nan}


def evaluate(study: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    truth = {(r["seed"], r["year"]): int(r["true_total"]) for r in study}
    rows = method_rows(study)
    out = []
    for name, (credible, smooth) in CANDIDATES.items():
        published = {s: published_rows(m, credible=credible, smooth=smooth)
                     for s, m in rows.items()}
        out.append({"rule": name, "choose": score(published, truth, CHOOSE),
                    "held_out": score(published, truth, HELD_OUT)})
    return out


def choose(table: Sequence[dict[str, Any]]) -> str:
    """Coverage >= 0.90 on seeds 1-25 first, then the smallest worse of error and sd."""
    def key(r: dict[str, Any]) -> tuple[bool, float]:
        c = r["choose"]
        return (c["coverage"] < TARGETS["coverage"],
                max(c["median_abs_rel_error"], c["within_world_sd"]))
    return str(min(table, key=key)["rule"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=Path)
    args = ap.parse_args()
    table = evaluate(load(args.dir / "per_world.jsonl"))
    best = choose(table)
    for r in table:
        c, h = r["choose"], r["held_out"]
        print(f"{r['rule']:<68} seeds 1-25: {c['coverage']:.2f} {c['median_abs_rel_error']:.2f} "
              f"{c['within_world_sd']:.2f} | 26-50 ({h['worlds']}): {h['coverage']:.2f} "
              f"{h['median_abs_rel_error']:.2f} {h['within_world_sd']:.2f}"
              f"{'   <- chosen' if r['rule'] == best else ''}")
    (args.dir / "rules.json").write_text(json.dumps({"chosen": best, "rules": table},
                                                    indent=1))


if __name__ == "__main__":
    main()
