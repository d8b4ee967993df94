"""The single door every movement of value goes through: :func:`grant` and :func:`spend`.

Both run inside the caller's transaction (one unit of work per request) and inside a
savepoint of their own, so a refusal leaves nothing behind and the caller may go on, for
instance to grant a fallback prize instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from economy import clawback, items, ledger
from economy.buckets import Contended
from economy.errors import GrantKeyTaken
from economy.gift_cards import gift_card
from economy.limits import Cap, charge_budget, take_cap, take_stock
from economy.models import Coupon, Grant
from economy.rewards import CASH, POINTS, Reward, RewardKind

DEFAULT_POINTS_LIFETIME = timedelta(days=365)


@dataclass(frozen=True)
class GrantRequest:
    """One reward for one user, charged to one campaign.

    :param key: unique per grant; a second grant with the same key is refused (:class:`GrantKeyTaken`).
    :param reward: a fixed reward (a range red packet's amount is drawn before it reaches the economy).
    :param cost_fen: what the grant charges the budget and value caps; for a red packet its amount.
    :param day: the grant's day in the campaign time zone (``YYYY-MM-DD``), for day caps.
    :param max_held: for an item reward, the most of that item the shopper may hold after the grant
        (:class:`economy.items.HoldingLimitReached` beyond it); ``None``: no limit.
    :raises ValueError: for a range reward, a red packet whose cost is not its amount, or a ``max_held``
        below 1 or on a reward that is not an item.
    """

    key: str
    campaign_id: int
    user_id: int
    prize_key: str
    reward: Reward
    cost_fen: int
    day: str
    caps: Sequence[Cap] = field(default_factory=tuple)
    points_lifetime: timedelta = DEFAULT_POINTS_LIFETIME
    max_held: int | None = None

    def __post_init__(self) -> None:
        if self.reward.is_range:
            raise ValueError("draw a range red packet's amount before granting it")
        if self.reward.kind is RewardKind.RED_PACKET and self.cost_fen != self.reward.amount:
            raise ValueError("a red packet costs the budget exactly the amount granted")
        if self.max_held is not None and (self.reward.kind is not RewardKind.ITEM or self.max_held < 1):
            raise ValueError("only an item reward has a holding limit, and it is at least 1")


def grant(session: Session, request: GrantRequest, now: datetime) -> Grant:
    """Check caps, stock and budget, deliver the reward and write the grant record, atomically.

    :returns: the grant record.
    :raises CapReached, OutOfStock, BudgetExhausted, HoldingLimitReached: and nothing is changed.
    :raises GrantKeyTaken: when ``request.key`` was used before (the grant's unique key refuses it at
        insert, a concurrent twin too); nothing is granted.
    """
    session.flush()  # what the caller changed before is written outside the grant's savepoint
    attempts: Counter[str] = Counter()
    while True:
        try:
            return _grant_in_savepoint(session, request, now, attempts)
        except Contended as contended:
            attempts[contended.counter] += 1


def _grant_in_savepoint(session: Session, request: GrantRequest, now: datetime, attempts: Counter[str]) -> Grant:
    """The grant inside a savepoint: a refusal, or a contended counter (taken again by the caller with its
    next attempt, :func:`economy.buckets.take`), rolls back everything it did."""
    with session.begin_nested():
        if request.reward.kind is RewardKind.POINTS:  # the shopper's points first, then the budget: the order
            ledger.lock_points(session, request.user_id)  # a mall redemption or a claw-back locks in too
        _take_limits(session, request, attempts)
        record = Grant(
            key=request.key,
            campaign_id=request.campaign_id,
            user_id=request.user_id,
            prize_key=request.prize_key,
            reward_kind=request.reward.kind.value,
            amount=request.reward.amount,
            cost_fen=request.cost_fen,
            day=request.day,
            created_at=now,
        )
        session.add(record)
        _insert_grant(session, request)
        _deliver(session, request, record, now)
    return record


def _insert_grant(session: Session, request: GrantRequest) -> None:
    """Flush the new grant row, the only pending object here (:func:`grant` flushed the caller's changes
    first; the row's one unique column is ``key``).

    :raises GrantKeyTaken: when its key is taken (the caller's savepoint rolls back).
    """
    try:
        session.flush()
    except IntegrityError:
        raise GrantKeyTaken(request.key) from None


def _take_limits(session: Session, request: GrantRequest, attempts: Counter[str]) -> None:
    for cap in request.caps:
        if cap.covers(request.prize_key):
            take_cap(session, request.campaign_id, request.user_id, cap, request.day, request.cost_fen)
    take_stock(session, request.campaign_id, request.prize_key, request.user_id, attempts)
    charge_budget(session, request.campaign_id, request.cost_fen, request.day, request.user_id, attempts)


def _deliver(session: Session, request: GrantRequest, record: Grant, now: datetime) -> None:
    reward = request.reward
    reference = f"grant:{record.id}"
    if reward.kind is RewardKind.POINTS:
        source, target = _issue_and_user_accounts(session, request, POINTS)
        ledger.credit_points(session, target, source, reward.amount, reference, now, now + request.points_lifetime)
        clawback.repay_owed(session, request.campaign_id, request.user_id, reference, now)  # owed points come first
    elif reward.kind is RewardKind.RED_PACKET:
        source, target = _issue_and_user_accounts(session, request, CASH)
        ledger.post(session, "red_packet", reference, ledger.Transfer(source, target, reward.amount), now)
    elif reward.kind is RewardKind.COUPON:
        session.add(_coupon(request, record, now))
        session.flush()
    elif reward.kind is RewardKind.GIFT_CARD:
        session.add(gift_card(request.user_id, request.campaign_id, record.id, reward.amount, now))
        session.flush()
    elif reward.kind is RewardKind.ITEM:
        source, target = _issue_and_user_accounts(session, request, _item_asset(request))
        items.credit_items(session, source, target, reward.amount, reference, now, request.max_held)


def _item_asset(request: GrantRequest) -> str:
    if request.reward.item is None:
        raise ValueError("an item reward names its item")
    return items.item_asset(request.campaign_id, request.reward.item)


def _issue_and_user_accounts(session: Session, request: GrantRequest, asset: str) -> tuple[int, int]:
    """The campaign's issue account (which may go negative) and the shopper's, in ``asset``."""
    issue = (_issue_owner(request), asset, True)
    source, target = ledger.account_ids(session, issue, (ledger.user_owner(request.user_id), asset, False))
    return source, target


def _issue_owner(request: GrantRequest) -> str:
    """The campaign's issue account shard this user's grants come from."""
    return ledger.campaign_owner(request.campaign_id, "issue", shard=request.user_id)


def _coupon(request: GrantRequest, record: Grant, now: datetime) -> Coupon:
    template = request.reward.coupon
    if template is None:
        raise ValueError("a coupon reward needs a coupon template")
    return Coupon(
        user_id=request.user_id,
        campaign_id=request.campaign_id,
        grant_id=record.id,
        kind=template.type,
        title=template.title,
        periods=template.periods,
        min_order_fen=template.min_order_fen,
        category=template.category,
        threshold_fen=template.threshold_fen,
        amount_fen=template.amount_fen,
        valid_from=now,
        valid_until=now + timedelta(days=template.valid_days),
        state="issued",
    )


@dataclass(frozen=True)
class SpendRequest:
    """Take ``amount`` of ``asset`` from a user into a campaign's sink (e.g. points for an extra spin, or a
    play item of that campaign, :func:`economy.items.item_asset`).

    :raises ValueError: for an item of another campaign.
    """

    reference: str
    campaign_id: int
    user_id: int
    asset: str
    amount: int

    def __post_init__(self) -> None:
        if items.is_item_asset(self.asset) and not self.asset.startswith(items.campaign_items_prefix(self.campaign_id)):
            raise ValueError(f"{self.asset} is not an item of campaign {self.campaign_id}")


def spend(session: Session, request: SpendRequest, now: datetime) -> int:
    """Take value from a user; points come out of the soonest-expiring unexpired lots. An item spend happens
    once per reference: repeating it answers the first entry id and takes nothing more
    (:func:`economy.items.take_items`).

    :returns: the ledger entry id.
    :raises InsufficientBalance: and nothing is changed.
    :raises PointsOnHold: for points, while the shopper owes points (:mod:`economy.clawback`).
    :raises ItemSpendConflict: for an item spend whose reference took another count; nothing is changed.
    """
    with session.begin_nested():
        sink_owner = ledger.campaign_owner(request.campaign_id, "sink", shard=request.user_id)
        sink = ledger.account_id(session, sink_owner, request.asset, allow_negative=False)
        if request.asset == POINTS:
            clawback.refuse_if_on_hold(session, request.user_id)
            return ledger.spend_points(session, request.user_id, sink, request.amount, request.reference, now)
        source = ledger.account_id(session, ledger.user_owner(request.user_id), request.asset)
        if items.is_item_asset(request.asset):
            return items.take_items(session, source, sink, request.amount, request.reference, now)
        return ledger.post(session, "spend", request.reference, ledger.Transfer(source, sink, request.amount), now)


def spend_items(
    session: Session, campaign_id: int, user_id: int, item: str, count: int, reference: str, now: datetime
) -> int:
    """Spend ``count`` of a user's ``item`` in a campaign through :func:`spend`, once per ``reference``.

    :returns: the ledger entry id (the first spend's, for a repeated reference).
    :raises InsufficientBalance: when the user holds fewer than ``count``; nothing is changed.
    :raises ItemSpendConflict: when ``reference`` took another count before; nothing is changed.
    :raises ValueError: on an invalid item key or a non-positive ``count``.
    """
    asset = items.item_asset(campaign_id, item)
    return spend(session, SpendRequest(reference, campaign_id, user_id, asset, count), now)
