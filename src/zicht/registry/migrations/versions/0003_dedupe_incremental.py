"""Dedupe incremental re-runs: the scored pairs and report fingerprints of the last run.

Revision ID: 0003_dedupe_incremental
Revises: 0002_dedupe
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_dedupe_incremental"
down_revision = "0002_dedupe"
branch_labels = None
depends_on = None


def _report_fk(name: str, primary_key: bool = True) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"),
                     nullable=False, primary_key=primary_key)


def upgrade() -> None:
    op.add_column("dedupe_runs", sa.Column("mode", sa.String(16)))
    op.create_table(
        "dedupe_pairs",
        _report_fk("report_id_l"),
        _report_fk("report_id_r"),
        sa.Column("log2_bayes_factor", sa.Float, nullable=False),
    )
    op.create_table(
        "dedupe_seen",
        _report_fk("report_id"),
        sa.Column("fingerprint", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dedupe_seen")
    op.drop_table("dedupe_pairs")
    with op.batch_alter_table("dedupe_runs") as batch:
        batch.drop_column("mode")
