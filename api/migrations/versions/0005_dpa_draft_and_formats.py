"""A DPA record says whether the agreement was a draft and holds the SHA-256 of each format
made in its generation (.docx always, PDF where LibreOffice converted it).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dpa_records") as batch:
        batch.add_column(
            sa.Column("draft", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("docx_sha256", sa.String(64), nullable=True))
        batch.add_column(sa.Column("pdf_sha256", sa.String(64), nullable=True))
    # Records issued before hold one file's hash, that of the format they were issued in.
    records = sa.table(
        "dpa_records",
        sa.column("format", sa.String),
        sa.column("output_sha256", sa.String),
        sa.column("docx_sha256", sa.String),
        sa.column("pdf_sha256", sa.String),
    )
    for fmt, column in (("docx", records.c.docx_sha256), ("pdf", records.c.pdf_sha256)):
        op.execute(
            records.update()
            .where(records.c.format == fmt)
            .values({column.name: records.c.output_sha256})
        )


def downgrade() -> None:
    with op.batch_alter_table("dpa_records") as batch:
        batch.drop_column("pdf_sha256")
        batch.drop_column("docx_sha256")
        batch.drop_column("draft")
