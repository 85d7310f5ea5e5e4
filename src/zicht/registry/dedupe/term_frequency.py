"""Term frequencies: how common each name is among the registry's identities,
blended with the public reference (``name_frequency``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from zicht.registry.dedupe.name_frequency import blend, reference_frequencies

__all__ = ["MIN_TF", "TF_COLUMNS", "good_turing", "identity_counts", "term_frequencies"]

#: From this many identities on, counts of rarely seen names are Good-Turing smoothed
#: (below it there are too few names seen once or twice to smooth with).
MIN_TF = 500

#: Columns with term-frequency adjustments (see ``model.py``).
TF_COLUMNS = ("full_name", "full_name_all", "family", "given1")


def term_frequencies(records: pd.DataFrame, column: str) -> pd.DataFrame:
    """How common each value is among distinct *identities*, not among reports, blended
    with the public reference of ``name_frequency`` (so that a small registry knows
    *de Vries* is common before it has seen many).

    An identity is a (value, birth year) combination; reports of a value without a
    birth year add an identity only when no report of that value has one. So a
    person's own repeat reports, with or without their birth year, do not make their
    name look common (counting reports would: a name seen only in one person's two
    reports would count as twice as common as a name seen once, and weaken exactly
    the links it should make). From ``MIN_TF`` identities on, counts of rarely seen
    names are Good-Turing smoothed.
    """
    counts = identity_counts(records, column)
    total = max(1, int(counts.sum()))
    smoothed = good_turing(counts) if total >= MIN_TF else counts.astype(float)
    tf = blend(smoothed, reference_frequencies(records, column), total)
    return pd.DataFrame({column: counts.index.astype(object),
                         f"tf_{column}": tf.to_numpy(float)})


def identity_counts(records: pd.DataFrame, column: str) -> pd.Series:
    """Distinct (value, birth year) identities per value of ``column`` (see
    ``term_frequencies``)."""
    # Grouped on integer codes of the values: grouping the text itself converts a
    # million Arrow strings to Python objects more than once.
    codes, values = pd.factorize(records[column])
    frame = pd.DataFrame({"value": codes, "year": records["birth_year"].astype("Int64")
                          .to_numpy(dtype="float64", na_value=np.nan)})
    frame = frame[frame["value"] >= 0]
    with_year = frame.dropna(subset=["year"]).drop_duplicates()
    counts = with_year.groupby("value").size()
    only_null = np.setdiff1d(frame["value"].unique(), counts.index.to_numpy())
    out = pd.concat([counts, pd.Series(1, index=only_null, dtype="int64")])
    out.index = pd.Index(values.take(out.index.to_numpy()))
    return out.astype("int64")


def good_turing(counts: pd.Series, max_count: int = 5) -> pd.Series:
    """Counts smoothed for how common a *rarely seen* value really is (Good-Turing:
    a value seen r times is expected r* = (r + 1) N(r+1) / N(r) times, N(r) the number
    of values seen r times), for r up to ``max_count`` and never above r.

    Names follow a long-tailed law: most are seen once, and a name seen once is far
    rarer than 1 in the number of identities, so that equal rare names are stronger
    evidence than their raw count says. Common names keep their count.
    """
    n_r = counts.value_counts()
    smoothed = counts.astype(float)
    for r in range(1, max_count + 1):
        if n_r.get(r, 0) and n_r.get(r + 1, 0):
            r_star = min(float(r), (r + 1) * n_r[r + 1] / n_r[r])
            smoothed[counts == r] = r_star
    return smoothed
