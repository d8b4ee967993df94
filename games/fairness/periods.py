"""Seed periods: one secret server seed per campaign and period. A period is a day in the campaign's zone
by default, or a slice of it (``seed_period_hours`` in the campaign config: 1, 2, 3, 4, 6, 8 or 12 hours
from local midnight). A period's commitment is published before it starts (the next period is always
committed ahead); its seed is revealed only once the period has ended and is closed: no draw of it can
commit any more (:mod:`games.fairness.checkpoints`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from economy.db import insert_ignoring_conflicts
from games.engine.contract import Rejection
from games.fairness.checkpoints import publish_checkpoints, wait_for_draws
from games.fairness.rng import commitment, new_server_seed
from games.models import Campaign, ConfigVersion, SeedPeriod

DAY_HOURS = 24
PERIOD_HOURS = (1, 2, 3, 4, 6, 8, 12, DAY_HOURS)  # the lengths that divide a day evenly


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


def period_bounds(moment: datetime, zone: str, hours: int = DAY_HOURS) -> tuple[datetime, datetime]:
    """Start and end (UTC-aware) of the ``hours``-long period holding ``moment``: periods start at local
    midnight and every ``hours`` after it (wall-clock hours in ``zone``).

    :raises ValueError: when ``hours`` does not divide a day.
    """
    if hours not in PERIOD_HOURS:
        raise ValueError(f"a seed period lasts one of {PERIOD_HOURS} hours, not {hours}")
    if hours == DAY_HOURS:
        return day_bounds(moment, zone)
    local = moment.astimezone(ZoneInfo(zone))
    first = local.hour // hours * hours
    start = datetime.combine(local.date(), time(first), local.tzinfo)
    if first + hours == DAY_HOURS:
        return start, day_bounds(moment, zone)[1]
    return start, datetime.combine(local.date(), time(first + hours), local.tzinfo)


def period_key(start: datetime, zone: str, hours: int, sequence: int) -> str:
    """The key of a period starting at ``start``: ``YYYYMMDD-N`` for whole days, ``YYYYMMDDTHH-N`` for
    shorter periods (local date and hour); ``N`` counts the periods an early rotation split it into."""
    local = start.astimezone(ZoneInfo(zone))
    stamp = local.strftime("%Y%m%d") if hours == DAY_HOURS else local.strftime("%Y%m%dT%H")
    return f"{stamp}-{sequence}"


@lru_cache(maxsize=256)
def _hours_of(config_json: str) -> int:
    return int(json.loads(config_json).get("seed_period_hours", DAY_HOURS))


def seed_period_hours(session: Session, campaign: Campaign) -> int:
    """The period length of the campaign's published config (a day when unpublished or not set)."""
    version = session.get(ConfigVersion, campaign.version_id) if campaign.version_id is not None else None
    return _hours_of(version.config_json) if version is not None else DAY_HOURS


class PeriodUnavailable(Rejection):
    """No seed period covering the moment could be committed; the caller answers "try again"."""

    def __init__(self, campaign_id: int, now: datetime) -> None:
        super().__init__(
            "seed_not_committed", f"no seed period of campaign {campaign_id} covers {now.isoformat()}; try again"
        )


def current_period(
    session: Session, campaign: Campaign, now: datetime, *, stored_at: datetime | None = None
) -> SeedPeriod:
    """The period covering ``now``, committed (with the next one ahead) when missing. A commitment made here
    is stamped ``stored_at`` (default ``now``): the moment it is stored and public, never a later one.

    Draws never call this: they use :func:`committed_period`, so a period is always committed by an
    earlier transaction than its first draw. Commitments are made when the campaign is published
    (:func:`commit_ahead`), by the server's period clock every second (:mod:`server.clock`, through
    :func:`games.engine.play.commit_seeds`) and, when a play finds its period uncommitted, in a transaction of its
    own before it; opening a game, the public periods API and ``carnival seeds rotate`` call this too.

    :raises PeriodUnavailable: when no period covering ``now`` could be committed.
    """
    stored_at = now if stored_at is None else stored_at
    found = committed_period(session, campaign.id, now)
    if found is None:
        start, _ = period_bounds(now, campaign.timezone, seed_period_hours(session, campaign))
        _commit_from(session, campaign, max(start, _last_end(session, campaign.id, now) or start), stored_at)
        found = committed_period(session, campaign.id, now)
        if found is None:
            raise PeriodUnavailable(campaign.id, now)
    if committed_period(session, campaign.id, found.ends_at) is None:
        _commit_from(session, campaign, found.ends_at, stored_at)
    return found


def _last_end(session: Session, campaign_id: int, now: datetime) -> datetime | None:
    """The end of the latest period that ended by ``now`` (periods never overlap)."""
    return session.scalars(
        select(SeedPeriod.ends_at)
        .where(SeedPeriod.campaign_id == campaign_id, SeedPeriod.ends_at <= now)
        .order_by(SeedPeriod.ends_at.desc())
        .limit(1)
    ).one_or_none()


def _commit_from(session: Session, campaign: Campaign, start: datetime, now: datetime) -> None:
    """Commit a period from ``start`` to the end of the campaign's period holding it (it starts off the
    usual bounds after a change of length), or to the start of an already committed later period (after a
    change of time zone): periods never overlap. Only committing reads the period length: the usual call,
    with both periods committed, costs no config lookup."""
    hours = seed_period_hours(session, campaign)
    _, end = period_bounds(start, campaign.timezone, hours)
    end = min(end, _next_start(session, campaign.id, start) or end)
    stamp = period_key(start, campaign.timezone, hours, 1).rsplit("-", 1)[0]
    _commit(session, campaign.id, f"{stamp}-{_free_sequence(session, campaign.id, stamp)}", start, end, now)


def _next_start(session: Session, campaign_id: int, after: datetime) -> datetime | None:
    """The start of the first committed period starting after ``after``."""
    return session.scalars(
        select(SeedPeriod.starts_at)
        .where(SeedPeriod.campaign_id == campaign_id, SeedPeriod.starts_at > after)
        .order_by(SeedPeriod.starts_at)
        .limit(1)
    ).one_or_none()


def _free_sequence(session: Session, campaign_id: int, stamp: str) -> int:
    """The first sequence number after every taken ``<stamp>-N`` key: a key names one period of the campaign
    whatever its history (a change of time zone may give a new period the stamp of an earlier one)."""
    keys = session.scalars(
        select(SeedPeriod.key).where(SeedPeriod.campaign_id == campaign_id, SeedPeriod.key.like(f"{stamp}-%"))
    ).all()
    taken = [int(key.rsplit("-", 1)[1]) for key in keys if key.rsplit("-", 1)[1].isdigit()]
    return max(taken, default=0) + 1


def commit_ahead(session: Session, campaign: Campaign, now: datetime) -> SeedPeriod:
    """Commit the period a campaign draws in next (today's, or its first day's) and the one after, stamped
    ``now`` (a campaign starting later gets its first periods' commitments now, not at its start)."""
    return current_period(session, campaign, max(now, campaign.starts_at), stored_at=now)


def committed_period(session: Session, campaign_id: int, now: datetime) -> SeedPeriod | None:
    """The already committed period covering ``now``, if any (never creates one), read afresh."""
    return session.scalars(_committed_period_query(), {"campaign_id": campaign_id, "now": now}).one_or_none()


@cache
def _committed_period_query() -> Select[tuple[SeedPeriod]]:
    """Built once (it runs in every draw): the campaign's period covering the parameter ``now``."""
    now = bindparam("now")
    return (
        select(SeedPeriod)
        .where(
            SeedPeriod.campaign_id == bindparam("campaign_id"), SeedPeriod.starts_at <= now, SeedPeriod.ends_at > now
        )
        .order_by(SeedPeriod.starts_at.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )


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
    """End the current period now and start a new one for the rest of it; the ended period is closed (its
    checkpoint published, its seed revealed) once the draws in flight have committed, and draws arriving
    meanwhile wait and then use the new period.

    :returns: (the ended period, the new current period).
    """
    wait_for_draws(session, campaign.id)
    ended = current_period(session, campaign, now)
    stamp = ended.key.rsplit("-", 1)[0]
    original_end = ended.ends_at
    ended.ends_at = now
    session.flush()
    _commit(session, campaign.id, f"{stamp}-{_free_sequence(session, campaign.id, stamp)}", now, original_end, now)
    publish_checkpoints(session, campaign.id, now)
    return ended, current_period(session, campaign, now)


@dataclass(frozen=True)
class PublicPeriod:
    """What anyone may see of a period: the seed only once the period is closed."""

    key: str
    commitment: str
    committed_at: datetime
    starts_at: datetime
    ends_at: datetime
    server_seed: str | None
    status: str
    closed_at: datetime | None = None

    @property
    def revealed(self) -> bool:
        """True once the seed is public."""
        return self.server_seed is not None


def public_view(period: SeedPeriod, now: datetime) -> PublicPeriod:
    """The public view of ``period`` at ``now``: the seed only once the period is closed (it has ended and no
    draw of it can commit any more, :func:`games.fairness.checkpoints.publish_checkpoints`), never before."""
    revealed = period.closed_at is not None and period.closed_at <= now
    return PublicPeriod(
        key=period.key,
        commitment=period.commitment,
        committed_at=period.committed_at,
        starts_at=period.starts_at,
        ends_at=period.ends_at,
        server_seed=period.server_seed if revealed else None,
        status="ended" if revealed else ("current" if period.starts_at <= now else "upcoming"),
        closed_at=period.closed_at if revealed else None,
    )


def public_periods(session: Session, campaign_id: int, now: datetime) -> list[PublicPeriod]:
    """Every committed period of a campaign, newest first, seeds only where ended."""
    periods = session.scalars(
        select(SeedPeriod).where(SeedPeriod.campaign_id == campaign_id).order_by(SeedPeriod.starts_at.desc())
    ).all()
    return [public_view(p, now) for p in periods]
