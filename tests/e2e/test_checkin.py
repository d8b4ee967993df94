"""The check-in calendar end to end: daily points by tier, the 7-day milestone, make-ups and their refusals,
reminders, and the draws in the export verified."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select

from economy.models import Grant
from games.campaigns.admin import set_paused
from games.models import DrawRecord
from tests.conftest import Clock, add_campaign, launch_token, seal_logs
from tests.e2e.audit_exports import run
from tests.e2e.checkin_support import act, checkin_config, login_tier, view


def test_seven_days_in_a_row_at_10_a_day_pay_exactly_120(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, checkin_config())
    shopper = app.test_client()
    login_tier(shopper, "streak-7")
    for day in range(7):
        answer = act(shopper, campaign, "check_in")
        assert answer.status_code == 200, answer.json
        payload = answer.json["events"][0]["payload"]
        assert payload["points"] == 10 and payload["streak"] == day + 1
        assert [m["prize"] for m in payload["milestones"]] == (["streak7"] if day == 6 else [])
        clock.advance(days=1)
    assert view(shopper, campaign)["points"] == 120


def test_a_second_check_in_the_same_day_is_refused_and_grants_nothing(app: Flask) -> None:
    campaign = add_campaign(app, checkin_config())
    shopper = app.test_client()
    login_tier(shopper, "twice")
    assert act(shopper, campaign, "check_in").status_code == 200
    again = act(shopper, campaign, "check_in")
    assert again.status_code == 409 and again.json["error"] == "already_checked_in"
    assert view(shopper, campaign)["points"] == 10


def test_a_gold_member_draws_within_the_gold_range_and_the_tier_is_recorded(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, checkin_config())
    shopper = app.test_client()
    login_tier(shopper, "gold-1", tier="gold")
    answer = act(shopper, campaign, "check_in")
    payload = answer.json["events"][0]["payload"]
    assert 30 <= payload["points"] <= 40 and payload["tier"] == 1 and payload["tier_code"] == "gold"
    assert answer.json["proof"]["nonce"] == 0
    assert view(shopper, campaign)["tier"]["code"] == "gold"


def test_a_missed_day_made_up_repairs_the_streak_and_completes_the_milestone(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, checkin_config())
    shopper = app.test_client()
    login_tier(shopper, "makeup-1")
    first = date.fromisoformat(view(shopper, campaign)["today"])
    for day in range(7):
        if day != 3:  # day 3 missed
            assert act(shopper, campaign, "check_in").status_code == 200
        clock.advance(days=1)
    clock.advance(days=-1)  # the evening of the 7th day
    state = view(shopper, campaign)
    assert state["streak"] == 3 and state["points"] == 60
    marks = {d["day"]: d["mark"] for d in state["calendar"]}
    assert marks[(first + timedelta(days=3)).isoformat()] == "missed"
    made = act(shopper, campaign, "make_up", {"day": (first + timedelta(days=3)).isoformat()})
    assert made.status_code == 200, made.json
    payload = made.json["events"][0]["payload"]
    assert (
        payload["makeup"] == 1 and payload["streak"] == 7 and [m["prize"] for m in payload["milestones"]] == ["streak7"]
    )
    state = view(shopper, campaign)
    assert state["streak"] == 7 and state["points"] == 60 - 20 + 10 + 50
    assert {d["day"]: d["mark"] for d in state["calendar"]}[(first + timedelta(days=3)).isoformat()] == "made_up"


def test_make_ups_that_are_not_allowed_are_refused_with_their_reason(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, checkin_config(makeup={"window_days": 3, "monthly_max": 1, "price_points": 5}))
    shopper = app.test_client()
    login_tier(shopper, "makeup-refused")
    today = date.fromisoformat(view(shopper, campaign)["today"])
    refused = act(shopper, campaign, "make_up", {"day": (today - timedelta(days=1)).isoformat()})
    assert refused.status_code == 422 and refused.json["error"] == "makeup_before_joined"
    for _ in range(6):
        assert act(shopper, campaign, "check_in").status_code == 200
        clock.advance(days=2)  # every other day: a day missed each time
    today = date.fromisoformat(view(shopper, campaign)["today"])
    cases = {
        "makeup_today": today,
        "makeup_future": today + timedelta(days=1),
        "makeup_out_of_window": today - timedelta(days=5),
        "makeup_before_start": today - timedelta(days=60),
    }
    for reason, day in cases.items():
        answer = act(shopper, campaign, "make_up", {"day": day.isoformat()})
        assert answer.status_code == 422 and answer.json["error"] == reason, (reason, answer.json)
    assert act(shopper, campaign, "make_up", {"day": "2026-02-30"}).json["error"] == "invalid_day"
    assert act(shopper, campaign, "make_up", {"day": (today - timedelta(days=1)).isoformat()}).status_code == 200
    taken = act(shopper, campaign, "make_up", {"day": (today - timedelta(days=1)).isoformat()})
    assert taken.status_code == 409 and taken.json["error"] == "already_checked_in"
    over = act(shopper, campaign, "make_up", {"day": (today - timedelta(days=3)).isoformat()})
    assert over.status_code == 422 and over.json["error"] in {"makeup_monthly_limit", "makeup_out_of_window"}


def test_a_paused_campaign_grants_nothing(app: Flask) -> None:
    campaign = add_campaign(app, checkin_config())
    shopper = app.test_client()
    login_tier(shopper, "paused")
    with app.extensions["carnival.sessions"]() as session, session.begin():
        set_paused(session, "tests", campaign, True, app.extensions["carnival.clock"]())
    refused = act(shopper, campaign, "check_in")
    assert refused.status_code == 409 and refused.json["error"] == "campaign_paused"
    with app.extensions["carnival.sessions"]() as session:
        assert session.scalars(select(Grant).where(Grant.campaign_id == campaign)).all() == []
        assert session.scalars(select(DrawRecord).where(DrawRecord.campaign_id == campaign)).all() == []


def test_the_reminder_is_stored_and_listed_for_the_host(app: Flask) -> None:
    campaign = add_campaign(app, checkin_config())
    shopper = app.test_client()
    login_tier(shopper, "remind-me")
    assert act(shopper, campaign, "remind", {"on": True}).status_code == 200
    assert view(shopper, campaign)["remind"] is True
    bad = act(shopper, campaign, "remind", {"on": "yes"})
    assert bad.status_code == 422


def test_check_in_draws_are_exported_and_verified(app: Flask, clock: Clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    campaign = add_campaign(app, checkin_config())
    for n, tier in enumerate(["normal", "gold", "gold"]):
        shopper = app.test_client()
        login_tier(shopper, f"export-{n}", tier=tier)
        assert act(shopper, campaign, "check_in").status_code == 200
    seal_logs(app)
    clock.advance(days=31)
    from server import clock as period_clock

    period_clock.tick(app)
    export = tmp_path / "checkin.jsonl"
    assert run(app, "audit", "export", "--campaign", str(campaign), "--out", str(export)).exit_code == 0
    verified = run(app, "audit", "verify", str(export))
    assert verified.exit_code == 0, verified.output


def test_a_tier_code_the_campaign_lists_is_used_and_an_unknown_one_counts_as_the_first(app: Flask) -> None:
    tiers = [
        {"code": "plus", "name": "PLUS会员", "points_min": 5, "points_max": 5},
        {"code": "vip_2", "name": "二级会员", "points_min": 70, "points_max": 70},
    ]
    campaign = add_campaign(app, checkin_config(tiers=tiers))
    for sub, tier, points in (("tier-vip", "vip_2", 70), ("tier-unknown", "gold", 5)):
        shopper = app.test_client()
        login_tier(shopper, sub, tier=tier)
        assert act(shopper, campaign, "check_in").json["events"][0]["payload"]["points"] == points
    token = launch_token("bad-tier", tier="Gold Plus", now=app.extensions["carnival.clock"]())
    refused = app.test_client().post("/api/session/launch", json={"token": token})
    assert refused.status_code == 401 and "a tier code of 1-16 lowercase letters" in refused.json["message"]


def test_the_wallet_names_check_in_points(app: Flask) -> None:
    campaign = add_campaign(app, checkin_config())
    shopper = app.test_client()
    login_tier(shopper, "wallet-points")
    assert act(shopper, campaign, "check_in").status_code == 200
    history = shopper.get("/api/play/wallet").json["history"]
    assert [(h["prize_name"], h["prize_name_en"], h["amount"]) for h in history] == [
        ("签到积分", "Check-in points", 10)
    ]
