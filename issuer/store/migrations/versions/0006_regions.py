"""labour-market regions and regional figures (issue 9)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 09:10:00

The 35 labour-market regions become data: a ``regions`` table seeded from the shipped
``issuer/catalogue/arbeidsmarktregios.csv``, and ``shops.region_id`` pointing at it. A
shop's free-text ``region`` that names a region (spelling, case, spaces and hyphens do not
matter: "Food Valley" is "Foodvalley") is linked and its text cleared; any other text is
kept as it was, so the sector admin sees it on the regions page and can fix it. Nothing
is lost: the downgrade writes the linked region's name back into the text column.

The name matching is frozen here (a migration must not change when the application does);
``tests/issuer/test_regions.py`` checks it still agrees with :mod:`issuer.regions`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

REGIONS_CSV = Path(__file__).resolve().parents[3] / "catalogue" / "arbeidsmarktregios.csv"
FK_NAME = "fk_shops_region_id_regions"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _code(name: str) -> str:
    """The region's key in links and files: "Zaanstreek/Waterland" is ``zaanstreek-waterland``."""
    return re.sub(r"[^a-z0-9]+", "-", _ascii(name).lower()).strip("-")[:64]


def _match_key(name: str) -> str:
    """What two spellings of one region share: letters and digits only, without a leading
    "arbeidsmarktregio" or "regio" ("Regio Zwolle" and "Zwolle" are the same region)."""
    key = re.sub(r"[^a-z0-9]+", "", _ascii(name).casefold())
    for prefix in ("arbeidsmarktregio", "regio"):
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


def _seed_rows() -> list[dict[str, object]]:
    moment = datetime.now(UTC).replace(microsecond=0)
    with REGIONS_CSV.open(encoding="utf-8-sig", newline="") as handle:
        return [
            {
                "code": _code(row["name"]),
                "name": row["name"].strip(),
                "in_partnership": row["in_sector_partnership_2024"].strip() == "yes",
                "created_at": moment,
                "updated_at": moment,
            }
            for row in csv.DictReader(handle)
        ]


def upgrade() -> None:
    regions = op.create_table(
        "regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("in_partnership", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("name"),
    )
    op.bulk_insert(regions, _seed_rows())
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite cannot add a constraint to a table, but it can add a column that carries one;
        # rebuilding the table (batch mode) would trip over the rows pointing at the shops.
        op.execute("ALTER TABLE shops ADD COLUMN region_id INTEGER REFERENCES regions (id)")
    else:
        op.add_column("shops", sa.Column("region_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK_NAME, "shops", "regions", ["region_id"], ["id"])
    op.create_index("ix_shops_region_id", "shops", ["region_id"])
    _link_shops(bind)


def _link_shops(bind: sa.Connection) -> None:
    by_key = {_match_key(name): region_id for region_id, name in bind.execute(sa.text("SELECT id, name FROM regions"))}
    shops = bind.execute(sa.text("SELECT id, region FROM shops WHERE region IS NOT NULL")).all()
    for shop_id, text in shops:
        region_id = by_key.get(_match_key(text)) if text.strip() else None
        if region_id is not None:
            bind.execute(
                sa.text("UPDATE shops SET region_id = :region, region = NULL WHERE id = :shop"),
                {"region": region_id, "shop": shop_id},
            )
        elif not text.strip():
            bind.execute(sa.text("UPDATE shops SET region = NULL WHERE id = :shop"), {"shop": shop_id})


def downgrade() -> None:
    # The linked region's name goes back into the free-text column: no shop loses its region.
    op.execute(
        "UPDATE shops SET region = (SELECT name FROM regions WHERE regions.id = shops.region_id) "
        "WHERE region_id IS NOT NULL"
    )
    op.drop_index("ix_shops_region_id", table_name="shops")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE shops DROP COLUMN region_id")
    else:
        op.drop_constraint(FK_NAME, "shops", type_="foreignkey")
        op.drop_column("shops", "region_id")
    op.drop_table("regions")
