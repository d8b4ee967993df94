"""What a shopper's pages show: a game's state and the wallet's history with prize names."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy import ledger
from economy.items import items_held
from economy.mall.models import MallGood
from economy.models import Grant
from games.campaigns.config import CampaignConfig, parsed_config
from games.engine.contract import Rejection
from games.engine.play import PlayerView, campaign_viewer, lock_player, running_campaign
from games.engine.registry import Registry
from games.fairness.periods import current_period
from games.fairness.pools import Prize
from games.models import Campaign, ConfigVersion, GameState


def prize_view(prize: Prize, raw_reward: dict[str, Any] | None = None) -> dict[str, Any]:
    """A prize as the shopper's pages show it; ``reward`` is as configured, so a range red packet has
    ``min_fen`` and ``max_fen`` (shown as ¥A–¥B); ``image`` is ``None`` when the prize has none."""
    return {
        "key": prize.key,
        "name": prize.name,
        "name_en": prize.name_en,
        "kind": prize.reward.kind.value,
        "display_value_fen": prize.display_value_fen,
        "reward": raw_reward or {},
        "image": prize.image,
    }


def prize_views(config: CampaignConfig) -> dict[str, dict[str, Any]]:
    """Every prize of the pool by key, in shopper form (made once per config: shared, do not modify)."""
    views = _PRIZE_VIEWS.get(config.hash)
    if views is None:
        raw = {p["key"]: p["reward"] for p in config.raw["pool"]["prizes"]}
        views = {p.key: prize_view(p, raw[p.key]) for p in config.pool.prizes}
        if len(_PRIZE_VIEWS) >= PRIZE_VIEWS_KEPT:
            _PRIZE_VIEWS.clear()
        _PRIZE_VIEWS[config.hash] = views
    return views


PRIZE_VIEWS_KEPT = 256  # configs whose prize views are kept (by config hash: a config never changes)
_PRIZE_VIEWS: dict[str, dict[str, dict[str, Any]]] = {}


def game_view(
    session: Session,
    registry: Registry,
    campaign_id: int,
    user_id: int,
    game_key: str,
    now: datetime,
    tier: str = "",
) -> dict[str, Any]:
    """The shopper's view of one game on opening it, with the campaign's play items they hold (``tier``: the
    shopper's member tier)."""
    campaign, config = running_campaign(session, registry, campaign_id, now)
    if game_key not in config.games:
        raise Rejection("game_not_found", f"this campaign has no game '{game_key}'")
    game = registry.get(game_key)
    period = current_period(session, campaign, now)
    player = lock_player(session, campaign_id, user_id)
    row = session.scalars(
        select(GameState).where(
            GameState.campaign_id == campaign_id, GameState.user_id == user_id, GameState.game == game_key
        )
    ).one_or_none()
    state = game.load_state(json.loads(row.state_json)) if row else game.initial_state()
    own = game.view(config.games[game_key], state, campaign_viewer(campaign, now, tier))
    view = shopper_view(session, PlayerView(campaign, config, own, player.client_seed, period), user_id, now)
    return {**view, "items_held": items_held(session, campaign_id, user_id)}


def shopper_view(session: Session, view: PlayerView, user_id: int, now: datetime) -> dict[str, Any]:
    """The game's own view plus points, seeds and campaign names; slots as prize descriptions."""
    own = dict(view.game_view)
    if "slots" in own:
        prizes = prize_views(view.config)
        own["slots"] = [prizes[key] for key in own["slots"]]
    return {
        **own,
        "campaign_id": view.campaign.id,
        "campaign_name": view.campaign.name,
        "campaign_name_en": view.campaign.name_en,
        "server_time": now.isoformat(),  # pages count down from the server's clock, not the phone's
        "points": ledger.spendable_points(session, user_id, now),
        "client_seed": view.client_seed,
        "commitment": view.period.commitment,
        "period": view.period.key,
    }


def history_with_names(session: Session, registry: Registry, grants: list[Grant]) -> list[dict[str, Any]]:
    """Grants with the prize names of the config version that was current for their campaign."""
    names: dict[int, dict[str, dict[str, Any]]] = {}
    out = []
    for g in grants:
        if g.campaign_id not in names:
            names[g.campaign_id] = _names(session, registry, g.campaign_id)
        prize = (
            names[g.campaign_id].get(g.prize_key)
            or _game_grant_name(registry, g.prize_key)
            or _mall_good_name(session, g.prize_key)
        )
        out.append(
            {
                "id": g.id,
                "campaign_id": g.campaign_id,
                "prize_key": g.prize_key,
                "prize_name": prize.get("name", g.prize_key),
                "prize_name_en": prize.get("name_en"),
                "reward_kind": g.reward_kind,
                "amount": g.amount,
                "created_at": g.created_at,
            }
        )
    return out


def _game_grant_name(registry: Registry, prize_key: str) -> dict[str, Any]:
    """The name of a reward a game grants outside the pool (``checkin.points``), from the game's optional
    ``grant_names`` (key -> (Chinese, English)); empty when no game names it."""
    game_key = prize_key.split(".", 1)[0]
    named = getattr(registry.get(game_key), "grant_names", {}) if game_key in registry.names() else {}
    if prize_key not in named:
        return {}
    zh, en = named[prize_key]
    return {"name": zh, "name_en": en}


def _mall_good_name(session: Session, prize_key: str) -> dict[str, Any]:
    """The name of a points-mall good a redemption issued (``mall.{good id}``); empty for anything else."""
    good_id = prize_key.removeprefix("mall.")
    good = session.get(MallGood, int(good_id)) if prize_key.startswith("mall.") and good_id.isdigit() else None
    return {"name": good.name, "name_en": good.name_en} if good is not None else {}


def _names(session: Session, registry: Registry, campaign_id: int) -> dict[str, dict[str, Any]]:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.version_id is None:
        return {}
    version = session.get(ConfigVersion, campaign.version_id)
    assert version is not None
    return prize_views(parsed_config(registry, version.config_json))
