"""One SQLAlchemy session per request (the unit of work), from the app's engine."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, event
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
        event.listen(g.db_session, "after_commit", _run_after_commit)
        event.listen(g.db_session, "after_rollback", _forget_after_commit)
    return g.db_session


def statements_alone() -> Session:
    """The request's session, its next statements each committed alone until its ``commit()``: for a read (and
    at most a write that stands alone) needing no transaction. On PostgreSQL that saves the BEGIN and COMMIT
    round trips; SQLite, whose transactions cost no round trip, keeps its usual one."""
    db_session = session()
    if db_session.get_bind().dialect.name == "postgresql" and not db_session.in_transaction():
        db_session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return db_session


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the request's current transaction has committed (never if it rolls back): for
    what others must only hear of once it is true, e.g. a Socket.IO event."""
    session().info.setdefault("after_commit", []).append(callback)


def _run_after_commit(db_session: Session) -> None:
    for callback in db_session.info.pop("after_commit", []):
        callback()


def _forget_after_commit(db_session: Session) -> None:
    db_session.info.pop("after_commit", None)


@contextmanager
def transaction() -> Iterator[Session]:
    """The request's session in a transaction that commits when the block ends; inside a request that
    already holds one (an idempotent write, :func:`server.idempotency.idempotent`), that transaction, which
    its holder commits with the stored answer."""
    db_session = session()
    if g.get("db_outer_transaction"):
        yield db_session
        return
    with db_session.begin():
        yield db_session


@contextmanager
def joining() -> Iterator[None]:
    """Inside this block, :func:`transaction` joins the transaction the caller already holds (and commits)."""
    g.db_outer_transaction = True
    try:
        yield
    finally:
        g.db_outer_transaction = False


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
