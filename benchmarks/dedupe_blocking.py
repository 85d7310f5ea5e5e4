"""How many candidate pairs each dedupe blocking rule generates, and what it costs.

    python -m benchmarks.dedupe_blocking [--n 200000] [--seed 5] [--sample 1.0]

Scoring time grows with the number of blocked pairs, so this is where to look first
when dedupe gets slower. For the benchmark generator's reports (``dedupe_world.py``,
the 1M case of ``bench_dedupe`` uses seed 5) it prints, per rule of
``model.registry_blocking_rules``: the pairs the rule blocks alone, the pairs it adds
to the rules before it (Splink counts a pair once, under the first rule that blocks
it), the seconds (wall and CPU of this process, DuckDB's threads included) to count
the rule alone, and how many of its own pairs are true matches (``person_id``).
Counts use Splink's public ``count_comparisons_from_blocking_rules``; ``--sample``
below 1 estimates them from a sample of the records on each side, as Splink does.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent.parent))


def _true_pairs(records: pd.DataFrame, rule_sql: str) -> int:
    """True matches (same ``person_id``) among the pairs a rule blocks, by DuckDB."""
    import duckdb

    con = duckdb.connect()
    con.register("records", records)
    # Splink writes a rule on the aliases l and r: join under the same names.
    found = con.execute("SELECT count(*) FROM records l JOIN records r "
                        "ON l.unique_id < r.unique_id AND l.person_id = r.person_id "
                        f"AND ({rule_sql})").fetchone()
    con.close()
    return int(found[0]) if found else 0


def profile(n: int, seed: int, sample: float) -> pd.DataFrame:
    """One row per blocking rule (see the module docstring)."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    from benchmarks.dedupe_world import make_reports
    from zicht.registry.dedupe.model import registry_blocking_rules
    from zicht.registry.dedupe.normalise import normalise_frame
    from zicht.registry.dedupe.splink_io import duckdb_api

    reports = make_reports(n, seed=seed)
    # The registry blocks on the BSN's blind index; equality of the BSN itself blocks
    # the same pairs.
    records = normalise_frame(reports.assign(bsn_key=reports.get("bsn")))
    records["unique_id"] = range(len(records))
    records = records.drop(columns=[c for c in ("report_id",) if c in records])
    df = duckdb_api().register(records, dataset_display_name="reports")
    rules = registry_blocking_rules()
    cumulative = count_comparisons_from_blocking_rules(
        df, blocking_rules=rules, link_type="dedupe_only", record_sample_proportion=sample)
    rows = []
    for rule, counted in zip(rules, cumulative, strict=True):
        wall, cpu = time.perf_counter(), time.process_time()
        alone = count_comparisons_from_blocking_rules(
            df, blocking_rules=rule, link_type="dedupe_only",
            record_sample_proportion=sample)[0]
        rows.append({
            "rule": counted["blocking_rule"],
            "pairs_alone": alone["marginal_comparison_count"],
            "pairs_added": counted["marginal_comparison_count"],
            "cumulative": counted["cumulative_comparison_count"],
            "wall_s": round(time.perf_counter() - wall, 2),
            "cpu_s": round(time.process_time() - cpu, 2),
            "true_pairs_alone": _true_pairs(records, str(counted["blocking_rule"]))
            if "person_id" in records else None,
        })
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="reports to generate")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--sample", type=float, default=1.0,
                        help="record sample proportion per side (1.0: exact counts)")
    args = parser.parse_args()
    table = profile(args.n, args.seed, args.sample)
    with pd.option_context("display.max_colwidth", 70, "display.width", 200):
        print(table.to_string(index=False))
    print(f"\n{int(table['pairs_added'].sum()):,} pairs blocked for {args.n:,} reports")


if __name__ == "__main__":
    main()
