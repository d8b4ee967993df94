"""play items: an account's asset may name a campaign's play item (``ITEM:<campaign id>:<item key>``, up to
57 characters), so ``accounts.asset`` widens from 16 to 64 characters

On SQLite the batch rebuilds ``accounts``, which postings and point lots reference while foreign keys are
enforced (and cannot be switched off inside the migration's transaction): its rows wait in a temporary table
while the emptied table is rebuilt, and come back after, under deferred foreign key checks (the deleted
accounts' postings are orphans only until their accounts return, before the commit checks them).
Downgrading fails on PostgreSQL while an item account exists (its asset no longer fits).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMNS = "id, owner, asset, allow_negative, balance"


def upgrade() -> None:
    _resize_asset(sa.String(length=16), sa.String(length=64))


def downgrade() -> None:
    _resize_asset(sa.String(length=64), sa.String(length=16))


def _resize_asset(old: sa.String, new: sa.String) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA defer_foreign_keys = ON")  # until the commit, which resets it
        op.execute(f"CREATE TEMPORARY TABLE accounts_kept AS SELECT {COLUMNS} FROM accounts")
        op.execute("DELETE FROM accounts")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.alter_column("asset", existing_type=old, type_=new, existing_nullable=False)
    if sqlite:
        op.execute(f"INSERT INTO accounts ({COLUMNS}) SELECT {COLUMNS} FROM accounts_kept")
        op.execute("DROP TABLE accounts_kept")
