"""Outbox rows may hold a mail's draft, built into the message when it is sent; a sent row
keeps its Message-ID and the SHA-256 of the bytes handed to the SMTP server.

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
        batch.add_column(sa.Column("message_id", sa.String(255), nullable=True))
        batch.add_column(sa.Column("sent_sha256", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("sent_sha256")
        batch.drop_column("message_id")
        batch.drop_column("format")
