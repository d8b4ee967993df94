"""Races across boundaries with real threads through the HTTP stack, on SQLite and PostgreSQL: one shopper's
spins straddling a seed period's end and a day's end. Each request reads a clock that moves at every
reading, so the threads read it in whatever order they run, as processes read a real clock.

A spin reads the clock several times (its session, committing seeds, claiming its key, drawing under the
player's lock, answering): the clock starts early enough for about 4 of 16 draws to land before the
boundary (:func:`clock_crossing`, measured on a twin campaign).
"""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from games.audit.export import export_lines
from games.audit.reconcile import reconcile
from games.fairness.checkpoints import campaign_checkpoints, publish_checkpoints
from games.fairness.verify import verify_lines
from games.models import Campaign, DrawRecord, SeedPeriod
from tests.conftest import T0, add_campaign, login, single_prize_config
from tests.integration.test_races import check_invariants, race

POINTS = {"key": "pts", "name": "20积分", "reward": {"kind": "points", "points": 20}}
RETRIES = 20


class SteppingClock:
    """A clock that moves ``step`` forward at every reading, whichever thread reads it."""

    def __init__(self, start: datetime, step: timedelta) -> None:
        self.now, self.step = start, step
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            self.now += self.step
            return self.now


def as_utc(moment: datetime) -> datetime:
    """A stored time (naive UTC on SQLite) as an aware one."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def clock_crossing(
    app: Flask, config: dict[str, Any], boundary: datetime, spins: int, draws_before: int
) -> SteppingClock:
    """A stepping clock (1 ms a reading) that reaches ``boundary`` after ``draws_before`` draws of a burst of
    ``spins``, whether the spins run one after another or all read the clock up to the player's lock first.

    One spin on a twin campaign counts a spin's readings before its draw (session, seeds, key) and from its
    draw on (the draw's own ``created_at`` tells which reading it was).
    """
    twin = add_campaign(app, config, slug="twin")
    client = same_shopper(app, 1)[0]
    counter = SteppingClock(boundary - timedelta(days=1), timedelta(milliseconds=1))
    app.extensions["carnival.clock"] = counter
    started = counter.now
    assert spin_until_answered(twin)(client)[0] == 200
    (drawn,) = draws(app, twin)
    before_draw = round((as_utc(drawn.created_at) - started) / counter.step) - 1
    from_draw = round((counter.now - started) / counter.step) - before_draw
    readings = spins * before_draw + draws_before * from_draw
    return SteppingClock(boundary - counter.step * readings, counter.step)


def spin_until_answered(campaign: int) -> Any:
    """One spin with one Idempotency-Key, retried while the answer is "try again" (503)."""

    def request(client: FlaskClient) -> tuple[int, dict[str, Any]]:
        key = f"edge-{uuid.uuid4()}"
        for _ in range(RETRIES):
            answer = client.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": key})
            if answer.status_code != 503:
                break
            assert answer.headers["Retry-After"] == "1", answer.json
        return answer.status_code, answer.json

    return request


def same_shopper(app: Flask, count: int) -> list[FlaskClient]:
    clients = [app.test_client() for _ in range(count)]
    for client in clients:
        login(client, "edge-shopper")
    return clients


def draws(app: Flask, campaign: int) -> list[DrawRecord]:
    with app.extensions["carnival.sessions"]() as session:
        query = select(DrawRecord).where(DrawRecord.campaign_id == campaign).order_by(DrawRecord.seq)
        return list(session.scalars(query))


def assert_nonces_run_from_zero(records: list[DrawRecord]) -> None:
    """Each shopper's nonces in each period, in chain order, are 0, 1, 2, ...: none drawn twice."""
    nonces: dict[tuple[int, str], list[int]] = defaultdict(list)
    for record in records:
        nonces[record.user_id, record.period_key].append(record.nonce)
    assert all(found == list(range(len(found))) for found in nonces.values()), dict(nonces)


def assert_log_matches_ledger_and_verifies(app: Flask, campaign: int, after: datetime) -> None:
    """Reconciliation finds nothing; once every period is closed the export verifies and no record of a
    period follows its checkpoint."""
    with app.extensions["carnival.sessions"]() as session, session.begin():
        assert reconcile(session, campaign).mismatches == []
        publish_checkpoints(session, campaign, after)
    with app.extensions["carnival.sessions"]() as session, session.begin():
        lines = list(export_lines(session, session.get(Campaign, campaign), after))
        closed = {c.period_key: c.count for c in campaign_checkpoints(session, campaign)}
    report = verify_lines(lines, workers=1)
    records = draws(app, campaign)
    assert report.draws == len(records)
    assert all(record.seq <= closed[record.period_key] for record in records)
    check_invariants(app)


def test_16_spins_of_one_shopper_across_a_period_end_draw_each_nonce_once(app: Flask) -> None:
    config = {**single_prize_config(POINTS), "seed_period_hours": 1}
    campaign = add_campaign(app, config)
    clients = same_shopper(app, 16)
    period_end = T0 + timedelta(hours=1)  # 13:00 in Shanghai: hourly periods
    app.extensions["carnival.clock"] = clock_crossing(app, config, period_end, spins=16, draws_before=4)
    answers = race(clients, spin_until_answered(campaign))
    assert [status for status, _ in answers] == [200] * 16, answers
    records = draws(app, campaign)
    assert len(records) == 16
    assert {r.period_key for r in records} == {"20261123T12-1", "20261123T13-1"}, "the burst crossed the period end"
    assert_nonces_run_from_zero(records)
    assert sorted((a["proof"]["period"], a["proof"]["nonce"]) for _, a in answers) == sorted(
        (r.period_key, r.nonce) for r in records
    )
    assert_log_matches_ledger_and_verifies(app, campaign, period_end + timedelta(hours=2))


def test_spins_across_a_days_end_count_free_spins_by_the_day_of_each_draw(app: Flask) -> None:
    config = single_prize_config(POINTS, free_spins_per_day=3)
    campaign = add_campaign(app, config)
    clients = same_shopper(app, 16)
    midnight = datetime(2026, 11, 24, tzinfo=ZoneInfo("Asia/Shanghai"))
    app.extensions["carnival.clock"] = clock_crossing(app, config, midnight, spins=16, draws_before=4)
    answers = race(clients, spin_until_answered(campaign))
    assert {status for status, _ in answers} == {200, 409}, answers
    assert all(a["error"] == "no_spins_left" for status, a in answers if status == 409)
    records = draws(app, campaign)
    assert len(records) == sum(status == 200 for status, _ in answers)
    per_day: dict[str, int] = defaultdict(int)
    for record in records:
        per_day[record.created_at.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()] += 1
    assert set(per_day) == {"2026-11-23", "2026-11-24"}, "the burst crossed midnight"
    assert max(per_day.values()) <= 3, per_day
    assert {r.period_key for r in records} == {"20261123-1", "20261124-1"}
    assert_nonces_run_from_zero(records)
    assert_log_matches_ledger_and_verifies(app, campaign, midnight + timedelta(days=1))


def test_a_draw_is_never_made_in_a_closed_period(app: Flask) -> None:
    """A shopper whose clock reading is still in a period that has been closed (its seed public) is asked to
    try again; nothing is drawn in it."""
    campaign = add_campaign(app, single_prize_config(POINTS))
    client = same_shopper(app, 1)[0]
    with app.extensions["carnival.sessions"]() as session, session.begin():
        where = (SeedPeriod.campaign_id == campaign, SeedPeriod.key == "20261123-1")
        session.scalars(select(SeedPeriod).where(*where)).one().closed_at = T0
    answer = client.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": "closed-period-1"})
    assert (answer.status_code, answer.json["error"]) == (503, "period_closed")
    assert draws(app, campaign) == []
