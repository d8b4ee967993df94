"""Seed periods: one secret server seed per campaign and period (a day in the campaign's zone
by default). A period's commitment is published before it starts (the next period is always
committed ahead); its seed is revealed only once the period has ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy.db import insert_ignoring_conflicts
from games.fairness import commitment, new_server_seed
from games.models import Campaign, SeedPeriod


def local_day(moment: datetime, zone: str) -> str:
    """The calendar day (``YYYY-MM-DD``) of ``moment`` in ``zone``."""
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()


def day_bounds(moment: datetime, zone: str) -> tuple[datetime, datetime]:
    """Start and end (UTC-aware) of the day holding ``moment`` in ``zone``."""
    tz = ZoneInfo(zone)
    day = moment.astimezone(tz).date()
    start = datetime.combine(day, time.min, tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tz)
    return start, end


def current_period(session: Session, campaign: Campaign, now: datetime) -> SeedPeriod:
    """The period covering ``now``, committed (with the next one ahead) when missing.

    Draws never call this: they use :func:`committed_period`, so a period is always committed by an
    earlier transaction than its first draw. Commitments are made when the campaign is published
    (:func:`commit_ahead`) and, before every play, in a transaction of its own
    (:func:`games.engine.commit_seeds`); opening a game, the public periods API and ``carnival seeds
    rotate`` call this too. There is no scheduled commit job.
    """
    found = committed_period(session, campaign.id, now)
    if found is None:
        start, end = day_bounds(now, campaign.timezone)
        _commit(session, campaign.id, _key(start, campaign.timezone, 1), start, end, now)
        found = committed_period(session, campaign.id, now)
        assert found is not None
    if committed_period(session, campaign.id, found.ends_at) is None:
        _, end = day_bounds(found.ends_at, campaign.timezone)
        _commit(session, campaign.id, _key(found.ends_at, campaign.timezone, 1), found.ends_at, end, now)
    return found


def commit_ahead(session: Session, campaign: Campaign, now: datetime) -> SeedPeriod:
    """Commit the period a campaign draws in next (today's, or its first day's) and the one after."""
    return current_period(session, campaign, max(now, campaign.starts_at))


def committed_period(session: Session, campaign_id: int, now: datetime) -> SeedPeriod | None:
    """The already committed period covering ``now``, if any (never creates one)."""
    return session.scalars(
        select(SeedPeriod)
        .where(SeedPeriod.campaign_id == campaign_id, SeedPeriod.starts_at <= now, SeedPeriod.ends_at > now)
        .order_by(SeedPeriod.starts_at.desc())
        .limit(1)
    ).one_or_none()


def _key(start: datetime, zone: str, sequence: int) -> str:
    return f"{local_day(start, zone).replace('-', '')}-{sequence}"


def _commit(session: Session, campaign_id: int, key: str, start: datetime, end: datetime, now: datetime) -> None:
    seed = new_server_seed()
    insert_ignoring_conflicts(
        session,
        SeedPeriod.__table__,
        {
            "campaign_id": campaign_id,
            "key": key,
            "server_seed": seed,
            "commitment": commitment(seed),
            "committed_at": now,
            "starts_at": start,
            "ends_at": end,
        },
    )


def rotate(session: Session, campaign: Campaign, now: datetime) -> tuple[SeedPeriod, SeedPeriod]:
    """End the current period now (revealing its seed) and start a new one for the rest of it.

    :returns: (the ended period, the new current period).
    """
    ended = current_period(session, campaign, now)
    sequence = int(ended.key.split("-")[1]) + 1
    original_end = ended.ends_at
    ended.ends_at = now
    session.flush()
    _commit(session, campaign.id, f"{ended.key.split('-')[0]}-{sequence}", now, original_end, now)
    return ended, current_period(session, campaign, now)


@dataclass(frozen=True)
class PublicPeriod:
    """What anyone may see of a period: the seed only after it has ended."""

    key: str
    commitment: str
    committed_at: datetime
    starts_at: datetime
    ends_at: datetime
    server_seed: str | None
    status: str

    @property
    def revealed(self) -> bool:
        """True once the seed is public."""
        return self.server_seed is not None


def public_view(period: SeedPeriod, now: datetime) -> PublicPeriod:
    """The public view of ``period`` at ``now``: never the seed of a period still running."""
    revealed = period.ends_at <= now
    return PublicPeriod(
        key=period.key,
        commitment=period.commitment,
        committed_at=period.committed_at,
        starts_at=period.starts_at,
        ends_at=period.ends_at,
        server_seed=period.server_seed if revealed else None,
        status="ended" if revealed else ("current" if period.starts_at <= now else "upcoming"),
    )


def public_periods(session: Session, campaign_id: int, now: datetime) -> list[PublicPeriod]:
    """Every committed period of a campaign, newest first, seeds only where ended."""
    periods = session.scalars(
        select(SeedPeriod).where(SeedPeriod.campaign_id == campaign_id).order_by(SeedPeriod.starts_at.desc())
    ).all()
    return [public_view(p, now) for p in periods]
