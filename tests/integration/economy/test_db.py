"""The PostgreSQL pool: no round trip per checkout, and an idle connection the server dropped is replaced."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from economy import db
from tests.services import PG_ADMIN_URL, fresh_postgres_database


def backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


@contextmanager
def dropped_pooled_connection() -> Iterator[tuple[Engine, int]]:
    """A one-connection pool whose connection (backend pid given) the server has just ended."""
    with fresh_postgres_database() as url:
        engine = db.make_engine(url, pool_size=1, max_overflow=0)
        try:
            first = backend_pid(engine)
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [first])
            yield engine, first
        finally:
            engine.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced_at_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    with dropped_pooled_connection() as (engine, first):
        monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
        assert backend_pid(engine) != first


def test_a_busy_pool_checks_out_without_a_ping() -> None:
    with dropped_pooled_connection() as (engine, first):
        with pytest.raises(OperationalError):
            backend_pid(engine)  # used again at once: not pinged, so the dropped connection shows
        assert backend_pid(engine) != first  # and the pool replaced it
