"""Error analysis of the dedupe model on the synthetic registry (issue 13).

    python -m benchmarks.dedupe_errors [--scale 1] [--seed 7] [--world DIR] [--examples 3]
    python -m benchmarks.dedupe_errors --other 3    # the registry of another origin

Runs ``zicht synth`` (or reads an existing world with ``--world``, or makes the
registry of another origin of ``dedupe_other.py`` with ``--other SEED``), links its named,
non-anonymous reports in memory with ``link_reports`` (no BSN, as the benchmark), and
sorts every wrong pair by cause:

* **missed** true pairs (same person, different clusters), split by whether the pair
  was scored at all (blocking), scored below 0.3, or in [0.3, 0.5);
* **false** pairs (different persons, one cluster), split by whether the model linked
  them directly (p >= 0.5) or they were chained through other reports.

Each pair gets one *name* cause and one *birth* cause from how its fields differ
(computed here from the normalised columns, independent of the model's levels), plus
whether sex or nationality disagree. The output is counts per cause and a few
examples each (this is the registry's synthetic world: the names are made up).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from zicht.core.codes import INVESTIGATIVE_REPORTERS
from zicht.registry.dedupe.cluster import conflicting_dates
from zicht.registry.dedupe.normalise import normalise_frame
from zicht.registry.dedupe.pipeline import DedupeOptions, link_reports

__all__ = ["birth_cause", "name_cause", "read_world"]


def _edits(a: str, b: str) -> int:
    """Optimal-string-alignment distance (Damerau-Levenshtein with adjacent swaps)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _rel(a: str | None, b: str | None, canon: tuple[str | None, str | None] = (None, None)
         ) -> str:
    """How two name parts relate: missing, exact, nickname, slip1/2 (edits), other."""
    if not a or not b:
        return "missing"
    if a == b:
        return "exact"
    if canon[0] is not None and canon[0] == canon[1]:
        return "nickname"
    d = _edits(a, b)
    return "slip1" if d == 1 else "slip2" if d == 2 else "other"


def name_cause(r: pd.Series) -> str:
    """One label for how the two reports' names differ."""
    if r["name_key_l"] and r["name_key_l"] == r["name_key_r"] and \
            r["given1_l"] != r["given1_r"]:
        return "name order swapped"
    given = _rel(r["given1_l"], r["given1_r"], (r["given1_canon_l"], r["given1_canon_r"]))
    family = _rel(r["family_l"], r["family_r"])
    if given == "exact" and family == "exact":
        return ("same name, other further given names"
                if r["given_rest_l"] and r["given_rest_r"]
                and r["given_rest_l"] != r["given_rest_r"] else "same name")
    tokens_l = set(str(r["name_key_l"] or "").split())
    tokens_r = set(str(r["name_key_r"] or "").split())
    if family != "exact" and given not in ("exact", "missing") and tokens_l & tokens_r:
        return f"name parts shared, given {given}, family {family}"
    return f"given {given}, family {family}"


def birth_cause(r: pd.Series) -> str:
    """One label for how the two reports' birth dates differ."""
    a, b = r["birth_date_l"], r["birth_date_r"]
    ya, yb = r["birth_year_l"], r["birth_year_r"]
    if pd.isna(ya) or pd.isna(yb):
        return "no birth year on one"
    if not isinstance(a, str) or not isinstance(b, str):
        if not isinstance(a, str) and not isinstance(b, str):
            return "year only on both, " + ("equal" if ya == yb else "differ")
        return "year only on one, " + ("equal" if ya == yb else
                                       "within 1" if abs(ya - yb) <= 1 else "differ")
    if a == b:
        return "exact"
    if a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return "day/month swapped"
    d = _edits(a, b)
    if d == 1:
        return "one digit typo or adjacent swap"
    if conflicting_dates(pd.Series([a]), pd.Series([b]))[0]:
        return "full dates in conflict"
    return "two of y/m/d agree"


def _other(r: pd.Series) -> str:
    out = []
    for col in ("sex", "nationality"):
        x, y = r[f"{col}_l"], r[f"{col}_r"]
        if isinstance(x, str) and isinstance(y, str) and x != y:
            out.append(f"{col} differs")
    return ", ".join(out)


def read_world(world: Path) -> pd.DataFrame:
    """Named, linkable reports of a ``zicht synth`` world with ``person_id`` (no BSN)."""
    frames = [pd.read_csv(f, dtype=str, keep_default_na=False).replace("", None)
              for f in sorted((world / "registry").glob("reports_*.csv"))]
    reports = pd.concat(frames).drop_duplicates(["reporter", "report_ref"], keep="last")
    truth = pd.read_parquet(world / "truth" / "report_persons.parquet")
    reports = reports.merge(truth[["reporter", "report_ref", "person_id"]],
                            on=["reporter", "report_ref"], how="left")
    # The ids the benchmark's registry run gives them (every report imported in this
    # order, anonymous ones too): Splink's u sample is a hash of the ids, so other ids
    # are another sample, and before cap_unseen_u that alone moved F1 by up to 0.01.
    reports = reports.reset_index(drop=True).assign(
        report_id=np.arange(1, len(reports) + 1, dtype=np.int64))
    anonymous = (reports["consent"] == "no") & ~reports["reporter"].isin(
        INVESTIGATIVE_REPORTERS)
    named = reports[~anonymous & reports["person_id"].notna()].reset_index(drop=True)
    return named.assign(bsn_key=None)


def _pair_frame(records: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    by_id = records.set_index("unique_id")
    out = pairs.copy()
    for side in ("l", "r"):
        side_rows = by_id.loc[out[f"unique_id_{side}"].to_numpy()].reset_index(drop=True)
        side_rows.columns = [f"{c}_{side}" for c in side_rows.columns]
        out = pd.concat([out.reset_index(drop=True), side_rows], axis=1)
    return out


def _cluster_pairs(ids: np.ndarray, groups: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame({"i": ids, "g": groups})
    m = frame.merge(frame, on="g")
    m = m[m["i_x"] < m["i_y"]]
    return pd.DataFrame({"unique_id_l": m["i_x"].to_numpy(), "unique_id_r": m["i_y"].to_numpy()})


def analyse(reports: pd.DataFrame, examples: int = 3) -> str:
    """The error report (text) for named reports with a ``person_id`` truth."""
    linkage = link_reports(reports, DedupeOptions())
    records = normalise_frame(reports)
    records["unique_id"] = records["report_id"].astype("int64")
    person = records.set_index("unique_id").loc[linkage.ids, "person_id"].to_numpy()
    truth = _cluster_pairs(linkage.ids, pd.factorize(person)[0])
    predicted = _cluster_pairs(linkage.ids, linkage.labels)
    key = ["unique_id_l", "unique_id_r"]
    both = truth.merge(predicted, on=key, how="outer", indicator=True)
    scored = linkage.pairs.assign(
        unique_id_l=np.minimum(linkage.pairs["unique_id_l"], linkage.pairs["unique_id_r"]),
        unique_id_r=np.maximum(linkage.pairs["unique_id_l"], linkage.pairs["unique_id_r"]),
    )[[*key, "match_probability"]].drop_duplicates(key)
    tp = int((both["_merge"] == "both").sum())
    missed = both[both["_merge"] == "left_only"][key].merge(scored, on=key, how="left")
    false = both[both["_merge"] == "right_only"][key].merge(scored, on=key, how="left")
    p, r = tp / max(len(predicted), 1), tp / max(len(truth), 1)
    lines = [f"{len(records):,} named reports, {len(truth):,} true pairs, "
             f"{len(predicted):,} linked pairs; cluster P {p:.4f} R {r:.4f} "
             f"F1 {2 * p * r / (p + r):.4f}; trained={linkage.trained}",
             f"missed true pairs: {len(missed)}; false pairs: {len(false)}"]
    cols = ["given_all", "family_full", "birth_date", "birth_year", "sex", "nationality"]
    for title, frame, stage in (
            ("MISSED", missed, lambda q: "not scored (blocking or < floor)" if pd.isna(q)
             else "scored < 0.3" if q < 0.3 else "scored 0.3-0.5" if q < 0.5
             else "scored >= 0.5, cut by clustering"),
            ("FALSE", false, lambda q: "chained (not a direct link)" if pd.isna(q) or q < 0.5
             else "direct link p >= 0.97" if q >= 0.97 else "direct link 0.5-0.97")):
        if frame.empty:
            continue
        detail = _pair_frame(records, frame)
        detail["stage"] = detail["match_probability"].map(stage)
        detail["name"] = detail.apply(name_cause, axis=1)
        detail["birth"] = detail.apply(birth_cause, axis=1)
        detail["other"] = detail.apply(_other, axis=1)
        lines += ["", f"== {title} pairs by stage =="]
        lines += [f"{n:6d}  {k}" for k, n in Counter(detail["stage"]).most_common()]
        lines += [f"== {title} pairs by name cause =="]
        lines += [f"{n:6d}  {k}" for k, n in Counter(detail["name"]).most_common()]
        lines += [f"== {title} pairs by birth cause =="]
        lines += [f"{n:6d}  {k}" for k, n in Counter(detail["birth"]).most_common()]
        lines += [f"== {title} pairs with sex / nationality disagreeing =="]
        lines += [f"{n:6d}  {k or '(neither)'}" for k, n in
                  Counter(detail["other"]).most_common()]
        lines += [f"== {title}: name x birth (top 15) =="]
        combos = Counter(zip(detail["name"], detail["birth"], strict=True)).most_common(15)
        for (nm, bt), n in combos:
            lines.append(f"{n:6d}  {nm} | {bt}")
            rows = detail[(detail["name"] == nm) & (detail["birth"] == bt)].head(examples)
            for _, row in rows.iterrows():
                left = " / ".join(str(row[f"{c}_l"]) for c in cols)
                right = " / ".join(str(row[f"{c}_r"]) for c in cols)
                q = row["match_probability"]
                lines.append(f"          p={q:.3f}  {left}  ~  {right}" if pd.notna(q)
                             else f"          p=n/a    {left}  ~  {right}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--world", type=Path, help="an existing `zicht synth` output folder")
    parser.add_argument("--other", type=int, metavar="SEED",
                        help="the registry of another origin (dedupe_other.py) instead")
    parser.add_argument("--examples", type=int, default=3)
    args = parser.parse_args(argv)
    if args.other is not None:
        from benchmarks.dedupe_other import make_reports

        reports = make_reports(seed=args.other)
        reports["report_id"] = np.arange(1, len(reports) + 1, dtype=np.int64)
        print(analyse(reports.assign(bsn_key=None), args.examples))
        return
    with tempfile.TemporaryDirectory(prefix="zicht-dedupe-errors-") as tmp:
        world = args.world
        if world is None:
            world = Path(tmp)
            subprocess.run([sys.executable, "-c", "from zicht.cli import main; main()", "synth",
                            "--out", str(world), "--seed", str(args.seed), "--scale",
                            str(args.scale), "--population-scale", "0.01"],
                           check=True, capture_output=True)
        print(analyse(read_world(world), args.examples))


if __name__ == "__main__":
    main()
