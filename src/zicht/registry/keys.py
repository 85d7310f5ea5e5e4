"""API keys: created once, stored as an argon2id hash, checked on every request.

A key reads ``zk_<id>_<secret>``. ``id`` is public (it names the key in lists and in
the audit log); only the argon2 hash of the whole key is stored. Argon2 is slow on
purpose, so a key verified once is remembered in memory (:class:`KeyVerifier`) by a
SHA-256 of the key; revocation is still checked against the database on every request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, bindparam, select

from zicht.core.config import Settings, get_settings
from zicht.core.errors import AuthenticationError, NotFoundError, TooManyRequests
from zicht.core.roles import Role
from zicht.registry.access import Principal, check_org
from zicht.registry.audit import append_audit
from zicht.registry.models import ApiKey, as_utc, table_of, utcnow
from zicht.registry.throttle import FailureWindow

_HASHER = PasswordHasher()
_TABLE = table_of(ApiKey)
_KEY_BY_ID = select(_TABLE).where(_TABLE.c.id == bindparam("key_id"))  # built once: hot path


@dataclass(frozen=True)
class KeyInfo:
    """A stored key, without its secret."""

    id: str
    prefix: str
    role: str
    org: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def key_prefix(key_id: str) -> str:
    """How a key starts, to recognise it (``zk_<id>``): its public id, no secret character."""
    return f"zk_{key_id}"


def create_key(conn: Connection, *, role: Role | str, org: str, actor: str,
               hasher: PasswordHasher = _HASHER) -> tuple[KeyInfo, str]:
    """Create a key; return its info and the key itself (shown once, never stored).

    ``hasher``: the argon2 parameters (default: argon2-cffi's RFC 9106 low-memory
    profile); tests pass a cheap one. Verification reads the parameters from the hash.
    """
    role = Role(role)
    org = check_org(role, org)
    key_id = secrets.token_hex(6)
    key = f"zk_{key_id}_{secrets.token_urlsafe(32)}"
    info = KeyInfo(id=key_id, prefix=key_prefix(key_id), role=role.value, org=org,
                   created_at=utcnow(), revoked_at=None)
    conn.execute(_TABLE.insert().values(
        id=info.id, prefix=info.prefix, hash=hasher.hash(key), role=info.role, org=org,
        created_at=info.created_at,
    ))
    append_audit(conn, actor=actor, action="key.create", record_type="api_key",
                 record_id=key_id)
    return info, key


def list_keys(conn: Connection) -> list[KeyInfo]:
    """Every key, newest first (secrets are never stored, so never listed)."""
    rows = conn.execute(select(_TABLE).order_by(_TABLE.c.created_at.desc())).all()
    return [KeyInfo(id=r.id, prefix=r.prefix, role=r.role, org=r.org,
                    created_at=as_utc(r.created_at) or r.created_at,
                    revoked_at=as_utc(r.revoked_at)) for r in rows]


def revoke_key(conn: Connection, key_id: str, *, actor: str) -> None:
    """Revoke a key by id; it stops working on the next request."""
    done = conn.execute(_TABLE.update().where(_TABLE.c.id == key_id)
                        .where(_TABLE.c.revoked_at.is_(None)).values(revoked_at=utcnow()))
    if done.rowcount == 0:
        raise NotFoundError(f"No active API key with id {key_id}. "
                            "See `zicht keys list` for the ids.")
    append_audit(conn, actor=actor, action="key.revoke", record_type="api_key",
                 record_id=key_id)


class KeyVerifier:
    """Checks presented keys; remembers argon2 successes so each key costs one hash.

    Argon2 is slow and memory-hard on purpose, so wrong keys must not become a denial of
    service: at most ``max_concurrent`` verifications run at once (a request that cannot
    get a slot within ``queue_seconds`` is answered 429), and after too many failures per
    key id or per client address (:class:`FailureWindow`) a caller is answered 429 with
    ``Retry-After`` before any hashing. A key already verified by this process still
    passes while its id or address is blocked (a SHA-256 comparison, no argon2), so an
    attacker who knows a public key id cannot lock out its signed-in owner.
    """

    def __init__(self, settings: Settings | None = None, *,
                 queue_seconds: float = 5.0) -> None:
        settings = settings or get_settings()
        self._verified: dict[str, str] = {}  # key id -> sha256 of the verified key
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max(1, settings.auth_max_concurrent))
        self._queue_seconds = queue_seconds
        window = settings.auth_failure_window_seconds
        self.by_key = FailureWindow(settings.auth_failures_per_key, window)
        self.by_address = FailureWindow(settings.auth_failures_per_address, window)

    def authenticate(self, conn: Connection, presented: str | None,
                     client: str | None = None) -> Principal:
        """The principal of a valid, unrevoked key; else AuthenticationError (401), or
        TooManyRequests (429) when this key id or ``client`` address failed too often."""
        refused = AuthenticationError(
            "No valid API key. Send `Authorization: Bearer KEY` with a key made by "
            "`zicht keys create`."
        )
        address = client or "unknown"
        if not presented:
            raise refused  # no key at all: nothing guessed, nothing to throttle
        if not presented.startswith("zk_") or presented.count("_") < 2:
            self._refuse_if_blocked(self.by_address, address, "this address")
            self.by_address.fail(address)
            raise refused
        key_id = presented[3:].split("_", 1)[0]
        row = conn.execute(_KEY_BY_ID, {"key_id": key_id}).first()
        digest = hashlib.sha256(presented.encode()).hexdigest()
        with self._lock:
            known = self._verified.get(key_id)
        if row is None or row.revoked_at is not None:
            self._refuse_if_blocked(self.by_address, address, "this address")
            self.by_address.fail(address)
            raise refused
        if known is None or not hmac.compare_digest(known, digest):
            self._refuse_if_blocked(self.by_address, address, "this address")
            self._refuse_if_blocked(self.by_key, key_id, f"key {key_id}")
            if not self._verify(row.hash, presented):
                self.by_key.fail(key_id)
                self.by_address.fail(address)
                raise refused
            with self._lock:
                self._verified[key_id] = digest
        return Principal(key_id=key_id, role=Role(row.role), org=row.org)

    def _verify(self, stored: str, presented: str) -> bool:
        if not self._slots.acquire(timeout=self._queue_seconds):
            raise TooManyRequests("Too many key checks are running; try again shortly.",
                                  retry_after=1)
        try:
            _HASHER.verify(stored, presented)
            return True
        except (VerificationError, InvalidHashError):
            return False
        finally:
            self._slots.release()

    @staticmethod
    def _refuse_if_blocked(window: FailureWindow, name: str, who: str) -> None:
        wait = window.retry_after(name)
        if wait is not None:
            raise TooManyRequests(f"Too many failed attempts for {who}; try again in "
                                  f"{wait} s with a valid key.", retry_after=wait)
