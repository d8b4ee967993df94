"""Ops console API for planning a pool: live odds, the rules page a draft would publish, and the cost
simulation. Nothing here changes a campaign but its stored spend forecast. Every route requires the ops role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, current_app, jsonify, url_for
from flask_smorest import Blueprint
from marshmallow import ValidationError

from economy.limits import Cap
from games.campaigns import admin
from games.campaigns.config import load_caps
from games.campaigns.rules import Rules
from games.fairness.pools import Pool, load_pool
from games.insight.metrics import record_forecast
from games.insight.play_model import daily_draws_of
from games.insight.simulate_caps import daily_caps
from games.insight.simulate_limits import SimulationSize, SimulationTooLarge, check_size
from server import db
from server.api_ops import CAMPAIGN_FORM_BODY, actor_name, campaign_or_404, fields_error, json_object, registry
from server.auth import require_role
from server.errors import ApiError, documented_role
from server.models import User
from server.ops_views import draft_rules, forecast_facts, odds_view, simulation_view
from server.schemas import ApiErrorSchema, RulesSchema
from server.schemas_ops import (
    GameSimulationRequestSchema,
    GameSimulationSchema,
    OddsRequestSchema,
    OddsSchema,
    SimulationJobSchema,
    SimulationRequestSchema,
    SimulationSchema,
)
from server.simulation_jobs import JobsBusy, SimulationJob, SimulationJobs, Work

SIMULATION_ERRORS = {
    422: "invalid input, or simulation_too_large: over the limit of runs x days x prizes (or draws per player x"
    " daily caps); the message says the limit and what to lower",
    429: "simulation_busy: too many background simulations are queued or running",
}

blp = Blueprint(
    "ops-planning", __name__, url_prefix="/api/ops", description="Ops console: odds, rules preview, simulation"
)


@blp.route("/odds", methods=["POST"])
@require_role("ops")
@documented_role(blp, "ops")
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
@documented_role(blp, "ops", {400: "invalid_json: the body is not a JSON object"})
@blp.doc(requestBody=CAMPAIGN_FORM_BODY)
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
@blp.alt_response(202, schema=SimulationJobSchema, description="a big simulation: a job to follow (Location)")
@documented_role(blp, "ops", SIMULATION_ERRORS)
def simulate(body: dict[str, Any], user: User) -> Any:
    """Monte Carlo of the pool's cost under its daily caps for an audience, budget and daily budget (nothing
    is saved). A big one (over the interactive limit) answers 202 with a job to follow."""
    pool, caps = _simulated_pool(body)
    if _sized(pool, caps, body).interactive:
        return simulation_view(pool, caps=caps, **body)
    return _job_answer(_submit(user, body["days"], lambda progress: simulation_view(pool, caps, progress, **body)))


@blp.route("/simulate/games/<string(maxlength=32):game>", methods=["POST"])
@require_role("ops")
@blp.arguments(GameSimulationRequestSchema)
@blp.response(200, GameSimulationSchema)
@documented_role(blp, "ops", {404: "no such game, or the game has no cost model of its own", 422: "invalid input"})
def simulate_game(body: dict[str, Any], game: str, user: User) -> dict[str, Any]:
    """A game's own cost forecast (e.g. a check-in campaign's: points by member tier, daily check-in chances,
    milestones): expected, p95 and p99 per shopper-month and for the audience (nothing is saved)."""
    played = registry().get(game) if game in registry().names() else None
    model = getattr(played, "simulate_audience", None)
    if played is None or model is None:
        raise ApiError(404, "game_not_found", f"no game '{game}' with a cost model of its own")
    try:
        pool = load_pool(body["pool"])
    except ValidationError as error:
        raise fields_error(error, "config.pool") from error
    try:
        config = played.config_schema().load(body["config"])
        problems = played.check_config(config, pool)
        if problems:
            raise ValidationError(problems)
    except ValidationError as error:
        raise fields_error(error, f"config.games.{game}") from error
    try:
        audience = played.audience_schema().load(body["audience"])
        return model(config, pool, audience)
    except ValidationError as error:
        raise fields_error(error, "audience") from error


@blp.route("/campaigns/<int:campaign_id>/simulate", methods=["POST"])
@require_role("ops")
@blp.arguments(SimulationRequestSchema)
@blp.response(200, SimulationSchema)
@blp.alt_response(202, schema=SimulationJobSchema, description="a big simulation: a job to follow (Location)")
@documented_role(blp, "ops", {**SIMULATION_ERRORS, 404: "no such campaign"})
def simulate_campaign(body: dict[str, Any], campaign_id: int, user: User) -> Any:
    """As ``/simulate``, and the result becomes the campaign's spend forecast on every ops dashboard (a job's
    result when it is done)."""
    pool, caps = _simulated_pool(body)
    size = _sized(pool, caps, body)
    with db.session().begin():
        campaign_or_404(campaign_id)
    if size.interactive:
        view = simulation_view(pool, caps=caps, **body)  # before the transaction: it may take seconds
        _record(campaign_id, pool, body, view, actor_name(user))
        return view
    app, actor = current_app._get_current_object(), actor_name(user)  # type: ignore[attr-defined]

    def work(progress: Callable[[int], None]) -> dict[str, Any]:
        view = simulation_view(pool, caps, progress, **body)
        with app.app_context():
            _record(campaign_id, pool, body, view, actor)
        return view

    return _job_answer(_submit(user, body["days"], work))


@blp.route("/simulate/jobs/<job_id>", methods=["GET"])
@require_role("ops")
@blp.response(200, SimulationJobSchema)
@documented_role(blp, "ops", {404: "no such job: unknown, someone else's, or finished over an hour ago"})
def simulation_job(job_id: str, user: User) -> dict[str, Any]:
    """A background simulation's progress (days simulated) and, once done, its result."""
    job = _jobs().get(job_id, user.id)
    if job is None:
        raise ApiError(404, "job_not_found", "no such simulation job (results are kept for an hour)")
    return job.snapshot()


def _jobs() -> SimulationJobs:
    return current_app.extensions["carnival.simulation_jobs"]


def _sized(pool: Pool, caps: tuple[Cap, ...], body: dict[str, Any]) -> SimulationSize:
    """The simulation's size. :raises ApiError: 422 ``simulation_too_large`` naming the field to lower."""
    size = SimulationSize(body["runs"], body["days"], len(pool.prizes), body["draws_per_player"], len(daily_caps(caps)))
    try:
        check_size(size)
    except SimulationTooLarge as error:
        raise ApiError(422, "simulation_too_large", error.message, {error.field: [error.message]}) from error
    return size


def _submit(user: User, days: int, work: Work) -> SimulationJob:
    """Queue a background simulation. :raises ApiError: 429 ``simulation_busy``."""
    try:
        return _jobs().submit(user.id, days, work)
    except JobsBusy as error:
        raise ApiError(429, "simulation_busy", "too many simulations are running; wait for one to finish") from error


def _job_answer(job: SimulationJob) -> Response:
    """202 with the job, its address in ``Location``."""
    answer = jsonify(SimulationJobSchema().dump(job.snapshot()))
    answer.status_code = 202
    answer.headers["Location"] = url_for("ops-planning.simulation_job", job_id=job.id)
    return answer


def _record(campaign_id: int, pool: Pool, body: dict[str, Any], view: dict[str, Any], actor: str) -> None:
    """Keep ``view`` as the campaign's spend forecast."""
    db_session = db.session()
    with db_session.begin():
        published = admin.current_config(db_session, registry(), campaign_or_404(campaign_id))
        record_forecast(db_session, campaign_id, forecast_facts(pool, published, body, view), actor, db.now())


def _check_draws_per_player(asked: int, most: int | None) -> None:
    """:raises ApiError: 422 when ``asked`` draws a shopper a day is more than the games allow."""
    if most is not None and asked > most:
        message = f"the games allow at most {most} draws a shopper a day"
        raise ApiError(422, "invalid_input", "some fields are invalid", {"draws_per_player": [message]})


def _simulated_pool(body: dict[str, Any]) -> tuple[Pool, tuple[Cap, ...]]:
    """Take the pool, its caps and its games out of a simulation request (the games' daily draws bound
    ``draws_per_player``). :raises ApiError: 422 with messages by field path."""
    games = body.pop("games")
    if games is not None:
        try:
            body["max_draws_per_player"] = daily_draws_of(registry(), games)
        except ValidationError as error:
            raise fields_error(error, "config.games") from error
        _check_draws_per_player(body["draws_per_player"], body["max_draws_per_player"])
    try:
        pool = load_pool(body.pop("pool"))
    except ValidationError as error:
        raise fields_error(error, "config.pool") from error
    try:
        return pool, load_caps(body.pop("caps"), pool)
    except ValidationError as error:
        raise fields_error(error, "config") from error
