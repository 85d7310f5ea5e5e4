"""Dedupe: runs, the review queue, reviewer decisions and victim history.

Revision ID: 0002_dedupe
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_dedupe"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _report_fk(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"),
                     nullable=False)


def upgrade() -> None:
    op.create_table(
        "dedupe_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("backend", sa.String(16), nullable=False),
        sa.Column("n_reports", sa.Integer, nullable=False),
        sa.Column("n_linkable", sa.Integer, nullable=False),
        sa.Column("n_victims", sa.Integer, nullable=False),
        sa.Column("n_review", sa.Integer, nullable=False),
        sa.Column("trained", sa.Boolean, nullable=False),
        sa.Column("model_json", sa.Text),
    )
    op.create_table(
        "review_pairs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _report_fk("report_id_l"),
        _report_fk("report_id_r"),
        sa.Column("match_probability", sa.Float, nullable=False),
        sa.Column("linked", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("dedupe_runs.id"), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("report_id_l", "report_id_r", name="uq_review_pairs_pair"),
    )
    op.create_index("ix_review_pairs_status", "review_pairs", ["status"])
    op.create_table(
        "link_decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _report_fk("report_id_l"),
        _report_fk("report_id_r"),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("review_id", sa.Integer),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("decided_at", TZ, nullable=False),
        sa.Column("note", sa.String(500)),
        sa.Column("revoked_at", TZ),
    )
    op.create_index("ix_link_decisions_pair", "link_decisions", ["report_id_l", "report_id_r"])
    op.create_table(
        "victim_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("dedupe_runs.id")),
        sa.Column("at", TZ, nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("victim_id", sa.Integer, nullable=False),
        sa.Column("other_victim_id", sa.Integer),
        sa.Column("actor", sa.String(100), nullable=False),
    )
    op.create_index("ix_victim_events_victim_id", "victim_events", ["victim_id"])


def downgrade() -> None:
    for table in ("victim_events", "link_decisions", "review_pairs", "dedupe_runs"):
        op.drop_table(table)
