"""Auditors' API: download a campaign's export of revealed draws."""

from __future__ import annotations

from flask import Response, stream_with_context
from flask_smorest import Blueprint

from games.audit import export_lines
from server import db
from server.api_public import find_campaign
from server.auth import require_role
from server.models import User

blp = Blueprint("audit", __name__, url_prefix="/api/audit", description="Exports for auditors")


@blp.route("/campaigns/<int:campaign_id>/export", methods=["GET"])
@require_role("auditor")
@blp.alt_response(200, description="JSON lines (docs/fairness.md)", success=True)
def export(campaign_id: int, user: User) -> Response:
    """The draws of revealed periods with configs and seeds, as JSON lines."""
    db_session = db.session()
    campaign = find_campaign(campaign_id)
    db_session.commit()
    now = db.now()

    def lines() -> object:
        with db_session.begin():  # one transaction for the whole stream
            for line in export_lines(db_session, campaign, now):
                yield line + "\n"

    headers = {"Content-Disposition": f'attachment; filename="campaign-{campaign_id}-draws.jsonl"'}
    return Response(stream_with_context(lines()), mimetype="application/x-ndjson", headers=headers)
