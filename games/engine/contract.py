"""The game plugin contract: what the engine hands a game and what a game gives back.

A game is pure: no SQL, no clock, no randomness of its own. It receives a :class:`PlayContext`
(player, config, fair RNG, time, an economy port) and returns a :class:`Outcome`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, runtime_checkable

from marshmallow import Schema

from games.engine.disclosed_terms import DisclosedTerm
from games.fairness.pools import Pool, Prize
from games.fairness.rng import FairRng
from games.fairness.verify.outcomes import GameReplay


class Rejection(Exception):
    """An action the game refuses; ``code`` is stable, ``message`` is shown to the shopper."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class PrizeOutcome:
    """What became of a picked prize: granted as picked, or the fallback and why."""

    picked: str
    granted: str | None
    fallback_reason: str | None = None


class EconomyPort(Protocol):
    """The economy as a game sees it, bound to the current player, campaign and transaction."""

    def points_balance(self) -> int:
        """The player's spendable (unexpired) points."""

    def spend_points(self, points: int, reason: str) -> None:
        """Take points from the player. :raises Rejection: ``insufficient_points``."""

    def item_balance(self, item: str) -> int:
        """How many of the campaign's play ``item`` (e.g. ``wheel_spin``) the player holds."""

    def spend_item(self, item: str, count: int, reason: str) -> None:
        """Take ``count`` of ``item`` from the player. :raises Rejection: ``insufficient_items``."""

    def grant_prize(self, prize: Prize) -> PrizeOutcome:
        """Grant ``prize``, or the pool's fallback when it is out of stock, capped or over budget.

        A range red packet is offered with its amount already drawn (``Prize.with_amount``).
        """

    def grant_reward(self, prize: Prize, reference: str, fallback: bool = True) -> PrizeOutcome:
        """Grant ``prize`` that the game gives without drawing it (a check-in's points, a milestone's prize), keyed
        by the game and its ``reference`` (unique for what it rewards, e.g. ``2026-12-05:daily``); the pool's fallback
        when it is refused and ``fallback``. Caps count it only when it is a pool prize; the budget always does.

        :raises Rejection: ``already_granted`` when ``reference`` was rewarded before (nothing is granted).
        """

    def claw_back_points(self, points: int, reference: str) -> int:
        """Take back ``points`` the game gave under ``reference`` (a refunded order's): what the player holds is
        taken, the rest is owed and holds their points until repaid (:mod:`economy.clawback`); returns the points
        owed. Once per reference: a second claw-back under it takes nothing."""

    def take_back(self, reference: str) -> str:
        """Take back what :meth:`grant_reward` granted under ``reference``: its points (as :meth:`claw_back_points`)
        or its play items as far as the player still holds them; a coupon or red packet delivered stays. Returns
        what was done: ``points``, ``items``, ``kept`` or ``none`` (nothing was granted)."""


@dataclass(frozen=True)
class Action:
    """A shopper's request to a game: ``name`` is one of the game's actions."""

    name: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Profile:
    """What the host's launch token last said of the shopper beyond the tier, for fraud rules: a hash of their
    device id, whether its risk system flags them, and the day their account was opened."""

    device: str | None = None
    risk: bool = False
    joined: date | None = None


@dataclass(frozen=True)
class Partner:
    """The other shopper of a two-player action (the sharer a helper assists): the engine locked both players in id
    order; ``state`` is the partner's state in the game, ``economy`` grants to the partner."""

    user_id: int
    state: Any
    economy: EconomyPort


@dataclass
class PlayContext:
    """Everything a game may use while applying one action: ``today`` in the campaign's time zone, the shopper's
    member ``tier`` and ``profile`` (from the host's launch token), the campaign's first and last day
    (``starts_on``, ``ends_on``) and, in a two-player action, the ``partner``."""

    user_id: int
    campaign_id: int
    config: Any
    pool: Pool
    rng: FairRng
    now: datetime
    today: str
    economy: EconomyPort
    tier: str = ""
    starts_on: str = ""
    ends_on: str = ""
    profile: Profile = field(default_factory=Profile)
    partner: Partner | None = None


@dataclass(frozen=True)
class Viewer:
    """Who looks at a game, and when: the day (``YYYY-MM-DD``, campaign time zone), the shopper's member tier (as
    the host's launch token last said) and the campaign's first and last day."""

    today: str
    tier: str = ""
    starts_on: str = ""
    ends_on: str = ""


@dataclass(frozen=True)
class Activity:
    """Something a shopper did that a campaign's games may observe (``Game.observe``): a host event (``kind`` its
    type, ``ref`` its id, or an order's reference for order events; ``facts`` its fields) or an action of another
    game (``kind`` ``played``, ``facts`` its ``game`` and ``action``). ``day``: when, in the campaign's time zone."""

    kind: str
    ref: str
    day: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleLine:
    """One line of a game's section on the public rules page, in Chinese and in English."""

    zh: str
    en: str


@dataclass(frozen=True)
class GameEvent:
    """Something that happened, sent to the shopper (and, when ``broadcast``, to the campaign room)."""

    name: str
    payload: dict[str, Any]
    broadcast: bool = False


@dataclass(frozen=True)
class Outcome:
    """What ``apply`` returns: the new state, events for the shopper and the prize outcomes; in a two-player action,
    the partner's new state (``None``: unchanged)."""

    state: Any
    events: list[GameEvent]
    grants: list[PrizeOutcome]
    partner_state: Any = None


@runtime_checkable
class Game(Protocol):
    """A pluggable game. Implementations are registered under ``key``.

    - ``config_schema``: marshmallow schema of the game's part of a campaign config;
    - ``actions``: the action names ``apply`` accepts;
    - ``disclosed_terms``: the config fields shoppers are shown (on the rules page and the game's page)
      and the direction in which a change hurts them. Once a campaign has started, a new version that
      moves any of them in that direction is refused (:func:`games.campaigns.disclosure.worsening`). Each
      ``field`` is a field of ``config_schema`` and an attribute of the loaded config; an empty tuple
      declares that the game discloses none.
    - optionally ``worse_changes(before, after)``: what a new version makes worse beyond single fields (a list's
      entries, a rule), as ``(field path under the game's config, reason)``; refused like a worse term;
    - optionally ``audience_schema`` (marshmallow) and ``simulate_audience(config, pool, audience)``: the game's
      own cost model for ops (``POST /api/ops/simulate/games/<key>``), for a game whose cost is not a number of
      pool draws (a check-in's points by tier and its milestones);
    - optionally ``private_actions``: actions the shoppers' generic action route refuses, because only the server's
      own routes may take them, with what those supply (a share's link code and partner; an ops decision);
    - optionally ``observe(ctx, state, activity) -> Outcome``: told of what the shopper did elsewhere (a host
      event, an action of another game of the campaign), in that transaction; it may grant but never draw
      (``ctx.rng`` refuses), so an observation leaves no draw record;
    - ``replay``: how the verifiers check the game's outcome from its draw record
      (:class:`games.fairness.verify.outcomes.GameReplay`, keyed by the game's key); the members of a
      play's first event payload that the record keeps as ``detail`` are its ``detail_members`` (and a
      range red packet's ``amount_fen``).
    """

    key: str
    config_schema: type[Schema]
    actions: frozenset[str]
    disclosed_terms: tuple[DisclosedTerm, ...]
    replay: GameReplay

    def check_config(self, config: Any, pool: Pool) -> dict[str, list[str]]:
        """Cross-checks of the loaded config against the pool; field name -> messages (empty: fine)."""

    def initial_state(self) -> Any:
        """The state of a player who has never played."""

    def load_state(self, data: dict[str, Any]) -> Any:
        """Rebuild the typed state from its stored JSON form."""

    def dump_state(self, state: Any) -> dict[str, Any]:
        """The JSON form of a state, for storage."""

    def apply(self, ctx: PlayContext, state: Any, action: Action) -> Outcome:
        """Apply ``action``; never mutates ``state``. :raises Rejection: with a reason for the UI."""

    def view(self, config: Any, state: Any, viewer: Viewer) -> dict[str, Any]:
        """What the shopper's page shows of their state (e.g. spins left today)."""

    def rules_lines(self, config: Any, pool: Pool) -> list[RuleLine]:
        """The game's section of the public rules page: how to play and what it costs, in plain words (``pool``:
        the campaign's, for the names and quantities of the prizes the game grants)."""

    def daily_draws(self, config: Any) -> int | None:
        """The simulation's model of the game: the most fair draws one shopper can make in a day
        (``None``: no limit the config sets)."""
