"""The append-only, keyed hash chain of the audit log.

Each entry holds who (an API key id or ``cli:USER``), what (``action``), which record
(``record_type``, ``record_id``) and when, never sensitive content. Its ``hash`` is
HMAC-SHA256 over those fields, its place (``chain``, ``seq``) and the previous entry's
hash, so editing or deleting any entry breaks its chain from there on; :func:`verify_audit`
finds every break. The HMAC key (the *audit key*) is derived (HKDF) from the registry's
encryption key when the registry is first opened, and kept in ``registry_meta`` wrapped
(AES-GCM) under the current encryption key, so a key rotation re-wraps it and old entries
still verify. Someone who can write the database but does not hold the encryption key
cannot re-hash a chain they edited: without the key it no longer verifies, even with
the append-only triggers dropped and without a noted head. A deleted audit key row is
made again from the current key: before any rotation it is the same key, after one the
old entries fail, so deleting it hides nothing.

``seq`` counts 1, 2, ... within a chain, so a deleted entry also
leaves a gap. Removing entries at the *end* is detectable only against a head kept
elsewhere: write down the ``head`` that ``zicht audit verify`` prints (or ship it to a
log server) and pass it back later with ``--head``.

Chains: appending to one chain must be serialised (read the last hash, insert, commit),
so one chain allows one audited commit at a time. On PostgreSQL a writer takes the first
free of ``CHAINS`` chains (a transaction-scoped advisory lock per chain), so concurrent
requests do not queue behind each other's commit; a lone writer always gets chain 0. On
SQLite writers are serialised by the database anyway and use chain 0 only.
"""

from __future__ import annotations

import base64
import datetime as dt
import getpass
import hashlib
import hmac
import json
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, bindparam, delete, select

from zicht.core.errors import ConfigError
from zicht.registry.crypto import FieldCipher
from zicht.registry.db import driver_of
from zicht.registry.models import AuditEntry, RegistryMeta, table_of

GENESIS = "0" * 64
CHAINS = 8  # PostgreSQL; see the module docstring
AUDIT_KEY = "audit_key"  # the registry_meta row holding the wrapped audit key
_WRAP_COLUMN = "registry_meta.audit_key"
_TABLE = table_of(AuditEntry)
_META = table_of(RegistryMeta)
_KEYS: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()


def bind_audit_key(conn: Connection, cipher: FieldCipher) -> bytes:
    """Load the registry's audit key (making it on first use) and bind it to the engine
    of ``conn``, so every audit write and check through that engine uses it."""
    stored = conn.scalar(select(_META.c.value).where(_META.c.name == AUDIT_KEY))
    if stored is None:
        key = cipher.audit_key
        conn.execute(_META.insert().values(name=AUDIT_KEY, value=_wrap(key, cipher)))
    else:
        key = _unwrap(stored, cipher)
    _KEYS[conn.engine] = key
    return key


def share_audit_key(source: Engine, target: Engine) -> None:
    """Bind ``source``'s audit key to another engine on the same registry."""
    if source in _KEYS:
        _KEYS[target] = _KEYS[source]


def rewrap_audit_key(conn: Connection, old: FieldCipher, new: FieldCipher) -> None:
    """Key rotation: the same audit key, wrapped under the new encryption key."""
    stored = conn.scalar(select(_META.c.value).where(_META.c.name == AUDIT_KEY))
    key = _unwrap(stored, old) if stored is not None else old.audit_key
    conn.execute(delete(_META).where(_META.c.name == AUDIT_KEY))
    conn.execute(_META.insert().values(name=AUDIT_KEY, value=_wrap(key, new)))
    _KEYS[conn.engine] = key


def _wrap(key: bytes, cipher: FieldCipher) -> str:
    blob = cipher.encrypt(_WRAP_COLUMN, key.hex())
    assert blob is not None
    return base64.b64encode(blob).decode()


def _unwrap(stored: str, cipher: FieldCipher) -> bytes:
    try:
        plain = cipher.decrypt(_WRAP_COLUMN, base64.b64decode(stored))
    except (ConfigError, ValueError):
        plain = None
    if plain is None:
        raise ConfigError("The audit key in registry_meta cannot be unwrapped with the "
                          "configured encryption key: it was replaced or damaged, so the "
                          "audit log cannot be trusted. Restore the registry from a backup.")
    return bytes.fromhex(plain)


def _key_of(conn: Connection) -> bytes:
    key = _KEYS.get(conn.engine)
    if key is None:
        raise ConfigError("No audit key is bound to this database connection: open the "
                          "registry with zicht.registry.open_registry (it loads the key).")
    return key


def cli_actor() -> str:
    """The actor name of a command-line user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in containers without /etc/passwd entry
        return "cli:unknown"


def hash_entry(key: bytes, chain: int, seq: int, at: str, actor: str, action: str,
               record_type: str, record_id: str, prev_hash: str) -> str:
    """The chained hash of one entry (HMAC-SHA256 over an unambiguous JSON list)."""
    payload = json.dumps([chain, seq, at, actor, action, record_type, record_id, prev_hash],
                         separators=(",", ":"), ensure_ascii=True)
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


# Statements built once: building (and cache-keying) them per call costs more than
# running them, on the API's one-report-per-request path.
# Chain c is the advisory lock (registry, c), the registry being its schema: advisory
# locks are database-wide, and registries in other schemas must not take our chains.
_REGISTRY_LOCK = "hashtext('zicht audit chain ' || current_schema())"
_TAKE_FREE_CHAIN = (
    # No ORDER BY: it would make PostgreSQL try (and take) every chain's lock before
    # sorting, serialising all writers. generate_series yields 0, 1, ... in order and
    # LIMIT stops at the first lock taken.
    f"SELECT c FROM generate_series(0, {CHAINS - 1}) AS c "
    f"WHERE pg_try_advisory_xact_lock({_REGISTRY_LOCK}, c) LIMIT 1")
_WAIT_FOR_CHAIN_0 = f"SELECT pg_advisory_xact_lock({_REGISTRY_LOCK}, 0)"
_LAST_OF_CHAIN = (select(_TABLE.c.seq, _TABLE.c.hash)
                  .where(_TABLE.c.chain == bindparam("chain"))
                  .order_by(_TABLE.c.seq.desc()).limit(1))
_INSERT_ENTRY = _TABLE.insert().returning(_TABLE.c.id)


def _take_chain(conn: Connection) -> int:
    """Lock a chain for this transaction: the first free one, else wait for chain 0."""
    if conn.dialect.name != "postgresql":
        return 0
    driver = driver_of(conn)  # one cheap statement, straight through the driver
    free = driver.execute(_TAKE_FREE_CHAIN).fetchone()
    if free is not None:
        return int(free[0])
    driver.execute(_WAIT_FOR_CHAIN_0)
    return 0


def append_audit(conn: Connection, *, actor: str, action: str, record_type: str,
                 record_id: str | int) -> int:
    """Append one entry inside the caller's transaction; returns its id.

    Call it last in a transaction: the chain's lock is held until commit.
    """
    key = _key_of(conn)
    chain = _take_chain(conn)
    last = conn.execute(_LAST_OF_CHAIN, {"chain": chain}).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    rid = str(record_id)
    entry_id: int = conn.execute(_INSERT_ENTRY, {
        "chain": chain, "seq": seq, "at": at, "actor": actor, "action": action,
        "record_type": record_type, "record_id": rid, "prev_hash": prev,
        "hash": hash_entry(key, chain, seq, at, actor, action, record_type, rid, prev),
    }).scalar_one()
    return entry_id


@dataclass(frozen=True)
class AuditEvent:
    """One entry to append: who did what to which record (never the content)."""

    actor: str
    action: str
    record_type: str
    record_id: str | int


def append_audit_many(conn: Connection, events: Sequence[AuditEvent]) -> None:
    """Append ``events`` in order as consecutive entries of one chain, in one INSERT.

    As :func:`append_audit` (call it last in the transaction), for a group of requests
    written together: one chain lock and one read of the chain's end for all of them.
    """
    if not events:
        return
    pg = conn.dialect.name == "postgresql"
    key = _key_of(conn)
    chain = _take_chain(conn)
    driver = driver_of(conn)
    if pg:  # straight through the driver: this runs for every group of API requests
        last = driver.execute("SELECT seq, hash FROM audit_log WHERE chain = %s "
                              "ORDER BY seq DESC LIMIT 1", (chain,)).fetchone()
    else:
        last = conn.execute(_LAST_OF_CHAIN, {"chain": chain}).first()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    rows = []
    for event in events:
        seq, rid = seq + 1, str(event.record_id)
        digest = hash_entry(key, chain, seq, at, event.actor, event.action, event.record_type,
                            rid, prev)
        rows.append({"chain": chain, "seq": seq, "at": at, "actor": event.actor,
                     "action": event.action, "record_type": event.record_type,
                     "record_id": rid, "prev_hash": prev, "hash": digest})
        prev = digest
    if pg:
        columns = list(rows[0])
        marks = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
        driver.execute(f"INSERT INTO audit_log ({', '.join(columns)}) VALUES {marks}",
                       [row[c] for row in rows for c in columns])
    else:
        conn.execute(_TABLE.insert(), rows)


@dataclass(frozen=True)
class AuditVerification:
    """The outcome of :func:`verify_audit`. ``head``: ``chain:hash`` of each chain's end."""

    entries: int
    head: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _parse_head(head: str) -> dict[int, str]:
    out = {}
    for part in head.replace(" ", "").split(","):
        chain, _, value = part.rpartition(":")
        out[int(chain or 0)] = value
    return out


def verify_audit(conn: Connection, *, expected_head: str | None = None) -> AuditVerification:
    """Walk every chain; report each entry whose place, link or hash does not hold.

    ``expected_head``: a ``head`` printed by an earlier verify; each of its hashes must
    still be in the log (entries appended since are fine; entries cut off are not).
    """
    key = _key_of(conn)
    problems: list[str] = []
    heads: dict[int, str] = {}
    seen: dict[int, set[str]] = {}
    wanted = _parse_head(expected_head) if expected_head else {}
    prev, expected_seq, chain, count = GENESIS, 1, None, 0
    rows = conn.execute(select(_TABLE).order_by(_TABLE.c.chain, _TABLE.c.seq)).yield_per(5_000)
    for row in rows:
        count += 1
        if row.chain != chain:
            chain, prev, expected_seq = row.chain, GENESIS, 1
        where = f"chain {row.chain} entry {row.seq} (id {row.id})"
        if row.seq != expected_seq:
            problems.append(f"{where}: expected entry {expected_seq}; "
                            f"{row.seq - expected_seq} entries before it are missing")
        if row.prev_hash != prev:
            problems.append(f"{where}: its prev_hash does not match the hash of the entry "
                            "before it (an entry was edited or deleted)")
        recomputed = hash_entry(key, row.chain, row.seq, row.at, row.actor, row.action,
                                row.record_type, row.record_id, row.prev_hash)
        if recomputed != row.hash:
            problems.append(f"{where}: its content does not match its hash (edited)")
        if row.chain in wanted:
            seen.setdefault(row.chain, set()).add(row.hash)
        prev, expected_seq = row.hash, row.seq + 1
        heads[row.chain] = row.hash
    for c, value in sorted(wanted.items()):
        if value not in seen.get(c, set()):
            problems.append(f"chain {c}: the noted head {value[:16]}... is no longer in the "
                            "log (entries were removed from the end, or the log replaced)")
    head = ",".join(f"{c}:{h}" for c, h in sorted(heads.items())) or f"0:{GENESIS}"
    return AuditVerification(entries=count, head=head, problems=problems)
