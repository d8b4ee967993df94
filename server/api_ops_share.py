"""Ops API of share-to-unlock: the assists held for review (approve or reject each: the decision is the sharer's
game action, logged and in the audit trail) and the fraud report (refusals by code, top devices, rings found),
as JSON and CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from games.campaigns import admin
from games.engine.contract import Action
from games.engine.play import play
from games.share.links import Attempt, fraud_report, held, log
from server import db
from server.api_ops import actor_name, campaign_or_404, host_user_ids
from server.auth import require_role
from server.errors import documented_role
from server.idempotency import idempotent
from server.models import User
from server.routing import ROW_ID_MAX

blp = Blueprint("ops-share", __name__, url_prefix="/api/ops", description="Ops review shares and their fraud report")


class DecisionSchema(Schema):
    """Approve or reject one held assist: the sharer, their share's number and the helper (Carnival user ids)."""

    sharer = fields.Integer(strict=True, required=True, validate=validate.Range(1, ROW_ID_MAX))
    share = fields.Integer(strict=True, required=True, validate=validate.Range(1, 10_000))
    helper = fields.Integer(strict=True, required=True, validate=validate.Range(1, ROW_ID_MAX))
    approve = fields.Boolean(required=True)


class DecidedSchema(Schema):
    """What a decision did: ``approved`` or ``rejected``, and the thresholds the approval unlocked."""

    decision = fields.String()
    unlocked = fields.List(fields.Integer())


class HeldSchema(Schema):
    """A held assist waiting for a decision."""

    sharer = fields.Integer()
    sharer_host_id = fields.String(allow_none=True)
    share = fields.Integer()
    helper = fields.Integer()
    helper_host_id = fields.String(allow_none=True)
    device = fields.String(allow_none=True)
    at = fields.DateTime()


class FraudReportSchema(Schema):
    """Refusals by code, the devices behind the most refused or held (not approved) attempts, and rings (two shoppers
    who helped each other the same day, by their Carnival and host ids)."""

    refusals = fields.Dict(keys=fields.String(), values=fields.Integer())
    top_devices = fields.List(fields.Dict())
    rings = fields.List(fields.Dict())


@blp.route("/campaigns/<int:campaign_id>/shares/held", methods=["GET"])
@require_role("ops")
@blp.response(200, HeldSchema(many=True))
@documented_role(blp, "ops", {404: "campaign_not_found"})
def held_assists(campaign_id: int, user: User) -> list[dict[str, Any]]:
    """The assists held for review (beyond the velocity limit), oldest first."""
    db_session = db.session()
    with db_session.begin():
        campaign_or_404(campaign_id)
        rows = held(db_session, campaign_id)
        hosts = host_user_ids(db_session, {r.sharer_id for r in rows} | {r.helper_id for r in rows})
        return [
            {"sharer": r.sharer_id, "sharer_host_id": hosts.get(r.sharer_id), "share": r.number, "helper": r.helper_id,
             "helper_host_id": hosts.get(r.helper_id), "device": r.device_hash, "at": r.created_at}
            for r in rows
        ]  # fmt: skip


@blp.route("/campaigns/<int:campaign_id>/shares/decisions", methods=["POST"])
@require_role("ops")
@idempotent
@blp.arguments(DecisionSchema)
@blp.response(200, DecidedSchema)
@documented_role(blp, "ops", {404: "campaign_not_found", 409: "assist_not_held", 422: "invalid input"})
def decide(body: dict[str, Any], campaign_id: int, user: User) -> dict[str, Any]:
    """Approve (it counts, and may unlock the sharer's thresholds) or reject a held assist; in the audit trail."""
    actor, decision = actor_name(user), {"share": body["share"], "helper": body["helper"], "approve": body["approve"]}
    with db.transaction() as db_session:
        campaign_or_404(campaign_id)
        registry = current_app.extensions["carnival.registry"]
        result = play(db_session, registry, campaign_id, body["sharer"], "share", Action("decide", decision), db.now)
        outcome = "approved" if body["approve"] else "rejected"
        attempt = Attempt(campaign_id, body["sharer"], body["share"], body["helper"], None, outcome, actor=actor)
        log(db_session, attempt, db.now())
        admin.record(db_session, actor, campaign_id, f"share_{outcome}", None, {**decision, "sharer": body["sharer"]},
                     db.now())  # fmt: skip
        return {"decision": outcome, "unlocked": result.events[0].payload["unlocked"]}


@blp.route("/campaigns/<int:campaign_id>/shares/fraud", methods=["GET"])
@require_role("ops")
@blp.response(200, FraudReportSchema)
@documented_role(blp, "ops", {404: "campaign_not_found"})
def fraud(campaign_id: int, user: User) -> dict[str, Any]:
    """The campaign's fraud report."""
    return _report(campaign_id)


def _report(campaign_id: int) -> dict[str, Any]:
    db_session = db.session()
    with db_session.begin():
        campaign = campaign_or_404(campaign_id)
        report = fraud_report(db_session, campaign_id, campaign.timezone)
        hosts = host_user_ids(db_session, {user for a, b, _ in report.rings for user in (a, b)})
    return {
        "refusals": report.refusals,
        "top_devices": [{"device": device, "attempts": count} for device, count in report.top_devices],
        "rings": [
            {"a": a, "b": b, "a_host_id": hosts.get(a), "b_host_id": hosts.get(b), "day": day}
            for a, b, day in report.rings
        ],
    }


@blp.route("/campaigns/<int:campaign_id>/shares/fraud.csv", methods=["GET"])
@require_role("ops")
@blp.alt_response(200, description="CSV (UTF-8 with BOM): section, key, count", schema={"type": "string"},
                  content_type="text/csv", success=True)  # fmt: skip
@documented_role(blp, "ops", {404: "campaign_not_found"})
def fraud_csv(campaign_id: int, user: User) -> Response:
    """The fraud report as CSV rows: ``refusal,<code>,<count>``, ``device,<hash>,<attempts>``, ``ring,<a>-<b>,
    <day>``."""
    report = _report(campaign_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "value"])
    writer.writerows(["refusal", code, count] for code, count in sorted(report["refusals"].items()))
    writer.writerows(["device", row["device"], row["attempts"]] for row in report["top_devices"])
    writer.writerows(["ring", f"{row['a']}-{row['b']}", row["day"]] for row in report["rings"])
    name = f"campaign-{campaign_id}-share-fraud.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers=headers)
