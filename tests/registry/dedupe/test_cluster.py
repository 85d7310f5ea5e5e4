"""Clustering: chains of links are detected and split; constraints hold."""

from __future__ import annotations

import numpy as np
import pandas as pd

from zicht.registry.dedupe.cluster import ClusterPolicy, birth_dates_conflict, cluster_reports


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


def test_birth_dates_conflict_only_where_no_slip_explains_them() -> None:
    assert not birth_dates_conflict("1990-01-01", "1990-01-07")  # one digit
    assert not birth_dates_conflict("1990-03-04", "1990-04-03")  # day/month swapped
    assert not birth_dates_conflict("1989-06-15", "1998-06-15")  # year digits swapped
    assert not birth_dates_conflict("1990-01-01", None)
    assert birth_dates_conflict("2003-05-12", "1990-01-01")  # nothing agrees
    assert birth_dates_conflict("1995-03-14", "1995-09-27")  # only the year agrees


def test_a_chain_between_conflicting_birth_dates_is_cut_at_its_weakest_link() -> None:
    # Anna de Vries 1990-01-01 (1) ~ a report with no birth date (2) ~ Anna de Vries
    # 2003-05-12 (3): one person cannot have both dates, so the weaker link 2-3 goes.
    ids = np.arange(1, 4)
    pairs = _pairs([(1, 2, 0.9), (2, 3, 0.7)])
    dates = pd.Series({1: "1990-01-01", 2: None, 3: "2003-05-12"})
    assert _groups(cluster_reports(ids, pairs)) == {frozenset({1, 2, 3})}
    result = cluster_reports(ids, pairs, birth_date=dates)
    assert _groups(result) == {frozenset({1, 2}), frozenset({3})}
    assert result.split == [{"size": 3, "reason": "birth dates in conflict", "parts": 2}]
    assert result.dropped_links[["unique_id_l", "unique_id_r"]].values.tolist() == [[2, 3]]
    # A reviewer's "same person" on the weak link binds: then 1 is the one apart.
    must = pd.DataFrame({"unique_id_l": [2], "unique_id_r": [3]})
    decided = cluster_reports(ids, pairs, birth_date=dates, must_link=must)
    assert _groups(decided) == {frozenset({1}), frozenset({2, 3})}


def test_a_date_the_model_already_overruled_splits_nothing() -> None:
    # Report 1 carries a wrong date but is linked directly to 2 despite it (names and
    # address agree): its date is not to be trusted, so its conflict with 3 (linked
    # only by way of 2) does not split the person.
    ids = np.arange(1, 4)
    pairs = _pairs([(1, 2, 0.8), (2, 3, 0.99)])
    dates = pd.Series({1: "1937-04-07", 2: "1969-10-06", 3: "1969-10-06"})
    result = cluster_reports(ids, pairs, birth_date=dates)
    assert _groups(result) == {frozenset({1, 2, 3})} and result.split == []


def test_the_conflict_rule_is_the_models_conflict_level() -> None:
    """``birth_dates_conflict`` and the model's "two full dates, in conflict" level
    must say the same of every pair (the rule is written twice: SQL and Python)."""
    import duckdb

    from zicht.registry.dedupe.model import _birth_comparison

    levels = _birth_comparison().get_comparison("duckdb").comparison_levels
    case = " ".join(f"WHEN {lv.sql_condition} THEN '{lv.label_for_charts}'"
                    for lv in levels if lv.sql_condition != "ELSE")
    dates = ["1990-01-01", "1990-01-07", "1990-01-10", "1990-10-01", "1909-01-01",
             "1991-02-01", "2003-05-12", "1995-03-14", "1995-09-27", "1985-03-17",
             "1985-03-71", "1985-17-03"]
    pairs = pd.DataFrame([(a, b) for a in dates for b in dates if a < b],
                         columns=["birth_date_l", "birth_date_r"])
    pairs["birth_year_l"] = pairs["birth_date_l"].str[:4].astype(int)
    pairs["birth_year_r"] = pairs["birth_date_r"].str[:4].astype(int)
    con = duckdb.connect()
    con.register("pairs", pairs)
    got = con.execute(f"SELECT birth_date_l, birth_date_r, CASE {case} ELSE 'else' END "
                      "FROM pairs").fetchall()
    for a, b, label in got:
        assert (label == "two full dates, in conflict") == birth_dates_conflict(a, b), (a, b)
    slips = {(a, b) for a, b, label in got if label.startswith("one typo")}
    # neighbouring digits swapped in the day, the year; day and month swapped
    assert {("1985-03-17", "1985-03-71"), ("1909-01-01", "1990-01-01"),
            ("1985-03-17", "1985-17-03")} <= slips
