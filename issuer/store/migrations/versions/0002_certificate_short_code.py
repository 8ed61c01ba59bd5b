"""certificate short codes: a code a person can type instead of scanning the QR

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 08:00:00
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# A frozen copy of issuer.documents.short_code_for as it was when this migration was
# written (a migration must not change when the application code does).
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _short_code(public_id: str) -> str:
    number = int.from_bytes(hashlib.sha256(("kringloop-short-code:" + public_id).encode()).digest()[:8], "big") >> 4
    chars = "".join(_ALPHABET[(number >> (5 * i)) & 31] for i in range(11, -1, -1))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def upgrade() -> None:
    op.add_column("certificates", sa.Column("short_code", sa.String(length=14), nullable=True))
    op.create_index("ix_certificates_short_code", "certificates", ["short_code"], unique=True)
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, public_id FROM certificates WHERE short_code IS NULL")).all()
    for row_id, public_id in rows:
        connection.execute(
            sa.text("UPDATE certificates SET short_code = :code WHERE id = :id"),
            {"code": _short_code(public_id), "id": row_id},
        )


def downgrade() -> None:
    op.drop_index("ix_certificates_short_code", table_name="certificates")
    with op.batch_alter_table("certificates") as batch:
        batch.drop_column("short_code")
