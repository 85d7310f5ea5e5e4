"""Deterministic rules: pairs that are the same victim whatever the model says.

* the same BSN (compared through its blind index, never in clear);
* the same normalised whole name and the same full birth date, with no conflicting
  sex, nationality or BSN (a shared name and 1 January birthday is common among
  people whose birth date was estimated at registration).

Certain pairs are must-links in clustering, so a registry of twenty reports dedupes
these as surely as one of a million. Within a group sharing a key a star of links
(each member to the first) is enough to connect it.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["certain_pairs"]

_RULES: tuple[tuple[str, ...], ...] = (("bsn_key",), ("full_name", "birth_date"))


def _conflicts(records: pd.DataFrame, pairs: pd.DataFrame) -> pd.Series:
    """Pairs whose sex, nationalities, BSN or further given names disagree (both
    known): not certain."""
    by_id = records.set_index("unique_id")
    conflict = pd.Series(False, index=pairs.index)
    for column in ("sex", "bsn_key", "given_rest"):
        left = pairs["unique_id_l"].map(by_id[column])
        right = pairs["unique_id_r"].map(by_id[column])
        conflict |= left.notna() & right.notna() & (left != right)
    nat_l = [{n for n in x if isinstance(n, str)} for x in zip(
        pairs["unique_id_l"].map(by_id["nationality"]),
        pairs["unique_id_l"].map(by_id["nationality_2"]), strict=True)]
    nat_r = [{n for n in x if isinstance(n, str)} for x in zip(
        pairs["unique_id_r"].map(by_id["nationality"]),
        pairs["unique_id_r"].map(by_id["nationality_2"]), strict=True)]
    conflict |= pd.Series([bool(a and b and not a & b) for a, b in zip(nat_l, nat_r,
                                                                        strict=True)],
                          index=pairs.index)
    return conflict


def certain_pairs(records: pd.DataFrame) -> pd.DataFrame:
    """``unique_id_l, unique_id_r`` of certain matches in a normalised frame."""
    parts = []
    for keys in _RULES:
        frame = records.dropna(subset=list(keys))
        if frame.empty:
            continue
        first = frame.groupby(list(keys), sort=False)["unique_id"].transform("min")
        pairs = pd.DataFrame({"unique_id_l": first, "unique_id_r": frame["unique_id"]})
        pairs = pairs[pairs["unique_id_l"] != pairs["unique_id_r"]]
        if "birth_date" in keys:
            pairs = pairs[~_conflicts(records, pairs)]
        parts.append(pairs[["unique_id_l", "unique_id_r"]])
    if not parts:
        return pd.DataFrame({"unique_id_l": pd.Series(dtype="int64"),
                             "unique_id_r": pd.Series(dtype="int64")})
    return pd.concat(parts, ignore_index=True).astype("int64")
