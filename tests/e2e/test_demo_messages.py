"""The demo's campaign messages: after `carnival seed-demo` (twice: seeded once) every demo shopper finds the wheel
campaign's in-app message unread in their inbox, their name filled in, opening the wheel; ops find it sent and a
draft to lapsed buyers ready to start."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from games.models import Campaign
from server.demo import DEMO_SHOPPERS, DEMO_SLUG
from tests.conftest import Clock, launch_token
from tests.e2e.audit_exports import run
from tests.e2e.test_ops_api import staff


def test_each_demo_shopper_has_the_wheel_message_unread(app: Flask, clock: Clock) -> None:
    assert run(app, "seed-demo").exit_code == 0
    assert run(app, "seed-demo").exit_code == 0  # once only
    with app.extensions["carnival.sessions"]() as session:
        wheel = session.scalars(select(Campaign.id).where(Campaign.slug == DEMO_SLUG)).one()
    for demo in DEMO_SHOPPERS:
        shopper = app.test_client()
        token = launch_token(demo["sub"], demo["name"], demo["tier"], now=clock.now)
        assert shopper.post("/api/session/launch", json={"token": token}).status_code == 200
        box = shopper.get("/api/play/inbox").json
        assert box["unread"] == 1, (demo, box)
        assert box["items"][0]["title"] == f"{demo['name']}，转盘加开啦"
        assert box["items"][0]["link"].startswith(f"/play/{wheel}?tab=wheel&msg=")
    messages = staff(app, "ops", "demo-messages-ops").get(f"/api/ops/campaigns/{wheel}/messages").json
    assert [(m["name"], m["state"]) for m in messages] == [("沉睡老客召回", "draft"), ("转盘加开提醒", "scheduled")]
    assert messages[1]["deliveries"]["sent"] >= len(DEMO_SHOPPERS)
