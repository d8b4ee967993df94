"""Counters split into buckets, raced by real threads on SQLite and PostgreSQL: never overspent, and a
take is refused only when the whole counter cannot cover it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy.orm import Session, sessionmaker

from economy import buckets
from economy.db import Base, make_engine, make_sessionmaker
from tests.services import fresh_postgres_database

THREADS = 32


@contextmanager
def sessions_on(url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on ``url`` with the tables created."""
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    with sessions_on(database_url) as made:
        yield made


def race_takes(sessions: sessionmaker[Session], counter: str, amounts: list[int]) -> list[bool]:
    """One transaction per take, ``THREADS`` at a time, each from the bucket of its own hint."""
    barrier = threading.Barrier(THREADS)

    def take(hint: int) -> bool:
        if hint < THREADS:
            barrier.wait(timeout=60)
        with sessions() as session, session.begin():
            return buckets.take_escalating(session, 1, counter, hint, amounts[hint])

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(take, range(len(amounts))))


def level(sessions: sessionmaker[Session], counter: str) -> buckets.Level:
    with sessions() as session:
        return buckets.levels(session, 1, counter)[counter]


def test_500_takes_of_a_stock_of_20_give_exactly_20(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        buckets.define(session, 1, "stock:red", 20)
    taken = race_takes(sessions, "stock:red", [1] * 500)
    assert taken.count(True) == 20
    assert level(sessions, "stock:red") == buckets.Level(20, 20)


def test_a_budget_of_50_yuan_covers_exactly_50_red_packets_of_1_yuan(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        buckets.define(session, 1, "budget", 5_000)
    taken = race_takes(sessions, "budget", [100] * 500)
    assert taken.count(True) == 50
    assert level(sessions, "budget") == buckets.Level(5_000, 5_000)


def test_a_take_larger_than_any_bucket_is_covered_by_the_whole_counter(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        buckets.define(session, 1, "budget", 1_000)  # 62 or 63 fen a bucket
        assert buckets.take_escalating(session, 1, "budget", 3, 900)
        assert not buckets.take_escalating(session, 1, "budget", 4, 101)
        assert buckets.take_escalating(session, 1, "budget", 9, 100)
    assert level(sessions, "budget") == buckets.Level(1_000, 1_000)


def test_mixed_amounts_never_overspend_and_use_what_fits(sessions: sessionmaker[Session]) -> None:
    amounts = [1 + (i * 37) % 250 for i in range(300)]
    with sessions() as session, session.begin():
        buckets.define(session, 1, "budget", 10_000)
    taken = race_takes(sessions, "budget", amounts)
    spent = sum(a for a, ok in zip(amounts, taken, strict=True) if ok)
    assert level(sessions, "budget") == buckets.Level(10_000, spent)
    assert 10_000 - spent < min(a for a, ok in zip(amounts, taken, strict=True) if not ok)


def test_resizing_while_takes_run_keeps_the_new_limit(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        buckets.define(session, 1, "stock:red", 10)
    resized = threading.Thread(target=lambda: _define(sessions, "stock:red", 30))
    resized.start()
    taken = race_takes(sessions, "stock:red", [1] * 100)
    resized.join()
    assert taken.count(True) == 30
    assert level(sessions, "stock:red") == buckets.Level(30, 30)


def _define(sessions: sessionmaker[Session], counter: str, total: int) -> None:
    with sessions() as session, session.begin():
        buckets.define(session, 1, counter, total)


def test_a_limit_below_what_was_used_is_refused(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        buckets.define(session, 1, "stock:red", 5)
        for hint in range(4):
            assert buckets.take_escalating(session, 1, "stock:red", hint, 1)
        with pytest.raises(ValueError, match="below the 4 already used"):
            buckets.define(session, 1, "stock:red", 3)
        buckets.define(session, 1, "stock:red", 4)
        assert not buckets.take_escalating(session, 1, "stock:red", 7, 1)


@pytest.fixture
def postgres_sessions() -> Iterator[sessionmaker[Session]]:
    """PostgreSQL only: on SQLite one writing transaction runs at a time, so no bucket is ever held by another."""
    with fresh_postgres_database() as url, sessions_on(url) as made:
        yield made


def test_a_take_while_every_bucket_is_held_waits_for_its_own_and_is_not_refused(
    postgres_sessions: sessionmaker[Session],
) -> None:
    with postgres_sessions() as session, session.begin():
        buckets.define(session, 1, "budget", 1_000_000)
    holding = threading.Barrier(buckets.BUCKETS + 1)
    releases = [threading.Event() for _ in range(buckets.BUCKETS)]

    def hold(hint: int) -> None:
        with postgres_sessions() as session, session.begin():
            assert buckets.take_escalating(session, 1, "budget", hint, 100)
            holding.wait(timeout=30)
            releases[hint].wait(timeout=30)

    holders = [threading.Thread(target=hold, args=(hint,)) for hint in range(buckets.BUCKETS)]
    for holder in holders:
        holder.start()
    holding.wait(timeout=30)  # every bucket is now held by a take in flight
    late: list[bool] = []
    waiting = threading.Thread(target=lambda: late.append(_take(postgres_sessions, "budget", 3, 100)))
    waiting.start()
    waiting.join(timeout=0.5)
    assert waiting.is_alive() and late == [], "no bucket is free: the take waits"
    releases[3].set()
    waiting.join(timeout=10)
    assert late == [True], "it waited for bucket 3's holder only, not for every bucket"
    for release in releases:
        release.set()
    for holder in holders:
        holder.join(timeout=30)
    assert level(postgres_sessions, "budget") == buckets.Level(1_000_000, 1_700)


def _take(sessions: sessionmaker[Session], counter: str, hint: int, amount: int) -> bool:
    with sessions() as session, session.begin():
        return buckets.take_escalating(session, 1, counter, hint, amount)
