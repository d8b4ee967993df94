"""counter buckets: a prize's stock, a campaign's budget and its days' spend become counters of 16 buckets
(what each used so far moves into bucket 0, the others start empty and take a share on first need); an
index for a period's last record and one for purging idempotency keys; draw records are added unsealed
(no sequence number or hash until the log seals them); the dashboard's tallies and draws per minute

Revision ID: 0008
Revises: 0007_auth
Create Date: 2026-12-05
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007_auth"
branch_labels = None
depends_on = None

BUCKETS = 16


def upgrade() -> None:
    op.create_table(
        "counter_buckets",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("counter", sa.String(length=80), nullable=False),
        sa.Column("bucket", sa.SmallInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("used", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "counter", "bucket"),
    )
    _move_counters()
    op.drop_table("budget_days")
    op.drop_table("stocks")
    with op.batch_alter_table("budgets", schema=None) as batch_op:
        batch_op.drop_column("spent_fen")
    with op.batch_alter_table("draw_records", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=True)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=True)
    op.create_index("ix_draw_records_period_seq", "draw_records", ["campaign_id", "period_key", "seq"])
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])
    op.create_index(
        "ix_draw_records_unsealed",
        "draw_records",
        ["campaign_id"],
        postgresql_where=sa.text("seq IS NULL"),
        sqlite_where=sa.text("seq IS NULL"),
    )
    _create_tallies()


def _create_tallies() -> None:
    """The dashboard's tallies, counted once from the log (every record so far is sealed)."""
    op.create_table(
        "draw_tallies",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "name"),
    )
    op.create_table(
        "draw_minutes",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("minute", sa.DateTime(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "minute"),
    )
    with op.batch_alter_table("players", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drew", sa.Boolean(), nullable=False, server_default=sa.false()))
    connection = op.get_bind()
    for statement in (
        "INSERT INTO draw_tallies SELECT campaign_id, 'draws', COUNT(*) FROM draw_records GROUP BY campaign_id",
        "INSERT INTO draw_tallies SELECT campaign_id, 'players', COUNT(DISTINCT user_id) FROM draw_records"
        " GROUP BY campaign_id",
        "INSERT INTO draw_tallies SELECT campaign_id, 'granted:' || granted_key, COUNT(*) FROM draw_records"
        " WHERE granted_key IS NOT NULL GROUP BY campaign_id, granted_key",
        "INSERT INTO draw_tallies SELECT campaign_id, 'fallback:' || fallback_reason, COUNT(*) FROM draw_records"
        " WHERE fallback_reason IS NOT NULL GROUP BY campaign_id, fallback_reason",
        "UPDATE players SET drew = true WHERE EXISTS (SELECT 1 FROM draw_records d"
        " WHERE d.campaign_id = players.campaign_id AND d.user_id = players.user_id)",
    ):
        connection.execute(sa.text(statement))
    minutes = connection.execute(sa.text("SELECT campaign_id, created_at FROM draw_records")).all()
    counted: dict[tuple[int, object], int] = {}
    for campaign, created in minutes:
        minute = (created if not isinstance(created, str) else _parsed(created)).replace(second=0, microsecond=0)
        counted[campaign, minute] = counted.get((campaign, minute), 0) + 1
    insert = sa.text("INSERT INTO draw_minutes VALUES (:campaign, :minute, :count)")
    for (campaign, minute), count in counted.items():
        connection.execute(insert, {"campaign": campaign, "minute": minute, "count": count})


def _parsed(stamp: str) -> datetime:
    """SQLite hands timestamps back as text."""
    return datetime.fromisoformat(stamp)


def _move_counters() -> None:
    """Bucket 0 of each counter takes over the old row; buckets 1-15 start empty."""
    connection = op.get_bind()
    counters = [
        *connection.execute(sa.text("SELECT campaign_id, 'budget', total_fen, spent_fen FROM budgets")).all(),
        *connection.execute(
            sa.text(
                "SELECT d.campaign_id, 'day:' || d.day, COALESCE(b.daily_total_fen, d.spent_fen), d.spent_fen"
                " FROM budget_days d JOIN budgets b ON b.campaign_id = d.campaign_id"
            )
        ).all(),
        *connection.execute(sa.text("SELECT campaign_id, 'stock:' || prize_key, total, granted FROM stocks")).all(),
    ]
    insert = sa.text("INSERT INTO counter_buckets VALUES (:campaign, :counter, :bucket, :total, :used)")
    for campaign, counter, total, used in counters:
        total = max(total, used)
        for bucket in range(BUCKETS):
            values = (total, used) if bucket == 0 else (0, 0)
            connection.execute(
                insert, dict(campaign=campaign, counter=counter, bucket=bucket, total=values[0], used=values[1])
            )


def downgrade() -> None:
    op.drop_table("draw_minutes")
    op.drop_table("draw_tallies")
    with op.batch_alter_table("players", schema=None) as batch_op:
        batch_op.drop_column("drew")
    op.drop_index("ix_draw_records_unsealed", table_name="draw_records")
    op.drop_index("ix_idempotency_keys_created_at", table_name="idempotency_keys")
    op.drop_index("ix_draw_records_period_seq", table_name="draw_records")
    with op.batch_alter_table("draw_records", schema=None) as batch_op:  # every record sealed: run the clock first
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
    with op.batch_alter_table("budgets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("spent_fen", sa.BigInteger(), nullable=False, server_default="0"))
    op.create_table(
        "stocks",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("prize_key", sa.String(length=64), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("granted", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "prize_key"),
    )
    op.create_table(
        "budget_days",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("spent_fen", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "day"),
    )
    _restore_counters()
    op.drop_table("counter_buckets")


def _restore_counters() -> None:
    connection = op.get_bind()
    sums = "SELECT campaign_id, counter, SUM(total), SUM(used) FROM counter_buckets GROUP BY campaign_id, counter"
    for campaign, counter, total, used in connection.execute(sa.text(sums)).all():
        if counter == "budget":
            statement = "UPDATE budgets SET spent_fen = :used WHERE campaign_id = :campaign"
        elif counter.startswith("day:"):
            statement = "INSERT INTO budget_days VALUES (:campaign, :name, :used)"
        else:
            statement = "INSERT INTO stocks VALUES (:campaign, :name, :total, :used)"
        name = counter.split(":", 1)[-1]
        connection.execute(sa.text(statement), dict(campaign=campaign, name=name, total=total, used=used))
