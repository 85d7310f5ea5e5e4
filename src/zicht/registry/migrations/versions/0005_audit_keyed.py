"""Security operations: stored key prefixes lose their secret characters.

``api_keys.prefix`` held the first 20 characters of a key, ``zk_<12-hex id>_`` and 4
characters of its secret; it now holds ``zk_<id>`` only (``zicht.registry.keys``). The
keyed audit chain of the same change needs no schema change: its key is kept wrapped in
``registry_meta`` (``zicht.registry.audit``).

Revision ID: 0005_audit_keyed
Revises: 0003_dedupe_incremental (0004_organisation_scope after the merge)
"""

from __future__ import annotations

from alembic import op

revision = "0005_audit_keyed"
down_revision = "0004_organisation_scope"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # "zk_" + the id: the id is what follows "zk_" up to the next "_".
    op.execute("UPDATE api_keys SET prefix = 'zk_' || id WHERE prefix <> 'zk_' || id")


def downgrade() -> None:
    pass  # the secret characters are gone for good, as intended
