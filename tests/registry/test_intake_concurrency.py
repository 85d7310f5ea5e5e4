"""Concurrent single-report intake: group commit, audit chains, conflicts between writers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from reports_factory import report
from sqlalchemy import func, select

from zicht.registry import open_registry, read_reports, verify_audit
from zicht.registry.audit import append_audit
from zicht.registry.db import Registry
from zicht.registry.intake import ReportWriter, _Pending, import_records
from zicht.registry.models import AuditEntry, Report, ReportHistory
from zicht.registry.record import ReportRecord, validate_records
from zicht.registry.store import store_records


def record(i: int, **overrides: str) -> ReportRecord:
    batch = validate_records([report(i, **overrides)], [2])
    assert not batch.problems, batch.problems
    return batch.records[0]


def count(reg: Registry, table: type) -> int:
    with reg.read() as conn:
        return int(conn.scalar(select(func.count()).select_from(table.__table__)) or 0)


def in_parallel(calls: list[Callable[[], object]]) -> list[object]:
    """Run ``calls`` from many threads at once (a barrier lines them up)."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> object:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_concurrent_single_reports_are_each_stored_and_audited(db_url: str) -> None:
    reg = open_registry(db_url)
    writer = ReportWriter(reg)
    # 12 new reports, then 12 requests of which 6 re-send (update) and 6 are new; one
    # report_ref is re-sent by two requests at once (they cannot share a transaction).
    first = in_parallel([lambda i=i: import_records(reg, [record(i)], [None], actor=f"key:{i}",
                                                    writer=writer) for i in range(12)])
    assert all(s.accepted == 1 for s in first)
    assert len({s.report_ids[0] for s in first}) == 12
    refs = [*range(6), *range(12, 17), 3]
    second = in_parallel([lambda i=i: import_records(reg, [record(i, family_name="Again")],
                                                     [None], actor="key:x", writer=writer)
                          for i in refs])
    assert sum(s.updated for s in second) == 7 and sum(s.accepted for s in second) == 5
    assert [s.report_ids[0] for s in second[:6]] == [s.report_ids[0] for s in first[:6]]
    assert count(reg, Report) == 17 and count(reg, ReportHistory) == 7
    with reg.read() as conn:
        result = verify_audit(conn)
        actions = conn.execute(select(AuditEntry.action, func.count())
                               .group_by(AuditEntry.action)).tuples().all()
    assert result.ok, result.problems
    assert dict(actions) == {"report.create": 17, "report.update": 7}
    names = read_reports(reg.engine, reg.cipher, actor="t").column("family_name").to_pylist()
    assert names.count("Again") == 11
    reg.dispose()


def test_concurrent_audited_transactions_take_different_chains(postgres_url: str) -> None:
    reg = open_registry(postgres_url)
    with reg.begin() as first, reg.begin() as second:
        append_audit(first, actor="t", action="a", record_type="r", record_id=1)
        append_audit(second, actor="t", action="a", record_type="r", record_id=2)
        # Each writer locks one chain only, so the second open transaction gets the next
        # (the locks are per schema: other registries in this database do not interfere).
        locks = [c.exec_driver_sql("SELECT count(*) FROM pg_locks WHERE locktype = "
                                   "'advisory' AND pid = pg_backend_pid()").scalar()
                 for c in (first, second)]
    with reg.read() as conn:
        chains = conn.execute(select(AuditEntry.chain).order_by(AuditEntry.id)).scalars().all()
        assert verify_audit(conn).ok
    assert chains == [0, 1] and locks == [1, 1]
    reg.dispose()


def test_group_that_meets_a_concurrent_insert_is_written_again_one_by_one(
        postgres_url: str) -> None:
    reg = open_registry(postgres_url)
    writer = ReportWriter(reg)
    group = [_Pending(record(1, family_name="Group"), "key:g", "i1"),
             _Pending(record(2), "key:g", "i2")]
    done = threading.Event()
    with reg.begin() as other:  # another process stores report 1 first, commits later
        store_records(other, reg.cipher, [record(1)], import_id="other")
        thread = threading.Thread(target=lambda: (writer._write(group), done.set()))
        thread.start()
        time.sleep(0.5)  # the group's INSERT now waits on the uncommitted row
        assert not done.is_set()
    thread.join(timeout=30)
    assert done.is_set()
    assert [p.error for p in group] == [None, None]
    assert group[0].result is not None and group[0].result[1] is False  # an update
    assert group[1].result is not None and group[1].result[1] is True
    assert count(reg, Report) == 2 and count(reg, ReportHistory) == 1
    with reg.read() as conn:
        assert verify_audit(conn).ok
    reg.dispose()


@pytest.mark.parametrize("size", [1, 3])
def test_writer_answers_every_request_even_when_groups_are_capped(sqlite_url: str,
                                                                  size: int) -> None:
    reg = open_registry(sqlite_url)
    writer = ReportWriter(reg, max_group=size)
    results = in_parallel([lambda i=i: writer.store(record(i), actor="key:c", import_id=str(i))
                           for i in range(10)])
    assert sorted(created for _, created in results) == [True] * 10  # type: ignore[misc]
    assert count(reg, Report) == 10
    reg.dispose()
