"""used launch tokens: the one-time id of every launch token that started a session, until it expires

Revision ID: 0007_secrets
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_secrets"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "used_launch_tokens",
        sa.Column("jti", sa.String(length=128), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("jti"),
    )
    with op.batch_alter_table("used_launch_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_used_launch_tokens_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("used_launch_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_used_launch_tokens_expires_at"))
    op.drop_table("used_launch_tokens")
