"""How common a name is: a public reference per country, blended with the registry.

Splink weighs an agreeing name by how common it is (term frequencies): two reports of
*Anna de Vries* say less than two of *Anna Wouerrbeek*. A registry of twenty reports
cannot tell which names are common, so the frequencies start from a **reference
table** (``data/name_frequencies.csv``: the most common family and given names of
the main countries of origin, with the public statistics each row recalls, see
``docs/dedupe.md``; the shares were written down from memory of those statistics and
are not yet checked against their tables: approximations, good to the order of
magnitude that the weight log2(m / tf) needs) and move to the registry's own counts
as it grows:

    tf(v) = (count(v) + α · ref(v)) / (N + α)

the posterior mean of a Dirichlet-multinomial with the reference as its prior
(``α = PRIOR_IDENTITIES`` pseudo-identities): the registry's own counts weigh
N / (N + α), half at N = α. ``ref(v)`` is the reference frequency in the registry's
mix of origins: ``Σ_c w_c f_c(v)``, ``w_c`` the registry's (smoothed) share of
nationality ``c``; a whole name is ``f_c(given) · f_c(family)`` within each country
(*Anna de Vries* is common among the Dutch only). A name not in a country's list
gets that country's "any other name" share (the ``*`` row: the tail's mass over the
number of distinct names, the prior of *one* unlisted value; so for rare names the
registry's own counts decide).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from zicht.registry.dedupe.normalise import normalise_text, split_family_name

__all__ = ["PRIOR_IDENTITIES", "NameReference", "blend", "load_reference",
           "reference_frequencies"]

#: Pseudo-identities the reference counts for: the registry's counts weigh half at
#: this many identities (a registry that small has seen each name a handful of times
#: at most, too few to say how common it is).
PRIOR_IDENTITIES = 2_000

_DATA = Path(__file__).parent / "data" / "name_frequencies.csv"
_ANY = "*"


@dataclass(frozen=True)
class NameReference:
    """Per country: normalised name -> share of persons, and the share of an unlisted
    name, for family names and for (first) given names."""

    family: dict[str, dict[str, float]]
    given: dict[str, dict[str, float]]
    family_other: dict[str, float]
    given_other: dict[str, float]

    def countries(self) -> list[str]:
        return sorted(set(self.family_other) | set(self.given_other))


def _key(kind: str, name: str) -> str | None:
    if kind == "family":
        return split_family_name(name)[0]
    text = normalise_text(name)
    return text.split(" ", 1)[0] if text else None


@lru_cache(maxsize=1)
def load_reference(path: Path = _DATA) -> NameReference:
    """The shipped reference table, names normalised as the registry's are."""
    table = pd.read_csv(path, dtype={"share": float}, keep_default_na=False)
    lists: dict[str, dict[str, dict[str, float]]] = {"family": {}, "given": {}}
    other: dict[str, dict[str, float]] = {"family": {}, "given": {}}
    for row in table.itertuples(index=False):
        kind, country, name, share = str(row.kind), str(row.country), str(row.name), \
            float(row.share)
        if name == _ANY:
            other[kind][country] = share
            continue
        key = _key(kind, name)
        if key:
            per = lists[kind].setdefault(country, {})
            per[key] = per.get(key, 0.0) + share
    return NameReference(lists["family"], lists["given"], other["family"], other["given"])


def _origin_weights(records: pd.DataFrame, ref: NameReference) -> dict[str, float]:
    """The registry's share of each reference country (add-one smoothed); nationalities
    without a list of their own and unknown ones fall to ``*``."""
    known = [c for c in ref.countries() if c != _ANY]
    nat = records["nationality"] if "nationality" in records else pd.Series(dtype=object)
    counts = nat.where(nat.isin(known), _ANY).fillna(_ANY).value_counts()
    total = float(counts.sum()) + len(known) + 1
    return {c: (float(counts.get(c, 0)) + 1.0) / total for c in [*known, _ANY]}


def _shares(values: list[str], table: dict[str, dict[str, float]],
            other: dict[str, float], country: str) -> np.ndarray:
    # A dict look-up per value: Series.map with a dict re-indexes the whole column for
    # every country (seconds on a million reports).
    get = table.get(country, {}).get
    default = other.get(country, other[_ANY])
    return np.fromiter((get(v, default) for v in values),
                       dtype=np.float64, count=len(values))


def reference_frequencies(records: pd.DataFrame, column: str,
                          ref: NameReference | None = None) -> pd.Series:
    """``ref(v)`` for every distinct value ``v`` of a name column, indexed by value.

    ``column`` is one of ``family``, ``given1``, ``full_name`` (first given + family)
    or ``full_name_all`` (every given name + family; each further given name counts
    as an unlisted one).
    """
    ref = ref or load_reference()
    parts = {"family": ["family"], "given1": ["given1"],
             "full_name": ["given1", "family"], "full_name_all": ["given1", "family"]}[column]
    distinct = records[[column, *[p for p in parts if p != column]]].dropna(
        subset=[column]).drop_duplicates(column)
    extra = (distinct[column].str.count(" ") - 1).clip(lower=0).to_numpy(float) \
        if column == "full_name_all" else np.zeros(len(distinct))
    names = {p: distinct[p].tolist() for p in parts}
    total = np.zeros(len(distinct))
    for country, weight in _origin_weights(records, ref).items():
        share = np.ones(len(distinct))
        if "given1" in parts:
            share *= _shares(names["given1"], ref.given, ref.given_other, country)
            share *= ref.given_other.get(country, ref.given_other[_ANY]) ** extra
        if "family" in parts:
            share *= _shares(names["family"], ref.family, ref.family_other, country)
        total += weight * share
    return pd.Series(total, index=pd.Index(distinct[column].to_numpy(object)), dtype=float)


def blend(counts: pd.Series, reference: pd.Series, n_identities: int,
          prior: float = PRIOR_IDENTITIES) -> pd.Series:
    """Dirichlet posterior mean: (count + α·ref) / (N + α), indexed as ``counts``."""
    ref = reference.reindex(counts.index).fillna(0.0).to_numpy(float)
    return pd.Series((counts.to_numpy(float) + prior * ref) / (n_identities + prior),
                     index=counts.index)
