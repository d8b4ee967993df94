"""campaign messages: segments, messages, deliveries, daily contacts, opt-outs; a shopper's last launch; an
order event's category and amount as columns

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("last_launch_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("host_events") as batch:
        batch.add_column(sa.Column("category", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("amount_fen", sa.BigInteger(), nullable=True))
    _fill_order_columns()
    op.execute(  # a shopper's last launch before this release: their last session's start
        "UPDATE users SET last_launch_at = (SELECT max(auth_sessions.created_at) FROM auth_sessions"
        " WHERE auth_sessions.user_id = users.id) WHERE role = 'shopper'"
    )
    op.create_index("ix_host_events_user_type", "host_events", ["user", "type", "occurred_at"])
    _create_segments()
    _create_messages()


def _fill_order_columns() -> None:
    """The orders already received: their category and amount, from the event's body."""
    events = sa.table("host_events", sa.column("id"), sa.column("type"), sa.column("body_json"),
                      sa.column("category"), sa.column("amount_fen"))  # fmt: skip
    connection = op.get_bind()
    rows = connection.execute(sa.select(events.c.id, events.c.body_json).where(events.c.type == "order_paid")).all()
    for event_id, body_json in rows:
        body = json.loads(body_json)
        connection.execute(
            events.update()
            .where(events.c.id == event_id)
            .values(category=body.get("category"), amount_fen=body.get("amount_fen"))
        )


def _create_segments() -> None:
    op.create_table(
        "segments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("rules_json", sa.Text(), nullable=False),
        sa.Column("uploaded", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "segment_uploads",
        sa.Column("segment_id", sa.Integer(), sa.ForeignKey("segments.id"), primary_key=True),
        sa.Column("external_id", sa.String(length=64), primary_key=True),
    )


def _create_messages() -> None:
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("segment_id", sa.Integer(), sa.ForeignKey("segments.id"), nullable=False),
        sa.Column("config_json", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("cursor", sa.String(length=64), nullable=False),
        sa.Column("batches", sa.Integer(), nullable=False),
        sa.Column("next_batch_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("judged", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_messages_campaign_id", "messages", ["campaign_id"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("messages.id"), nullable=False),
        sa.Column("batch", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("variant", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("lease", sa.String(length=16), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("failing_since", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("visited_at", sa.DateTime(), nullable=True),
        sa.Column("played_at", sa.DateTime(), nullable=True),
        sa.Column("ordered_at", sa.DateTime(), nullable=True),
        sa.Column("sales_fen", sa.Integer(), nullable=False),
        sa.UniqueConstraint("message_id", "external_id"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["state", "next_attempt_at"])
    op.create_index("ix_deliveries_member", "deliveries", ["external_id", "message_id"])
    op.create_table(
        "contact_days",
        sa.Column("external_id", sa.String(length=64), primary_key=True),
        sa.Column("day", sa.String(length=10), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_table(
        "message_opt_outs",
        sa.Column("external_id", sa.String(length=64), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("message_opt_outs", "contact_days", "deliveries", "messages", "segment_uploads", "segments"):
        op.drop_table(table)
    op.drop_index("ix_host_events_user_type", table_name="host_events")
    with op.batch_alter_table("host_events") as batch:
        batch.drop_column("amount_fen")
        batch.drop_column("category")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_launch_at")
