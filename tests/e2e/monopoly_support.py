"""Monopoly campaigns for the tests: dice and props given to a shopper, and a roll."""

from __future__ import annotations

from itertools import count
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from economy.items import item_balance
from economy.rewards import Reward, RewardKind
from economy.service import GrantRequest, grant

_keys = count()


def give(app: Flask, campaign: int, user_id: int, item: str, count_: int) -> None:
    """Grant ``count_`` of ``item`` to a shopper, as a task would."""
    now = app.extensions["carnival.clock"]()
    reward = Reward(RewardKind.ITEM, count_, item=item)
    with app.extensions["carnival.sessions"]() as session, session.begin():
        key = f"test:{campaign}:{user_id}:{item}:{next(_keys)}"
        grant(session, GrantRequest(key, campaign, user_id, f"test_{item}", reward, 0, now.date().isoformat()), now)


def held(app: Flask, campaign: int, user_id: int, item: str = "dice") -> int:
    """How many of ``item`` a shopper holds."""
    with app.extensions["carnival.sessions"]() as session:
        return item_balance(session, campaign, user_id, item)


def roll(client: FlaskClient, campaign: int, body: dict[str, Any] | None = None, key: str | None = None) -> Any:
    """One roll, with a fresh Idempotency-Key unless ``key`` is given."""
    headers = {"Idempotency-Key": key or f"monopoly-roll-{next(_keys):06d}"}
    return client.post(f"/api/play/{campaign}/games/monopoly/roll", json=body or {}, headers=headers)
