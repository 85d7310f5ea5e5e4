"""Review queue: decisions apply at once, are history, audited, and survive re-runs."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2] / "registry" / "dedupe"))

import pytest
from dedupe_fixtures import UNSURE, add_reports
from sqlalchemy import select

from zicht.core.errors import ConflictError, NotFoundError
from zicht.registry.db import Registry
from zicht.registry.dedupe import run_dedupe
from zicht.registry.dedupe.models import LinkDecision, VictimEvent
from zicht.registry.dedupe.store import read_links
from zicht.registry.models import AuditEntry
from zicht.registry.review import decide_review, list_review


def _queue(registry: Registry) -> dict[frozenset[int], int]:
    with registry.begin() as conn:
        items = list_review(conn, registry.cipher)
    return {frozenset((i.left["report_id"], i.right["report_id"])): i.id for i in items}


def test_accept_and_reject_survive_rerun(registry: Registry) -> None:
    ids = add_reports(registry, UNSURE)
    run_dedupe(registry)
    queue = _queue(registry)
    bakker, ahmed = frozenset(ids[:2]), frozenset(ids[2:])
    assert bakker in queue and ahmed in queue
    with registry.begin() as conn:
        items = list_review(conn, registry.cipher)
        assert {"family_name", "given_names", "birth_date"} <= set(items[0].left)
        before = read_links(conn)
        linked_bakker = before[ids[0]] == before[ids[1]]
        linked_ahmed = before[ids[2]] == before[ids[3]]
        # Decide the opposite of whatever the model did, so the decision must win.
        decide_review(conn, queue[bakker], "reject" if linked_bakker else "accept",
                      actor="cli:test")
        decide_review(conn, queue[ahmed], "reject" if linked_ahmed else "accept",
                      actor="cli:test")
        after = read_links(conn)
    assert (after[ids[0]] == after[ids[1]]) is not linked_bakker
    assert (after[ids[2]] == after[ids[3]]) is not linked_ahmed
    run_dedupe(registry)
    with registry.begin() as conn:
        rerun = read_links(conn)
        decisions = conn.execute(select(LinkDecision.decision)).scalars().all()
        events = conn.execute(select(VictimEvent.event, VictimEvent.actor)).all()
        audit = conn.execute(select(AuditEntry.action)).scalars().all()
        assert not list_review(conn)  # decided pairs are not queued again
    assert rerun == after  # the decisions bound the re-run: same victims, same ids
    assert len(decisions) == 2
    assert any(actor == "cli:test" and e in ("merged", "split") for e, actor in events)
    assert audit.count("review.accept") + audit.count("review.reject") == 2
    with registry.begin() as conn, pytest.raises(ConflictError):
        decide_review(conn, queue[bakker], "accept", actor="cli:test")
    with registry.begin() as conn, pytest.raises(NotFoundError):
        decide_review(conn, 999_999, "accept", actor="cli:test")
