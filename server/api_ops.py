"""Ops console API: campaigns, drafts, publish, pause/resume, audit trail, live metrics and CSV reports
(odds, rules preview and simulation: :mod:`server.api_ops_planning`). Every route requires the ops role."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator
from dataclasses import replace
from functools import partial
from typing import Any

from flask import Response, current_app, request, stream_with_context
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from games.campaigns import admin
from games.campaigns.form import CampaignFormSchema, flatten
from games.fairness.checkpoints import seal_log
from games.insight.metrics import Metrics, metrics
from games.insight.preflight import Crowd, Preflight
from games.insight.reports import LANGUAGES, Lang, daily_csv, grants_csv
from games.models import Campaign, ConfigVersion
from server import db
from server.auth import require_role
from server.errors import ApiError, documented_role
from server.idempotency import idempotent
from server.models import User, mask_name
from server.ops_views import (
    campaign_row,
    new_campaign_body,
    schemas_view,
)
from server.realtime import announce_lifecycle
from server.schemas import ApiErrorSchema
from server.schemas_ops import (
    AuditEntrySchema,
    CampaignDetailSchema,
    CampaignRowSchema,
    MetricsSchema,
    PreflightRequestSchema,
    PreflightSchema,
    PublishedSchema,
    PublishSchema,
    RevisionSchema,
    RiskSchema,
    SaveDraftSchema,
    StatusSchema,
)

blp = Blueprint("ops", __name__, url_prefix="/api/ops", description="Ops console (role: ops)")

#: The body of a request that reads a whole campaign form as raw JSON (validated by the service).
CAMPAIGN_FORM_BODY = {
    "required": True,
    "description": "the campaign form; an omitted timezone is the server's CARNIVAL_TIMEZONE",
    "content": {"application/json": {"schema": CampaignFormSchema}},
}
LIFECYCLE_ERRORS = {
    404: "campaign_not_found",
    409: "not_published: publish the campaign first (or the same Idempotency-Key is still running)",
}


def registry() -> Any:
    """The app's game registry."""
    return current_app.extensions["carnival.registry"]


def fields_error(error: ValidationError, prefix: str = "") -> ApiError:
    """A 422 naming each invalid field by its dotted path under ``prefix``."""
    return ApiError(422, "invalid_input", "some fields are invalid", flatten(error.messages, prefix))


def campaign_or_404(campaign_id: int) -> Campaign:
    """The campaign (in the request's session). :raises ApiError: 404 ``campaign_not_found``."""
    campaign = db.session().get(Campaign, campaign_id)
    if campaign is None:
        raise ApiError(404, "campaign_not_found", f"no campaign {campaign_id}")
    return campaign


@blp.route("/campaigns", methods=["GET"])
@require_role("ops")
@documented_role(blp, "ops")
@blp.response(200, CampaignRowSchema(many=True))
def list_campaigns(user: User) -> list[dict[str, Any]]:
    """Every campaign, newest first."""
    db_session = db.session()
    with db_session.begin():
        campaigns = db_session.scalars(select(Campaign).order_by(Campaign.id.desc()))
        return [campaign_row(db_session, c, db.now()) for c in campaigns]


@blp.route("/campaigns/template", methods=["GET"])
@require_role("ops")
@documented_role(blp, "ops")
@blp.response(200)
def template(user: User) -> dict[str, Any]:
    """A starter body for a new campaign (a 6-slot wheel, starting tomorrow for 30 days)."""
    return new_campaign_body(db.now(), current_app.extensions["carnival.settings"].timezone)


@blp.route("/campaigns", methods=["POST"])
@require_role("ops")
@documented_role(blp, "ops", {400: "invalid_json: the body is not a JSON object"})
@blp.doc(requestBody=CAMPAIGN_FORM_BODY)
@idempotent
@blp.response(201, CampaignRowSchema)
@blp.alt_response(422, schema=ApiErrorSchema, description="invalid fields, messages by field path")
def create(user: User) -> dict[str, Any]:
    """Create a campaign as a draft (publish it to open it to shoppers)."""
    body = {"timezone": current_app.extensions["carnival.settings"].timezone, **json_object()}
    try:
        with db.transaction() as db_session:
            campaign = admin.open_campaign(db_session, registry(), actor_name(user), body, db.now())
            return campaign_row(db_session, campaign, db.now())
    except ValidationError as error:
        raise fields_error(error) from error


@blp.route("/campaigns/<int:campaign_id>", methods=["GET"])
@require_role("ops")
@documented_role(blp, "ops", {404: "campaign_not_found"})
@blp.response(200, CampaignDetailSchema)
def detail(campaign_id: int, user: User) -> dict[str, Any]:
    """The campaign, its draft (with revision) and its published config."""
    db_session = db.session()
    with db_session.begin():
        campaign = campaign_or_404(campaign_id)
        draft = admin.load_draft(db_session, campaign_id)
        config = admin.current_config(db_session, registry(), campaign)
        versions = db_session.scalars(
            select(ConfigVersion).where(ConfigVersion.campaign_id == campaign_id).order_by(ConfigVersion.id)
        )
        return {
            "campaign": campaign_row(db_session, campaign, db.now()),
            "draft": {
                "revision": draft.revision,
                "body": json.loads(draft.body_json),
                "updated_at": draft.updated_at,
                "updated_by": draft.updated_by,
            },
            "published_config": config.raw if config else None,
            "versions": [
                {"hash": v.hash, "created_at": v.created_at.isoformat(), "current": v.id == campaign.version_id}
                for v in versions
            ],
        }


@blp.route("/campaigns/<int:campaign_id>/draft", methods=["PUT"])
@require_role("ops")
@documented_role(blp, "ops", {404: "campaign_not_found"})
@idempotent
@blp.arguments(SaveDraftSchema)
@blp.response(200, RevisionSchema)
@blp.alt_response(409, schema=ApiErrorSchema, description="draft_changed: someone saved first; reload")
@blp.alt_response(422, schema=ApiErrorSchema, description="invalid fields, messages by field path; nothing saved")
def save(body: dict[str, Any], campaign_id: int, user: User) -> dict[str, int]:
    """Save the draft seen at ``revision``; the answer carries the new revision."""
    try:
        with db.transaction() as db_session:
            campaign_or_404(campaign_id)
            draft = admin.save_draft(
                db_session, registry(), actor_name(user), campaign_id, body["body"], body["revision"], db.now()
            )
            return {"revision": draft.revision}
    except ValidationError as error:
        raise fields_error(error) from error
    except admin.DraftConflict as error:
        raise ApiError(409, "draft_changed", str(error)) from error


@blp.route("/campaigns/<int:campaign_id>/preflight", methods=["POST"])
@require_role("ops")
@documented_role(blp, "ops", {404: "campaign_not_found"})
@blp.arguments(PreflightRequestSchema)
@blp.response(200, PreflightSchema)
@blp.alt_response(409, schema=ApiErrorSchema, description="draft_changed")
@blp.alt_response(422, schema=ApiErrorSchema, description="publish_refused: the draft cannot be published as it is")
def preflight(body: dict[str, Any], campaign_id: int, user: User) -> Preflight:
    """What publishing the draft at ``revision`` is forecast to cost for an audience, and the risks a publish
    must acknowledge (nothing is saved)."""
    try:
        with db.transaction() as db_session:
            campaign_or_404(campaign_id)
            crowd = _crowd(body["audience"])
            return admin.draft_preflight(db_session, registry(), campaign_id, body["revision"], crowd, db.now())
    except admin.DraftConflict as error:
        raise ApiError(409, "draft_changed", str(error)) from error
    except admin.PublishRefused as error:
        raise ApiError(422, "publish_refused", "the draft cannot be published as it is", error.problems) from error


@blp.route("/campaigns/<int:campaign_id>/publish", methods=["POST"])
@require_role("ops")
@documented_role(blp, "ops", {404: "campaign_not_found"})
@idempotent
@blp.arguments(PublishSchema)
@blp.response(200, PublishedSchema)
@blp.alt_response(409, schema=ApiErrorSchema, description="draft_changed, or publish_risks: acknowledge its risks")
@blp.alt_response(
    422, schema=ApiErrorSchema, description="publish_refused: invalid, not compliant or worse than disclosed"
)
def publish(body: dict[str, Any], campaign_id: int, user: User) -> dict[str, str]:
    """Validate, check compliance and disclosures, run the pre-flight (every risk it finds must be in
    ``acknowledged``) and freeze the draft as the current version."""
    risks = admin.RiskCheck(frozenset(body["acknowledged"]), _crowd(body["audience"]))
    try:
        with db.transaction() as db_session:
            campaign = campaign_or_404(campaign_id)
            version = admin.publish(
                db_session, registry(), actor_name(user), campaign_id, body["revision"], db.now(), risks
            )
            return {"version_hash": version.hash, "status": campaign.status}
    except admin.DraftConflict as error:
        raise ApiError(409, "draft_changed", str(error)) from error
    except admin.PublishRefused as error:
        raise ApiError(422, "publish_refused", "the draft cannot be published as it is", error.problems) from error
    except admin.PublishRisky as error:
        raise _risks_error(error) from error


def _crowd(given: dict[str, int] | None) -> Crowd | None:
    """The players a day and draws per player of a request's audience (the days are the campaign's)."""
    return None if given is None else (given["players_per_day"], given["draws_per_player"])


def _risks_error(error: admin.PublishRisky) -> ApiError:
    """409 ``publish_risks``: each risk under its field, and the list to acknowledge."""
    fields: dict[str, list[str]] = {}
    for risk in error.unacknowledged:
        fields.setdefault(risk.field, []).append(risk.message)
    risks = RiskSchema(many=True).dump(error.unacknowledged)
    return ApiError(
        409, "publish_risks", "acknowledge the risks of this publish, or change the draft", fields, {"risks": risks}
    )


@blp.route("/campaigns/<int:campaign_id>/pause", methods=["POST"])
@require_role("ops")
@documented_role(blp, "ops", LIFECYCLE_ERRORS)
@idempotent
@blp.response(200, StatusSchema)
def pause(campaign_id: int, user: User) -> Campaign:
    """Kill switch: play actions answer "paused" and nothing is drawn until resumed."""
    return _set_paused(campaign_id, user, paused=True)


@blp.route("/campaigns/<int:campaign_id>/resume", methods=["POST"])
@require_role("ops")
@documented_role(blp, "ops", LIFECYCLE_ERRORS)
@idempotent
@blp.response(200, StatusSchema)
def resume(campaign_id: int, user: User) -> Campaign:
    """Resume with the same seeds and counters."""
    return _set_paused(campaign_id, user, paused=False)


def _set_paused(campaign_id: int, user: User, paused: bool) -> Campaign:
    try:
        with db.transaction() as db_session:
            campaign = admin.set_paused(db_session, actor_name(user), campaign_id, paused, db.now())
            announce_lifecycle(campaign.id, campaign.lifecycle(db.now()))
            return campaign
    except admin.CampaignNotFound as error:
        raise ApiError(404, "campaign_not_found", str(error)) from error
    except admin.PublishRefused as error:
        raise ApiError(409, "not_published", "publish the campaign first", error.problems) from error


@blp.route("/audit", methods=["GET"])
@require_role("ops")
@documented_role(blp, "ops")
@blp.response(200, AuditEntrySchema(many=True))
def audit(user: User) -> list[dict[str, Any]]:
    """The ops audit trail, newest first."""
    return _audit(None)


@blp.route("/campaigns/<int:campaign_id>/audit", methods=["GET"])
@require_role("ops")
@documented_role(blp, "ops")
@blp.response(200, AuditEntrySchema(many=True))
@blp.alt_response(404, schema=ApiErrorSchema, description="campaign_not_found")
def campaign_audit(campaign_id: int, user: User) -> list[dict[str, Any]]:
    """One campaign's changes, newest first."""
    return _audit(campaign_id)


def _audit(campaign_id: int | None) -> list[dict[str, Any]]:
    db_session = db.session()
    with db_session.begin():
        if campaign_id is not None:
            campaign_or_404(campaign_id)
        entries = admin.audit_trail(db_session, campaign_id)
        return [
            {
                "id": e.id,
                "campaign_id": e.campaign_id,
                "actor": e.actor,
                "action": e.action,
                "at": e.at,
                "before": json.loads(e.before_json) if e.before_json else None,
                "after": json.loads(e.after_json) if e.after_json else None,
            }
            for e in entries
        ]


@blp.route("/schemas", methods=["GET"])
@require_role("ops")
@documented_role(blp, "ops")
@blp.response(200)
def schemas(user: User) -> dict[str, Any]:
    """Form descriptions of the campaign form, the pool, caps and every registered game's config."""
    return schemas_view(registry())


@blp.route("/campaigns/<int:campaign_id>/metrics", methods=["GET"])
@require_role("ops")
@documented_role(blp, "ops", {404: "campaign_not_found"})
@blp.response(200, MetricsSchema)
def campaign_metrics(campaign_id: int, user: User) -> Metrics:
    """The dashboard numbers now (the /ops Socket.IO namespace pushes the same at least every 2 seconds)."""
    return current_metrics(campaign_id)


def current_metrics(campaign_id: int) -> Metrics:
    """A metrics snapshot in its own transaction."""
    db_session = db.session()
    with db_session.begin():
        campaign = campaign_or_404(campaign_id)
        config = admin.current_config(db_session, registry(), campaign)
        snapshot = metrics(db_session, campaign, config, db.now())
        users = {
            u.id: u
            for u in db_session.scalars(select(User).where(User.id.in_({w["user"] for w in snapshot.notable_wins})))
        }
        wins = [
            {**w, "user": mask_name(users[w["user"]].display_name) if w["user"] in users else "***"}
            for w in snapshot.notable_wins
        ]
        return replace(snapshot, notable_wins=wins)


class ReportQuerySchema(Schema):
    """The query of a CSV report: the language of its headers and names (the console's)."""

    lang = fields.String(
        load_default="zh", validate=validate.OneOf(LANGUAGES), metadata={"description": "zh (default) or en"}
    )


CSV_ANSWER = {"schema": {"type": "string"}, "content_type": "text/csv", "success": True}


@blp.route("/campaigns/<int:campaign_id>/reports/grants.csv", methods=["GET"])
@require_role("ops")
@documented_role(blp, "ops", {404: "campaign_not_found"})
@blp.arguments(ReportQuerySchema, location="query")
@blp.alt_response(200, description="CSV (UTF-8 with BOM) of every grant", **CSV_ANSWER)
def grants_report(query: dict[str, Lang], campaign_id: int, user: User) -> Response:
    """Every grant of the campaign as CSV: when (campaign time zone), the draw's seq in the log, the host app's
    user id, the prize's key and name, what it gave and its cost in yuan.

    Side effect: the draws not yet in the campaign's log are sealed first, as the clock would seal them a
    moment later, so that every grant made for a draw names its seq."""
    report = partial(grants_csv, lang=query["lang"], host_user_ids=host_user_ids)
    return _csv(campaign_id, "grants", report, seal=True)


@blp.route("/campaigns/<int:campaign_id>/reports/daily.csv", methods=["GET"])
@require_role("ops")
@documented_role(blp, "ops", {404: "campaign_not_found"})
@blp.arguments(ReportQuerySchema, location="query")
@blp.alt_response(200, description="CSV (UTF-8 with BOM) of daily totals", **CSV_ANSWER)
def daily_report(query: dict[str, Lang], campaign_id: int, user: User) -> Response:
    """Draws, players, fallbacks, grants and cost in yuan per day of the campaign's time zone, as CSV."""
    return _csv(campaign_id, "daily", partial(daily_csv, lang=query["lang"]))


def host_user_ids(db_session: Session, user_ids: Collection[int]) -> dict[int, str]:
    """The host app's user id (``external_id``) of each shopper among ``user_ids``."""
    query = select(User.id, User.external_id).where(User.id.in_(user_ids), User.external_id.is_not(None))
    return {user_id: external_id for user_id, external_id in db_session.execute(query)}


def _csv(
    campaign_id: int, name: str, report: Callable[[Session, Campaign], Iterator[str]], seal: bool = False
) -> Response:
    """Stream ``report`` of the campaign as a CSV download (its log sealed first if ``seal``)."""
    db_session = db.session()
    with db_session.begin():
        campaign = campaign_or_404(campaign_id)
        if seal:
            seal_log(db_session, campaign.id)

    def chunks() -> Iterator[str]:
        with db_session.begin():  # one transaction for the whole stream (server-side cursors live in it)
            yield from report(db_session, campaign)

    headers = {"Content-Disposition": f'attachment; filename="campaign-{campaign_id}-{name}.csv"'}
    return Response(stream_with_context(chunks()), mimetype="text/csv", headers=headers)


def actor_name(user: User) -> str:
    """Who did it, as the audit trail names them."""
    return user.username or f"user:{user.id}"


def json_object() -> dict[str, Any]:
    """The request's JSON object body. :raises ApiError: 400 ``invalid_json`` for anything else."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "the request body must be a JSON object")
    return body
