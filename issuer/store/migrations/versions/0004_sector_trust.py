"""sector trust registry: membership periods and the sector's own key (issue 9)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 09:10:00

Membership becomes a history of periods (``membership_periods``), backfilled here from
the columns that held only the current state (``membership``, ``member_since``,
``membership_changed_at``); those columns stay as the current state. Organisations get a
quality mark; the sector's own did:web keys get their table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BACKFILL_ACTOR = "migration 0004"


def upgrade() -> None:
    op.add_column("organisations", sa.Column("quality_mark", sa.String(length=16), server_default="geen",
                                             nullable=False))  # fmt: skip
    op.create_table(
        "membership_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_membership_periods_org", "membership_periods", ["organisation_id", "started_at"])
    op.create_table(
        "sector_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fragment", sa.String(length=64), nullable=False),
        sa.Column("verification_method", sa.String(length=400), nullable=False),
        sa.Column("public_key_multibase", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("compromised_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fragment"),
        sa.UniqueConstraint("verification_method"),
    )
    _backfill_periods()


def _backfill_periods() -> None:
    """One period per known state: active from ``member_since``; when the organisation is
    suspended or ended now, that state from ``membership_changed_at`` (or, unknown when,
    from ``member_since``: the old verifier refused every signature then, and so do we)."""
    bind = op.get_bind()
    organisations = sa.table(
        "organisations",
        sa.column("id", sa.Integer()),
        sa.column("membership", sa.String()),
        sa.column("member_since", sa.DateTime(timezone=True)),
        sa.column("membership_changed_at", sa.DateTime(timezone=True)),
    )
    periods = sa.table(
        "membership_periods",
        sa.column("organisation_id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("started_at", sa.DateTime(timezone=True)),
        sa.column("ended_at", sa.DateTime(timezone=True)),
        sa.column("reason", sa.Text()),
        sa.column("actor", sa.String()),
    )
    rows = []
    for org_id, membership, since, changed in bind.execute(
        sa.select(organisations.c.id, organisations.c.membership, organisations.c.member_since,
                  organisations.c.membership_changed_at).order_by(organisations.c.id)
    ):  # fmt: skip
        if membership == "active":
            rows.append({"organisation_id": org_id, "status": "active", "started_at": since, "ended_at": None})
            continue
        start = since
        if changed is not None and changed > since:
            rows.append({"organisation_id": org_id, "status": "active", "started_at": since, "ended_at": changed})
            start = changed
        rows.append({"organisation_id": org_id, "status": membership, "started_at": start, "ended_at": None})
    if rows:
        op.bulk_insert(periods, [{**row, "reason": None, "actor": BACKFILL_ACTOR} for row in rows])


def downgrade() -> None:
    op.drop_table("sector_keys")
    op.drop_index("ix_membership_periods_org", table_name="membership_periods")
    op.drop_table("membership_periods")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column in place (3.35+); a batch copy of the table would have to drop
        # "organisations", which every other table refers to.
        op.execute("ALTER TABLE organisations DROP COLUMN quality_mark")
    else:
        op.drop_column("organisations", "quality_mark")
