"""Public, read-only: campaigns, their rules and odds, seed commitments and revealed seeds."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import select

from games.campaigns.rules import Rules, rules
from games.engine.play import campaign_config
from games.fairness.checkpoints import campaign_checkpoints, publish_checkpoints
from games.fairness.periods import PublicPeriod, current_period, public_periods
from games.insight.metrics import notable_wins
from games.models import Campaign, ChainCheckpoint
from server import db
from server.errors import ApiError
from server.models import User, mask_name
from server.schemas import CampaignSummarySchema, CheckpointSchema, PeriodSchema, RulesSchema, WinnerSchema

blp = Blueprint("public", __name__, url_prefix="/api/campaigns", description="Campaign rules, odds and seeds")


def find_campaign(campaign_id: int) -> Campaign:
    """The campaign or a 404 error."""
    campaign = db.session().get(Campaign, campaign_id)
    if campaign is None or campaign.version_id is None:
        raise ApiError(404, "campaign_not_found", f"no campaign {campaign_id}")
    return campaign


@blp.route("", methods=["GET"])
@blp.response(200, CampaignSummarySchema(many=True))
def list_campaigns() -> list[Campaign]:
    """Every published campaign."""
    return list(db.session().scalars(select(Campaign).where(Campaign.version_id.is_not(None)).order_by(Campaign.id)))


@blp.route("/<int:campaign_id>/rules", methods=["GET"])
@blp.response(200, RulesSchema)
def campaign_rules(campaign_id: int) -> Rules:
    """Prize types, quantities and exact odds from the engine's own config, plus seed periods."""
    db_session = db.session()
    with db_session.begin():
        campaign = find_campaign(campaign_id)
        current_period(db_session, campaign, db.now())
        publish_checkpoints(db_session, campaign.id, db.now())
        registry = _registry()
        return rules(db_session, registry, campaign, campaign_config(db_session, registry, campaign), db.now())


@blp.route("/<int:campaign_id>/periods", methods=["GET"])
@blp.response(200, PeriodSchema(many=True))
def periods(campaign_id: int) -> list[PublicPeriod]:
    """Seed periods, newest first: commitments always, seeds once the period has ended."""
    db_session = db.session()
    with db_session.begin():
        campaign = find_campaign(campaign_id)
        current_period(db_session, campaign, db.now())
        publish_checkpoints(db_session, campaign.id, db.now())
        return public_periods(db_session, campaign.id, db.now())


@blp.route("/<int:campaign_id>/checkpoints", methods=["GET"])
@blp.response(200, CheckpointSchema(many=True))
def checkpoints(campaign_id: int) -> list[ChainCheckpoint]:
    """The chain head published when each period ended, oldest first: save them, and hold any later
    export to them with ``carnival audit verify FILE --checkpoints SAVED.json``."""
    db_session = db.session()
    with db_session.begin():
        campaign = find_campaign(campaign_id)
        publish_checkpoints(db_session, campaign.id, db.now())
        return campaign_checkpoints(db_session, campaign.id)


@blp.route("/<int:campaign_id>/winners", methods=["GET"])
@blp.response(200, WinnerSchema(many=True))
def winners(campaign_id: int) -> list[dict[str, Any]]:
    """The latest wins of the prizes the campaign announces, newest first, each winner's name masked (张**):
    the shopper page's winners marquee."""
    db_session = db.session()
    with db_session.begin():
        campaign = find_campaign(campaign_id)
        wins = notable_wins(db_session, campaign.id, campaign_config(db_session, _registry(), campaign))
        shown = {w["user"] for w in wins}
        names = dict(db_session.execute(select(User.id, User.display_name).where(User.id.in_(shown))).all())
        return [{**w, "who": mask_name(names.get(w["user"], ""))} for w in wins]


def _registry() -> Any:
    return current_app.extensions["carnival.registry"]
