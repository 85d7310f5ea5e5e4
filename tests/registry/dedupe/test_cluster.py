"""Clustering: chains of links are detected and split; constraints hold."""

from __future__ import annotations

import numpy as np
import pandas as pd

from zicht.registry.dedupe.cluster import ClusterPolicy, cluster_reports


def _pairs(rows: list[tuple[int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_probability"])


def _groups(result: object) -> set[frozenset[int]]:
    out: dict[int, set[int]] = {}
    for i, label in zip(result.ids.tolist(), result.labels.tolist(), strict=True):  # type: ignore[attr-defined]
        out.setdefault(label, set()).add(i)
    return {frozenset(g) for g in out.values()}


def test_a_chain_through_one_weak_link_is_split() -> None:
    # Two tight groups {1,2,3} and {4,5,6} joined by one link of 0.93 (3-4): plain
    # connected components would make one victim of six reports.
    strong = [(a, b, 0.9999) for a, b in [(1, 2), (1, 3), (2, 3), (4, 5), (4, 6), (5, 6)]]
    pairs = _pairs([*strong, (3, 4, 0.93)])
    ids = np.arange(1, 7)
    joined = cluster_reports(ids, pairs, policy=ClusterPolicy(sparse_density=0.4))
    assert _groups(joined) == {frozenset(range(1, 7))}  # density 7/15 > 0.4: not flagged
    result = cluster_reports(ids, pairs)  # default: 7/15 <= 0.5 -> sparse -> split
    assert _groups(result) == {frozenset({1, 2, 3}), frozenset({4, 5, 6})}
    assert result.split == [{"size": 6, "reason": "sparse", "parts": 2}]
    assert result.dropped_links[["unique_id_l", "unique_id_r"]].values.tolist() == [[3, 4]]


def test_long_chain_of_strong_links_is_cut_at_max_size() -> None:
    ids = np.arange(1, 31)
    pairs = _pairs([(i, i + 1, 0.999) for i in range(1, 30)] +
                   [(i, i + 2, 0.9999) for i in range(1, 29)])
    result = cluster_reports(ids, pairs, policy=ClusterPolicy(max_size=10, strict=0.99))
    sizes = sorted(len(g) for g in _groups(result))
    assert max(sizes) <= 10 and sum(sizes) == 30
    assert result.split[0]["reason"] == "too large"


def test_different_bsns_and_cannot_links_are_never_joined() -> None:
    ids = np.arange(1, 5)
    pairs = _pairs([(1, 2, 0.999), (2, 3, 0.9999), (3, 4, 0.9995)])
    bsn = pd.Series({1: "h1", 3: "h2"})
    result = cluster_reports(ids, pairs, bsn_key=bsn)
    groups = _groups(result)
    assert not any({1, 3} <= g for g in groups)
    cannot = pd.DataFrame({"unique_id_l": [4], "unique_id_r": [3]})
    result = cluster_reports(ids, pairs, cannot_link=cannot)
    assert not any({3, 4} <= g for g in _groups(result))
    must = pd.DataFrame({"unique_id_l": [1], "unique_id_r": [4]})
    result = cluster_reports(ids, _pairs([]), must_link=must)
    assert frozenset({1, 4}) in _groups(result)
