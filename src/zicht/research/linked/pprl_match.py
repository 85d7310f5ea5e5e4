"""Matching keyed Bloom-filter encodings in the research zone (``docs/pprl.md``).

The registry's encodings of victims without a BSN (``pprl/victims.parquet``) are
compared with the population-register holder's encodings of every resident
(``pprl/register.parquet``), within blocks of the same keyed birth-year token, by the
**Dice similarity** of the filters, ``2 |A and B| / (|A| + |B|)``. Pairs at or above the
threshold are candidates; a **one-to-one assignment** then takes them best first (the
greedy solver of anonlink: a victim gets at most one resident and a resident at most
one victim; ties go to the smaller pseudonyms, so the result does not depend on row
order). Nothing but the encodings is read: no name, birth date or BSN is here.

A **second pass** links victims the filters left unlinked (above all those without a
birth year, which have no filter) by keyed **name tokens** (``pprl/victim_names.parquet``,
``pprl/register_names.parquet``): a token the register holder sent (so unique on the
register) and carried by exactly one victim links them, unless the victim's birth year
or date is known and differs from the resident's, or the victim's tokens point at two
residents; residents linked in the first pass are not taken again.

The register is read in batches, so memory stays bounded at 17.5 million residents;
the work is (victims per block) x (residents per block) filter comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
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

#: ``rule``: "clk" (the filters, with their Dice) or "name" (the name token; no Dice).
LINK_SCHEMA = pa.schema([("victim_pid", pa.string()), ("person_pid", pa.string()),
                         ("dice", pa.float64()), ("rule", pa.string())])


@dataclass(frozen=True)
class PprlLinks:
    """The one-to-one links, and how much work it took."""

    links: pa.Table  # victim_pid, person_pid, dice, rule
    victims: int  # encodings sent by the registry
    compared: int  # filter pairs compared
    candidates: int  # pairs at or above the threshold, before one-to-one
    name_links: int = 0  # links of the second pass (name tokens)


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
                    victim_names: pa.Table | None = None, register_names: Path | None = None,
                    threshold: float = DICE_THRESHOLD,
                    batch_rows: int = 2_000_000) -> PprlLinks:
    """Link the registry's encodings to the register's (see the module docstring); with
    both token files also by the second pass."""
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
    links = links.astype({"dice": float}).assign(rule="clk")
    named = 0
    if victim_names is not None and register_names is not None:
        second = match_names(victim_names, register_names, register,
                             taken_victims=set(links["victim_pid"]),
                             taken_persons=set(links["person_pid"]), batch_rows=batch_rows)
        named = len(second)
        links = pd.concat([links, second], ignore_index=True).sort_values(
            "victim_pid", kind="stable")
    table = pa.Table.from_pandas(links, schema=LINK_SCHEMA, preserve_index=False)
    return PprlLinks(table, victims.num_rows, compared, len(pairs), named)


def _register_rows(path: Path, column: str, wanted: pa.Array, columns: list[str],
                   batch_rows: int) -> pd.DataFrame:
    """The rows of a register file whose ``column`` is in ``wanted`` (read in batches)."""
    parts = [batch.filter(pc.is_in(batch.column(column), value_set=wanted)).to_pandas()
             for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows,
                                                            columns=columns)]
    return (pd.concat(parts, ignore_index=True) if parts
            else pd.DataFrame({c: pd.Series(dtype=object) for c in columns}))


def _conflict(a: pd.Series, b: pd.Series) -> pd.Series:
    """Both known and different (a birth year or date the two sides disagree on)."""
    return a.notna() & b.notna() & (a != b)


def match_names(victim_names: pa.Table, register_names: Path, register: Path, *,
                taken_victims: set[str], taken_persons: set[str],
                batch_rows: int = 2_000_000) -> pd.DataFrame:
    """The second pass (module docstring): ``victim_pid, person_pid, dice, rule``."""
    names = victim_names.to_pandas()
    owners = names.groupby("name_token")["victim_pid"].nunique()
    names = names[names["name_token"].map(owners).eq(1)  # unique among the victims too
                  & ~names["victim_pid"].isin(taken_victims)]
    empty = pd.DataFrame({"victim_pid": pd.Series(dtype=object),
                          "person_pid": pd.Series(dtype=object),
                          "dice": pd.Series(dtype=float), "rule": pd.Series(dtype=object)})
    if names.empty:
        return empty
    residents = _register_rows(register_names, "name_token",
                               pa.array(names["name_token"].unique(), pa.string()),
                               ["person_pid", "name_token"], batch_rows)
    pairs = names.merge(residents, on="name_token")
    pairs = pairs[~pairs["person_pid"].isin(taken_persons)]
    if pairs.empty:
        return empty
    fields = _register_rows(register, "person_pid",
                            pa.array(pairs["person_pid"].unique(), pa.string()),
                            ["person_pid", "pprl_block", "date_token"], batch_rows)
    pairs = pairs.merge(fields, on="person_pid", how="left", suffixes=("", "_r"))
    refused = (_conflict(pairs["pprl_block"], pairs["pprl_block_r"])
               | _conflict(pairs["date_token"], pairs["date_token_r"]))
    # A victim some of whose identities conflict with the resident is not linked to it.
    bad = set(zip(pairs.loc[refused, "victim_pid"], pairs.loc[refused, "person_pid"],
                  strict=True))
    ok = pairs[[(v, p) not in bad for v, p in zip(pairs["victim_pid"], pairs["person_pid"],
                                                    strict=True)]]
    ok = ok[["victim_pid", "person_pid"]].drop_duplicates()
    per_victim = ok.groupby("victim_pid")["person_pid"].transform("size")
    ok = ok[per_victim.eq(1)]  # tokens of one victim pointing at two residents: refused
    return ok.assign(dice=np.nan, rule="name").reset_index(drop=True)
