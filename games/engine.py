"""The game engine: one play action as one unit of work.

load campaign + config -> lock the player -> call the game with a context -> record the draw
-> grant through the economy. The caller owns the transaction: it commits, then emits events.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy.db import insert_ignoring_conflicts, is_postgresql
from games import records
from games.campaigns import CampaignConfig, parsed_config
from games.checkpoints import publish_checkpoints
from games.contract import Action, GameEvent, Outcome, PlayContext, PrizeOutcome, Rejection
from games.economy_port import SqlEconomyPort
from games.fairness import FairRng, new_client_seed
from games.models import Campaign, ConfigVersion, GameState, Player, SeedPeriod
from games.periods import commit_ahead, committed_period, local_day
from games.registry import Registry

RECORDED_DETAIL = frozenset({"slot", "amount_fen"})  # the event payload members a draw record keeps


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
    """What one action did: events for the shopper, prize outcomes, the draw record (if any)."""

    campaign_id: int
    events: list[GameEvent]
    grants: list[PrizeOutcome]
    draw_seq: int | None
    proof: dict[str, object] | None
    view: PlayerView


def active_campaign(session: Session, campaign_id: int, now: datetime) -> Campaign:
    """The campaign if it is running now. :raises Rejection: ``campaign_not_found``, ``campaign_inactive``."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.version_id is None:
        raise Rejection("campaign_not_found", f"no campaign {campaign_id}")
    if campaign.status == "paused":
        raise Rejection("campaign_paused", "this campaign is paused for a moment; please come back later")
    if campaign.status != "active" or not campaign.starts_at <= now < campaign.ends_at:
        raise Rejection("campaign_inactive", "this campaign is not running now")
    return campaign


def commit_seeds(session: Session, campaign_id: int, now: datetime) -> None:
    """Commit the seed periods a campaign is about to draw in and checkpoint the chain of ended ones; run
    in its own transaction before a play, so every commitment is stored (and public) before its first draw."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is not None and campaign.version_id is not None and now < campaign.ends_at:
        commit_ahead(session, campaign, now)
        publish_checkpoints(session, campaign_id, now)


def campaign_config(session: Session, registry: Registry, campaign: Campaign) -> CampaignConfig:
    """The campaign's current published config."""
    version = session.get(ConfigVersion, campaign.version_id)
    assert version is not None
    return parsed_config(registry, version.config_json)


def play(
    session: Session, registry: Registry, campaign_id: int, user_id: int, game_key: str, action: Action, now: datetime
) -> PlayResult:
    """Apply one action for one shopper inside the caller's transaction.

    :raises Rejection: for an unknown or inactive campaign or game, or the game's own refusal;
        the caller rolls back and nothing has changed.
    """
    campaign = active_campaign(session, campaign_id, now)
    config = campaign_config(session, registry, campaign)
    if game_key not in config.games:
        raise Rejection("game_not_found", f"this campaign has no game '{game_key}'")
    game = registry.get(game_key)
    period = committed_period(session, campaign_id, now)
    if period is None:
        raise Rejection("seed_not_committed", "this period's draw seed is not published yet; please try again")
    player = lock_player(session, campaign_id, user_id)
    if player.period_key != period.key:
        player.period_key, player.next_nonce = period.key, 0
    state_row = _state_row(session, campaign_id, user_id, game_key, game.dump_state(game.initial_state()))
    rng = FairRng(period.server_seed, player.client_seed, player.next_nonce)
    today = local_day(now, campaign.timezone)
    port = SqlEconomyPort(session, campaign_id, user_id, config, today, now, f"{period.key}:{player.next_nonce}")
    ctx = PlayContext(user_id, campaign_id, config.games[game_key], config.pool, rng, now, today, port)
    outcome = game.apply(ctx, game.load_state(json.loads(state_row.state_json)), action)

    def view(state: Any) -> PlayerView:
        return PlayerView(campaign, config, game.view(config.games[game_key], state, today), player.client_seed, period)

    state_row.state_json = json.dumps(game.dump_state(outcome.state), sort_keys=True)
    if not rng.calls:
        session.flush()
        return PlayResult(campaign_id, outcome.events, outcome.grants, None, None, view(outcome.state))
    facts = _facts(campaign_id, game_key, user_id, config, period.key, period.commitment, rng, outcome, now)
    record = records.append(session, facts)
    player.next_nonce += 1
    session.flush()
    proof = {
        "seq": record.seq,
        "hash": record.hash,
        "commitment": period.commitment,
        "period": period.key,
        "client_seed": rng.client_seed,
        "nonce": rng.nonce,
        "config_hash": config.hash,
    }
    return PlayResult(campaign_id, outcome.events, outcome.grants, record.seq, proof, view(outcome.state))


def _facts(
    campaign_id: int,
    game_key: str,
    user_id: int,
    config: CampaignConfig,
    period_key: str,
    commitment: str,
    rng: FairRng,
    outcome: Outcome,
    now: datetime,
) -> records.DrawFacts:
    first = outcome.grants[0] if outcome.grants else PrizeOutcome(picked="", granted=None)
    detail = outcome.events[0].payload if outcome.events else {}
    return records.DrawFacts(
        campaign_id=campaign_id,
        game=game_key,
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
        detail={k: v for k, v in detail.items() if k in RECORDED_DETAIL},
        created_at=now,
    )


def lock_player(session: Session, campaign_id: int, user_id: int) -> Player:
    """The shopper's player row, created on first play and locked until commit (serialises their plays)."""
    insert_ignoring_conflicts(
        session,
        Player.__table__,
        {
            "campaign_id": campaign_id,
            "user_id": user_id,
            "client_seed": new_client_seed(),
            "period_key": "",
            "next_nonce": 0,
        },
    )
    query = select(Player).where(Player.campaign_id == campaign_id, Player.user_id == user_id)
    if is_postgresql(session):
        query = query.with_for_update()
    return session.execute(query.execution_options(populate_existing=True)).scalar_one()


def _state_row(
    session: Session, campaign_id: int, user_id: int, game_key: str, initial: dict[str, object]
) -> GameState:
    where = (GameState.campaign_id == campaign_id, GameState.user_id == user_id, GameState.game == game_key)
    row = session.scalars(select(GameState).where(*where)).one_or_none()
    if row is None:
        row = GameState(campaign_id=campaign_id, user_id=user_id, game=game_key, state_json=json.dumps(initial))
        session.add(row)
    return row


def set_client_seed(session: Session, campaign_id: int, user_id: int, client_seed: str) -> Player:
    """Set the shopper's client seed for their next draws (nonces keep counting)."""
    player = lock_player(session, campaign_id, user_id)
    player.client_seed = client_seed
    session.flush()
    return player
