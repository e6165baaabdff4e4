"""An inquiry keeps a keyed digest of the request its Idempotency-Key was first used with, so
the key reused with another request is refused instead of answered with the first receipt.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows stored before hold no digest: a retry of one of them is answered as before.
    with op.batch_alter_table("inquiries") as batch:
        batch.add_column(sa.Column("idempotency_body", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inquiries") as batch:
        batch.drop_column("idempotency_body")
