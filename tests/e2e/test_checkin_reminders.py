"""Check-in reminders: a shopper who asked is listed for the next day until they check in on it, by the CLI and
by the host API (signed, paged); one who did not ask, or a paused campaign, is not."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask

from games.campaigns.admin import set_paused
from tests.conftest import Clock, add_campaign
from tests.e2e.audit_exports import run
from tests.e2e.checkin_support import act, checkin_config, login_tier, view
from tests.e2e.test_host_api import signed


def ask(app: Flask, campaign: int, sub: str, on: bool = True) -> str:
    """``sub`` signed in, reminders set ``on``; returns their today."""
    shopper = app.test_client()
    login_tier(shopper, sub)
    assert act(shopper, campaign, "remind", {"on": on}).status_code == 200
    return view(shopper, campaign)["today"]


def test_the_cli_lists_who_asked_and_has_not_checked_in_that_day(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, checkin_config())
    today = ask(app, campaign, "remind-a")
    ask(app, campaign, "remind-b", on=False)
    tomorrow = (date.fromisoformat(today) + timedelta(days=1)).isoformat()
    listed = run(app, "checkin", "reminders", "--day", tomorrow)
    assert listed.exit_code == 0, listed.output
    assert f"{campaign},测试活动,remind-a" in listed.output and "remind-b" not in listed.output
    clock.advance(days=1)
    shopper = app.test_client()
    login_tier(shopper, "remind-a")
    assert act(shopper, campaign, "check_in").status_code == 200
    assert "remind-a" not in run(app, "checkin", "reminders", "--day", tomorrow).output
    bad = run(app, "checkin", "reminders", "--day", "tomorrow")
    assert bad.exit_code == 2 and "is not a day" in bad.output


def test_the_host_api_pages_through_the_reminders(app: Flask) -> None:
    campaign = add_campaign(app, checkin_config())
    for n in range(3):
        today = ask(app, campaign, f"remind-page-{n}")
    day = (date.fromisoformat(today) + timedelta(days=1)).isoformat()
    host = app.test_client()
    first = signed(host, "GET", f"/api/host/checkin/reminders?day={day}&limit=2")
    assert first.status_code == 200, first.json
    assert [r["user"] for r in first.json["reminders"]] == ["remind-page-0", "remind-page-1"]
    second = signed(host, "GET", f"/api/host/checkin/reminders?day={day}&limit=2&after={first.json['next']}")
    assert [r["user"] for r in second.json["reminders"]] == ["remind-page-2"] and second.json["next"] is None
    assert host.get(f"/api/host/checkin/reminders?day={day}").status_code == 401
    assert signed(host, "GET", "/api/host/checkin/reminders?day=soon").status_code == 422
    with app.extensions["carnival.sessions"]() as session, session.begin():
        set_paused(session, "tests", campaign, True, app.extensions["carnival.clock"]())
    paused = signed(host, "GET", f"/api/host/checkin/reminders?day={day}")
    assert paused.json["reminders"] == []
