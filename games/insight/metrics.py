"""Live metrics of a campaign for the ops dashboard, read from SQL (the only source of truth), and the
spend forecast they are compared with: the latest cost simulation ops ran for the campaign."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CompoundSelect, func, select, union_all
from sqlalchemy.orm import Session

from economy.limits import budget_level, stock_levels
from games.campaigns.config import CampaignConfig
from games.fairness import tallies
from games.insight.simulate import Audience
from games.models import Campaign, ConfigVersion, DrawRecord, SpendForecast

WINDOW_MINUTES = 30
FEED_SIZE = 10


@dataclass(frozen=True)
class ForecastFacts:
    """What is kept of a campaign's simulation: the config it used (``None``: the draft), the audience
    and the cumulative spend by day (fen; the median and the 95th percentile over the runs)."""

    version_hash: str | None
    audience: Audience
    spend_median_fen: list[float]
    spend_p95_fen: list[float]


@dataclass(frozen=True)
class Forecast:
    """A campaign's stored forecast read at some moment: spend to date (by campaign ``day``) and in all."""

    created_at: datetime
    created_by: str
    version_hash: str | None
    players_per_day: int
    draws_per_player: int
    days: int
    day: int
    spent_fen: int
    spent_p95_fen: int
    total_fen: int
    total_p95_fen: int


@dataclass(frozen=True)
class Metrics:
    """A dashboard snapshot."""

    campaign_id: int
    at: datetime
    status: str
    lifecycle: str  # Campaign.lifecycle
    draws_total: int
    draws_last_minute: int
    draws_per_minute: list[dict[str, Any]]
    grants_by_kind: dict[str, int]
    budget_total_fen: int
    budget_spent_fen: int
    stock: list[dict[str, Any]]
    players: int
    fallbacks: dict[str, int]
    notable_wins: list[dict[str, Any]]
    forecast_spent_fen: int | None
    forecast: Forecast | None


def metrics(session: Session, campaign: Campaign, config: CampaignConfig | None, now: datetime) -> Metrics:
    """The dashboard numbers of ``campaign`` at ``now``: from the log's tallies (:mod:`games.fairness.tallies`), the
    counters and the last minute's records, so their cost does not grow with the log."""
    budget = budget_level(session, campaign.id)
    planned = latest_forecast(session, campaign, now)
    counted = tallies.totals(session, campaign.id)
    return Metrics(
        campaign_id=campaign.id,
        at=now,
        status=campaign.status,
        lifecycle=campaign.lifecycle(now),
        draws_total=counted[tallies.DRAWS],
        draws_last_minute=_count_since(session, campaign.id, now - timedelta(minutes=1)),
        draws_per_minute=_per_minute(session, campaign.id, now),
        grants_by_kind=_grants_by_kind(session, campaign.id, counted),
        budget_total_fen=budget.total_fen if budget else 0,
        budget_spent_fen=budget.spent_fen if budget else 0,
        stock=_stock(session, campaign.id, config),
        players=counted[tallies.PLAYERS],
        fallbacks=_prefixed(counted, tallies.fallback("")),
        notable_wins=notable_wins(session, campaign.id, config),
        forecast_spent_fen=None if planned is None else planned.spent_fen,
        forecast=planned,
    )


def record_forecast(session: Session, campaign_id: int, facts: ForecastFacts, actor: str, now: datetime) -> None:
    """Keep ``facts`` as the campaign's forecast (the latest one counts), in the caller's transaction."""
    audience = facts.audience
    session.add(
        SpendForecast(
            campaign_id=campaign_id,
            version_hash=facts.version_hash,
            created_at=now,
            created_by=actor,
            players_per_day=audience.players_per_day,
            draws_per_player=audience.draws_per_player,
            days=audience.days,
            spend_median_json=json.dumps([round(fen) for fen in facts.spend_median_fen]),
            spend_p95_json=json.dumps([round(fen) for fen in facts.spend_p95_fen]),
        )
    )
    session.flush()


def latest_forecast(session: Session, campaign: Campaign, now: datetime) -> Forecast | None:
    """The campaign's latest forecast as of ``now``; ``None`` when ops never simulated it."""
    query = select(SpendForecast).where(SpendForecast.campaign_id == campaign.id)
    row = session.scalars(query.order_by(SpendForecast.id.desc()).limit(1)).first()
    if row is None:
        return None
    median, p95 = json.loads(row.spend_median_json), json.loads(row.spend_p95_json)
    day = campaign_day(campaign.starts_at, now, row.days)
    return Forecast(
        created_at=row.created_at,
        created_by=row.created_by,
        version_hash=row.version_hash,
        players_per_day=row.players_per_day,
        draws_per_player=row.draws_per_player,
        days=row.days,
        day=day,
        spent_fen=median[day - 1] if day else 0,
        spent_p95_fen=p95[day - 1] if day else 0,
        total_fen=median[-1],
        total_p95_fen=p95[-1],
    )


def campaign_day(starts_at: datetime, now: datetime, days: int) -> int:
    """The campaign days begun by ``now`` (day 1 begins at ``starts_at``): 0 before the start, at most ``days``."""
    if now < starts_at:
        return 0
    return min((now - starts_at) // timedelta(days=1) + 1, days)


def _count_since(session: Session, campaign_id: int, since: datetime) -> int:
    query = select(func.count()).where(DrawRecord.campaign_id == campaign_id, DrawRecord.created_at >= since)
    return session.scalar(query) or 0


def _per_minute(session: Session, campaign_id: int, now: datetime) -> list[dict[str, Any]]:
    start = tallies.window_start(now, WINDOW_MINUTES)
    counted = tallies.per_minute(session, campaign_id, start)
    minutes = [start + timedelta(minutes=i) for i in range(WINDOW_MINUTES)]
    return [{"minute": minute.isoformat(), "draws": counted[minute]} for minute in minutes]


def _prefixed(counted: Counter[str], prefix: str) -> dict[str, int]:
    return {name.removeprefix(prefix): n for name, n in counted.items() if name.startswith(prefix) and n}


def _grants_by_kind(session: Session, campaign_id: int, counted: Counter[str]) -> dict[str, int]:
    """Grants of the draws by reward kind: each granted prize's tally under its kind in the campaign's
    published configs (the latest one that has the prize); prizes that give nothing are not grants."""
    kinds: dict[str, str] = {}
    versions = select(ConfigVersion.config_json).where(ConfigVersion.campaign_id == campaign_id)
    for config_json in session.scalars(versions.order_by(ConfigVersion.id)):
        kinds.update({p["key"]: p["reward"]["kind"] for p in json.loads(config_json)["pool"]["prizes"]})
    by_kind: Counter[str] = Counter()
    for key, count in _prefixed(counted, tallies.granted("")).items():
        if kinds.get(key, "nothing") != "nothing":
            by_kind[kinds[key]] += count
    return dict(by_kind)


def _stock(session: Session, campaign_id: int, config: CampaignConfig | None) -> list[dict[str, Any]]:
    rows = stock_levels(session, campaign_id)
    prizes = config.pool.prizes if config else ()
    return [
        {
            "prize": p.key,
            "name": p.name,
            "name_en": p.name_en,
            "total": rows[p.key].total,
            "remaining": rows[p.key].remaining,
        }
        for p in prizes
        if p.key in rows
    ]


def notable_wins(session: Session, campaign_id: int, config: CampaignConfig | None) -> list[dict[str, Any]]:
    """The latest grants of the prizes the pool announces (``broadcast``), newest first: record seq, user id,
    prize key and names, time."""
    if config is None:
        return []
    notable = [p.key for p in config.pool.prizes if p.broadcast]
    if not notable:
        return []
    latest = select(DrawRecord).where(DrawRecord.id.in_(_latest_ids(campaign_id, notable)))
    rows = session.scalars(latest.order_by(DrawRecord.id.desc()).limit(FEED_SIZE))
    names = {p.key: (p.name, p.name_en) for p in config.pool.prizes}
    return [
        {
            "seq": r.seq,
            "user": r.user_id,
            "prize": r.granted_key,
            "name": names.get(r.granted_key or "", ("", None))[0],
            "name_en": names.get(r.granted_key or "", ("", None))[1],
            "at": r.created_at.isoformat(),
        }
        for r in rows
    ]


def _latest_ids(campaign_id: int, keys: list[str]) -> CompoundSelect:
    """The ids of the latest :data:`FEED_SIZE` records granting each of ``keys``, so the newest of them all are
    among them. Each key's are one range of ``ix_draw_records_campaign_granted`` read backwards, however rare
    the prize and long the log (one ``IN`` over all the keys, ordered by id, would walk the log back from its
    newest record until it found enough)."""
    each = [
        select(DrawRecord.id)
        .where(DrawRecord.campaign_id == campaign_id, DrawRecord.granted_key == key)
        .order_by(DrawRecord.id.desc())
        .limit(FEED_SIZE)
        .subquery()
        for key in keys
    ]
    return union_all(*(select(newest.c.id) for newest in each))
