"""period closing: a period is closed (checkpointed, seed revealed) once no draw of it can commit; each
shopper's nonce is unique in a period; a player remembers when its current period started

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("seed_periods", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("players", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period_starts_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("draw_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nonce", sa.BigInteger(), nullable=True))
    _backfill()
    with op.batch_alter_table("draw_records", schema=None) as batch_op:
        batch_op.alter_column("nonce", existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_index(
            "uq_draw_records_period_user_nonce", ["campaign_id", "period_key", "user_id", "nonce"], unique=True
        )


def _backfill() -> None:
    """Nonces from the records' JSON; periods that already have a checkpoint are closed when it was published."""
    connection = op.get_bind()
    records = connection.execute(sa.text("SELECT id, record_json FROM draw_records")).all()
    for record_id, record_json in records:
        nonce = json.loads(record_json)["nonce"]
        connection.execute(sa.text("UPDATE draw_records SET nonce = :n WHERE id = :id"), {"n": nonce, "id": record_id})
    connection.execute(
        sa.text(
            "UPDATE seed_periods SET closed_at = (SELECT c.published_at FROM chain_checkpoints c"
            " WHERE c.campaign_id = seed_periods.campaign_id AND c.period_key = seed_periods.key)"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("draw_records", schema=None) as batch_op:
        batch_op.drop_index("uq_draw_records_period_user_nonce")
        batch_op.drop_column("nonce")
    with op.batch_alter_table("players", schema=None) as batch_op:
        batch_op.drop_column("period_starts_at")
    with op.batch_alter_table("seed_periods", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
