"""A campaign's lifecycle, as every page shows it (games/models.py ``Campaign.lifecycle``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from games.models import LIFECYCLE, Campaign

START = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
END = START + timedelta(days=7)


def campaign(status: str) -> Campaign:
    return Campaign(slug="c", name="c", timezone="Asia/Shanghai", starts_at=START, ends_at=END, status=status)


@pytest.mark.parametrize(
    ("status", "now", "shown"),
    [
        ("draft", START + timedelta(days=1), "draft"),
        ("active", START - timedelta(minutes=1), "scheduled"),
        ("active", START, "active"),
        ("active", END - timedelta(microseconds=1), "active"),
        ("active", END, "ended"),
        ("paused", START - timedelta(days=1), "paused"),
        ("paused", START + timedelta(days=1), "paused"),
        ("paused", END + timedelta(days=1), "ended"),
    ],
)
def test_the_lifecycle_follows_the_schedule_and_what_ops_set(status: str, now: datetime, shown: str) -> None:
    assert campaign(status).lifecycle(now) == shown
    assert shown in LIFECYCLE
