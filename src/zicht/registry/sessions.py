"""Dashboard sessions kept in the registry, so signing out ends them for every worker.

The cookie carries a random token; only its SHA-256 is stored. A session is valid while
it is not signed out, not expired and its key not revoked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import Connection, delete, select, update

from zicht.core.roles import Role
from zicht.registry.access import Principal
from zicht.registry.models import ApiKey, DashboardSession, as_utc, table_of, utcnow

_SESSIONS = table_of(DashboardSession)
_KEYS = table_of(ApiKey)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(conn: Connection, principal: Principal, seconds: int) -> str:
    """Start a session for ``principal``; return its token (for the cookie only)."""
    now = utcnow()
    conn.execute(delete(_SESSIONS).where(_SESSIONS.c.expires_at < now))  # tidy as we go
    token = secrets.token_urlsafe(32)
    conn.execute(_SESSIONS.insert().values(id=_digest(token), key_id=principal.key_id,
                                           created_at=now,
                                           expires_at=now + dt.timedelta(seconds=seconds)))
    return token


def session_principal(conn: Connection, token: str) -> Principal | None:
    """The principal of a live session (None: signed out, expired, or key revoked)."""
    row = conn.execute(
        select(_SESSIONS.c.expires_at, _SESSIONS.c.revoked_at, _KEYS.c.id, _KEYS.c.role,
               _KEYS.c.org, _KEYS.c.revoked_at.label("key_revoked_at"))
        .join(_KEYS, _KEYS.c.id == _SESSIONS.c.key_id)
        .where(_SESSIONS.c.id == _digest(token))).first()
    if row is None or row.revoked_at is not None or row.key_revoked_at is not None:
        return None
    expires = as_utc(row.expires_at)
    if expires is None or expires <= utcnow():
        return None
    return Principal(key_id=row.id, role=Role(row.role), org=row.org)


def close_session(conn: Connection, token: str) -> None:
    """Sign out: the session's cookie no longer works, wherever it is replayed."""
    conn.execute(update(_SESSIONS).where(_SESSIONS.c.id == _digest(token))
                 .where(_SESSIONS.c.revoked_at.is_(None)).values(revoked_at=utcnow()))
