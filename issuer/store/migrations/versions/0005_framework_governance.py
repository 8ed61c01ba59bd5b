"""competence framework governance: versions and proposals (issue 9)

The shared competence framework gets published versions: ``framework_versions`` (one
row per version: a draft until the sector admin publishes it, then never changed), and
the ``competences`` table keeps one row per (code, version), so every version is a
complete snapshot. Each certificate records the framework version it was issued under
(existing certificates were all issued under version 1). Member organisations propose
local competences in ``competence_proposals``; the sector admin adopts or declines them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:10:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "framework_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=300), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    op.create_table(
        "competence_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("proposed_by", sa.String(length=300), nullable=False),
        sa.Column("group", sa.String(length=32), nullable=False),
        sa.Column("name_nl", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("description_nl", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=True),
        sa.Column("criteria_nl", sa.Text(), nullable=False),
        sa.Column("criteria_en", sa.Text(), nullable=True),
        sa.Column("esco", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=300), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("adopted_code", sa.String(length=64), nullable=True),
        sa.Column("adopted_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.add_column("certificates", sa.Column("framework_version", sa.String(length=16), nullable=True))
    # Every certificate issued before this revision was issued under the shipped version 1.
    op.execute("UPDATE certificates SET framework_version = '1'")
    with op.batch_alter_table("certificates") as batch:
        batch.alter_column("framework_version", existing_type=sa.String(length=16), nullable=False)
    # A database that already holds the shipped catalogue holds version 1, published. (An
    # empty one gets the row when `credentials init` loads the catalogue; a restore brings
    # its own rows.)
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM competences WHERE version = '1'")).scalar_one():
        versions = sa.table(
            "framework_versions",
            sa.column("number", sa.Integer()),
            sa.column("state", sa.String()),
            sa.column("note", sa.Text()),
            sa.column("created_at", sa.DateTime(timezone=True)),
            sa.column("created_by", sa.String()),
            sa.column("published_at", sa.DateTime(timezone=True)),
            sa.column("published_by", sa.String()),
        )
        moment = datetime.now(UTC).replace(microsecond=0)
        op.bulk_insert(
            versions,
            [
                {
                    "number": 1,
                    "state": "published",
                    "note": "Eerste versie van het competentiekader (meegeleverd met de dienst).",
                    "created_at": moment,
                    "created_by": "catalogue",
                    "published_at": moment,
                    "published_by": "catalogue",
                }
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("certificates") as batch:
        batch.drop_column("framework_version")
    op.drop_table("competence_proposals")
    op.drop_table("framework_versions")
