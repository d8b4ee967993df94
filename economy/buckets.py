"""Counters split into buckets, so concurrent grants of one campaign do not queue behind one row.

A counter (a prize's stock, a campaign's budget, one day of its daily budget) is :data:`BUCKETS` rows,
each with its own ``total`` and ``used``; the counter's limit is the sum of the totals and what it used is
the sum of the uses. A take is one conditional ``UPDATE`` of one bucket: the caller's hint (e.g. the user
id) first, then the next ones, skipping buckets another transaction holds (PostgreSQL ``SKIP LOCKED``), so
takes never wait for each other while a free bucket can cover them. When none can and the counter as
committed cannot cover it either, the take is refused at once (takes in flight can only lower what is left,
so an exhausted counter costs one more read, not a wait). Otherwise the take raises :class:`Contended`: the
caller rolls back to a savepoint taken before it (which releases any bucket the failed ``UPDATE`` still
locked: PostgreSQL keeps the lock on a row it re-checked after a concurrent update) and takes again with
the next ``attempt``: :data:`OWN_BUCKET` waits for the hinted bucket's holder to commit (all the buckets
of a busy counter may be held at once), :data:`REBALANCE` makes the take the counter's only *rebalancer* (a
transaction-scoped advisory lock per counter): it locks every bucket in ascending order and spreads what
remains over them again, the hinted bucket first, and is refused only when the whole counter cannot cover
the take. A take that waits holds no other bucket of its counter and the takes it waits for wait for none,
so no deadlock. On SQLite writing transactions are serial: a take goes straight to rebalancing when its
bucket cannot cover it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    ScalarSelect,
    Select,
    Update,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session

from economy.db import insert_many_ignoring_conflicts, is_postgresql
from economy.models import CounterBucket

BUCKETS = 16
FREE_BUCKET, OWN_BUCKET, REBALANCE = 0, 1, 2  # a take's attempts, in order


@dataclass(frozen=True)
class Level:
    """A counter's limit and what it has used."""

    total: int
    used: int

    @property
    def remaining(self) -> int:
        """What may still be taken."""
        return self.total - self.used


def spread(remaining: int, used: Sequence[int], first: int = 0, need: int = 0) -> list[int]:
    """New bucket totals giving out ``remaining`` over buckets that used ``used``: evenly, except that bucket
    ``first`` gets at least ``need`` when ``remaining`` allows it. The totals sum to ``sum(used) + remaining``.

    :raises ValueError: when ``remaining`` is negative.
    """
    if remaining < 0:
        raise ValueError("a counter cannot give out less than nothing")
    count = len(used)
    shares = [remaining // count + (1 if i < remaining % count else 0) for i in range(count)]
    if shares[first] < need <= remaining:
        others = [i for i in range(count) if i != first]
        rest = remaining - need
        shares = [0] * count
        shares[first] = need
        for n, i in enumerate(others):
            shares[i] = rest // len(others) + (1 if n < rest % len(others) else 0)
    return [u + s for u, s in zip(used, shares, strict=True)]


def bucket_of(hint: int) -> int:
    """The bucket a take with ``hint`` (e.g. a user id) tries first."""
    return hint % BUCKETS


class Contended(Exception):
    """No free bucket could cover a take: roll back to the savepoint before it, then take with rebalancing."""

    def __init__(self, counter: str) -> None:
        super().__init__(f"no free bucket of '{counter}' could cover the take")
        self.counter = counter


def take(session: Session, campaign_id: int, counter: str, hint: int, amount: int, attempt: int = FREE_BUCKET) -> bool:
    """Take ``amount`` from the counter (bucket ``hint`` first); False, and nothing taken, when the counter
    does not exist or cannot cover it as a whole.

    :raises Contended: on PostgreSQL before the :data:`REBALANCE` attempt, when the attempt's bucket could not
        cover the take but the counter may (roll back to the savepoint before it, then take with ``attempt +
        1``).
    """
    bucket = bucket_of(hint)
    if is_postgresql(session) and attempt < REBALANCE:
        if _take_from(session, campaign_id, counter, bucket, amount, free=attempt == FREE_BUCKET):
            return True
        if _committed_remaining(session, campaign_id, counter) < amount:
            return False  # takes in flight can only lower it: refused without waiting for anyone
        raise Contended(counter)
    if not is_postgresql(session) and _take_from(session, campaign_id, counter, bucket, amount):
        return True
    rows = _locked(session, campaign_id, counter)
    if not rows or sum(r.total - r.used for r in rows) < amount:
        return False
    return _take_from(session, campaign_id, counter, _respread(session, rows, bucket, amount), amount)


def take_escalating(session: Session, campaign_id: int, counter: str, hint: int, amount: int) -> bool:
    """:func:`take` through its attempts, each but the last in a savepoint of its own."""
    for attempt in (FREE_BUCKET, OWN_BUCKET):
        try:
            with session.begin_nested():
                return take(session, campaign_id, counter, hint, amount, attempt)
        except Contended:
            continue
    return take(session, campaign_id, counter, hint, amount, REBALANCE)


def exists(session: Session, campaign_id: int, counter: str) -> bool:
    """True when the counter has been defined."""
    return session.scalar(_any_bucket(), {"of_campaign": campaign_id, "of_counter": counter}) is not None


@cache
def _any_bucket() -> Select[tuple[int]]:
    """Built once (every grant asks whether its prize is stocked)."""
    return select(CounterBucket.bucket).where(*_of_counter()).limit(1)


def define(session: Session, campaign_id: int, counter: str, total: int) -> None:
    """Create the counter with limit ``total``, or move its limit to ``total``.

    :raises ValueError: when ``total`` is below what the counter already used.
    """
    rows = _locked(session, campaign_id, counter)
    if not rows:
        create(session, campaign_id, counter, total)
        return
    used = sum(r.used for r in rows)
    if total < used:
        raise ValueError(f"{total} is below the {used} already used")
    _write_totals(session, rows, spread(total - used, [r.used for r in rows]))


def create(session: Session, campaign_id: int, counter: str, total: int) -> None:
    """Create the counter with limit ``total`` unless it exists (concurrent creators write the same rows)."""
    totals = spread(total, [0] * BUCKETS)
    rows = [
        {"campaign_id": campaign_id, "counter": counter, "bucket": b, "total": t, "used": 0}
        for b, t in enumerate(totals)
    ]
    insert_many_ignoring_conflicts(session, CounterBucket.__table__, rows)


def remove(session: Session, campaign_id: int, counter: str) -> None:
    """Drop the counter (its limit is gone)."""
    session.execute(
        delete(CounterBucket).where(CounterBucket.campaign_id == campaign_id, CounterBucket.counter == counter)
    )


def levels(session: Session, campaign_id: int, prefix: str) -> dict[str, Level]:
    """The level of every counter of the campaign whose name starts with ``prefix``."""
    rows = session.execute(
        select(CounterBucket.counter, func.sum(CounterBucket.total), func.sum(CounterBucket.used))
        .where(CounterBucket.campaign_id == campaign_id, CounterBucket.counter.startswith(prefix, autoescape=True))
        .group_by(CounterBucket.counter)
    )
    return {counter: Level(int(total), int(used)) for counter, total, used in rows}


def _free_bucket() -> ScalarSelect[int]:
    """The first bucket from the parameter ``from_bucket`` on that can cover ``amount`` and that no other
    transaction holds (PostgreSQL ``SKIP LOCKED``: choosing it never waits)."""
    start = bindparam("from_bucket", type_=Integer)
    return (
        select(CounterBucket.bucket)
        .where(*_of_counter(), CounterBucket.used + bindparam("amount", type_=BigInteger) <= CounterBucket.total)
        .order_by((CounterBucket.bucket + BUCKETS - start) % BUCKETS)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )


def _of_counter() -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Rows of the counter named by the parameters ``of_campaign`` and ``of_counter`` (in an ``UPDATE`` a
    parameter may not have a column's name)."""
    return CounterBucket.campaign_id == bindparam("of_campaign"), CounterBucket.counter == bindparam("of_counter")


def _committed_remaining(session: Session, campaign_id: int, counter: str) -> int:
    """What the counter has left as committed now (no lock, no wait); 0 when it does not exist."""
    left = session.scalar(_remaining_query(), {"of_campaign": campaign_id, "of_counter": counter})
    return int(left or 0)


@cache
def _remaining_query() -> Select[tuple[int | None]]:
    return select(func.sum(CounterBucket.total - CounterBucket.used)).where(*_of_counter())


def _take_from(session: Session, campaign_id: int, counter: str, bucket: int, amount: int, free: bool = False) -> bool:
    """One conditional update of bucket ``bucket`` or, when ``free``, of :func:`_free_bucket` from ``bucket``
    on; False when it cannot cover ``amount``."""
    values = {"of_campaign": campaign_id, "of_counter": counter, "from_bucket": bucket, "amount": amount}
    return session.execute(_take_update(free), values).rowcount == 1  # type: ignore[attr-defined]


@cache
def _take_update(free: bool) -> Update:
    """Built once per kind (every grant runs it): take ``amount`` from bucket ``from_bucket``, or from the first
    free one from it on (:func:`_free_bucket`)."""
    amount = bindparam("amount", type_=BigInteger)
    chosen = _free_bucket() if free else bindparam("from_bucket", type_=Integer)
    return (
        update(CounterBucket)
        .where(*_of_counter(), CounterBucket.bucket == chosen, CounterBucket.used + amount <= CounterBucket.total)
        .values(used=CounterBucket.used + amount)
        .execution_options(synchronize_session=False)
    )


def _locked(session: Session, campaign_id: int, counter: str) -> list[CounterBucket]:
    """Every bucket of the counter, locked until commit in ascending order (read afresh), by the counter's
    only rebalancer."""
    if is_postgresql(session):
        session.execute(select(func.pg_advisory_xact_lock(_lock_key(campaign_id, counter))))
    query = (
        select(CounterBucket)
        .where(CounterBucket.campaign_id == campaign_id, CounterBucket.counter == counter)
        .order_by(CounterBucket.bucket)
        .execution_options(populate_existing=True)
    )
    if is_postgresql(session):
        query = query.with_for_update()
    return list(session.scalars(query))


def _lock_key(campaign_id: int, counter: str) -> int:
    """The counter's advisory lock key: a signed 64-bit digest of its name (its own key space: one bigint)."""
    digest = hashlib.blake2b(f"counter:{campaign_id}:{counter}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _respread(session: Session, rows: list[CounterBucket], bucket: int, need: int) -> int:
    """Spread what the locked ``rows`` have left over them again, ``bucket`` (or, when the counter has no
    such bucket, its first) getting at least ``need``; returns the bucket that did."""
    first = next((i for i, r in enumerate(rows) if r.bucket == bucket), 0)
    left = sum(r.total - r.used for r in rows)
    _write_totals(session, rows, spread(left, [r.used for r in rows], first, need))
    return rows[first].bucket


def _write_totals(session: Session, rows: list[CounterBucket], totals: list[int]) -> None:
    for row, total in zip(rows, totals, strict=True):
        if row.total != total:
            session.execute(
                update(CounterBucket)
                .where(CounterBucket.campaign_id == row.campaign_id, CounterBucket.counter == row.counter)
                .where(CounterBucket.bucket == row.bucket)
                .values(total=total)
                .execution_options(synchronize_session=False)
            )
            row.total = total
