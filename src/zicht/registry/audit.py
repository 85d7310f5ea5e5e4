"""The append-only, hash-chained audit log.

Each entry holds who (an API key id or ``cli:USER``), what (``action``), which record
(``record_type``, ``record_id``) and when, never sensitive content. Its ``hash`` is
SHA-256 over those fields and the previous entry's hash, so editing or deleting any
entry breaks the chain from there on; :func:`verify_audit` finds the first break.
Ids are consecutive from 1, so a deleted entry also leaves a gap. Removing entries at
the *end* of the log is detectable only against a head hash kept elsewhere: write down
the ``head`` that ``zicht audit verify`` prints (or ship it to a log server).

Appends are serialised (a PostgreSQL transaction-scoped advisory lock; SQLite takes its
write lock at BEGIN), so concurrent writers keep one chain.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import Connection, select, text

from zicht.registry.models import AuditEntry

GENESIS = "0" * 64
_LOCK_ID = 7_310_221_402  # arbitrary constant naming the audit-chain advisory lock
_TABLE = AuditEntry.__table__


def cli_actor() -> str:
    """The actor name of a command-line user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in containers without /etc/passwd entry
        return "cli:unknown"


def hash_entry(entry_id: int, at: str, actor: str, action: str, record_type: str,
               record_id: str, prev_hash: str) -> str:
    """The chained hash of one entry (SHA-256 over an unambiguous JSON list)."""
    payload = json.dumps([entry_id, at, actor, action, record_type, record_id, prev_hash],
                         separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def append_audit(conn: Connection, *, actor: str, action: str, record_type: str,
                 record_id: str | int) -> int:
    """Append one entry inside the caller's transaction; returns its id.

    Call it last in a transaction: the chain lock is held until commit.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_ID})
    last = conn.execute(
        select(_TABLE.c.id, _TABLE.c.hash).order_by(_TABLE.c.id.desc()).limit(1)
    ).first()
    entry_id, prev = (last.id + 1, last.hash) if last else (1, GENESIS)
    at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    rid = str(record_id)
    conn.execute(_TABLE.insert().values(
        id=entry_id, at=at, actor=actor, action=action, record_type=record_type,
        record_id=rid, prev_hash=prev,
        hash=hash_entry(entry_id, at, actor, action, record_type, rid, prev),
    ))
    return entry_id


@dataclass(frozen=True)
class AuditVerification:
    """The outcome of :func:`verify_audit`."""

    entries: int
    head: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_audit(conn: Connection, *, expected_head: str | None = None) -> AuditVerification:
    """Walk the chain; report every entry whose id, link or hash does not hold."""
    problems: list[str] = []
    prev, expected_id, count = GENESIS, 1, 0
    rows = conn.execute(select(_TABLE).order_by(_TABLE.c.id)).yield_per(10_000)
    for row in rows:
        count += 1
        if row.id != expected_id:
            problems.append(f"entry {row.id}: expected id {expected_id}; "
                            f"{row.id - expected_id} entries before it are missing")
        if row.prev_hash != prev:
            problems.append(f"entry {row.id}: its prev_hash does not match the hash of the "
                            "entry before it (an entry was edited or deleted)")
        recomputed = hash_entry(row.id, row.at, row.actor, row.action, row.record_type,
                                row.record_id, row.prev_hash)
        if recomputed != row.hash:
            problems.append(f"entry {row.id}: its content does not match its hash "
                            "(the entry was edited)")
        prev, expected_id = row.hash, row.id + 1
    if expected_head is not None and prev != expected_head:
        problems.append(f"the last entry's hash is {prev}, expected {expected_head} "
                        "(entries were removed from the end or the log was replaced)")
    return AuditVerification(entries=count, head=prev, problems=problems)
