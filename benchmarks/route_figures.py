"""The route chapter's headline figures on one synthetic world (issue 15 item 3).

``python -m benchmarks.route_figures [--seed 2] [--scale 1]`` generates a world (a tiny
population register: the route needs none), writes its route sources as an extract
(``synthworld.write_linked_extract``, the BSN replaced by a pseudonym as the boundary
would), and prints the figures of the route rules (``zicht.research.route.model``):
persons on the route, the share of each outcome, the break share beside two earlier
rules, the locations per person and the Kaplan-Meier time to housing. Figures are
unrounded (not gated): they are for the method's documentation, not for release.

The two earlier rules, for comparison: *no housing* (every route that did not reach
shelter or housing; the issue's wording taken literally) and *ended without housing*
(no housing, nothing running at the end date, nothing in the last 90 days: the rule
before the outcomes, which still called residence, aid and a return home a break).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.synthworld import write_linked_extract
from zicht.research.route import OUTCOMES, ROUTE_SOURCES, route_persons, time_to_stage
from zicht.research.route.model import QUIET_DAYS
from zicht.research.route.tables import ROUTE_OPTIONAL, data_end, route_events
from zicht.research.store import open_extract


def route_figures(world: Path, extract: Path) -> dict[str, float]:
    """The figures of one world's route sources."""
    write_linked_extract(world, extract, pseudonym=lambda bsn: f"p{bsn}",
                         sources=(*ROUTE_SOURCES, *ROUTE_OPTIONAL))
    store = open_extract(extract)
    try:
        end = data_end(store)
        p = route_persons(route_events(store), end)
    finally:
        store.close()
    n = len(p)
    quiet = (end - p["last_event"].dt.date).map(lambda d: d.days) >= QUIET_DAYS
    ended_no_housing = p["housing"].isna() & ~p["open"].astype(bool) & quiet
    t = time_to_stage(p, "entry", "housing", end)
    out: dict[str, float] = {"persons": n}
    out |= {f"outcome {o} %": 100 * float((p["outcome"] == o).mean()) for o in OUTCOMES}
    out |= {"breaks %": 100 * float(p["break"].mean()),
            "earlier rule 'no housing' %": 100 * float(p["housing"].isna().mean()),
            "earlier rule 'ended without housing' %": 100 * float(ended_no_housing.mean()),
            "mean locations": float(p["locations"].mean()),
            ">= 4 locations %": 100 * float((p["locations"] >= 4).mean()),
            "entry -> housing: median days (KM)": t.median_days or float("nan"),
            "entry -> housing: reached within a year % (KM)": t.reached_1y_pct or 0.0}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--world", type=Path, help="an existing `zicht synth` world to read "
                    "instead of generating one (--seed and --scale are then ignored)")
    args = ap.parse_args()
    from zicht.synth import SynthSpec, generate_world

    wall, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        world = args.world or Path(tmp) / "world"
        if args.world is None:
            generate_world(SynthSpec(out=world, seed=args.seed, scale=args.scale,
                                     population_scale=0.0002))
        figures = route_figures(world, Path(tmp) / "extract")
    print(f"synthetic world {args.world}" if args.world
          else f"synthetic world seed {args.seed}, scale {args.scale}")
    for key, value in figures.items():
        digits = {"persons": 0, "mean locations": 2}.get(key, 1)
        print(f"  {key:48s} {value:,.{digits}f}")
    print(f"  ({time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU "
          "in this process)")


if __name__ == "__main__":
    main()
