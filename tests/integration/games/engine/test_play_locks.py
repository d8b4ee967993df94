"""A shopper's plays are serialised by locks in games/engine/play.py, on SQLite and PostgreSQL: a play that waited
for the shopper's previous one reads the state that play left, not an older one (under READ COMMITTED a
statement that waited for a row lock re-reads only the rows it locked)."""

from __future__ import annotations

import json
import threading
import time

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from games.engine.play import _lock_player_with_state
from server.models import User
from tests.conftest import add_campaign, login, single_prize_config

POINTS = {"key": "pts", "name": "积分", "reward": {"kind": "points", "points": 5}}


def test_a_play_waiting_for_the_shoppers_lock_reads_the_state_the_previous_play_left(
    app: Flask, client: FlaskClient
) -> None:
    campaign = add_campaign(app, single_prize_config(POINTS))
    login(client, "patient")
    first = client.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": "lock-state-0001"})
    assert first.status_code == 200, first.json  # the player and its wheel state exist now
    sessions = app.extensions["carnival.sessions"]
    with sessions() as session:
        user_id = session.scalars(select(User.id).where(User.external_id == "patient")).one()

    holder = sessions()
    holder.begin()
    _, state = _lock_player_with_state(holder, campaign, user_id, "wheel")  # the previous play, in flight
    assert state is not None
    seen: dict[str, str] = {}
    waiting = threading.Event()

    def next_play() -> None:
        waiting.set()
        with sessions() as session, session.begin():
            seen["state"] = _lock_player_with_state(session, campaign, user_id, "wheel")[1].state_json

    waiter = threading.Thread(target=next_play)
    waiter.start()
    waiting.wait(10)
    time.sleep(0.5)  # the next play now waits for the shopper's lock
    state.state_json = json.dumps({"left_by": "the previous play"})
    holder.commit()
    holder.close()
    waiter.join(30)
    assert json.loads(seen["state"]) == {"left_by": "the previous play"}
