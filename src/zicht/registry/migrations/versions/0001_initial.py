"""The first registry tables: organisations, reports (+ history), victims, keys, audit.

Revision ID: 0001_initial
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _report_fields() -> list[sa.Column[object]]:
    """The value columns shared by ``reports`` and ``report_history`` (see models.py)."""
    return [
        sa.Column("reporter", sa.String(32), nullable=False),
        sa.Column("police_unit", sa.String(32)),
        sa.Column("reporter_org", sa.String(200)),
        sa.Column("report_date", sa.Date, nullable=False),
        sa.Column("consent", sa.String(8)),
        sa.Column("anonymous", sa.Boolean, nullable=False),
        sa.Column("family_name_enc", sa.LargeBinary),
        sa.Column("given_names_enc", sa.LargeBinary),
        sa.Column("birth_date_enc", sa.LargeBinary),
        sa.Column("birth_year_enc", sa.LargeBinary),
        sa.Column("bsn_enc", sa.LargeBinary),
        sa.Column("bsn_hash", sa.String(64)),
        sa.Column("sex", sa.String(8)),
        sa.Column("nationality", sa.String(2)),
        sa.Column("nationality_2", sa.String(2)),
        sa.Column("forms", sa.String(100), nullable=False),
        sa.Column("sexual_sector", sa.String(32)),
        sa.Column("labour_sector", sa.String(300)),
        sa.Column("criminal_manner", sa.String(16)),
        sa.Column("municipality", sa.String(6)),
        sa.Column("dublin_indication", sa.Boolean),
        sa.Column("exploitation_start", sa.Date),
        sa.Column("exploitation_end", sa.Date),
        sa.Column("import_id", sa.String(36)),
        sa.Column("version", sa.Integer, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("reporter", sa.String(32), nullable=False),
        sa.Column("police_unit", sa.String(32)),
        sa.Column("name", sa.String(200)),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"),
                  nullable=False),
        sa.Column("report_ref", sa.String(100), nullable=False),
        *_report_fields(),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("erased_at", TZ),
        sa.UniqueConstraint("organisation_id", "report_ref", name="uq_reports_org_ref"),
    )
    op.create_index("ix_reports_bsn_hash", "reports", ["bsn_hash"])
    op.create_index("ix_reports_updated_at", "reports", ["updated_at"])
    op.create_table(
        "report_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"),
                  nullable=False),
        *_report_fields(),
        sa.Column("replaced_at", TZ, nullable=False),
    )
    op.create_index("ix_report_history_report_id", "report_history", ["report_id"])
    op.create_table(
        "victims",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "report_victim",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("victim_id", sa.Integer, sa.ForeignKey("victims.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("linked_at", TZ, nullable=False),
    )
    op.create_index("ix_report_victim_victim_id", "report_victim", ["victim_id"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("prefix", sa.String(32), nullable=False),
        sa.Column("hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("org", sa.String(100), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("chain", sa.SmallInteger, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("record_type", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(100), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("chain", "seq", name="uq_audit_log_chain_seq"),
    )
    _forbid_audit_changes()
    op.create_table(
        "registry_meta",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )


def _forbid_audit_changes() -> None:
    """Make audit_log append-only in the database itself (defence in depth; the hash
    chain still catches changes made by someone who can drop these triggers)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION zicht_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION zicht_audit_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS zicht_audit_append_only()")
    for table in ("registry_meta", "audit_log", "api_keys", "report_victim", "victims",
                  "report_history", "reports", "organisations"):
        op.drop_table(table)
