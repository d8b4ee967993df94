"""Alembic environment: Carnival's metadata, our engine settings (SQLite BEGIN IMMEDIATE etc.)."""

from __future__ import annotations

from alembic import context

import server.tables  # noqa: F401  (every table's model)
from economy.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations on a live connection."""
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
