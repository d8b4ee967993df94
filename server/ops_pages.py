"""The ops console's HTML pages. They carry no rules and no data: the JavaScript signs in through the
session API, talks to /api/ops and shows what it answers (field messages included).

A page opened by a signed-in user without the ops role answers 403 (its "forbidden" panel offers to sign
out); nobody signed in gets 200 and the sign-in form."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from server.auth import current_user

bp = Blueprint("ops_pages", __name__, url_prefix="/ops")


def _page(template: str, **context: Any) -> tuple[str, int]:
    user = current_user()
    return render_template(template, **context), 403 if user is not None and user.role != "ops" else 200


@bp.get("")
@bp.get("/")
def campaigns_page() -> tuple[str, int]:
    """Sign-in (when needed), the campaign list and the ops audit trail."""
    return _page("ops/campaigns.html")


@bp.get("/campaigns/<int:campaign_id>")
def editor_page(campaign_id: int) -> tuple[str, int]:
    """The campaign editor: draft form, pool with live odds, simulation, publish, audit trail."""
    return _page("ops/editor.html", campaign_id=campaign_id)


@bp.get("/campaigns/<int:campaign_id>/dashboard")
def dashboard_page(campaign_id: int) -> tuple[str, int]:
    """The live dashboard (Socket.IO namespace /ops, polling while the socket is silent)."""
    return _page("ops/dashboard.html", campaign_id=campaign_id)


@bp.get("/campaigns/<int:campaign_id>/mall")
def mall_page(campaign_id: int) -> tuple[str, int]:
    """The points mall's catalog (积分商城): the goods with stock and redemptions refreshed live, the good form
    (add, edit, image preview), and the mall report with its CSV."""
    return _page("ops/mall.html", campaign_id=campaign_id)


@bp.get("/campaigns/<int:campaign_id>/messages")
def messages_page(campaign_id: int) -> tuple[str, int]:
    """Campaign messages (活动推送): the segments (rules or an uploaded CSV) with their preview, the campaign's
    messages (write, schedule, pause, resume, stop, resend dead letters) and a message's funnel with its CSV."""
    return _page("ops/messages.html", campaign_id=campaign_id)
