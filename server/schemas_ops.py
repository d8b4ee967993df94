"""Schemas of the ops console's API (HTTP and the /ops Socket.IO namespace).

Every integer a request carries is strict (``"1"``, ``1.0`` and ``true`` are refused) and bounded, so
that a huge number is a field message, never an overflow in the database or in numpy.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate, validates_schema

from games.campaigns.form import budget_fen_field, check_daily_budget, daily_budget_fen_field
from games.models import LIFECYCLE, LIFECYCLE_NOTE
from server.routing import ROW_ID_MAX

SEED_MAX = 2**63 - 1


def _strict(low: int, high: int, **options: Any) -> fields.Integer:
    """A strict integer from ``low`` to ``high``."""
    return fields.Integer(strict=True, validate=validate.Range(low, high), **options)


class CampaignRowSchema(Schema):
    """A campaign in the ops list."""

    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    theme = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "what ops set: draft, active or paused"})
    lifecycle = fields.String(metadata={"enum": list(LIFECYCLE), "description": LIFECYCLE_NOTE})
    timezone = fields.String(metadata={"description": "the campaign's days and times are in this IANA zone"})
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    version_hash = fields.String(allow_none=True)
    budget_total_fen = fields.Integer()
    budget_spent_fen = fields.Integer()


class DraftSchema(Schema):
    """A draft as the editor sees it."""

    revision = fields.Integer()
    body = fields.Dict()
    updated_at = fields.DateTime()
    updated_by = fields.String()


class CampaignDetailSchema(Schema):
    """A campaign with its draft and published version."""

    campaign = fields.Nested(CampaignRowSchema)
    draft = fields.Nested(DraftSchema)
    published_config = fields.Dict(allow_none=True)
    versions = fields.List(fields.Dict())


class SaveDraftSchema(Schema):
    """Replace the draft seen at ``revision``."""

    revision = _strict(1, ROW_ID_MAX, required=True)
    body = fields.Dict(required=True)


class RevisionSchema(Schema):
    """Act on the draft seen at ``revision``."""

    revision = _strict(1, ROW_ID_MAX, required=True)


class AudienceSchema(Schema):
    """Who is expected to play: players a day and draws per player a day (over every day of the campaign)."""

    players_per_day = _strict(1, 10_000_000, required=True)
    draws_per_player = _strict(1, 100, required=True)


class PreflightRequestSchema(RevisionSchema):
    """The draft seen at ``revision``, forecast for ``audience`` (default: the campaign's latest forecast's,
    else 10,000 players drawing 3 times a day)."""

    audience = fields.Nested(AudienceSchema, load_default=None, allow_none=True)


class PublishSchema(PreflightRequestSchema):
    """Publish the draft seen at ``revision`` once every risk of its pre-flight is acknowledged."""

    acknowledged = fields.List(
        fields.String(validate=validate.Length(1, 100)),
        load_default=list,
        validate=validate.Length(max=100),
        metadata={"description": "the codes of the pre-flight risks ops accept (see /preflight)"},
    )


class RiskSchema(Schema):
    """A risk to acknowledge before publishing."""

    code = fields.String()
    field = fields.String(metadata={"description": "the draft field it is about"})
    message = fields.String()


class PreflightSchema(Schema):
    """What a publish is forecast to cost, and its risks."""

    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    players_per_day = fields.Integer(attribute="audience.players_per_day")
    draws_per_player = fields.Integer(attribute="audience.draws_per_player")
    days = fields.Integer(attribute="audience.days")
    budget_fen = fields.Integer()
    daily_budget_fen = fields.Integer(allow_none=True)
    cost_median_fen = fields.Float(metadata={"description": "what would be paid (never above the budgets)"})
    cost_p95_fen = fields.Float()
    demand_median_fen = fields.Float(metadata={"description": "what the audience would win without any budget"})
    demand_p95_fen = fields.Float()
    budget_exhausted_probability = fields.Float()
    median_budget_exhausted_day = fields.Integer(allow_none=True)
    risks = fields.List(fields.Nested(RiskSchema))


class PublishedSchema(Schema):
    """A published version."""

    version_hash = fields.String()
    status = fields.String()


class StatusSchema(Schema):
    """A campaign's status after pause or resume."""

    id = fields.Integer()
    status = fields.String()


class AuditEntrySchema(Schema):
    """One change in the ops audit trail."""

    id = fields.Integer()
    campaign_id = fields.Integer(allow_none=True)
    actor = fields.String()
    action = fields.String()
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)
    at = fields.DateTime()


class OddsRequestSchema(Schema):
    """A pool (as in a campaign config) and the draws expected over the campaign."""

    pool = fields.Dict(required=True)
    expected_draws = _strict(0, 10**12, load_default=0)


class OddsRowSchema(Schema):
    """One line of the live odds table."""

    key = fields.String()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    probability = fields.Float()
    odds = fields.String()
    expected_cost_per_draw_fen = fields.Float()
    expected_picked = fields.Float()
    expected_granted = fields.Float(
        metadata={"description": "picks up to the stock; for the fallback, its picks plus every pick above a stock"}
    )
    disclosed_quantity = fields.Integer(allow_none=True)


class OddsSchema(Schema):
    """The live odds table with totals."""

    rows = fields.List(fields.Nested(OddsRowSchema))
    total_weight = fields.Integer()
    expected_cost_per_draw_fen = fields.Float(metadata={"description": "from the odds alone, without stock limits"})
    expected_total_cost_fen = fields.Float(metadata={"description": "the cost of the expected grants"})


class SimulationRequestSchema(Schema):
    """What to simulate: a pool and its per-user caps, an audience, a budget and a daily budget (as the
    campaign form has them; no budget: no limit)."""

    pool = fields.Dict(required=True)
    caps = fields.Raw(load_default=list, metadata={"description": "the per-user caps, as in a campaign config"})
    games = fields.Dict(
        load_default=None,
        metadata={
            "description": "the games, as in a campaign config: each game's model bounds the draws a shopper can"
            " make a day (draws_per_player may not exceed it)"
        },
    )
    players_per_day = _strict(1, 10_000_000, required=True)
    draws_per_player = _strict(1, 1000, required=True)
    days = _strict(1, 366, required=True)
    budget_fen = budget_fen_field(load_default=None, allow_none=True)
    daily_budget_fen = daily_budget_fen_field()
    runs = _strict(10, 20_000, load_default=1000)
    seed = _strict(0, SEED_MAX, load_default=None, allow_none=True)

    @validates_schema
    def _budget(self, data: dict[str, Any], **_: Any) -> None:
        check_daily_budget(data)


class PrizeForecastSchema(Schema):
    """A prize in the simulation."""

    key = fields.String()
    expected_granted = fields.Float()
    stockout_probability = fields.Float()
    median_stockout_day = fields.Integer(allow_none=True)


class SimulationSchema(Schema):
    """The simulation's answer, with a histogram of total cost."""

    runs = fields.Integer()
    draws = fields.Integer()
    cost_median_fen = fields.Float()
    cost_p95_fen = fields.Float()
    cost_p99_fen = fields.Float()
    cost_mean_fen = fields.Float()
    expected_cost_fen = fields.Float(metadata={"description": "analytical, without stock or budget limits"})
    histogram = fields.List(fields.Dict())
    daily_cost_mean_fen = fields.List(fields.Float())
    cumulative_median_fen = fields.List(fields.Float(), metadata={"description": "spend by the end of each day"})
    cumulative_p95_fen = fields.List(fields.Float(), metadata={"description": "95th percentile, by day"})
    budget_exhausted_probability = fields.Float()
    median_budget_exhausted_day = fields.Integer(allow_none=True)
    prizes = fields.List(fields.Nested(PrizeForecastSchema))
    max_draws_per_player = fields.Integer(
        allow_none=True, metadata={"description": "the most draws a shopper can make a day in the games given"}
    )


class SimulationJobSchema(Schema):
    """A background simulation: its progress by simulated day and, once done, its result."""

    id = fields.String()
    status = fields.String(metadata={"description": "queued, running, done or failed"})
    days = fields.Integer()
    days_done = fields.Integer()
    progress = fields.Float(metadata={"description": "from 0 to 1"})
    result = fields.Nested(SimulationSchema, allow_none=True, metadata={"description": "when done"})
    error = fields.String(allow_none=True, metadata={"description": "when failed"})


class ForecastSchema(Schema):
    """The campaign's stored spend forecast (the latest simulation ops ran for it), read now."""

    created_at = fields.DateTime()
    created_by = fields.String()
    version_hash = fields.String(allow_none=True, metadata={"description": "null: the draft was simulated"})
    players_per_day = fields.Integer()
    draws_per_player = fields.Integer()
    days = fields.Integer()
    day = fields.Integer(metadata={"description": "campaign days begun (0 before the start, at most days)"})
    spent_fen = fields.Integer(metadata={"description": "median spend by the end of day"})
    spent_p95_fen = fields.Integer()
    total_fen = fields.Integer(metadata={"description": "median spend over all the days"})
    total_p95_fen = fields.Integer()


class MetricsSchema(Schema):
    """A dashboard snapshot."""

    campaign_id = fields.Integer()
    at = fields.DateTime()
    status = fields.String()
    lifecycle = fields.String(metadata={"enum": list(LIFECYCLE), "description": LIFECYCLE_NOTE})
    draws_total = fields.Integer()
    draws_last_minute = fields.Integer()
    draws_per_minute = fields.List(fields.Dict())
    grants_by_kind = fields.Dict()
    budget_total_fen = fields.Integer()
    budget_spent_fen = fields.Integer()
    stock = fields.List(fields.Dict())
    players = fields.Integer()
    fallbacks = fields.Dict()
    notable_wins = fields.List(fields.Dict())
    forecast_spent_fen = fields.Integer(
        allow_none=True, metadata={"description": "forecast spend to date; null when no simulation was run"}
    )
    forecast = fields.Nested(ForecastSchema, allow_none=True)


class GameSimulationRequestSchema(Schema):
    """A game's own cost model: the pool, the game's part of the config and its audience (the game's schema)."""

    pool = fields.Dict(required=True)
    config = fields.Dict(required=True, metadata={"description": "the game's part of the config (config.games.<key>)"})
    audience = fields.Dict(required=True, metadata={"description": "as the game's audience schema says"})


class CostFiguresSchema(Schema):
    """Expected, p95 and p99 cost in fen."""

    expected_fen = fields.Float()
    p95_fen = fields.Float()
    p99_fen = fields.Float()


class GameSimulationSchema(Schema):
    """A game's cost forecast: per shopper (a check-in's per shopper-month, and by tier) or per share, and for the
    whole audience; a board's also how often each tile was landed on per roll and the mean laps, a share game's how
    many shares reach each threshold."""

    per_shopper_month = fields.Nested(CostFiguresSchema, metadata={"description": "the check-in's"})
    by_tier = fields.Dict(keys=fields.String(), values=fields.Nested(CostFiguresSchema))
    per_shopper = fields.Nested(CostFiguresSchema, metadata={"description": "the board's: one shopper's dice"})
    per_share = fields.Nested(CostFiguresSchema, metadata={"description": "the share game's: one share"})
    unlocked_share = fields.Dict(
        keys=fields.String(),
        values=fields.Float(),
        metadata={"description": "the share of shares reaching each threshold"},
    )
    shares_simulated = fields.Integer()
    audience = fields.Nested(CostFiguresSchema)
    landings_per_roll = fields.List(fields.Float(), metadata={"description": "the board's, tile by tile"})
    mean_laps = fields.Float()
    shoppers_simulated = fields.Integer()
    rolls_simulated = fields.Integer()
    method = fields.String()
