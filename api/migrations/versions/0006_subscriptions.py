"""Subscriptions to subprocessor changes, the proof of each notice, and lookup keys.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.db.base import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lookup_keys",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("key_enc", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_lookup_keys")),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("email_enc", sa.Text(), nullable=True),
        sa.Column("email_digest", sa.String(64), nullable=True),
        sa.Column("canonical_digest", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(), nullable=True),
        sa.Column("unsubscribed_at", UTCDateTime(), nullable=True),
        sa.Column("confirm_token_hash", sa.String(64), nullable=True),
        sa.Column("confirm_expires_at", UTCDateTime(), nullable=True),
        sa.Column("confirm_language", sa.String(2), nullable=True),
        sa.Column("unsubscribe_token_hash", sa.String(64), nullable=False),
        sa.Column("unsubscribe_token_enc", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint("reference", name=op.f("uq_subscriptions_reference")),
        sa.UniqueConstraint("email_digest", name=op.f("uq_subscriptions_email_digest")),
        sa.UniqueConstraint("confirm_token_hash", name=op.f("uq_subscriptions_confirm_token_hash")),
        sa.UniqueConstraint(
            "unsubscribe_token_hash", name=op.f("uq_subscriptions_unsubscribe_token_hash")
        ),
    )
    op.create_index(op.f("ix_subscriptions_status"), "subscriptions", ["status"])
    op.create_index(
        op.f("ix_subscriptions_canonical_digest"), "subscriptions", ["canonical_digest"]
    )
    op.create_index(op.f("ix_subscriptions_created_at"), "subscriptions", ["created_at"])
    op.create_table(
        "subscription_throttle",
        sa.Column("canonical_digest", sa.String(64), nullable=False),
        sa.Column("last_sent_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("canonical_digest", name=op.f("pk_subscription_throttle")),
    )
    op.create_index(
        op.f("ix_subscription_throttle_last_sent_at"), "subscription_throttle", ["last_sent_at"]
    )
    op.create_table(
        "subscription_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=True),
        sa.Column("subscriber_digest", sa.String(64), nullable=False),
        sa.Column("change_key", sa.String(128), nullable=False),
        sa.Column("subprocessor", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("notice_date", sa.Date(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("queued_at", UTCDateTime(), nullable=False),
        sa.Column("handed_at", UTCDateTime(), nullable=True),
        sa.Column("sent_sha256", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name=op.f("fk_subscription_notices_subscription_id_subscriptions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name=op.f("fk_subscription_notices_outbox_id_outbox"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription_notices")),
        sa.UniqueConstraint(
            "subscription_id",
            "change_key",
            name=op.f("uq_subscription_notices_subscription_id"),
        ),
    )
    op.create_index(
        op.f("ix_subscription_notices_subscription_id"),
        "subscription_notices",
        ["subscription_id"],
    )
    op.create_index(
        op.f("ix_subscription_notices_subscriber_digest"),
        "subscription_notices",
        ["subscriber_digest"],
    )
    op.create_index(
        op.f("ix_subscription_notices_change_key"), "subscription_notices", ["change_key"]
    )
    op.create_index(
        op.f("ix_subscription_notices_outbox_id"), "subscription_notices", ["outbox_id"]
    )


def downgrade() -> None:
    op.drop_table("subscription_notices")
    op.drop_table("subscription_throttle")
    op.drop_table("subscriptions")
    op.drop_table("lookup_keys")
