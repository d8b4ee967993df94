"""Ops console API for planning a pool: live odds, the rules page a draft would publish, and the cost
simulation. Nothing here changes a campaign but its stored spend forecast. Every route requires the ops role."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import ValidationError

from economy.limits import Cap
from games import admin
from games.campaigns import load_caps
from games.metrics import record_forecast
from games.pools import Pool, load_pool
from games.rules import Rules
from server import db
from server.api_ops import actor_name, campaign_or_404, fields_error, json_object, registry
from server.auth import require_role
from server.models import User
from server.ops_views import draft_rules, forecast_facts, odds_view, simulation_view
from server.schemas import ApiErrorSchema, RulesSchema
from server.schemas_ops import OddsRequestSchema, OddsSchema, SimulationRequestSchema, SimulationSchema

blp = Blueprint(
    "ops-planning", __name__, url_prefix="/api/ops", description="Ops console: odds, rules preview, simulation"
)


@blp.route("/odds", methods=["POST"])
@require_role("ops")
@blp.arguments(OddsRequestSchema)
@blp.response(200, OddsSchema)
@blp.alt_response(422, schema=ApiErrorSchema, description="invalid pool, messages by field path")
def odds(body: dict[str, Any], user: User) -> dict[str, Any]:
    """The live odds table of a pool being edited (nothing is saved)."""
    try:
        pool = load_pool(body["pool"])
    except ValidationError as error:
        raise fields_error(error, "config.pool") from error
    return odds_view(pool, body["expected_draws"])


@blp.route("/rules-preview", methods=["POST"])
@require_role("ops")
@blp.response(200, RulesSchema)
@blp.alt_response(422, schema=ApiErrorSchema, description="invalid fields, messages by field path")
def rules_preview(user: User) -> Rules:
    """The public rules page of a draft body as the editor holds it (nothing is saved; no periods yet)."""
    body = {"timezone": current_app.extensions["carnival.settings"].timezone, **json_object()}
    db_session = db.session()
    try:
        with db_session.begin():
            return draft_rules(db_session, registry(), body, db.now())
    except ValidationError as error:
        raise fields_error(error) from error


@blp.route("/simulate", methods=["POST"])
@require_role("ops")
@blp.arguments(SimulationRequestSchema)
@blp.response(200, SimulationSchema)
def simulate(body: dict[str, Any], user: User) -> dict[str, Any]:
    """Monte Carlo of the pool's cost under its daily caps for an audience, budget and daily budget (nothing
    is saved)."""
    pool, caps = _simulated_pool(body)
    return simulation_view(pool, caps=caps, **body)


@blp.route("/campaigns/<int:campaign_id>/simulate", methods=["POST"])
@require_role("ops")
@blp.arguments(SimulationRequestSchema)
@blp.response(200, SimulationSchema)
def simulate_campaign(body: dict[str, Any], campaign_id: int, user: User) -> dict[str, Any]:
    """As ``/simulate``, and the result becomes the campaign's spend forecast on every ops dashboard."""
    pool, caps = _simulated_pool(body)
    view = simulation_view(pool, caps=caps, **body)  # before the transaction: it may take seconds
    db_session = db.session()
    with db_session.begin():
        published = admin.current_config(db_session, registry(), campaign_or_404(campaign_id))
        record_forecast(
            db_session, campaign_id, forecast_facts(pool, published, body, view), actor_name(user), db.now()
        )
    return view


def _simulated_pool(body: dict[str, Any]) -> tuple[Pool, tuple[Cap, ...]]:
    """Take the pool and its caps out of a simulation request. :raises ApiError: 422 with messages by field
    path."""
    try:
        pool = load_pool(body.pop("pool"))
    except ValidationError as error:
        raise fields_error(error, "config.pool") from error
    try:
        return pool, load_caps(body.pop("caps"), pool)
    except ValidationError as error:
        raise fields_error(error, "config") from error
