"""The game engine: one play action as one unit of work.

lock the player -> load campaign + config -> call the game with a context (it grants through the economy)
-> record the draw (:func:`record_draw`, last: the campaign's chain head is locked from then until commit).
The caller owns the transaction: it commits, then emits events.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, exists, literal, select
from sqlalchemy.orm import Session

from economy.db import UTCDateTime, insert_selected_ignoring_conflicts, is_postgresql
from games.campaigns.config import CampaignConfig, parsed_config
from games.engine.contract import (
    Action,
    Activity,
    Game,
    GameEvent,
    Outcome,
    Partner,
    PlayContext,
    PrizeOutcome,
    Profile,
    Rejection,
    Viewer,
)
from games.engine.economy_port import SqlEconomyPort
from games.engine.observe import notify, observers
from games.engine.registry import Registry
from games.fairness import records
from games.fairness.checkpoints import hold_off_closing, publish_checkpoints
from games.fairness.periods import commit_ahead, committed_period, local_day
from games.fairness.rng import FairRng, new_client_seed
from games.models import Campaign, ConfigVersion, GameState, Player, SeedPeriod


@dataclass(frozen=True)
class PlayerView:
    """What a shopper's page shows of one game after an action (or on opening it)."""

    campaign: Campaign
    config: CampaignConfig
    game_view: dict[str, Any]
    client_seed: str
    period: SeedPeriod


@dataclass(frozen=True)
class PlayResult:
    """What one action did: events for the shopper, prize outcomes, the draw to record (``facts``, when the
    action drew) and, once :func:`record_draw` stored it, the shopper's ``proof``."""

    campaign_id: int
    events: list[GameEvent]
    grants: list[PrizeOutcome]
    view: PlayerView
    facts: records.DrawFacts | None = None
    proof: dict[str, object] | None = None


def active_campaign(session: Session, campaign_id: int, now: datetime) -> Campaign:
    """The campaign (read afresh) if it is running now.

    :raises Rejection: ``campaign_not_found``, ``campaign_paused``, ``campaign_not_started``,
        ``campaign_ended``.
    """
    found = session.execute(_campaign_by_id(), {"campaign_id": campaign_id}).scalar_one_or_none()
    return _running(found, campaign_id, now)


@cache
def _campaign_by_id() -> Select[tuple[Campaign]]:
    """Built once: the campaign, its attributes read afresh (:func:`active_campaign`)."""
    return select(Campaign).where(Campaign.id == bindparam("campaign_id")).execution_options(populate_existing=True)


def running_campaign(
    session: Session, registry: Registry, campaign_id: int, now: datetime
) -> tuple[Campaign, CampaignConfig]:
    """The campaign (read afresh) if it is running now, with its current published config, in one query.

    :raises Rejection: as :func:`active_campaign`.
    """
    campaign, config, _ = _running_with_period(session, registry, campaign_id, now)
    return campaign, config


def _running_with_period(
    session: Session, registry: Registry, campaign_id: int, now: datetime
) -> tuple[Campaign, CampaignConfig, SeedPeriod | None]:
    """:func:`running_campaign` and the committed seed period covering ``now`` (``None``: none is), read
    afresh in the same query (a draw needs all three)."""
    found = session.execute(_campaign_with_config(), {"campaign_id": campaign_id, "now": now}).one_or_none()
    campaign = _running(found[0] if found else None, campaign_id, now)
    if found is None or found[1] is None:
        raise Rejection("campaign_not_found", f"campaign {campaign_id} has no published version")
    return campaign, parsed_config(registry, found[1]), found[2]


@cache
def _campaign_with_config() -> Select[tuple[Campaign, str, SeedPeriod]]:
    """Built once (every play runs it): the campaign, its published config and the committed period covering
    the parameter ``now`` (periods never overlap, so there is at most one)."""
    now = bindparam("now", type_=UTCDateTime)
    covering = (SeedPeriod.campaign_id == Campaign.id) & (SeedPeriod.starts_at <= now) & (SeedPeriod.ends_at > now)
    return (
        select(Campaign, ConfigVersion.config_json, SeedPeriod)
        .outerjoin(ConfigVersion, ConfigVersion.id == Campaign.version_id)
        .outerjoin(SeedPeriod, covering)
        .where(Campaign.id == bindparam("campaign_id"))
        .execution_options(populate_existing=True)
    )


def _running(campaign: Campaign | None, campaign_id: int, now: datetime) -> Campaign:
    if campaign is None or campaign.version_id is None:
        raise Rejection("campaign_not_found", f"no campaign {campaign_id}")
    state = campaign.lifecycle(now)
    if state == "paused":
        raise Rejection("campaign_paused", "this campaign is paused for a moment; please come back later")
    if state == "scheduled":
        raise Rejection("campaign_not_started", f"this campaign starts at {campaign.starts_at.isoformat()}")
    if state != "active":
        raise Rejection("campaign_ended", "this campaign has ended")
    return campaign


def commit_seeds(session: Session, campaign_id: int, now: datetime) -> int:
    """Commit the seed periods a running campaign is about to draw in and close the ended ones; run in a
    transaction of its own (by the clock, :mod:`server.clock`, or before a play that found its period
    uncommitted), so every commitment is stored (and public) before its first draw. Returns how many
    periods it closed."""
    campaign = session.get(Campaign, campaign_id, populate_existing=True)
    if campaign is None or campaign.version_id is None:
        return 0
    if now < campaign.ends_at:
        commit_ahead(session, campaign, now)
    return publish_checkpoints(session, campaign_id, now)


def campaign_config(session: Session, registry: Registry, campaign: Campaign) -> CampaignConfig:
    """The campaign's current published config."""
    version = session.get(ConfigVersion, campaign.version_id)
    if version is None:
        raise Rejection("campaign_not_found", f"campaign {campaign.id} has no published version")
    return parsed_config(registry, version.config_json)


def play(
    session: Session,
    registry: Registry,
    campaign_id: int,
    user_id: int,
    game_key: str,
    action: Action,
    clock: Callable[[], datetime],
    tier: str = "",
    profile: Profile | None = None,
    partner: int | None = None,
) -> PlayResult:
    """Apply one action for one shopper inside the caller's transaction; a draw it made is recorded by
    :func:`record_draw`, which the caller calls last, just before it commits.

    Closing is held off first (:func:`games.fairness.checkpoints.hold_off_closing`: the campaign's periods stay open
    until commit; taken before the player's lock, because the sealer, once it holds closing, updates player
    rows), then the shopper's player row is locked; then ``clock`` is read once, and that one reading decides
    whether the campaign runs, the day, and the seed period the draw uses. ``tier`` and ``profile``: what the
    host's launch token last said of the shopper. ``partner``: the other shopper of a two-player action (a share's
    sharer): both players are locked in id order before anything is read, the game gets the partner's state and
    an economy bound to them, and the partner's new state is stored with the shopper's.

    :raises Rejection: for an unknown or inactive campaign or game, a period that closed while the shopper's
        earlier action held the lock (``period_closed``: try again), or the game's own refusal; the caller
        rolls back and nothing has changed.
    """
    hold_off_closing(session, campaign_id)  # before the player's lock: the sealer updates player rows
    if partner is not None:
        for either in sorted({user_id, partner}):  # a fixed order: two actions on the same pair cannot deadlock
            lock_player(session, campaign_id, either)
    player, state_row = _lock_player_with_state(session, campaign_id, user_id, game_key)
    now = clock()
    campaign, config, covering = _running_with_period(session, registry, campaign_id, now)
    if game_key not in config.games:
        raise Rejection("game_not_found", f"this campaign has no game '{game_key}'")
    game = registry.get(game_key)
    if action.name not in game.actions:
        raise Rejection("unknown_action", f"the game '{game_key}' has no action '{action.name}'")
    period = draw_period(session, player, now, covering)
    if state_row is None:
        state_row = _new_state_row(session, campaign_id, user_id, game_key, game.dump_state(game.initial_state()))
    rng = FairRng(period.server_seed, player.client_seed, player.next_nonce)
    viewer = campaign_viewer(campaign, now, tier)
    reference = f"{period.key}:{player.next_nonce}"
    port = SqlEconomyPort(session, campaign_id, user_id, config, viewer.today, now, reference, game_key)
    state = game.load_state(json.loads(state_row.state_json))
    other, other_row = _partner(session, game, config, partner, (campaign_id, user_id, game_key), state, viewer, now)
    ctx = PlayContext(
        user_id, campaign_id, config.games[game_key], config.pool, rng, now, viewer.today, port, tier,
        viewer.starts_on, viewer.ends_on, profile or Profile(), other,
    )  # fmt: skip
    outcome = game.apply(ctx, state, action)
    if other_row is not None and outcome.partner_state is not None:
        other_row.state_json = json.dumps(game.dump_state(outcome.partner_state), sort_keys=True)
    if observers(registry, config, origin=game_key):
        played = Activity("played", reference, viewer.today, {"game": game_key, "action": action.name})
        observed = notify(session, registry, config, campaign_id, user_id, played, now, viewer, origin=game_key)
        outcome = replace(outcome, events=outcome.events + observed)

    def view(state: Any) -> PlayerView:
        return PlayerView(
            campaign, config, game.view(config.games[game_key], state, viewer), player.client_seed, period
        )

    state_row.state_json = json.dumps(game.dump_state(outcome.state), sort_keys=True)
    if not rng.calls:
        session.flush()
        return PlayResult(campaign_id, outcome.events, outcome.grants, view(outcome.state))
    facts = _facts(campaign_id, game, user_id, config, period.key, period.commitment, rng, outcome, now)
    player.next_nonce += 1
    session.flush()
    return PlayResult(campaign_id, outcome.events, outcome.grants, view(outcome.state), facts)


def _partner(
    session: Session,
    game: Game,
    config: CampaignConfig,
    partner: int | None,
    who: tuple[int, int, str],
    own_state: Any,
    viewer: Viewer,
    now: datetime,
) -> tuple[Partner | None, GameState | None]:
    """The partner of a two-player action (locked by :func:`play`) and their state row (``None`` when the partner
    is the shopper: the game sees their own state, and refuses)."""
    if partner is None:
        return None, None
    campaign_id, user_id, game_key = who
    reference = f"partner:{user_id}:{now.isoformat()}"
    port = SqlEconomyPort(session, campaign_id, partner, config, viewer.today, now, reference, game_key)
    if partner == user_id:
        return Partner(partner, own_state, port), None
    where = (GameState.campaign_id == campaign_id, GameState.user_id == partner, GameState.game == game_key)
    row = session.scalars(select(GameState).where(*where)).one_or_none()
    if row is None:
        row = _new_state_row(session, campaign_id, partner, game_key, game.dump_state(game.initial_state()))
    return Partner(partner, game.load_state(json.loads(row.state_json)), port), row


def campaign_viewer(campaign: Campaign, now: datetime, tier: str) -> Viewer:
    """The shopper of ``tier`` looking at ``campaign`` at ``now``: the day and the campaign's first and last day,
    in its time zone."""
    last = local_day(campaign.ends_at - timedelta(microseconds=1), campaign.timezone)
    return Viewer(local_day(now, campaign.timezone), tier, local_day(campaign.starts_at, campaign.timezone), last)


def record_draw(session: Session, result: PlayResult) -> PlayResult:
    """Add the draw ``result`` made to its campaign's log, unsealed (:mod:`games.fairness.records`), and return the
    result with its proof; ``seq`` and ``hash`` are None until the record is sealed, about a second later."""
    if result.facts is None:
        return result
    facts = result.facts
    records.append(session, facts)
    proof = {
        "seq": None,  # the record's place in the log, given when it is sealed
        "hash": None,
        "commitment": facts.commitment,
        "period": facts.period_key,
        "client_seed": facts.client_seed,
        "nonce": facts.nonce,
        "config_hash": facts.config_hash,
    }
    return replace(result, proof=proof)


def draw_period(session: Session, player: Player, now: datetime, covering: SeedPeriod | None = None) -> SeedPeriod:
    """The open seed period covering ``now`` for the locked ``player``, its nonce moved to that period.

    The caller holds closing off (:func:`games.fairness.checkpoints.hold_off_closing`), so the period stays open
    until the caller's transaction ends: no draw of it commits after its checkpoint
    or once its seed is public. A shopper's period only ever moves forward: the nonce restarts at 0 in a
    later period and never goes back to an earlier one (a clock reading behind the shopper's last draw is
    refused), so no (period, nonce) of a shopper is drawn twice.

    ``covering``: the committed period covering ``now`` when the caller read it already (in this transaction,
    after holding closing off); else it is read here.

    :raises Rejection: ``seed_not_committed``, ``period_closed`` (both: try again).
    """
    period = covering or committed_period(session, player.campaign_id, now)
    if period is None:
        raise Rejection("seed_not_committed", "this period's draw seed is not published yet; please try again")
    if period.closed_at is not None or (
        player.period_key != period.key
        and player.period_starts_at is not None
        and period.starts_at < player.period_starts_at
    ):
        raise Rejection("period_closed", "this draw period has just closed; please try again")
    if player.period_key != period.key:
        player.period_key, player.period_starts_at, player.next_nonce = period.key, period.starts_at, 0
    return period


def _facts(
    campaign_id: int,
    game: Game,
    user_id: int,
    config: CampaignConfig,
    period_key: str,
    commitment: str,
    rng: FairRng,
    outcome: Outcome,
    now: datetime,
) -> records.DrawFacts:
    picked = outcome.grants and game.replay.picks_prize  # a game that picks no pool prize records none
    first = outcome.grants[0] if picked else PrizeOutcome(picked="", granted=None)
    detail = outcome.events[0].payload if outcome.events else {}
    recorded = {"amount_fen", *game.replay.detail_members}  # what the verifiers read of the outcome
    _check_detail(game, detail)
    return records.DrawFacts(
        campaign_id=campaign_id,
        game=game.key,
        user_id=user_id,
        config_hash=config.hash,
        period_key=period_key,
        commitment=commitment,
        client_seed=rng.client_seed,
        nonce=rng.nonce,
        draws=list(rng.calls),
        prize=first.picked,
        granted=first.granted,
        fallback_reason=first.fallback_reason,
        detail={k: v for k, v in detail.items() if k in recorded},
        created_at=now,
    )


def _check_detail(game: Game, detail: dict[str, Any]) -> None:
    """A game's outcome members are integers >= 0, as the verifiers require; a game that breaks this is a bug,
    and the play rolls back rather than leave a record no auditor could verify."""
    for name in game.replay.detail_members:
        value = detail.get(name)
        if type(value) is not int or value < 0:
            raise ValueError(f"game '{game.key}' recorded detail.{name} = {value!r}, not an integer >= 0")


def lock_player(session: Session, campaign_id: int, user_id: int) -> Player:
    """The shopper's player row, created on first play and locked until commit (serialises their plays).

    :raises Rejection: ``campaign_not_found`` when the campaign does not exist.
    """
    query = select(Player).where(Player.campaign_id == campaign_id, Player.user_id == user_id)
    if is_postgresql(session):
        query = query.with_for_update()
    query = query.execution_options(populate_existing=True)
    player = session.execute(query).scalar_one_or_none()
    if player is not None:
        return player
    row = select(literal(campaign_id), literal(user_id), literal(new_client_seed()), literal(""), literal(0)).where(
        exists().where(Campaign.id == campaign_id)
    )
    columns = ["campaign_id", "user_id", "client_seed", "period_key", "next_nonce"]
    insert_selected_ignoring_conflicts(session, Player.__table__, columns, row)
    player = session.execute(query).scalar_one_or_none()
    if player is None:
        raise Rejection("campaign_not_found", f"no campaign {campaign_id}")
    return player


def _lock_player_with_state(
    session: Session, campaign_id: int, user_id: int, game_key: str
) -> tuple[Player, GameState | None]:
    """:func:`lock_player` and the shopper's state in ``game_key`` (None before their first action), both rows
    locked by one statement once they exist. Both are locked: under READ COMMITTED, a statement that waited
    for a row lock sees the newest version of the rows it locked but the older snapshot of any other row it
    joined, so a state read beside a lock on the player alone could miss the shopper's previous action."""
    query = _player_with_state(is_postgresql(session))
    found = session.execute(query, {"campaign_id": campaign_id, "user_id": user_id, "game": game_key}).one_or_none()
    if found is not None:
        return found[0], found[1]
    player = lock_player(session, campaign_id, user_id)
    where = (GameState.campaign_id == campaign_id, GameState.user_id == user_id, GameState.game == game_key)
    return player, session.scalars(select(GameState).where(*where)).one_or_none()


@cache
def _player_with_state(locking: bool) -> Select[tuple[Player, GameState]]:
    """Built once per database kind (every play runs it); ``locking``: both rows ``FOR UPDATE``."""
    query = (
        select(Player, GameState)
        .join(
            GameState,
            (GameState.campaign_id == Player.campaign_id)
            & (GameState.user_id == Player.user_id)
            & (GameState.game == bindparam("game")),
        )
        .where(Player.campaign_id == bindparam("campaign_id"), Player.user_id == bindparam("user_id"))
        .execution_options(populate_existing=True)
    )
    return query.with_for_update(of=(Player, GameState)) if locking else query


def _new_state_row(
    session: Session, campaign_id: int, user_id: int, game_key: str, initial: dict[str, object]
) -> GameState:
    row = GameState(campaign_id=campaign_id, user_id=user_id, game=game_key, state_json=json.dumps(initial))
    session.add(row)
    return row


def set_client_seed(session: Session, campaign_id: int, user_id: int, client_seed: str) -> Player:
    """Set the shopper's client seed for their next draws (nonces keep counting)."""
    player = lock_player(session, campaign_id, user_id)
    player.client_seed = client_seed
    session.flush()
    return player
