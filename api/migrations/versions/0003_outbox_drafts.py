"""Outbox rows may hold a mail's draft, built into the message when it is sent.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows already queued hold complete messages and keep being sent as they are.
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("format", sa.String(16), nullable=False, server_default="rfc5322")
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("format")
