"""published documents: the signed trust list as last published, for a verifier-only process

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Only the full service holds the sector key that signs the trust list; it stores each
    # list it signs here, and a verifier-only process serves that copy while it is valid.
    op.create_table(
        "published_documents",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("valid_until", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("published_documents")
