"""Double-entry ledger: accounts, balanced entries, point lots with expiry.

Every function here runs inside the caller's transaction; none commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Insert, Select, Table, Update, bindparam, case, func, insert, select, update
from sqlalchemy.orm import Session

from economy.db import insert_ignoring_conflicts
from economy.errors import InsufficientBalance
from economy.models import Account, LedgerEntry, PointLot, Posting
from economy.rewards import POINTS


def user_owner(user_id: int) -> str:
    """The account owner name of a user."""
    return f"user:{user_id}"


SYSTEM_SHARDS = 16  # a campaign's system accounts are split so concurrent grants do not queue on one row


def campaign_owner(campaign_id: int, role: str, shard: int = 0) -> str:
    """The owner name of one shard of a campaign's system account (``issue``: where rewards come from,
    ``sink``: where spent value goes): ``campaign:7:issue``, then ``campaign:7:issue/1`` to ``/15``."""
    name = f"campaign:{campaign_id}:{role}"
    return name if shard % SYSTEM_SHARDS == 0 else f"{name}/{shard % SYSTEM_SHARDS}"


def campaign_balance(session: Session, campaign_id: int, role: str, asset: str) -> int:
    """A campaign system account's balance in ``asset``, over all its shards."""
    owners = [campaign_owner(campaign_id, role, shard) for shard in range(SYSTEM_SHARDS)]
    total = session.scalar(
        select(func.coalesce(func.sum(Account.balance), 0)).where(Account.owner.in_(owners), Account.asset == asset)
    )
    return int(total or 0)


EXPIRED_OWNER = "system:expired"


def account_id(session: Session, owner: str, asset: str, *, allow_negative: bool = False) -> int:
    """The id of ``owner``'s account in ``asset``, creating it on first use."""
    named = {"owner": owner, "asset": asset}
    found = session.execute(_account_query(), named).scalar_one_or_none()
    if found is not None:
        return found
    insert_ignoring_conflicts(session, Account.__table__, {**named, "allow_negative": allow_negative, "balance": 0})
    return session.execute(_account_query(), named).scalar_one()


def account_ids(session: Session, *wanted: tuple[str, str, bool]) -> list[int]:
    """The ids of the accounts ``(owner, asset, allow_negative)``, in that order, creating those missing: one
    query when they all exist (a grant needs the campaign's and the shopper's)."""
    owners, assets = sorted({w[0] for w in wanted}), sorted({w[1] for w in wanted})
    found = {(o, a): i for i, o, a in session.execute(_accounts_query(), {"owners": owners, "assets": assets})}
    for owner, asset, allow_negative in wanted:
        if (owner, asset) not in found:
            found[(owner, asset)] = account_id(session, owner, asset, allow_negative=allow_negative)
    return [found[(owner, asset)] for owner, asset, _ in wanted]


@cache
def _accounts_query() -> Select[tuple[int, str, str]]:
    """Built once: the accounts of some owners in some assets."""
    return select(Account.id, Account.owner, Account.asset).where(
        Account.owner.in_(bindparam("owners", expanding=True)), Account.asset.in_(bindparam("assets", expanding=True))
    )


@cache
def _account_query(locking: bool = False) -> Select[tuple[int]]:
    """Built once (every grant of points or cash runs it); ``locking``: ``FOR UPDATE``."""
    query = select(Account.id).where(Account.owner == bindparam("owner"), Account.asset == bindparam("asset"))
    return query.with_for_update() if locking else query


def lock_points(session: Session, user_id: int) -> int:
    """Lock a shopper's points account (created at 0 when missing) until the transaction ends, and return its id:
    what takes points from a shopper beyond one spend (a claw-back, a mall redemption or cancellation) locks it
    first, then anything else of theirs, the order a grant of points locks in (PostgreSQL ``FOR UPDATE``; SQLite
    writers are serial)."""
    named = {"owner": user_owner(user_id), "asset": POINTS}
    locking = session.get_bind().dialect.name == "postgresql"
    found = session.execute(_account_query(locking), named).scalar_one_or_none()  # found and locked in one query
    if found is not None:
        return found
    account = account_id(session, named["owner"], POINTS)
    session.execute(_account_query(locking), named)
    return account


def balance(session: Session, owner: str, asset: str) -> int:
    """``owner``'s balance in ``asset`` (0 when the account does not exist yet)."""
    found = session.execute(
        select(Account.balance).where(Account.owner == owner, Account.asset == asset)
    ).scalar_one_or_none()
    return found or 0


@dataclass(frozen=True)
class Transfer:
    """Move ``amount`` (> 0) of one asset from one account to another."""

    source_id: int
    target_id: int
    amount: int


def postings(transfer: Transfer) -> list[tuple[int, int]]:
    """The postings of ``transfer``: (account id, signed amount), summing to zero, in ascending account id
    order (the fixed order in which their rows are locked).

    :raises ValueError: on a non-positive amount or a transfer to itself.
    """
    if transfer.amount <= 0 or transfer.source_id == transfer.target_id:
        raise ValueError("a transfer moves a positive amount between two different accounts")
    return sorted([(transfer.source_id, -transfer.amount), (transfer.target_id, transfer.amount)])


@dataclass(frozen=True)
class Lot:
    """What a spend needs to know of a point lot."""

    id: int
    remaining: int
    expires_at: datetime


def plan_spend(lots: Iterable[Lot], points: int, now: datetime) -> list[tuple[int, int]]:
    """Which lots a spend of ``points`` takes from: (lot id, points taken), the soonest-expiring unexpired
    lots first (ties by id), taking each lot whole before the next.

    :raises InsufficientBalance: when unexpired lots hold fewer than ``points``.
    :raises ValueError: on a non-positive ``points``.
    """
    if points <= 0:
        raise ValueError("a spend takes a positive number of points")
    usable = sorted((lot for lot in lots if lot.remaining > 0 and lot.expires_at > now), key=_spend_order)
    held = sum(lot.remaining for lot in usable)
    if held < points:
        raise InsufficientBalance(f"only {held} unexpired points to spend {points}")
    plan, left = [], points
    for lot in usable:
        taken = min(lot.remaining, left)
        plan.append((lot.id, taken))
        left -= taken
        if left == 0:
            break
    return plan


def _spend_order(lot: Lot) -> tuple[datetime, int]:
    return lot.expires_at, lot.id


def post(session: Session, kind: str, reference: str, transfer: Transfer, now: datetime) -> int:
    """Write one balanced entry for ``transfer`` (:func:`postings`) and return the entry id.

    Account rows are updated in ascending id order (a fixed lock order), the source only
    when it may go negative or holds enough.

    :raises InsufficientBalance: when the source would go below zero.
    :raises ValueError: on a non-positive amount or a transfer to itself.
    """
    deltas = postings(transfer)
    for account, delta in deltas:
        _apply_delta(session, account, delta)
    entry = {"kind": kind, "reference": reference, "created_at": now}
    entry_id: int = session.execute(_insert_returning_id(LedgerEntry.__table__), entry).scalar_one()
    rows = [{"entry_id": entry_id, "account_id": a, "amount": d} for a, d in deltas]
    session.execute(insert(Posting.__table__), rows)
    return entry_id


@cache
def _insert_returning_id(table: Table) -> Insert:
    """Built once per table: insert a row, returning its id."""
    return insert(table).returning(table.c.id)


def _apply_delta(session: Session, account: int, delta: int) -> None:
    if session.execute(_delta_update(delta < 0), {"account": account, "delta": delta}).rowcount != 1:
        raise InsufficientBalance(f"balance too low to take out {-delta}")


@cache
def _delta_update(taking: bool) -> Update:
    """Built once per direction (every transfer runs it twice), on the table (no ORM pass: the session's account
    objects are not touched); ``taking`` only where the balance allows."""
    accounts, delta = Account.__table__.c, bindparam("delta", type_=BigInteger)
    statement = update(Account.__table__).where(accounts.id == bindparam("account"))
    if taking:
        statement = statement.where(accounts.allow_negative.is_(True) | (accounts.balance >= -delta))
    return statement.values(balance=accounts.balance + delta)


def credit_points(
    session: Session, target: int, source_id: int, points: int, reference: str, now: datetime, expires_at: datetime
) -> int:
    """Give ``points`` to the user's points account ``target`` as one lot expiring at ``expires_at``; returns
    the lot id."""
    entry_id = post(session, "points_grant", reference, Transfer(source_id, target, points), now)
    lot = {"account_id": target, "entry_id": entry_id, "amount": points, "remaining": points}
    lot |= {"created_at": now, "expires_at": expires_at}
    lot_id: int = session.execute(_insert_returning_id(PointLot.__table__), lot).scalar_one()
    return lot_id


def spend_points(session: Session, user_id: int, sink_id: int, points: int, reference: str, now: datetime) -> int:
    """Take ``points`` from a user's unexpired lots, soonest-expiring first; returns the entry id.

    :raises InsufficientBalance: when unexpired lots hold fewer than ``points``.
    """
    source = account_id(session, user_owner(user_id), POINTS)
    entry_id = post(session, "points_spend", reference, Transfer(source, sink_id, points), now)
    lots = {
        lot.id: lot
        for lot in session.scalars(
            select(PointLot)
            .where(PointLot.account_id == source, PointLot.remaining > 0, PointLot.expires_at > now)
            .execution_options(populate_existing=True)  # as committed: the account is locked by the post above
        )
    }
    for lot_id, taken in plan_spend((Lot(i, lot.remaining, lot.expires_at) for i, lot in lots.items()), points, now):
        lots[lot_id].remaining -= taken
    session.flush()
    return entry_id


def expire_points(session: Session, now: datetime) -> int:
    """Move every expired lot's remaining points to the expiry account; returns points expired. The accounts holding
    expired lots are locked first (in id order), the lock whatever spends points holds first (a redemption, a spend,
    a claw-back), and their lots read after, as committed: points spent in a lot's last moments are not expired too."""
    sink = account_id(session, EXPIRED_OWNER, POINTS, allow_negative=False)
    expired = (PointLot.remaining > 0) & (PointLot.expires_at <= now)
    holding = select(PointLot.account_id).where(expired)
    session.execute(select(Account.id).where(Account.id.in_(holding)).order_by(Account.id).with_for_update())
    lots = session.scalars(select(PointLot).where(expired).execution_options(populate_existing=True)).all()
    total = 0
    for lot in lots:
        post(session, "points_expire", f"lot:{lot.id}", Transfer(lot.account_id, sink, lot.remaining), now)
        total += lot.remaining
        lot.remaining = 0
    session.flush()
    return total


def points_expiring(session: Session, user_id: int, now: datetime, until: datetime) -> list[tuple[int, datetime]]:
    """Unexpired lots of a user expiring before ``until``: (remaining points, expiry), soonest first."""
    rows = session.execute(
        select(PointLot.remaining, PointLot.expires_at)
        .join(Account, Account.id == PointLot.account_id)
        .where(Account.owner == user_owner(user_id), PointLot.remaining > 0)
        .where(PointLot.expires_at > now, PointLot.expires_at <= until)
        .order_by(PointLot.expires_at)
    ).all()
    return [(r.remaining, r.expires_at) for r in rows]


def points_held(session: Session, user_id: int, now: datetime, until: datetime) -> tuple[int, int]:
    """A user's unexpired points, and how many of them expire before ``until``, in one query."""
    return points_held_by(session, [user_id], now, until).get(user_id, (0, 0))


def points_held_by(session: Session, user_ids: list[int], now: datetime, until: datetime) -> dict[int, tuple[int, int]]:
    """:func:`points_held` of several users in one query (users holding none are left out)."""
    owners = {user_owner(user_id): user_id for user_id in user_ids}
    query = held_points(Account.owner.in_(list(owners)), now, until, Account.owner)
    rows = session.execute(query.group_by(Account.owner))
    return {owners[owner]: (int(held), int(soon)) for owner, held, soon in rows}


def held_points(owners: Any, now: Any, until: Any, *leading: Any) -> Select[Any]:
    """``leading`` columns, then the unexpired points of the accounts ``owners`` (a condition on
    :attr:`Account.owner`) and how many of them expire by ``until`` (``now`` and ``until``: times or bind
    parameters); what :func:`points_held_by` and the mall's catalog read."""
    expiring = case((PointLot.expires_at <= until, PointLot.remaining), else_=0)
    return (
        select(*leading, func.sum(PointLot.remaining), func.sum(expiring))
        .join(Account, Account.id == PointLot.account_id)
        .where(owners, PointLot.expires_at > now)
    )


def postings_sum(session: Session, account: int) -> int:
    """The sum of an account's postings (the balance, recomputed from the rows)."""
    return session.execute(
        select(func.coalesce(func.sum(Posting.amount), 0)).where(Posting.account_id == account)
    ).scalar_one()


def spendable_points(session: Session, user_id: int, now: datetime) -> int:
    """The sum of a user's unexpired point lots."""
    return int(session.execute(_spendable_query(), {"owner": user_owner(user_id), "now": now}).scalar_one())


@cache
def _spendable_query() -> Select[tuple[int]]:
    """Built once (every wheel answer shows the points)."""
    return (
        select(func.coalesce(func.sum(PointLot.remaining), 0))
        .join(Account, Account.id == PointLot.account_id)
        .where(Account.owner == bindparam("owner"), PointLot.expires_at > bindparam("now"))
    )
