"""The economy port the engine hands to games: grants with fallback, points balance and spend,
all inside the current transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy import clawback, items, ledger
from economy.clawback import PointsOnHold
from economy.errors import GrantKeyTaken, InsufficientBalance, Refusal
from economy.models import Grant, LedgerEntry
from economy.rewards import POINTS, RewardKind, reward_cost_fen
from economy.service import GrantRequest, SpendRequest, grant, spend, spend_items
from games.campaigns.config import CampaignConfig
from games.engine.contract import PrizeOutcome, Rejection
from games.fairness.pools import Prize


class SqlEconomyPort:
    """:class:`games.engine.contract.EconomyPort` over the SQL economy for one player and one draw.

    :param reference: unique per draw (period and nonce); grant keys derive from it.
    :param game: the game playing (its own rewards' grant keys name it).
    """

    def __init__(
        self,
        session: Session,
        campaign_id: int,
        user_id: int,
        config: CampaignConfig,
        today: str,
        now: datetime,
        reference: str,
        game: str = "",
    ) -> None:
        self._session, self._campaign_id, self._user_id, self._game = session, campaign_id, user_id, game
        self._config, self._today, self._now, self._reference = config, today, now, reference
        self._grants = 0

    def points_balance(self) -> int:
        """Unexpired points of the player."""
        return ledger.spendable_points(self._session, self._user_id, self._now)

    def spend_points(self, points: int, reason: str) -> None:
        """Take points into the campaign's sink. :raises Rejection: ``insufficient_points``, ``points_on_hold``."""
        request = SpendRequest(
            reference=f"{reason}:{self._campaign_id}:{self._user_id}:{self._reference}",
            campaign_id=self._campaign_id,
            user_id=self._user_id,
            asset=POINTS,
            amount=points,
        )
        try:
            spend(self._session, request, self._now)
        except InsufficientBalance as error:
            raise Rejection("insufficient_points", error.message) from error
        except PointsOnHold as error:
            raise Rejection(PointsOnHold.code, error.message) from error

    def item_balance(self, item: str) -> int:
        """How many of the campaign's ``item`` the player holds."""
        return items.item_balance(self._session, self._campaign_id, self._user_id, item)

    def spend_item(self, item: str, count: int, reason: str) -> None:
        """Take ``count`` of ``item``. :raises Rejection: ``insufficient_items``.

        The reference is new for every action (an action that draws nothing leaves the nonce where it was); a
        request sent again is answered by its idempotency key before it reaches the game.
        """
        reference = f"{reason}:{self._campaign_id}:{self._user_id}:{self._reference}:{uuid4().hex}"
        try:
            spend_items(self._session, self._campaign_id, self._user_id, item, count, reference, self._now)
        except InsufficientBalance as error:
            raise Rejection("insufficient_items", error.message) from error

    def grant_prize(self, prize: Prize) -> PrizeOutcome:
        """Grant ``prize``; when refused, the fallback; when that is refused too, nothing.

        A range red packet must come with its amount drawn (:func:`games.fairness.prize_draw.draw_prize`): the
        economy charges the budget and value caps what is actually granted.
        """
        return self._grant_or_fall_back(prize, self._draw_key, fallback=True, capped=True)

    def grant_reward(self, prize: Prize, reference: str, fallback: bool = True) -> PrizeOutcome:
        """Grant ``prize`` without a draw, keyed ``game:{campaign}:{user}:{game}:{reference}`` (reconciliation pairs
        these with the records that call for them); when refused, the fallback (if ``fallback``), else nothing.

        :raises Rejection: ``already_granted`` when ``reference`` was rewarded before; nothing is granted.
        """
        base = self._reward_key(reference)
        keys = iter((base, f"{base}:fallback"))
        try:
            capped = any(p.key == prize.key for p in self._config.pool.prizes)  # caps count pool prizes only
            return self._grant_or_fall_back(prize, lambda: next(keys), fallback=fallback, capped=capped)
        except GrantKeyTaken as taken:
            raise Rejection("already_granted", f"'{reference}' was rewarded before") from taken

    def claw_back_points(self, points: int, reference: str) -> int:
        """Take back ``points`` given under ``reference`` (:func:`economy.clawback.claw_back_points`), at most what the
        grant under it actually gave (nothing when the budget refused it), once per reference (a claw-back leaves an
        entry under its key, taken or owed); returns the points now owed for it."""
        key = self._reward_key(reference)
        earlier = select(LedgerEntry.id).where(LedgerEntry.reference.in_([key, f"clawback:{key}"])).limit(1)
        if self._session.scalar(earlier) is not None:
            return 0
        granted = self._session.scalars(
            select(Grant.amount).where(Grant.key == key, Grant.reward_kind == RewardKind.POINTS.value)
        ).first()
        if not granted:
            return 0
        taken = min(points, granted)
        return clawback.claw_back_points(self._session, self._campaign_id, self._user_id, taken, key, self._now).owed

    def take_back(self, reference: str) -> str:
        """Take back what was granted under ``reference`` (and its fallback): points clawed back, play items taken
        as far as still held; a coupon or red packet stays."""
        key = self._reward_key(reference)
        granted = self._session.scalars(select(Grant).where(Grant.key.in_([key, f"{key}:fallback"]))).first()
        if granted is None:
            return "none"
        if granted.reward_kind == RewardKind.POINTS.value:
            self.claw_back_points(granted.amount, reference)
            return "points"
        if granted.reward_kind == RewardKind.ITEM.value:
            return self._take_back_items(granted, reference)
        return "kept"

    def _take_back_items(self, granted: Grant, reference: str) -> str:
        item = next((p.reward.item for p in self._config.pool.prizes if p.key == granted.prize_key), None)
        held = 0 if item is None else self.item_balance(item)
        if item is None or held == 0:
            return "kept"
        spend_key = f"takeback:{self._reward_key(reference)}"
        spend_items(
            self._session, self._campaign_id, self._user_id, item, min(held, granted.amount), spend_key, self._now
        )
        return "items"

    def _reward_key(self, reference: str) -> str:
        return f"game:{self._campaign_id}:{self._user_id}:{self._game}:{reference}"

    def _draw_key(self) -> str:
        self._grants += 1
        return f"draw:{self._campaign_id}:{self._user_id}:{self._reference}:{self._grants}"

    def _grant_or_fall_back(
        self, prize: Prize, next_key: Callable[[], str], fallback: bool, capped: bool
    ) -> PrizeOutcome:
        try:
            self._grant(prize, next_key, capped)
            return PrizeOutcome(picked=prize.key, granted=prize.key)
        except Refusal as refusal:
            if not fallback:
                return PrizeOutcome(picked=prize.key, granted=None, fallback_reason=refusal.code)
            try:
                self._grant(self._config.pool.fallback, next_key, capped=True)
                return PrizeOutcome(
                    picked=prize.key, granted=self._config.pool.fallback.key, fallback_reason=refusal.code
                )
            except Refusal:
                return PrizeOutcome(picked=prize.key, granted=None, fallback_reason=refusal.code)

    def _grant(self, prize: Prize, next_key: Callable[[], str], capped: bool) -> None:
        if prize.reward.kind is RewardKind.NOTHING:
            return
        request = GrantRequest(
            key=next_key(),
            campaign_id=self._campaign_id,
            user_id=self._user_id,
            prize_key=prize.key,
            reward=prize.reward,
            cost_fen=reward_cost_fen(prize.reward, self._config.pool.points_per_yuan),
            day=self._today,
            caps=self._config.caps if capped else (),
            points_lifetime=self._config.points_lifetime,
        )
        grant(self._session, request, self._now)
