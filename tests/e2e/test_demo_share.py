"""The demo's share campaign: 小明's share is two assists short of unlocking its first prize; two more helpers
unlock it, and his board and invite link work."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from games.models import Campaign
from server.demo import DEMO_SHOPPERS
from server.demo_monopoly import MONOPOLY_SLUG
from server.demo_share import SHARE_SLUG
from tests.e2e.audit_exports import run
from tests.e2e.share_support import help_share, shopper


def test_the_demo_share_is_two_assists_short_of_unlocking(app: Flask) -> None:
    assert run(app, "seed-demo").exit_code == 0
    assert run(app, "seed-demo").exit_code == 0  # once only
    with app.extensions["carnival.sessions"]() as session:
        campaign = session.scalars(select(Campaign.id).where(Campaign.slug == SHARE_SLUG)).one()
        assert session.scalars(select(Campaign.id).where(Campaign.slug == MONOPOLY_SLUG)).one()
    sharer, _ = shopper(app, DEMO_SHOPPERS[0]["sub"], "demo-device-demo-1001")
    share = sharer.get(f"/api/play/{campaign}/games/share").json["view"]["share"]
    assert (share["valid"], share["unlocked"]) == (1, [])
    for number in range(2):
        helper, _ = shopper(app, f"demo-friend-{number}")
        answer = help_share(helper, campaign, share["code"])
        assert answer.status_code == 200, answer.json
    unlocked = answer.json["events"][0]["payload"]["unlocked"]
    assert [u["granted"] for u in unlocked] == ["coupon_if6"]
    assert sharer.post(f"/api/play/{campaign}/invite").status_code == 200
