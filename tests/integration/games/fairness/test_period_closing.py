"""Closing a period, on SQLite and PostgreSQL: it waits for the draws in flight, no draw of it commits after
its checkpoint, its seed is public only once it is closed, and a shopper's period never moves back."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from games.engine.contract import Action, Rejection
from games.engine.play import play, record_draw
from games.fairness.checkpoints import campaign_checkpoints, publish_checkpoints, seal_log
from games.fairness.periods import public_periods
from games.models import DrawRecord, Player, SeedPeriod
from tests.conftest import T0, Clock, add_campaign, login, single_prize_config

POINTS = {"key": "pts", "name": "20积分", "reward": {"kind": "points", "points": 20}}
DAY_END = T0 + timedelta(hours=12)  # midnight in Shanghai


def test_closing_waits_for_a_draw_in_flight_and_counts_it(app: Flask, client: FlaskClient, clock: Clock) -> None:
    campaign = add_campaign(app, single_prize_config(POINTS))
    user = login(client, "slow-drawer")
    sessions, registry = app.extensions["carnival.sessions"], app.extensions["carnival.registry"]
    drawn, release, closed = threading.Event(), threading.Event(), threading.Event()

    def slow_draw() -> None:
        with sessions() as session, session.begin():
            at = lambda: DAY_END - timedelta(seconds=1)  # noqa: E731
            record_draw(session, play(session, registry, campaign, user, "wheel", Action("spin"), at))
            drawn.set()
            release.wait(timeout=30)

    def close() -> None:
        with sessions() as session, session.begin():
            publish_checkpoints(session, campaign, DAY_END)
        closed.set()

    drawer = threading.Thread(target=slow_draw)
    drawer.start()
    assert drawn.wait(timeout=30)
    closer = threading.Thread(target=close)
    closer.start()
    assert not closed.wait(timeout=1.0), "the period closed while one of its draws could still commit"
    release.set()
    drawer.join(timeout=30)
    closer.join(timeout=30)
    assert closed.is_set()
    with sessions() as session:
        record = session.scalars(select(DrawRecord).where(DrawRecord.campaign_id == campaign)).one()
        checkpoint = {c.period_key: c for c in campaign_checkpoints(session, campaign)}["20261123-1"]
        revealed = {p.key: p for p in public_periods(session, campaign, DAY_END)}["20261123-1"]
    assert (checkpoint.count, checkpoint.head_hash) == (record.seq, record.hash)
    assert revealed.server_seed is not None and revealed.closed_at == DAY_END


def test_an_ended_period_keeps_its_seed_until_it_is_closed(app: Flask) -> None:
    campaign = add_campaign(app, single_prize_config(POINTS))
    with app.extensions["carnival.sessions"]() as session, session.begin():
        ended = {p.key: p for p in public_periods(session, campaign, DAY_END + timedelta(hours=1))}["20261123-1"]
        assert (ended.server_seed, ended.status) == (None, "current")
        publish_checkpoints(session, campaign, DAY_END + timedelta(hours=1))
        closed = {p.key: p for p in public_periods(session, campaign, DAY_END + timedelta(hours=1))}["20261123-1"]
        assert (closed.status, closed.revealed) == ("ended", True)


def test_a_clock_behind_the_shoppers_last_draw_is_refused(app: Flask, client: FlaskClient) -> None:
    """A reading in an earlier, still open period (a server whose clock lags) must not restart the nonce."""
    campaign = add_campaign(app, single_prize_config(POINTS))
    user = login(client, "time-traveller")
    sessions, registry = app.extensions["carnival.sessions"], app.extensions["carnival.registry"]
    with sessions() as session, session.begin():
        play(session, registry, campaign, user, "wheel", Action("spin"), lambda: DAY_END + timedelta(minutes=1))
    with sessions() as session, session.begin(), pytest.raises(Rejection) as refused:
        play(session, registry, campaign, user, "wheel", Action("spin"), lambda: DAY_END - timedelta(minutes=1))
    assert refused.value.code == "period_closed"
    with sessions() as session:
        player = session.scalars(select(Player).where(Player.campaign_id == campaign)).one()
        assert (player.period_key, player.next_nonce) == ("20261124-1", 1)


def test_two_closers_publish_one_checkpoint(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, single_prize_config(POINTS))
    barrier = threading.Barrier(2)
    closed: list[int] = []

    def close() -> None:
        barrier.wait(timeout=30)
        with app.extensions["carnival.sessions"]() as session, session.begin():
            closed.append(publish_checkpoints(session, campaign, DAY_END))
            time.sleep(0.05)

    threads = [threading.Thread(target=close) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(closed) == [0, 1]
    with app.extensions["carnival.sessions"]() as session:
        period = session.scalars(select(SeedPeriod).where(SeedPeriod.key == "20261123-1")).one()
        assert period.closed_at == DAY_END
        assert [c.period_key for c in campaign_checkpoints(session, campaign)] == ["20261123-1"]


def test_sealing_while_a_shopper_draws_again_neither_deadlocks_nor_fails(app: Flask, client: FlaskClient) -> None:
    """The sealer marks a shopper as having drawn while the same shopper's next draw is in flight: the draw
    holds closing off before it locks the shopper, so the sealer waits for it instead of the two waiting
    for each other."""
    campaign = add_campaign(app, single_prize_config(POINTS))
    user = login(client, "twice-drawer")
    sessions, registry = app.extensions["carnival.sessions"], app.extensions["carnival.registry"]
    at = T0 + timedelta(hours=1)
    with sessions() as session, session.begin():
        record_draw(session, play(session, registry, campaign, user, "wheel", Action("spin"), lambda: at))
    locked, release, outcomes = threading.Event(), threading.Event(), {}

    def held_clock() -> datetime:
        locked.set()  # read once the draw holds its locks
        release.wait(timeout=30)
        return at

    def run(name: str, work: Callable[[Session], object]) -> None:
        try:
            with sessions() as session, session.begin():
                outcomes[name] = work(session)
        except Exception as error:  # the test reports any failure of either side
            outcomes[name] = error

    drawer = threading.Thread(
        target=run,
        args=("draw", lambda s: record_draw(s, play(s, registry, campaign, user, "wheel", Action("spin"), held_clock))),
    )
    drawer.start()
    assert locked.wait(timeout=30)
    sealer = threading.Thread(target=run, args=("seal", lambda s: seal_log(s, campaign)))
    sealer.start()
    time.sleep(0.5)  # the sealer is waiting by now
    release.set()
    drawer.join(timeout=30)
    sealer.join(timeout=30)
    assert not isinstance(outcomes["draw"], Exception), outcomes["draw"]
    assert not isinstance(outcomes["seal"], Exception), outcomes["seal"]
    with sessions() as session, session.begin():
        seal_log(session, campaign)
    with sessions() as session:
        sealed = session.scalars(select(DrawRecord.seq).where(DrawRecord.campaign_id == campaign)).all()
    assert sorted(sealed) == [1, 2]
