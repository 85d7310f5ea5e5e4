"""Matching keyed Bloom-filter encodings in the research zone (``docs/pprl.md``).

The registry's encodings of victims without a BSN (``pprl/victims.parquet``) are
compared with the population-register holder's encodings of every resident
(``pprl/register.parquet``), within blocks of the same keyed birth-year token, by the
**Dice similarity** of the filters, ``2 |A and B| / (|A| + |B|)``. Pairs at or above the
threshold are candidates; a **one-to-one assignment** then takes them best first (the
greedy solver of anonlink: a victim gets at most one resident and a resident at most
one victim; ties go to the smaller pseudonyms, so the result does not depend on row
order). Nothing but the encodings is read: no name, birth date or BSN is here.

The register is read in batches, so memory stays bounded at 17.5 million residents;
the work is (victims per block) x (residents per block) filter comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from zicht.boundary.pprl import clk_words

#: Dice threshold, chosen from the CLK literature (Schnell et al. 2009 report good
#: precision at 0.8-0.85 on names with typos), not tuned on the synthetic truth.
DICE_THRESHOLD = 0.8
#: A victim known by name and birth year only (no full date on its report) is linked only
#: on an exact name: a fuzzy name within one birth year (~175,000 residents) is too weak
#: (docs/pprl.md). Equal filters have Dice 1; the margin only absorbs float rounding.
EXACT = 1.0 - 1e-9
#: Victim x resident x word cells compared at once (bounds memory to ~64 MB).
_CELLS = 8_000_000

LINK_SCHEMA = pa.schema([("victim_pid", pa.string()), ("person_pid", pa.string()),
                         ("dice", pa.float64())])


@dataclass(frozen=True)
class PprlLinks:
    """The one-to-one links, and how much work it took."""

    links: pa.Table  # victim_pid, person_pid, dice
    victims: int  # encodings sent by the registry
    compared: int  # filter pairs compared
    candidates: int  # pairs at or above the threshold, before one-to-one


def _candidates(vwords: np.ndarray, vpop: np.ndarray, rwords: np.ndarray,
                threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(victim row, resident row, dice) of every pair at or above the threshold."""
    rpop = np.bitwise_count(rwords).sum(axis=1, dtype=np.int32)
    step = max(1, _CELLS // max(1, rwords.size))
    vi: list[np.ndarray] = []
    ri: list[np.ndarray] = []
    ds: list[np.ndarray] = []
    for a in range(0, len(vwords), step):
        block = vwords[a:a + step]
        inter = np.bitwise_count(block[:, None, :] & rwords[None, :, :]).sum(
            axis=2, dtype=np.int32)
        denom = vpop[a:a + step, None] + rpop[None, :]
        dice = np.divide(2.0 * inter, denom, out=np.zeros(inter.shape), where=denom > 0)
        i, j = np.nonzero(dice >= threshold)
        vi.append(i + a)
        ri.append(j)
        ds.append(dice[i, j])
    if not vi:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    return np.concatenate(vi), np.concatenate(ri), np.concatenate(ds)


def unambiguous(pairs: pd.DataFrame) -> pd.DataFrame:
    """Leave out victims whose best score is shared by two or more residents."""
    best = pairs.groupby("victim_pid")["dice"].transform("max")
    top = pairs[pairs["dice"] == best]
    tied = top.groupby("victim_pid")["person_pid"].nunique()
    return pairs[~pairs["victim_pid"].isin(tied[tied > 1].index)]


def one_to_one(pairs: pd.DataFrame) -> pd.DataFrame:
    """Greedy best-first assignment of ``victim_pid, person_pid, dice`` pairs."""
    ordered = pairs.sort_values(["dice", "victim_pid", "person_pid"],
                                ascending=[False, True, True], kind="stable")
    used_v: set[str] = set()
    used_p: set[str] = set()
    keep: list[int] = []
    for pos, (v, p) in enumerate(zip(ordered["victim_pid"].tolist(),
                                     ordered["person_pid"].tolist(), strict=True)):
        if v in used_v or p in used_p:
            continue
        used_v.add(v)
        used_p.add(p)
        keep.append(pos)
    return ordered.iloc[keep].sort_values("victim_pid").reset_index(drop=True)


def match_encodings(victims: pa.Table, register: Path, *,
                    threshold: float = DICE_THRESHOLD,
                    batch_rows: int = 2_000_000) -> PprlLinks:
    """Link the registry's encodings to the register's (see the module docstring)."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"The Dice threshold must be in (0, 1], not {threshold}.")
    vwords = clk_words(victims.column("clk"))
    vpop = np.bitwise_count(vwords).sum(axis=1, dtype=np.int32)
    vpid = np.asarray(victims.column("victim_pid").to_pylist(), dtype=object)
    vdate = np.asarray(victims.column("date_token").to_pylist(), dtype=object)
    by_block = pd.Series(np.arange(victims.num_rows)).groupby(
        victims.column("pprl_block").to_pandas().to_numpy()).apply(np.asarray).to_dict()
    found: list[pd.DataFrame] = []
    compared = 0
    reader = pq.ParquetFile(register)
    for batch in reader.iter_batches(batch_size=batch_rows,
                                     columns=["person_pid", "pprl_block", "clk", "date_token"]):
        blocks = batch.column("pprl_block").to_pandas().to_numpy()
        wanted = np.flatnonzero(pd.Series(blocks).isin(by_block.keys()).to_numpy())
        if not len(wanted):
            continue
        rwords_all = clk_words(batch.column("clk"))
        pids = np.asarray(batch.column("person_pid").to_pylist(), dtype=object)
        rdate = np.asarray(batch.column("date_token").to_pylist(), dtype=object)
        groups = pd.Series(wanted).groupby(blocks[wanted]).apply(np.asarray).to_dict()
        for block, rows in groups.items():
            vrows = by_block[block]
            compared += len(vrows) * len(rows)
            i, j, d = _candidates(vwords[vrows], vpop[vrows], rwords_all[rows], threshold)
            if len(i):
                a, b = vdate[vrows[i]], rdate[rows[j]]
                agree = np.asarray([x == y if x is not None and y is not None
                                    else x is not None or exact
                                    for x, y, exact in zip(a, b, d >= EXACT, strict=True)],
                                   dtype=bool)
                found.append(pd.DataFrame({"victim_pid": vpid[vrows[i]][agree],
                                           "person_pid": pids[rows[j]][agree],
                                           "dice": d[agree]}))
    pairs = (pd.concat(found, ignore_index=True) if found
             else pd.DataFrame({"victim_pid": [], "person_pid": [], "dice": []}))
    links = one_to_one(unambiguous(pairs)) if len(pairs) else pairs
    table = pa.Table.from_pandas(links.astype({"dice": float}), schema=LINK_SCHEMA,
                                 preserve_index=False)
    return PprlLinks(table, victims.num_rows, compared, len(pairs))
