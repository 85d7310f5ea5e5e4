"""The hash-chained audit log: intact chains verify; edits and deletions are found."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection
from typer.testing import CliRunner

from zicht.cli import app
from zicht.registry import append_audit, open_registry, verify_audit
from zicht.registry.db import Registry

runner = CliRunner()


def filled(url: str, n: int = 5) -> Registry:
    reg = open_registry(url)
    with reg.begin() as conn:
        for i in range(n):
            append_audit(conn, actor="key:abc", action="report.read", record_type="report",
                         record_id=i)
    return reg


def drop_guards(conn: Connection) -> None:
    """An attacker with DDL rights: remove the append-only triggers first."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP TRIGGER audit_log_append_only ON audit_log")
    else:
        conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        conn.exec_driver_sql("DROP TRIGGER audit_log_no_delete")


def test_intact_chain_verifies(db_url: str) -> None:
    reg = filled(db_url)
    with reg.read() as conn:
        result = verify_audit(conn)
    assert result.ok and result.entries == 5
    assert result.head.startswith("0:") and len(result.head) == 2 + 64  # a lone writer: chain 0
    reg.dispose()
    out = runner.invoke(app, ["audit", "verify", "--db", db_url])
    assert out.exit_code == 0 and "intact: 5 entries" in out.stdout


def test_database_refuses_updates_and_deletes(db_url: str) -> None:
    reg = filled(db_url)
    for sql in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), reg.begin() as conn:
            conn.exec_driver_sql(sql)
    reg.dispose()


@pytest.mark.parametrize(("tamper", "expected"), [
    ("UPDATE audit_log SET record_id = '99' WHERE id = 3", "chain 0 entry 3 (id 3): its content"),
    ("DELETE FROM audit_log WHERE id = 2", "chain 0 entry 3 (id 3): expected entry 2"),
    ("UPDATE audit_log SET action = 'x', hash = prev_hash WHERE id = 4",
     "chain 0 entry 5 (id 5): its prev"),
])
def test_tampering_is_detected(db_url: str, tamper: str, expected: str) -> None:
    reg = filled(db_url)
    with reg.begin() as conn:
        drop_guards(conn)
        conn.exec_driver_sql(tamper)
    with reg.read() as conn:
        result = verify_audit(conn)
    assert not result.ok and any(p.startswith(expected) for p in result.problems), result
    reg.dispose()
    out = runner.invoke(app, ["audit", "verify", "--db", db_url])
    assert out.exit_code == 1


def test_truncation_detected_against_a_noted_head(sqlite_url: str) -> None:
    reg = filled(sqlite_url)
    with reg.read() as conn:
        head = verify_audit(conn).head
    with reg.begin() as conn:
        drop_guards(conn)
        conn.exec_driver_sql("DELETE FROM audit_log WHERE id = 5")
    with reg.read() as conn:
        assert verify_audit(conn).ok  # the chain alone cannot see a cut-off tail
        assert not verify_audit(conn, expected_head=head).ok
    reg.dispose()


def test_noted_head_still_verifies_after_more_entries(sqlite_url: str) -> None:
    reg = filled(sqlite_url, 3)
    with reg.read() as conn:
        head = verify_audit(conn).head
    with reg.begin() as conn:
        append_audit(conn, actor="key:abc", action="report.read", record_type="report",
                     record_id=9)
    with reg.read() as conn:
        assert verify_audit(conn, expected_head=head).ok
    reg.dispose()


def test_concurrent_writers_keep_verifiable_chains(db_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    reg = open_registry(db_url)

    def write(worker: int) -> None:
        for i in range(10):
            with reg.begin() as conn:
                append_audit(conn, actor=f"key:{worker}", action="report.create",
                             record_type="report", record_id=i)

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(write, range(6)))
    with reg.read() as conn:
        result = verify_audit(conn)
    assert result.ok and result.entries == 60, result.problems
    reg.dispose()


def _rehash_without_the_key(conn: Connection) -> None:
    """An attacker with DDL rights but without the encryption key: delete an entry and
    re-hash the rest of the chain so every link and ``seq`` holds again."""
    import hashlib
    import json

    conn.exec_driver_sql("DELETE FROM audit_log WHERE id = 2")
    rows = conn.exec_driver_sql("SELECT id, chain, at, actor, action, record_type, record_id "
                                "FROM audit_log ORDER BY chain, seq").all()
    prev = "0" * 64
    for seq, (rid, chain, at, actor, action, rtype, record) in enumerate(rows, start=1):
        payload = json.dumps([chain, seq, at, actor, action, rtype, record, prev],
                             separators=(",", ":"), ensure_ascii=True)
        digest = hashlib.sha256(payload.encode()).hexdigest()
        conn.exec_driver_sql("UPDATE audit_log SET seq = ?, prev_hash = ?, hash = ? "
                             "WHERE id = ?" if conn.dialect.name == "sqlite" else
                             "UPDATE audit_log SET seq = %s, prev_hash = %s, hash = %s "
                             "WHERE id = %s", (seq, prev, digest, rid))
        prev = digest


def test_a_rehashed_chain_fails_without_a_noted_head(db_url: str) -> None:
    """Security finding 13: the chain is keyed, so re-hashing after a deletion (triggers
    dropped) is caught by `zicht audit verify` alone, without --head."""
    reg = filled(db_url)
    with reg.begin() as conn:
        drop_guards(conn)
        _rehash_without_the_key(conn)
    with reg.read() as conn:
        result = verify_audit(conn)
    assert not result.ok and result.entries == 4
    assert all("its content does not match its hash" in p for p in result.problems)
    reg.dispose()
    out = runner.invoke(app, ["audit", "verify", "--db", db_url])
    assert out.exit_code == 1

