"""Incremental re-runs: only pairs with a new or changed report are scored, and the
clusters equal those of a full run; decisions survive; too much change means full."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2] / "registry" / "dedupe"))

from typing import Any

import pandas as pd
from benchmarks.dedupe_world import make_reports
from dedupe_fixtures import UNSURE, add_reports
from sqlalchemy import func, select

from zicht.registry import withdraw_consent
from zicht.registry.access import Principal, Role
from zicht.registry.db import Registry
from zicht.registry.dedupe import DedupeOptions, link_reports, run_dedupe
from zicht.registry.dedupe.models import DedupePair, DedupeRun, DedupeSeen
from zicht.registry.dedupe.store import read_links, read_reports
from zicht.registry.review import decide_review, list_review


def _world(n: int, seed: int = 3) -> list[dict[str, Any]]:
    """Reports of the benchmark generator as intake rows (``person`` = truth)."""
    frame = make_reports(n, seed=seed)
    frame = frame.astype(object).where(frame.notna(), None)
    rows = []
    for rec in frame.to_dict("records"):
        row = {k: v for k, v in rec.items()
               if v is not None and k not in ("person_id", "report_id", "report_ref")}
        row["person"] = rec["person_id"]
        rows.append(row)
    return rows


def _partition(links: dict[int, int]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for rid, vid in links.items():
        groups.setdefault(vid, set()).add(rid)
    return {frozenset(g) for g in groups.values()}


def _fresh_partition(registry: Registry) -> set[frozenset[int]]:
    """Clusters of a fresh full run in memory (no earlier links, pairs or model)."""
    with registry.begin() as conn:
        reports = read_reports(conn, registry.cipher, actor="cli:test")
    linkable = reports[~reports["anonymous"]]
    linkage = link_reports(linkable, DedupeOptions())
    return _partition(dict(zip(linkage.ids.tolist(), linkage.labels.tolist(), strict=True)))


def test_incremental_equals_full(registry: Registry) -> None:
    rows = _world(700)
    first, later = rows[:640], rows[640:]
    add_reports(registry, first)
    summary = run_dedupe(registry)
    assert summary.mode == "full"
    with registry.begin() as conn:
        kept = conn.scalar(select(func.count()).select_from(DedupePair))
        seen = conn.scalar(select(func.count()).select_from(DedupeSeen))
    assert kept and seen == summary.linkable
    add_reports(registry, later, start=len(first))
    # One earlier report changes (a re-send with another name): it is scored again.
    changed = dict(first[0], family_name="Zzyzx-Anders")
    add_reports(registry, [changed], start=0)
    summary = run_dedupe(registry)
    assert summary.mode == "incremental"
    assert summary.rescored_reports == len(later) + 1
    with registry.begin() as conn:
        incremental = read_links(conn)
        modes = conn.execute(select(DedupeRun.mode).order_by(DedupeRun.id)).scalars().all()
    assert modes == ["full", "incremental"]
    full = run_dedupe(registry, DedupeOptions(full=True))
    assert full.mode == "full" and full.links_changed == 0
    with registry.begin() as conn:
        assert read_links(conn) == incremental
    assert _partition(incremental) == _fresh_partition(registry)


def test_full_when_much_changed_or_asked(registry: Registry) -> None:
    rows = _world(120, seed=5)
    add_reports(registry, rows[:60])
    assert run_dedupe(registry).mode == "full"
    assert run_dedupe(registry).mode == "incremental"  # nothing new: nothing scored
    add_reports(registry, rows[60:], start=60)  # half the registry is new
    assert run_dedupe(registry).mode == "full"
    assert run_dedupe(registry, DedupeOptions(full=True)).mode == "full"
    assert run_dedupe(registry, DedupeOptions(full_above=0.0)).mode == "incremental"


def test_decisions_survive_incremental_run(registry: Registry) -> None:
    ids = add_reports(registry, UNSURE)
    run_dedupe(registry)
    with registry.begin() as conn:
        items = list_review(conn, registry.cipher)
        before = read_links(conn)
        for item in items:
            pair = (item.left["report_id"], item.right["report_id"])
            together = before[pair[0]] == before[pair[1]]
            decide_review(conn, item.id, "reject" if together else "accept", actor="cli:test")
        decided = read_links(conn)
    more = add_reports(registry, [dict(reporter="police", family_name="Smit",
                                       given_names="Kees", birth_date="1960-01-01",
                                       sex="male", nationality="NL")], start=50)
    summary = run_dedupe(registry)
    assert summary.mode == "incremental"
    with registry.begin() as conn:
        after = read_links(conn)
        assert not list_review(conn)
    assert all(after[r] == v for r, v in decided.items() if r in ids)
    assert after[more[0]] not in set(decided.values())


def test_withdrawn_report_leaves_kept_pairs(registry: Registry) -> None:
    rows = [dict(r, reporter="fairwork") for r in UNSURE]
    ids = add_reports(registry, rows)
    run_dedupe(registry)
    with registry.begin() as conn:
        pairs = pd.DataFrame(conn.execute(select(DedupePair.report_id_l,
                                                 DedupePair.report_id_r)).all())
    assert not pairs.empty and set(pairs.stack()) <= set(ids)
    gone = int(pairs.iloc[0, 0])
    with registry.begin() as conn:  # consent withdrawn: the identity is erased
        withdraw_consent(conn, gone, Principal("k1", Role.REPORTER, "fairwork"))
    summary = run_dedupe(registry, DedupeOptions(full_above=1.0))
    assert summary.mode == "incremental"
    with registry.begin() as conn:
        left = conn.execute(select(DedupePair.report_id_l, DedupePair.report_id_r)).all()
        seen = set(conn.execute(select(DedupeSeen.report_id)).scalars())
        links = read_links(conn)
    assert all(gone not in pair for pair in left) and gone not in seen
    assert gone not in links
