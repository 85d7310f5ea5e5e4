"""From scored pairs to clusters of reports, guarding against chained false merges.

Connected components at a threshold chain: A~B and B~C put A and C together even
when A and C are plainly different people. So every component is checked:

* **conflict**: it holds two different BSNs, or a pair a reviewer said are different
  people (a *cannot-link*);
* **too large**: more reports than one victim plausibly has (``max_size``);
* **sparse**: four or more reports held together by at most half of the possible links
  (a chain, not a clique);
* **birth dates in conflict**: two of its reports carry full birth dates that no slip
  explains (``birth_dates_conflict``) and are not linked directly: one person has one
  birth date, so A~B~C with A and C born years apart and A~C not a link is a chain
  through a homonym.

A flagged component is re-clustered with only strong links (``strict``), merged
greedily from the strongest link down and never across a cannot-link or past
``max_size`` (constrained single linkage). A component flagged only for its birth
dates keeps every link at ``threshold`` but is never joined across two conflicting
dates: it is split at its weakest links. Links it dropped go to the review queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["ClusterPolicy", "Clustering", "birth_dates_conflict", "cluster_reports",
           "conflicting_dates"]

BIRTH_CONFLICT = "birth dates in conflict"


def birth_dates_conflict(a: str | None, b: str | None) -> bool:
    """Two full ISO birth dates that no slip explains (see ``conflicting_dates``)."""
    return bool(conflicting_dates(pd.Series([a], dtype=object),
                                  pd.Series([b], dtype=object))[0])


def conflicting_dates(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise: both full ISO dates, at most one of year, month and day agrees
    and the day and month are not swapped. The same rule as the model's "two full
    dates, in conflict" level (``model._birth_comparison``): a typo or a transposed
    pair of digits changes one part, so two still agree."""
    x, y = a.astype("string").str, b.astype("string").str
    full = ((x.len() == 10) & (y.len() == 10)).fillna(False)
    def same(i: slice, j: slice) -> np.ndarray:
        return np.asarray((x[i] == y[j]).fillna(False), dtype=bool)

    year, month, day = same(slice(0, 4), slice(0, 4)), same(slice(5, 7), slice(5, 7)), \
        same(slice(8, 10), slice(8, 10))
    swapped = year & same(slice(5, 7), slice(8, 10)) & same(slice(8, 10), slice(5, 7))
    agree = year.astype(int) + month.astype(int) + day.astype(int)
    conflict: np.ndarray = np.asarray(full, dtype=bool) & (agree <= 1) & ~swapped
    return conflict


@dataclass(frozen=True)
class ClusterPolicy:
    """Thresholds of clustering (match probabilities) and the coherence checks."""

    threshold: float = 0.5
    strict: float = 0.995
    max_size: int = 12
    sparse_min_size: int = 4
    sparse_density: float = 0.5
    #: Split a component that joins two conflicting full birth dates by way of other
    #: reports (one person, one birth date).
    split_birth_conflicts: bool = True


@dataclass(frozen=True)
class Clustering:
    """``labels[i]`` is the cluster of ``ids[i]``; ``split`` lists flagged components."""

    ids: np.ndarray
    labels: np.ndarray
    split: list[dict[str, object]] = field(default_factory=list)
    dropped_links: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def n_clusters(self) -> int:
        return len(np.unique(self.labels)) if len(self.labels) else 0


class _Groups:
    """Union-find that keeps each group's members, BSNs and cannot-links."""

    def __init__(self, nodes: Iterable[int], bsn: dict[int, str]) -> None:
        self.parent = {n: n for n in nodes}
        self.members = {n: {n} for n in self.parent}
        self.bsns = {n: ({bsn[n]} if n in bsn else set()) for n in self.parent}

    def find(self, n: int) -> int:
        while self.parent[n] != n:
            self.parent[n] = self.parent[self.parent[n]]
            n = self.parent[n]
        return n

    def try_union(self, a: int, b: int, cannot: set[tuple[int, int]], max_size: int,
                  soft: set[tuple[int, int]] | None = None) -> bool:
        """Join the groups of ``a`` and ``b`` unless that crosses a constraint;
        ``soft`` cannot-links (conflicting birth dates) bind model links only."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if len(self.members[ra]) + len(self.members[rb]) > max_size:
            return False
        if self.bsns[ra] and self.bsns[rb] and self.bsns[ra] != self.bsns[rb]:
            return False
        for pairs in (cannot, soft or set()):
            if pairs and any((min(x, y), max(x, y)) in pairs
                             for x in self.members[ra] for y in self.members[rb]):
                return False
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)
        self.bsns[ra] |= self.bsns.pop(rb)
        return True


def _ordered(frame: pd.DataFrame) -> set[tuple[int, int]]:
    if frame is None or frame.empty:
        return set()
    a = frame["unique_id_l"].to_numpy(np.int64)
    b = frame["unique_id_r"].to_numpy(np.int64)
    return set(zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist(), strict=True))


def cluster_reports(
    ids: np.ndarray,
    pairs: pd.DataFrame,
    *,
    policy: ClusterPolicy | None = None,
    must_link: pd.DataFrame | None = None,
    cannot_link: pd.DataFrame | None = None,
    bsn_key: pd.Series | None = None,
    birth_date: pd.Series | None = None,
) -> Clustering:
    """Cluster the records ``ids`` (int64) from scored ``pairs``.

    ``must_link`` / ``cannot_link`` are frames of ``unique_id_l, unique_id_r`` (reviewer
    decisions and certain rules); must-links join whatever the score, cannot-links are
    never crossed. ``bsn_key`` (indexed by id) adds a cannot-link between different BSNs;
    ``birth_date`` (ISO strings indexed by id) splits a component whose model links
    join two conflicting full birth dates (must-links still join them).
    """
    policy = policy or ClusterPolicy()
    ids = np.asarray(ids, dtype=np.int64)
    cannot = _ordered(cannot_link) if cannot_link is not None else set()
    forced = (must_link[["unique_id_l", "unique_id_r"]].assign(match_probability=1.0,
                                                                _forced=True)
              if must_link is not None and not must_link.empty else None)
    edges = pairs.loc[pairs["match_probability"] >= policy.threshold,
                      ["unique_id_l", "unique_id_r", "match_probability"]].assign(_forced=False)
    if forced is not None:
        edges = pd.concat([edges, forced], ignore_index=True)
    if cannot and not edges.empty:
        keep = [(min(a, b), max(a, b)) not in cannot
                for a, b in zip(edges["unique_id_l"], edges["unique_id_r"], strict=True)]
        edges = edges[np.asarray(keep, dtype=bool)]
    pos = pd.Index(ids)
    li = pos.get_indexer(edges["unique_id_l"].to_numpy())
    ri = pos.get_indexer(edges["unique_id_r"].to_numpy())
    ok = (li >= 0) & (ri >= 0)
    graph = coo_matrix((np.ones(int(ok.sum())), (li[ok], ri[ok])), shape=(len(ids), len(ids)))
    _, labels = connected_components(graph, directed=False)
    labels = labels.astype(np.int64)

    bsn = ({} if bsn_key is None else
           {int(k): str(v) for k, v in bsn_key.dropna().items()})
    flagged = _flag_components(ids, labels, li[ok], ri[ok], bsn, cannot, policy)
    conflicts = _birth_conflicts(ids, labels, birth_date if policy.split_birth_conflicts
                                 else None)
    if conflicts:
        # A pair linked directly despite its dates (its names, address, ... outweigh
        # them) is the model's own call, and a report so linked has a date the model
        # already overruled (a wrong date on a report of this person): its conflicts
        # say nothing. Only a conflict between trusted dates that the links reach by
        # way of other reports is a chain.
        in_conflict = edges[ok][np.isin(labels[li[ok]], list(conflicts))]
        direct = _ordered(in_conflict)
        overruled = {x for found in conflicts.values() for pair in found & direct
                     for x in pair}
        trusted = {comp: {(a, b) for a, b in found - direct
                          if a not in overruled and b not in overruled}
                   for comp, found in conflicts.items()}
        conflicts = {comp: found for comp, found in trusted.items() if found}
    for comp in conflicts:
        flagged.setdefault(comp, BIRTH_CONFLICT)
    split_notes: list[dict[str, object]] = []
    dropped: list[pd.DataFrame] = []
    next_label = int(labels.max()) + 1 if len(labels) else 0
    edges_ok = edges[ok].assign(_l=labels[li[ok]])
    for comp, reason in flagged.items():
        members = ids[labels == comp]
        comp_edges = edges_ok[edges_ok["_l"] == comp].sort_values(
            "match_probability", ascending=False, kind="stable")
        groups = _Groups(members.tolist(), bsn)
        soft = conflicts.get(comp, set())
        # Only a birth-date conflict: the links stay as scored, cut at the weakest.
        floor = policy.threshold if reason == BIRTH_CONFLICT else policy.strict
        kept = []
        for a, b, p, must in comp_edges[["unique_id_l", "unique_id_r", "match_probability",
                                         "_forced"]].itertuples(index=False):
            if p < floor:
                kept.append(False)
                continue
            kept.append(groups.try_union(int(a), int(b), cannot, policy.max_size,
                                         None if must else soft))
        dropped.append(comp_edges.loc[~np.asarray(kept, dtype=bool),
                                      ["unique_id_l", "unique_id_r", "match_probability"]])
        roots = sorted({groups.find(int(m)) for m in members})
        split_notes.append({"size": len(members), "reason": reason, "parts": len(roots)})
        for root in roots[1:]:
            for m in groups.members[root]:
                labels[pos.get_loc(m)] = next_label
            next_label += 1
    dropped_frame = (pd.concat(dropped, ignore_index=True) if dropped else
                     pd.DataFrame(columns=["unique_id_l", "unique_id_r", "match_probability"]))
    return Clustering(ids=ids, labels=labels, split=split_notes, dropped_links=dropped_frame)


def _birth_conflicts(ids: np.ndarray, labels: np.ndarray,
                     birth_date: pd.Series | None) -> dict[int, set[tuple[int, int]]]:
    """Per component, the pairs of its reports whose full birth dates conflict
    (``birth_dates_conflict``, vectorised over the pairs within components)."""
    if birth_date is None:
        return {}
    dates = pd.DataFrame({"id": ids, "label": labels,
                          "date": birth_date.reindex(ids).to_numpy()}).dropna()
    dates = dates[dates["date"].str.len() == 10]
    # Two reports alone are joined by their direct link, which never counts as a
    # chain: only components of three or more with two dates are looked at.
    size = pd.Series(labels).value_counts()
    distinct = dates.groupby("label")["date"].transform("nunique")
    dates = dates[(distinct > 1).to_numpy() & (dates["label"].map(size) >= 3).to_numpy()]
    if dates.empty:
        return {}
    pairs = dates.merge(dates, on="label")
    pairs = pairs[pairs["id_x"] < pairs["id_y"]]
    conflict = pairs[conflicting_dates(pairs["date_x"], pairs["date_y"])]
    out: dict[int, set[tuple[int, int]]] = {}
    for comp, x, y in zip(conflict["label"].tolist(), conflict["id_x"].tolist(),
                          conflict["id_y"].tolist(), strict=True):
        out.setdefault(int(comp), set()).add((int(x), int(y)))
    return out


def _flag_components(
    ids: np.ndarray, labels: np.ndarray, li: np.ndarray, ri: np.ndarray,
    bsn: dict[int, str], cannot: set[tuple[int, int]], policy: ClusterPolicy,
) -> dict[int, str]:
    """Components that fail a coherence check, with the first reason found."""
    sizes = np.bincount(labels)
    edge_count = np.bincount(labels[li], minlength=len(sizes)) if len(li) else np.zeros_like(sizes)
    flagged: dict[int, str] = {}
    for comp in np.nonzero(sizes > policy.max_size)[0]:
        flagged[int(comp)] = "too large"
    n = sizes.astype(float)
    possible = n * (n - 1) / 2
    sparse = (sizes >= policy.sparse_min_size) & (edge_count <= policy.sparse_density * possible)
    for comp in np.nonzero(sparse)[0]:
        flagged.setdefault(int(comp), "sparse")
    pos = pd.Index(ids)
    if bsn:
        frame = pd.DataFrame({"label": labels[pos.get_indexer(list(bsn))],
                              "bsn": list(bsn.values())})
        many = frame.groupby("label")["bsn"].nunique()
        for comp in many[many > 1].index:
            flagged.setdefault(int(comp), "different BSNs")
    for a, b in cannot:
        la, lb = pos.get_indexer([a, b])
        if la >= 0 and lb >= 0 and labels[la] == labels[lb]:
            flagged.setdefault(int(labels[la]), "reviewer said different")
    return flagged
