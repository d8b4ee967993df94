"""a campaign message's delivery keeps when its funnel attribution ends (sent_at + 7 days), so the funnel is
counted by the database

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

from datetime import timedelta

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


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("attributed_until")
