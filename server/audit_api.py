"""Auditors' API: the campaigns, a campaign's seed periods, the export of its revealed draws, the
reconciliation of its draw log and the statistical test of its picks. Auditors change nothing; the export
writes the chain checkpoints that are due (a system action, see :func:`export`)."""

from __future__ import annotations

from flask import Response, stream_with_context
from flask_smorest import Blueprint

from games.audit.campaigns import AuditedCampaign, audited_campaigns
from games.audit.export import PeriodSummary, export_lines, period_summaries
from games.audit.reconcile import Reconciliation, reconcile
from games.audit.stats import FitTest, stats_from_export
from games.fairness.checkpoints import publish_checkpoints
from server import db
from server.api_public import find_campaign
from server.auth import require_role
from server.errors import documented_role
from server.models import User
from server.schemas import (
    AuditCampaignSchema,
    AuditPeriodSchema,
    FitTestSchema,
    ReconciliationSchema,
)

blp = Blueprint("audit", __name__, url_prefix="/api/audit", description="Exports for auditors")


@blp.route("/campaigns/<int:campaign_id>/export", methods=["GET"])
@require_role("auditor")
@documented_role(blp, "auditor", {404: "campaign_not_found: no such published campaign"})
@blp.alt_response(200, description="JSON lines (docs/fairness.md)", success=True)
def export(campaign_id: int, user: User) -> Response:
    """The draws of revealed periods with configs and seeds, as JSON lines.

    Side effect: before exporting, this writes the chain checkpoint (record count and head hash) of every
    period of the campaign that has ended and has none yet, exactly as a play, the public rules page or
    ``carnival audit checkpoint`` would (:func:`games.fairness.checkpoints.publish_checkpoints`). It is a system
    action, due the first time anything looks after a period ends, and not a change made by the auditor:
    a checkpoint's count and hash are the same whoever triggers it (only its ``published_at`` is the time
    of the request), and the draws, grants and seeds are left untouched.
    """
    db_session = db.session()
    with db_session.begin():
        campaign = find_campaign(campaign_id)
        publish_checkpoints(db_session, campaign.id, db.now())
    now = db.now()

    def lines() -> object:
        with db_session.begin():  # one transaction for the whole stream
            for line in export_lines(db_session, campaign, now):
                yield line + "\n"

    headers = {"Content-Disposition": f'attachment; filename="campaign-{campaign_id}-draws.jsonl"'}
    return Response(stream_with_context(lines()), mimetype="application/x-ndjson", headers=headers)


@blp.route("/campaigns/<int:campaign_id>/periods", methods=["GET"])
@require_role("auditor")
@documented_role(blp, "auditor", {404: "campaign_not_found: no such published campaign"})
@blp.response(200, AuditPeriodSchema(many=True))
def periods(campaign_id: int, user: User) -> list[PeriodSummary]:
    """Periods newest first: commitment and its publication time, reveal time and seed once ended, draws."""
    db_session = db.session()
    with db_session.begin():
        campaign = find_campaign(campaign_id)
        return period_summaries(db_session, campaign.id, db.now())


@blp.route("/campaigns/<int:campaign_id>/reconciliation", methods=["GET"])
@require_role("auditor")
@documented_role(blp, "auditor", {404: "campaign_not_found: no such published campaign"})
@blp.response(200, ReconciliationSchema)
def reconciliation(campaign_id: int, user: User) -> Reconciliation:
    """Do the draw log's grants equal the ledger's grants, and their cost the budget spent?"""
    db_session = db.session()
    with db_session.begin():
        campaign = find_campaign(campaign_id)
        return reconcile(db_session, campaign.id)


@blp.route("/campaigns", methods=["GET"])
@require_role("auditor")
@documented_role(blp, "auditor")
@blp.response(200, AuditCampaignSchema(many=True))
def campaigns(user: User) -> list[AuditedCampaign]:
    """Every published campaign with its status, periods (and how many are revealed) and draws."""
    db_session = db.session()
    with db_session.begin():
        return audited_campaigns(db_session, db.now())


@blp.route("/campaigns/<int:campaign_id>/stats", methods=["GET"])
@require_role("auditor")
@documented_role(blp, "auditor", {404: "campaign_not_found: no such published campaign"})
@blp.response(200, FitTestSchema(many=True))
def stats(campaign_id: int, user: User) -> list[FitTest]:
    """Chi-square goodness of fit of the picks per config version, over the export (revealed periods)."""
    db_session = db.session()
    with db_session.begin():
        campaign = find_campaign(campaign_id)
        return stats_from_export(export_lines(db_session, campaign, db.now()))
