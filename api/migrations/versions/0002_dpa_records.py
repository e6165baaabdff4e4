"""Records of issued DPAs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.db.base import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dpa_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("template_version", sa.String(64), nullable=False),
        sa.Column("template_sha256", sa.String(64), nullable=False),
        sa.Column("data_version", sa.String(32), nullable=False),
        sa.Column("data_sha256", sa.String(64), nullable=False),
        sa.Column("output_sha256", sa.String(64), nullable=False),
        sa.Column("processing", sa.Text(), nullable=False),
        sa.Column("special_categories", sa.Boolean(), nullable=False),
        sa.Column("customer_enc", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpa_records")),
        sa.UniqueConstraint("reference", name=op.f("uq_dpa_records_reference")),
    )
    op.create_index(op.f("ix_dpa_records_issued_at"), "dpa_records", ["issued_at"])


def downgrade() -> None:
    op.drop_table("dpa_records")
