"""run_dedupe against a real SQLite registry: 20 reports, re-runs, anonymous reports."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2] / "registry" / "dedupe"))

import csv
from pathlib import Path

from dedupe_fixtures import TWENTY, add_reports
from sqlalchemy import select

from zicht.registry.db import Registry
from zicht.registry.dedupe import run_dedupe
from zicht.registry.dedupe.models import VictimEvent
from zicht.registry.dedupe.store import read_links
from zicht.registry.models import AuditEntry


def _partition(links: dict[int, int], ids: list[int]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for rid in ids:
        if rid in links:
            groups.setdefault(links[rid], set()).add(rid)
    return {frozenset(g) for g in groups.values()}


def _truth(ids: list[int], rows: list[dict]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for rid, row in zip(ids, rows, strict=True):
        if not row.get("anonymous"):
            groups.setdefault(row["person"], set()).add(rid)
    return {frozenset(g) for g in groups.values()}


def test_twenty_reports_dedupe_exactly(registry: Registry, tmp_path: Path) -> None:
    ids = add_reports(registry, TWENTY)
    out = tmp_path / "links.csv"
    summary = run_dedupe(registry, links_out=out)
    assert not summary.trained  # 18 linkable reports: the priors are the model
    assert summary.anonymous == 2
    with registry.begin() as conn:
        links = read_links(conn)
    assert _partition(links, ids) == _truth(ids, TWENTY)
    assert summary.victims == len(_truth(ids, TWENTY))
    anonymous = [rid for rid, row in zip(ids, TWENTY, strict=True) if row.get("anonymous")]
    assert not set(anonymous) & set(links)
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 18 and set(rows[0]) == {"reporter", "report_ref", "victim_id"}


def test_rerun_keeps_ids_and_new_reports_join(registry: Registry) -> None:
    ids = add_reports(registry, TWENTY)
    run_dedupe(registry)
    with registry.begin() as conn:
        first = read_links(conn)
    summary = run_dedupe(registry)
    with registry.begin() as conn:
        assert read_links(conn) == first
    assert summary.new_ids == 0 and summary.links_changed == 0
    more = add_reports(registry, [
        dict(person=13, reporter="fairwork", family_name="Ivanova", given_names="Mariya",
             birth_date="1993-06-06", sex="female", nationality="BG"),
        dict(person=99, reporter="police", family_name="Smit", given_names="Kees",
             birth_date="1960-01-01", sex="male", nationality="NL"),
    ], start=100)
    summary = run_dedupe(registry)
    with registry.begin() as conn:
        after = read_links(conn)
        events = conn.execute(select(VictimEvent.event)).scalars().all()
        audit = conn.execute(select(AuditEntry.action)).scalars().all()
    assert all(after[r] == v for r, v in first.items())  # no existing id moved
    assert after[more[0]] == first[ids[-1]]  # joined Maria Ivanova's victim
    assert after[more[1]] not in set(first.values())
    assert summary.new_ids == 1
    assert events.count("created") >= 1 and audit.count("dedupe.run") == 3
