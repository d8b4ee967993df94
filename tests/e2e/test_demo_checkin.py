"""The demo's check-in campaign: check-in and wheel side by side, a 普通 shopper with a 5-day streak and one missed
day that a make-up repairs (completing the 7-day milestone), the streak's wheel spins held, its draws verified."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from games.models import Campaign
from server.demo import DEMO_SHOPPERS
from server.demo_checkin import CHECKIN_SLUG
from tests.e2e.audit_exports import run
from tests.e2e.checkin_support import act, login_tier, view


def test_the_demo_shopper_has_a_5_day_streak_and_a_missed_day_to_make_up(app: Flask, tmp_path: Path) -> None:
    assert run(app, "seed-demo").exit_code == 0
    assert run(app, "seed-demo").exit_code == 0  # once only
    with app.extensions["carnival.sessions"]() as session:
        campaign = session.scalars(select(Campaign.id).where(Campaign.slug == CHECKIN_SLUG)).one()
    shopper = app.test_client()
    login_tier(shopper, DEMO_SHOPPERS[0]["sub"])
    state = view(shopper, campaign)
    assert state["streak"] == 5 and not state["checked_today"] and state["total_days"] == 6
    assert state["items_held"] == {"wheel_spin": 3}  # the 3-day milestone's spins, for the wheel beside it
    missed = (date.fromisoformat(state["today"]) - timedelta(days=6)).isoformat()
    assert {d["day"]: d["mark"] for d in state["calendar"]}.get(missed, "missed") == "missed"
    made = act(shopper, campaign, "make_up", {"day": missed})
    assert made.status_code == 200, made.json
    assert [m["prize"] for m in made.json["events"][0]["payload"]["milestones"]] == ["streak_50"]
    assert view(shopper, campaign)["streak"] == 7
    export = tmp_path / "checkin.jsonl"
    assert run(app, "audit", "export", "--campaign", str(campaign), "--out", str(export)).exit_code == 0
    verified = run(app, "audit", "verify", str(export))
    assert verified.exit_code == 0 and "OK: 6 draws verified" in verified.output, verified.output
