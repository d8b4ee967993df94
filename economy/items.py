"""Play items (extra wheel spins, dice, Monopoly props, make-up check-in cards): campaign-scoped assets of the
one ledger.

An item is the asset ``ITEM:<campaign id>:<item key>`` (:func:`item_asset`): campaign 7's wheel spins are
not campaign 8's. Items move only through the door: :func:`economy.service.grant` credits a reward of kind
``item`` (:func:`credit_items`), :func:`economy.service.spend` takes them (:func:`take_items`; the shorthand
is :func:`economy.service.spend_items`), and :func:`expire_items` sweeps what is left when the campaign ends.
Every function here runs inside the caller's transaction; none commits.

An item spend is idempotent by its reference: the spend locks the shopper's item account row (PostgreSQL
``FOR UPDATE``; SQLite writers are serial, ``BEGIN IMMEDIATE``) and only then looks for an ``item_spend``
entry on that account with that reference. Two spends under one reference queue on the row, and the second
finds the first once it committed (READ COMMITTED reads what committed before each statement) and answers
its entry id, taking nothing more.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from economy import ledger
from economy.db import is_postgresql
from economy.errors import Refusal
from economy.models import Account, LedgerEntry, Posting
from economy.rewards import is_item_key

ITEM_PREFIX = "ITEM:"
ITEM_GRANT, ITEM_SPEND, ITEM_EXPIRY = "item_grant", "item_spend", "item_expiry"
EXPIRED_ROLE = "expired"  # the campaign's system account items go to when it ends


class HoldingLimitReached(Refusal):
    """A grant would make the shopper hold more of an item than the grant allows (``max_held``)."""

    code = "holding_limit_reached"


class ItemSpendConflict(Exception):
    """A spend's reference names an earlier spend of another count: a caller bug (two spends under one
    reference), never a refusal to fall back from. Nothing is taken."""

    def __init__(self, reference: str, count: int, earlier: int) -> None:
        super().__init__(f"spend reference {reference!r} took {earlier} items before, not {count}")
        self.reference = reference


def campaign_items_prefix(campaign_id: int) -> str:
    """What every item asset of campaign ``campaign_id`` starts with (``ITEM:7:``).

    :raises ValueError: on a negative campaign id.
    """
    if campaign_id < 0:
        raise ValueError("a campaign id is not negative")
    return f"{ITEM_PREFIX}{campaign_id}:"


def item_asset(campaign_id: int, item: str) -> str:
    """The ledger asset of ``item`` in campaign ``campaign_id``: ``ITEM:7:wheel_spin`` (at most 57 characters).

    :raises ValueError: on an item key that is not 1 to 32 of ``a-z``, ``0-9`` and ``_``.
    """
    if not is_item_key(item):
        raise ValueError(f"{item!r} is not an item key (1 to 32 of a-z, 0-9, _)")
    return campaign_items_prefix(campaign_id) + item


def is_item_asset(asset: str) -> bool:
    """True when ``asset`` names a play item (:func:`item_asset`)."""
    return asset.startswith(ITEM_PREFIX)


def credit_items(
    session: Session, source_id: int, target_id: int, count: int, reference: str, now: datetime, max_held: int | None
) -> int:
    """Move ``count`` items from the campaign's issue account to the shopper's, one ``item_grant`` entry;
    returns its id. Run inside the grant's savepoint, which a refusal rolls back.

    :raises HoldingLimitReached: when the shopper would then hold more than ``max_held`` (checked after the
        credit, on the row the credit locked, so concurrent grants cannot pass it together).
    """
    entry_id = ledger.post(session, ITEM_GRANT, reference, ledger.Transfer(source_id, target_id, count), now)
    held = session.execute(select(Account.balance).where(Account.id == target_id)).scalar_one()
    if max_held is not None and held > max_held:
        raise HoldingLimitReached(f"this grant would make {held} held, more than the {max_held} allowed")
    return entry_id


def take_items(session: Session, source_id: int, sink_id: int, count: int, reference: str, now: datetime) -> int:
    """Move ``count`` items from the shopper's item account to the campaign's sink, once per ``reference``
    (see the module's note); returns the entry id, the first one's for a repeated reference.

    :raises InsufficientBalance: when the shopper holds fewer than ``count``; nothing is taken.
    :raises ItemSpendConflict: when ``reference`` took another count before; nothing is taken.
    :raises ValueError: on a non-positive ``count``.
    """
    if count <= 0:
        raise ValueError("a spend takes a positive number of items")
    _lock_account(session, source_id)
    earlier = _earlier_spend(session, source_id, reference)
    if earlier is None:
        return ledger.post(session, ITEM_SPEND, reference, ledger.Transfer(source_id, sink_id, count), now)
    if earlier.taken != count:
        raise ItemSpendConflict(reference, count, earlier.taken)
    return int(earlier.id)


def _lock_account(session: Session, account: int) -> None:
    query = select(Account.id).where(Account.id == account)
    session.execute(query.with_for_update() if is_postgresql(session) else query)


def _earlier_spend(session: Session, source_id: int, reference: str) -> Row[tuple[int, int]] | None:
    """The ``item_spend`` entry of ``reference`` on the shopper's account and how many items it took."""
    return session.execute(
        select(LedgerEntry.id, (-Posting.amount).label("taken"))
        .join(Posting, Posting.entry_id == LedgerEntry.id)
        .where(LedgerEntry.reference == reference, LedgerEntry.kind == ITEM_SPEND, Posting.account_id == source_id)
    ).first()


def item_balance(session: Session, campaign_id: int, user_id: int, item: str) -> int:
    """How many of ``item`` the user holds in campaign ``campaign_id`` (0 before the first grant)."""
    return ledger.balance(session, ledger.user_owner(user_id), item_asset(campaign_id, item))


def items_held(session: Session, campaign_id: int, user_id: int) -> dict[str, int]:
    """The items the user holds in campaign ``campaign_id`` (none of those at 0): item key -> count."""
    prefix = campaign_items_prefix(campaign_id)
    rows = session.execute(
        select(Account.asset, Account.balance)
        .where(Account.owner == ledger.user_owner(user_id), Account.asset.startswith(prefix, autoescape=True))
        .where(Account.balance > 0)
        .order_by(Account.asset)
    )
    return {asset.removeprefix(prefix): held for asset, held in rows}


def items_of_user(session: Session, user_id: int) -> list[tuple[int, str, int]]:
    """Every play item the user holds, in any campaign: ``(campaign id, item key, count)``, by campaign and key."""
    rows = session.execute(
        select(Account.asset, Account.balance)
        .where(Account.owner == ledger.user_owner(user_id), Account.asset.startswith(ITEM_PREFIX, autoescape=True))
        .where(Account.balance > 0)
    )
    held = []
    for asset, count in rows:
        campaign, _, item = asset.removeprefix(ITEM_PREFIX).partition(":")
        held.append((int(campaign), item, count))
    return sorted(held)


def expire_items(session: Session, campaign_id: int, now: datetime) -> int:
    """Move every item shoppers still hold in campaign ``campaign_id`` to the campaign's ``expired`` account,
    one ``item_expiry`` entry per shopper account; returns how many items expired. The caller decides that
    the campaign has ended. Idempotent: a second call finds nothing held (unless items were granted since).
    The accounts are locked first, in id order, so a concurrent spend or grant lands before or after.
    """
    total = 0
    for account, asset, held in _held_accounts(session, campaign_id):
        sink = ledger.account_id(session, ledger.campaign_owner(campaign_id, EXPIRED_ROLE), asset)
        ledger.post(session, ITEM_EXPIRY, f"expiry:{campaign_id}", ledger.Transfer(account, sink, held), now)
        total += held
    return total


def _held_accounts(session: Session, campaign_id: int) -> list[tuple[int, str, int]]:
    """The shoppers' accounts holding items of the campaign (locked on PostgreSQL): (id, asset, balance)."""
    query = (
        select(Account.id, Account.asset, Account.balance)
        .where(Account.owner.startswith("user:"), Account.balance > 0)
        .where(Account.asset.startswith(campaign_items_prefix(campaign_id), autoescape=True))
        .order_by(Account.id)
    )
    rows = session.execute(query.with_for_update() if is_postgresql(session) else query)
    return [(row.id, row.asset, row.balance) for row in rows]
