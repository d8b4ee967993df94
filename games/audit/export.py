"""Export of a campaign's draws of revealed periods, in the format docs/fairness.md describes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from games.fairness.checkpoints import campaign_checkpoints
from games.fairness.periods import PublicPeriod, public_periods
from games.fairness.rng import GENESIS_HASH
from games.fairness.verify import EXPORT_VERSION, FORMAT
from games.models import Campaign, ConfigVersion, DrawRecord, SeedPeriod


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def export_lines(session: Session, campaign: Campaign, now: datetime) -> Iterator[str]:
    """JSON lines: header, configs, revealed periods, checkpoints, the chain's draws up to the first
    unrevealed one, end. Call :func:`games.fairness.checkpoints.publish_checkpoints` first (in its own transaction)."""
    revealed = {
        p.key: p
        for p in session.scalars(
            select(SeedPeriod).where(
                SeedPeriod.campaign_id == campaign.id, SeedPeriod.closed_at.is_not(None), SeedPeriod.closed_at <= now
            )
        )
    }
    yield _line(
        {
            "type": "header",
            "format": FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": _iso(now),
            "campaign": {
                "id": campaign.id,
                "slug": campaign.slug,
                "name": campaign.name,
                "timezone": campaign.timezone,
            },
        }
    )
    for version in session.scalars(
        select(ConfigVersion).where(ConfigVersion.campaign_id == campaign.id).order_by(ConfigVersion.id)
    ):
        yield _line({"type": "config", "hash": version.hash, "config": json.loads(version.config_json)})
    for period in sorted(revealed.values(), key=lambda p: p.starts_at):
        yield _line(
            {
                "type": "period",
                "key": period.key,
                "commitment": period.commitment,
                "committed_at": _iso(period.committed_at),
                "starts_at": _iso(period.starts_at),
                "ends_at": _iso(period.ends_at),
                "server_seed": period.server_seed,
            }
        )
    for checkpoint in campaign_checkpoints(session, campaign.id):
        yield _line(
            {
                "type": "checkpoint",
                "period": checkpoint.period_key,
                "count": checkpoint.count,
                "head_hash": checkpoint.head_hash,
                "published_at": _iso(checkpoint.published_at),
            }
        )
    count, head = 0, GENESIS_HASH
    query = select(DrawRecord.period_key, DrawRecord.record_json, DrawRecord.hash).where(
        DrawRecord.campaign_id == campaign.id
    )
    query = query.where(DrawRecord.seq.is_not(None)).order_by(DrawRecord.seq)  # closed periods are sealed
    rows = session.execute(query.execution_options(yield_per=1000))
    with rows:  # closes PostgreSQL's server-side cursor when the loop stops at an unrevealed period
        for period_key, record_json, record_hash in rows:
            if period_key not in revealed:
                break
            yield '{"type":"draw","record":' + record_json + "}"
            count, head = count + 1, record_hash
    yield _line({"type": "end", "count": count, "head_hash": head})


def _line(item: dict[str, Any]) -> str:
    return json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class PeriodSummary:
    """A period as auditors list it: its public view, how many draws it holds and when the first was made.

    The seed is revealed when the period is closed (``revealed_at``): the first read after ``ends_at`` closes
    it once no draw of it can still commit; no read before shows it.
    """

    period: PublicPeriod
    draws: int
    first_draw_at: datetime | None

    @property
    def revealed_at(self) -> datetime | None:
        """When the seed became public: when the period was closed."""
        return self.period.closed_at if self.period.revealed else None

    @property
    def committed_before_draws(self) -> bool:
        """True when the commitment was stored no later than the period's first draw (or there is none)."""
        return self.first_draw_at is None or self.period.committed_at <= self.first_draw_at


def period_summaries(session: Session, campaign_id: int, now: datetime) -> list[PeriodSummary]:
    """Every committed period of a campaign, newest first, with its draw count and first draw time."""
    rows = session.execute(
        select(DrawRecord.period_key, func.count(), func.min(DrawRecord.created_at))
        .where(DrawRecord.campaign_id == campaign_id)
        .group_by(DrawRecord.period_key)
    ).all()
    draws = {key: (count, first) for key, count, first in rows}
    return [
        PeriodSummary(period, *draws.get(period.key, (0, None))) for period in public_periods(session, campaign_id, now)
    ]
