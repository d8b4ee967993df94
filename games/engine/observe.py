"""Telling a campaign's games what a shopper did elsewhere (``Game.observe``): a host event, or an action of
another game of the campaign. The caller holds the shopper's player row (:func:`games.engine.play.lock_player`),
owns the transaction, and emits the events after commit. An observer grants through the economy and never draws.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from games.campaigns.config import CampaignConfig
from games.engine.contract import Activity, GameEvent, Partner, PlayContext, Viewer
from games.engine.economy_port import SqlEconomyPort
from games.engine.registry import Registry
from games.fairness.rng import FairRng
from games.models import GameState


class NoDraws(FairRng):
    """The random stream an observer is handed: it refuses to draw (an observation leaves no draw record)."""

    def __init__(self) -> None:
        super().__init__("", "", 0)

    def below(self, n: int) -> int:
        """:raises RuntimeError: always; observers do not draw."""
        raise RuntimeError("a game observing an activity may not draw")


def observers(registry: Registry, config: CampaignConfig, origin: str | None = None) -> list[str]:
    """The campaign's games that observe activity (``observe``), but ``origin`` (the game that acted)."""
    return [key for key in config.games if key != origin and callable(getattr(registry.get(key), "observe", None))]


def notify(
    session: Session,
    registry: Registry,
    config: CampaignConfig,
    campaign_id: int,
    user_id: int,
    activity: Activity,
    now: datetime,
    viewer: Viewer,
    origin: str | None = None,
    partner: int | None = None,
) -> list[GameEvent]:
    """Tell every observing game of the campaign but ``origin`` of ``activity`` and store its new state; the events
    they return, for the shopper. ``partner``: another shopper the activity concerns (an invitee's inviter), whom
    the caller locked too: each game sees their state and may change it."""
    events: list[GameEvent] = []
    for key in observers(registry, config, origin):
        game = registry.get(key)
        row = _state_row(session, campaign_id, user_id, key) or _new_row(session, campaign_id, user_id, key, game)
        reference = f"observe:{activity.kind}:{activity.ref}"
        port = SqlEconomyPort(session, campaign_id, user_id, config, activity.day, now, reference, key)
        other, other_row = _partner(session, (campaign_id, partner, key), game, config, activity, now, reference)
        ctx = PlayContext(
            user_id, campaign_id, config.games[key], config.pool, NoDraws(), now, activity.day, port, viewer.tier,
            viewer.starts_on, viewer.ends_on, partner=other,
        )  # fmt: skip
        outcome = game.observe(ctx, game.load_state(json.loads(row.state_json)), activity)  # type: ignore[attr-defined]
        row.state_json = json.dumps(game.dump_state(outcome.state), sort_keys=True)
        if other_row is not None and outcome.partner_state is not None:
            other_row.state_json = json.dumps(game.dump_state(outcome.partner_state), sort_keys=True)
        events += outcome.events
    session.flush()
    return events


def _partner(
    session: Session,
    who: tuple[int, int | None, str],
    game: Any,
    config: CampaignConfig,
    activity: Activity,
    now: datetime,
    reference: str,
) -> tuple[Partner | None, GameState | None]:
    """The partner of an observed activity in game ``who[2]``, with their state row (created on first use)."""
    campaign_id, partner, key = who
    if partner is None:
        return None, None
    row = _state_row(session, campaign_id, partner, key) or _new_row(session, campaign_id, partner, key, game)
    port = SqlEconomyPort(session, campaign_id, partner, config, activity.day, now, f"{reference}:partner", key)
    return Partner(partner, game.load_state(json.loads(row.state_json)), port), row


def _state_row(session: Session, campaign_id: int, user_id: int, game: str) -> GameState | None:
    where = (GameState.campaign_id == campaign_id, GameState.user_id == user_id, GameState.game == game)
    return session.scalars(select(GameState).where(*where)).one_or_none()


def _new_row(session: Session, campaign_id: int, user_id: int, key: str, game: object) -> GameState:
    initial = game.dump_state(game.initial_state())  # type: ignore[attr-defined]
    row = GameState(campaign_id=campaign_id, user_id=user_id, game=key, state_json=json.dumps(initial))
    session.add(row)
    return row
