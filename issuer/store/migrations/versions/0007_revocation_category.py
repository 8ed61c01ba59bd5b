"""revocation reason category: what a public page may say about why a certificate was revoked

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The free-text reason may name the holder or their situation, so it stays on staff pages;
    # the category is one of a fixed list that the public verify page can show.
    with op.batch_alter_table("certificates") as batch:
        batch.add_column(sa.Column("revocation_category", sa.String(length=32), nullable=True))
    op.execute(
        "UPDATE certificates SET revocation_category = CASE WHEN revocation_reason = 'key_compromised' "
        "THEN 'key_compromised' ELSE 'other' END WHERE revoked_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("certificates") as batch:
        batch.drop_column("revocation_category")
