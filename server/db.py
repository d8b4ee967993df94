"""One SQLAlchemy session per request (the unit of work), from the app's engine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from economy.db import make_engine, make_sessionmaker


def init_app(
    app: Flask, database_url: str, pool_size: int = 10, pool_timeout: int = 5, transaction_pooler: bool = False
) -> None:
    """Create the engine (on PostgreSQL a pool of ``pool_size`` connections, as many again on demand, and
    ``pool_timeout`` seconds to wait for one; behind a ``transaction_pooler`` such as PgBouncer in
    transaction mode, no server-side prepared statements, which another client's transaction could not see)
    and session factory; close the request's session at teardown."""
    options: dict[str, Any] = {}
    if not database_url.startswith("sqlite"):
        options = {"pool_size": pool_size, "max_overflow": pool_size, "pool_timeout": pool_timeout}
        if transaction_pooler:
            options["connect_args"] = {"prepare_threshold": None}
    engine = make_engine(database_url, **options)
    app.extensions["carnival.engine"] = engine
    app.extensions["carnival.sessions"] = make_sessionmaker(engine)
    app.extensions.setdefault("carnival.clock", utc_now)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    """The app's engine."""
    return current_app.extensions["carnival.engine"]


def session() -> Session:
    """The request's session (opened on first use)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["carnival.sessions"]()
    return g.db_session


def now() -> datetime:
    """The app's clock (UTC, aware); tests may replace ``app.extensions['carnival.clock']``."""
    clock: Callable[[], datetime] = current_app.extensions["carnival.clock"]
    return clock()


def utc_now() -> datetime:
    """The wall clock in UTC."""
    return datetime.now(UTC)


def _close_session(_error: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
