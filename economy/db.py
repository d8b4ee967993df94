"""Database plumbing shared by every layer: the declarative base, engines and insert helpers.

SQLite is opened in WAL mode with ``synchronous=NORMAL`` (a transaction is all or nothing even across a
crash; a power cut may lose the last few commits, which is why production runs on PostgreSQL) and every
transaction starts with ``BEGIN IMMEDIATE`` (writers queue instead of failing on lock upgrade).
PostgreSQL is used as configured.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import DateTime, Engine, Select, Table, TypeDecorator, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.dml import Insert


class Base(DeclarativeBase):
    """Declarative base for every Carnival table (economy, games and server)."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; SQLite gets WAL, a busy timeout and ``BEGIN IMMEDIATE``.

    :param url: a SQLAlchemy database URL (``sqlite:///...`` or ``postgresql+psycopg://...``).
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False}, **kwargs)
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, **{"pool_size": 10, "max_overflow": 30, **kwargs})
    _ping_idle_connections(engine)
    return engine


IDLE_PING_SECONDS = 10.0


def _ping_idle_connections(engine: Engine) -> None:
    """Check a pooled connection before use only when it sat idle for :data:`IDLE_PING_SECONDS` (a database
    restart or a proxy's idle timeout may have dropped it); a busy pool pays no round trip per checkout. A
    dead one is replaced at checkout; one dropped while busy fails its request (503, retried by the client)
    and the pool then replaces every connection it held."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as error:
            raise DisconnectionError(f"an idle pooled connection was dropped: {error}") from error


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: atomic and consistent; fsync at checkpoints
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that do not expire objects on commit (views dump them after the unit of work)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def insert_ignoring_conflicts(session: Session, table: Table, values: dict[str, Any]) -> None:
    """``INSERT ... ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL alike."""
    statement: Insert
    if session.get_bind().dialect.name == "postgresql":
        statement = postgresql.insert(table).values(**values).on_conflict_do_nothing()
    else:
        statement = sqlite.insert(table).values(**values).on_conflict_do_nothing()
    session.execute(statement)


def insert_many_ignoring_conflicts(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """One ``INSERT ... VALUES (...), (...) ON CONFLICT DO NOTHING`` for ``rows`` (all with the same keys)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(table).values(rows).on_conflict_do_nothing())


def insert_adding_counts(session: Session, table: Table, keys: list[str], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (keys and a ``count``); a row whose keys exist already adds its count to the stored one.
    Nothing happens for no rows. One statement, built once per table, run for every row."""
    if rows:
        session.execute(_adding_counts(session.get_bind().dialect.name, table, tuple(keys)), rows)


@cache
def _adding_counts(dialect_name: str, table: Table, keys: tuple[str, ...]) -> Insert:
    """``INSERT ... ON CONFLICT (keys) DO UPDATE SET count = count + excluded.count`` for one dialect."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={"count": table.c.count + statement.excluded.count}
    )


def insert_selected_ignoring_conflicts(session: Session, table: Table, columns: list[str], rows: Select[Any]) -> None:
    """``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL alike (inserts nothing when
    ``rows`` selects nothing)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(table).from_select(columns, rows).on_conflict_do_nothing())


def is_postgresql(session: Session) -> bool:
    """True when the session talks to PostgreSQL (row locks are available)."""
    return session.get_bind().dialect.name == "postgresql"


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as naive UTC and read back as aware UTC, identically on every database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Carnival stores aware UTC times only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)
