"""The ops console's HTML pages. They carry no rules: the JavaScript signs in through the session
API, talks to /api/ops and shows what it answers (field messages included)."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("ops_pages", __name__, url_prefix="/ops")


@bp.get("")
@bp.get("/")
def campaigns_page() -> str:
    """Sign-in (when needed), the campaign list and the ops audit trail."""
    return render_template("ops/campaigns.html")


@bp.get("/campaigns/<int:campaign_id>")
def editor_page(campaign_id: int) -> str:
    """The campaign editor: draft form, pool with live odds, simulation, publish, audit trail."""
    return render_template("ops/editor.html", campaign_id=campaign_id)


@bp.get("/campaigns/<int:campaign_id>/dashboard")
def dashboard_page(campaign_id: int) -> str:
    """The live dashboard (Socket.IO namespace /ops, polling while the socket is silent)."""
    return render_template("ops/dashboard.html", campaign_id=campaign_id)
