"""Organisation scope: one organisation per ``other`` / ``care_coordinator`` sender.

Before, every report of reporter code ``other`` (and every one of ``care_coordinator``)
belonged to one shared organisation, so any such key read, re-sent and erased the
others' reports. Upgrade: each of those reports moves to the organisation named by its
``reporter_org`` (``other:<slug>``, the rule of ``zicht.registry.organisations.derive_org``
frozen here), or to ``<code>:unassigned`` when it names none; reporter keys of the bare
codes are revoked (they named no single organisation; make new ones with
``zicht keys create --role reporter --org other:<id>``).

Also: the table ``dashboard_sessions`` (server-side dashboard sessions, so a sign-out
ends a session for good; issue 12, finding 15).

Revision ID: 0004_organisation_scope
Revises: 0003_dedupe_incremental
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0004_organisation_scope"
down_revision = "0003_dedupe_incremental"
branch_labels = None
depends_on = None

_SHARED = ("other", "care_coordinator")


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:46].rstrip("-")


def upgrade() -> None:
    op.create_table(
        "dashboard_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    conn = op.get_bind()
    orgs = sa.table("organisations", sa.column("id", sa.Integer), sa.column("code", sa.String),
                    sa.column("reporter", sa.String), sa.column("police_unit", sa.String),
                    sa.column("created_at", sa.DateTime(timezone=True)))
    reports = sa.table("reports", sa.column("id", sa.Integer),
                       sa.column("organisation_id", sa.Integer),
                       sa.column("reporter_org", sa.String))
    keys = sa.table("api_keys", sa.column("role", sa.String), sa.column("org", sa.String),
                    sa.column("revoked_at", sa.DateTime(timezone=True)))
    now = dt.datetime.now(dt.UTC)
    for shared_id, code in conn.execute(sa.select(orgs.c.id, orgs.c.code)
                                        .where(orgs.c.code.in_(_SHARED))).all():
        ids: dict[str, int] = {}
        rows = conn.execute(sa.select(reports.c.id, reports.c.reporter_org)
                            .where(reports.c.organisation_id == shared_id)).all()
        for report_id, reporter_org in rows:
            new_code = f"{code}:{_slug(reporter_org or '') or 'unassigned'}"
            if new_code not in ids:
                ids[new_code] = conn.execute(orgs.insert().values(
                    code=new_code, reporter=code, police_unit=None, created_at=now)
                    .returning(orgs.c.id)).scalar_one()
            conn.execute(reports.update().where(reports.c.id == report_id)
                         .values(organisation_id=ids[new_code]))
        conn.execute(orgs.delete().where(orgs.c.id == shared_id))
    conn.execute(keys.update().where(keys.c.role == "reporter")
                 .where(keys.c.org.in_(_SHARED)).where(keys.c.revoked_at.is_(None))
                 .values(revoked_at=now))


def downgrade() -> None:
    """Back to one organisation per code (fails if two organisations share a report_ref)."""
    op.drop_table("dashboard_sessions")
    conn = op.get_bind()
    for code in _SHARED:
        ids = [r[0] for r in conn.execute(sa.text(
            "SELECT id FROM organisations WHERE code LIKE :p"), {"p": f"{code}:%"})]
        if not ids:
            continue
        shared = conn.execute(sa.text(
            "INSERT INTO organisations (code, reporter, created_at) VALUES (:c, :c, :t) "
            "RETURNING id"), {"c": code, "t": dt.datetime.now(dt.UTC)}).scalar_one()
        for oid in ids:
            conn.execute(sa.text("UPDATE reports SET organisation_id = :s "
                                 "WHERE organisation_id = :o"), {"s": shared, "o": oid})
            conn.execute(sa.text("DELETE FROM organisations WHERE id = :o"), {"o": oid})
