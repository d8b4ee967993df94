"""Export of a campaign's draws of revealed periods, in the format docs/fairness.md describes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from games.fairness import GENESIS_HASH
from games.models import Campaign, ConfigVersion, DrawRecord, SeedPeriod
from games.verify import FORMAT


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def export_lines(session: Session, campaign: Campaign, now: datetime) -> Iterator[str]:
    """JSON lines: header, configs, revealed periods, the chain's draws up to the first unrevealed one, end."""
    revealed = {
        p.key: p
        for p in session.scalars(
            select(SeedPeriod).where(SeedPeriod.campaign_id == campaign.id, SeedPeriod.ends_at <= now)
        )
    }
    yield _line(
        {
            "type": "header",
            "format": FORMAT,
            "version": 1,
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
    count, head = 0, GENESIS_HASH
    query = select(DrawRecord.period_key, DrawRecord.record_json, DrawRecord.hash).where(
        DrawRecord.campaign_id == campaign.id
    )
    rows = session.execute(query.order_by(DrawRecord.seq).execution_options(yield_per=1000))
    with rows:  # closes PostgreSQL's server-side cursor when the loop stops at an unrevealed period
        for period_key, record_json, record_hash in rows:
            if period_key not in revealed:
                break
            yield '{"type":"draw","record":' + record_json + "}"
            count, head = count + 1, record_hash
    yield _line({"type": "end", "count": count, "head_hash": head})


def _line(item: dict[str, Any]) -> str:
    return json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
