"""Inquiries and the mail outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.db.base import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inquiries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("request_type", sa.String(32), nullable=False),
        sa.Column("requester_role", sa.String(32), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("due_by", sa.Date(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("idempotency_key", sa.String(64), nullable=True),
        sa.Column("name_enc", sa.Text(), nullable=False),
        sa.Column("email_enc", sa.Text(), nullable=False),
        sa.Column("company_enc", sa.Text(), nullable=True),
        sa.Column("message_enc", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiries")),
        sa.UniqueConstraint("reference", name=op.f("uq_inquiries_reference")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_inquiries_idempotency_key")),
    )
    op.create_index(op.f("ix_inquiries_status"), "inquiries", ["status"])
    op.create_index(op.f("ix_inquiries_due_by"), "inquiries", ["due_by"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("reference", sa.String(64), nullable=True),
        sa.Column("inquiry_id", sa.Integer(), nullable=True),
        sa.Column("message_enc", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_until", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_outbox_inquiry_id_inquiries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index(op.f("ix_outbox_reference"), "outbox", ["reference"])
    op.create_index(op.f("ix_outbox_inquiry_id"), "outbox", ["inquiry_id"])
    op.create_index(op.f("ix_outbox_status"), "outbox", ["status"])
    op.create_index(op.f("ix_outbox_next_attempt_at"), "outbox", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("inquiries")
