"""Invitations through the API and the host's events: an invitee arriving through an inviter's link (the first
inviter stays) opens 白条 and pays with it; the inviter and the invitee get the right rewards once, a second inviter
claiming the same invitee gets nothing, caps and flagged accounts hold, and the grants reconcile."""

from __future__ import annotations

import copy
from typing import Any

from flask import Flask
from sqlalchemy import select

from economy.models import GiftCard, Grant
from economy.rewards import Reward, RewardKind
from economy.service import GrantRequest, grant
from server.config import DEV_LAUNCH_KEY
from server.launch import Claims, sign
from tests.conftest import add_campaign
from tests.e2e.audit_exports import run
from tests.e2e.share_support import PRIZES, shopper
from tests.e2e.tasks_support import event, order, send_and_apply

INVITE = {"inviter_prize": "points_5", "invitee_prize": "coupon", "first_baitiao_prize": "ecard",
          "first_purchase_points": 30}  # fmt: skip


ECARD = {"key": "ecard", "name": "50元E卡", "weight": 0, "stock": 100,
         "reward": {"kind": "gift_card", "amount_fen": 5000}}  # fmt: skip


def invite_config(**invite: Any) -> dict[str, Any]:
    prizes = [*copy.deepcopy(PRIZES), ECARD]
    return {"pool": {"prizes": prizes, "fallback": "thanks"}, "caps": [], "games": {"invite": {**INVITE, **invite}}}


def rewards(app: Flask, campaign: int) -> list[tuple[int, str, str]]:
    """(user, prize, grant key's reference) of every grant of the campaign, in order."""
    with app.extensions["carnival.sessions"]() as session:
        rows = session.execute(select(Grant.user_id, Grant.prize_key, Grant.key).where(Grant.campaign_id == campaign))
        return [(user, prize, key.split(":invite:")[-1]) for user, prize, key in rows]


def link_of(client: Any, campaign: int) -> str:
    answer = client.post(f"/api/play/{campaign}/invite")
    assert answer.status_code == 200, answer.json
    assert client.post(f"/api/play/{campaign}/invite").json["code"] == answer.json["code"]  # the same link
    return answer.json["code"]


def test_the_invite_chain_rewards_each_side_once_and_the_first_inviter_only(app: Flask) -> None:
    campaign = add_campaign(app, invite_config())
    ann, ann_id = shopper(app, "ann")
    bob, bob_id = shopper(app, "bob")
    cat, cat_id = shopper(app, "cat")
    first = cat.post(f"/api/play/{campaign}/invite/{link_of(ann, campaign)}/accept")
    assert first.status_code == 200 and first.json["this_link"]
    second = cat.post(f"/api/play/{campaign}/invite/{link_of(bob, campaign)}/accept")
    assert second.status_code == 200 and not second.json["this_link"]  # cat stays ann's
    own = ann.post(f"/api/play/{campaign}/invite/{link_of(ann, campaign)}/accept")
    assert (own.status_code, own.json["error"]) == (409, "self_invite")
    send_and_apply(app, campaign, [event(app, "baitiao_opened", "cat")])
    send_and_apply(app, campaign, [order(app, "cat", "JD-C1", 19_900)])  # paid with 白条
    send_and_apply(app, campaign, [order(app, "cat", "JD-C2", 5_000), event(app, "baitiao_opened", "cat")])
    assert sorted(rewards(app, campaign)) == sorted(
        [
            (cat_id, "coupon", "welcome"),
            (ann_id, "points_5", f"{cat_id}:opened"),
            (ann_id, "invite.points", f"{cat_id}:first_purchase"),
            (ann_id, "ecard", f"{cat_id}:first_baitiao"),
        ]
    )
    assert bob_id not in {user for user, _, _ in rewards(app, campaign)}
    with app.extensions["carnival.sessions"]() as session:
        assert session.scalars(select(GiftCard.user_id)).all() == [ann_id]
    ok = "OK: the draw log, the grants and the budget agree"
    assert ok in run(app, "audit", "reconcile", "--campaign", str(campaign)).output


def test_the_hosts_earlier_invitation_wins_and_caps_and_flags_hold(app: Flask) -> None:
    campaign = add_campaign(app, invite_config(inviter_daily_max=1, first_baitiao_prize=None))
    _, dan_id = shopper(app, "dan")
    eve, _ = shopper(app, "eve")
    send_and_apply(app, campaign, [event(app, "friend_invited", "dan", invitee="fay"),
                                   event(app, "friend_invited", "dan", invitee="gus")])  # fmt: skip
    app.extensions["carnival.clock"].advance(minutes=1)
    fay, fay_id = shopper(app, "fay")
    fay.post(f"/api/play/{campaign}/invite/{link_of(eve, campaign)}/accept")  # later than dan's invitation
    _, flagged_id = shopper(app, "hal", risk=True)
    hal_link = link_of(shopper(app, "dan")[0], campaign)
    shopper(app, "hal", risk=True)[0].post(f"/api/play/{campaign}/invite/{hal_link}/accept")
    send_and_apply(app, campaign, [event(app, "baitiao_opened", who) for who in ("fay", "gus", "hal")])
    granted = rewards(app, campaign)
    assert [r for r in granted if r[1] == "points_5"] == [(dan_id, "points_5", f"{fay_id}:opened")]  # 1 a day
    assert flagged_id not in {user for user, _, _ in granted}


def test_an_invitation_grant_without_its_event_is_named(app: Flask) -> None:
    campaign = add_campaign(app, invite_config())
    _, ann_id = shopper(app, "ann")
    with app.extensions["carnival.sessions"]() as session, session.begin():
        forged = GrantRequest(
            key=f"game:{campaign}:{ann_id}:invite:99:opened", campaign_id=campaign, user_id=ann_id,
            prize_key="points_5", reward=Reward(RewardKind.POINTS, 5), cost_fen=5, day="2026-11-23",
        )  # fmt: skip
        grant(session, forged, app.extensions["carnival.clock"]())
    output = run(app, "audit", "reconcile", "--campaign", str(campaign)).output
    assert "an invitation grant (99:opened) that no event of its invitee explains" in output, output


def test_a_launch_through_an_invite_link_records_the_inviter(app: Flask) -> None:
    campaign = add_campaign(app, invite_config())
    ann, ann_id = shopper(app, "ann")
    code = link_of(ann, campaign)
    friend = app.test_client()
    now = app.extensions["carnival.clock"]()
    token = sign(
        DEV_LAUNCH_KEY, "zoe", "佐伊", "normal", int(now.timestamp()) + 600, claims=Claims(device="dev-zoe-0000")
    )
    landed = friend.get(f"/play/launch?token={token}&campaign={campaign}&invite={code}",
                        headers={"Sec-Fetch-Site": "same-origin"})  # fmt: skip
    assert landed.status_code == 302
    send_and_apply(app, campaign, [event(app, "baitiao_opened", "zoe")])
    assert (ann_id, "points_5") in {(user, prize) for user, prize, _ in rewards(app, campaign)}


def test_the_launch_confirmation_carries_a_signed_invite_on_and_drops_a_forged_one(app: Flask) -> None:
    campaign = add_campaign(app, invite_config())
    ann, _ = shopper(app, "ann")
    code = link_of(ann, campaign)
    now = app.extensions["carnival.clock"]()
    token = sign(DEV_LAUNCH_KEY, "yan", "燕", "normal", int(now.timestamp()) + 600)
    for invite, carried in ((code, True), (code[:-1] + "x", False)):
        page = app.test_client().get(f"/play/launch?token={token}&campaign={campaign}&invite={invite}",
                                     headers={"Sec-Fetch-Site": "cross-site"})  # fmt: skip
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and 'data-testid="launch-confirmation"' in text
        assert (f'name="invite" value="{invite}"' in text) is carried


def test_a_batch_locks_every_player_it_touches_up_front_in_id_order(app: Flask, monkeypatch: Any) -> None:
    from games.commerce import apply

    campaign = add_campaign(app, invite_config())
    ann, ann_id = shopper(app, "ann")  # the inviter: the lowest id
    _, bob_id = shopper(app, "bob")
    cat, cat_id = shopper(app, "cat")  # ann's invitee: the highest id
    cat.post(f"/api/play/{campaign}/invite/{link_of(ann, campaign)}/accept")
    locked: list[int] = []
    real_lock = apply.lock_player

    def noting(session: Any, campaign_id: int, user_id: int) -> Any:
        locked.append(user_id)
        return real_lock(session, campaign_id, user_id)

    monkeypatch.setattr(apply, "lock_player", noting)
    send_and_apply(app, campaign, [order(app, "bob", "JD-B1", 5_000), event(app, "baitiao_opened", "cat")])
    assert locked == sorted({ann_id, bob_id, cat_id})  # the inviter before bob, whose event comes first
    assert (ann_id, "points_5", f"{cat_id}:opened") in rewards(app, campaign)
