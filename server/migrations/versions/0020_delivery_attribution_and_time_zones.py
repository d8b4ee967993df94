"""a campaign message's delivery keeps when its funnel attribution ends (sent_at + 7 days), so the funnel is
counted by the database, the local day whose contact under the daily cap it took (a delivery held past that day
takes one of the day it is sent) and its member's time zone; a shopper's time zone (the launch's tz claim)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

ATTRIBUTION = timedelta(days=7)  # games.messages.rules.ATTRIBUTION when this revision was written


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("attributed_until", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("contact_day", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
    _fill_contact_days()
    deliveries = sa.table("deliveries", sa.column("id"), sa.column("sent_at", sa.DateTime()),
                          sa.column("attributed_until", sa.DateTime()))  # fmt: skip
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute("UPDATE deliveries SET attributed_until = sent_at + interval '7 days' WHERE sent_at IS NOT NULL")
        return
    sent = connection.execute(sa.select(deliveries.c.id, deliveries.c.sent_at).where(deliveries.c.sent_at.is_not(None)))
    for delivery_id, sent_at in sent.all():
        connection.execute(
            deliveries.update().where(deliveries.c.id == delivery_id).values(attributed_until=sent_at + ATTRIBUTION)
        )


def _fill_contact_days() -> None:
    """The deliveries still queued took their contact on the day they were batched (the campaign's local day)."""
    deliveries = sa.table("deliveries", sa.column("id"), sa.column("message_id"), sa.column("state"),
                          sa.column("created_at", sa.DateTime()), sa.column("contact_day"))  # fmt: skip
    messages = sa.table("messages", sa.column("id"), sa.column("campaign_id"))
    campaigns = sa.table("campaigns", sa.column("id"), sa.column("timezone"))
    connection = op.get_bind()
    queued = connection.execute(
        sa.select(deliveries.c.id, deliveries.c.created_at, campaigns.c.timezone)
        .join(messages, messages.c.id == deliveries.c.message_id)
        .join(campaigns, campaigns.c.id == messages.c.campaign_id)
        .where(deliveries.c.state == "queued")
    ).all()
    for delivery_id, created_at, timezone in queued:
        day = created_at.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).date().isoformat()
        connection.execute(deliveries.update().where(deliveries.c.id == delivery_id).values(contact_day=day))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("timezone")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("timezone")
        batch.drop_column("contact_day")
        batch.drop_column("attributed_until")
