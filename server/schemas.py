"""The HTTP API's marshmallow schemas, in one place (they also generate /openapi.json)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from games.fairness.rng import CLIENT_SEED_PATTERN
from games.models import LIFECYCLE, LIFECYCLE_NOTE
from server import db
from server.routing import ROW_ID_MAX


class ApiErrorSchema(Schema):
    """Every error: a stable code, a message for the user, and per-field messages when relevant."""

    error = fields.String(required=True)
    message = fields.String(required=True)
    risks = fields.List(
        fields.Dict(), metadata={"description": "publish_risks: the risks to acknowledge ({code, field, message})"}
    )
    fields = fields.Dict()  # the name hides marshmallow's ``fields`` below this line


class LaunchSchema(Schema):
    """A launch token from the host app."""

    token = fields.String(required=True, validate=validate.Length(1, 4096))


class StaffLoginSchema(Schema):
    """Staff credentials."""

    username = fields.String(required=True, validate=validate.Length(1, 64))
    password = fields.String(required=True, load_only=True, validate=validate.Length(1, 256))


class MeSchema(Schema):
    """The signed-in user."""

    id = fields.Integer()
    role = fields.String()
    display_name = fields.String()
    tier = fields.String()


class ClientSeedSchema(Schema):
    """A shopper's own client seed."""

    client_seed = fields.String(
        required=True, validate=validate.Regexp(CLIENT_SEED_PATTERN, error="use 1-64 letters, digits, _ or -")
    )


class SpinRequestSchema(Schema):
    """A spin needs no parameters; the body may be empty."""


class PrizeSchema(Schema):
    """A prize as shoppers see it."""

    key = fields.String()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    kind = fields.String()
    display_value_fen = fields.Integer()
    reward = fields.Dict(metadata={"description": "as configured: a range red packet has min_fen and max_fen"})
    image = fields.String(allow_none=True, metadata={"description": "https:// URL or site path, or null"})


class ProofSchema(Schema):
    """What a shopper needs to check the draw once the period's seed is revealed."""

    seq = fields.Integer(
        allow_none=True, metadata={"description": "the record's place in the log; null until sealed (about a second)"}
    )
    hash = fields.String(allow_none=True, metadata={"description": "the record's chain hash; null until sealed"})
    commitment = fields.String()
    period = fields.String()
    client_seed = fields.String()
    nonce = fields.Integer()
    config_hash = fields.String()


class RecordPlaceSchema(Schema):
    """Where one of the shopper's draws stands in the campaign's log."""

    period = fields.String()
    nonce = fields.Integer()
    sealed = fields.Boolean(metadata={"description": "false for about a second after the draw"})
    seq = fields.Integer(allow_none=True)
    hash = fields.String(allow_none=True)


class WheelViewSchema(Schema):
    """The wheel page's state."""

    campaign_id = fields.Integer()
    campaign_name = fields.String()
    campaign_name_en = fields.String(allow_none=True)
    slots = fields.List(fields.Nested(PrizeSchema))
    free_spins_left = fields.Integer()
    extra_spins_left = fields.Integer()
    extra_spin_points = fields.Integer(allow_none=True)
    spin_item = fields.String(allow_none=True, metadata={"description": "the play item that pays for a spin, if any"})
    items_held = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "the campaign's play items held"}
    )
    points = fields.Integer()
    earn_points_url = fields.String(
        allow_none=True, metadata={"description": "where shoppers earn points in the host app, if configured"}
    )
    client_seed = fields.String()
    commitment = fields.String()
    period = fields.String()


class SpinResultSchema(Schema):
    """The server's decision: where the wheel lands, what was won, and the proof."""

    slot = fields.Integer()
    prize = fields.Nested(PrizeSchema)
    picked = fields.String()
    fallback_reason = fields.String(
        allow_none=True,
        metadata={"enum": ["out_of_stock", "cap_reached", "budget_exhausted"], "description": "why the fallback"},
    )
    amount_fen = fields.Integer(
        allow_none=True, metadata={"description": "the amount granted of a range red packet; null otherwise"}
    )
    coupon_valid_until = fields.DateTime(
        allow_none=True, metadata={"description": "until when the coupon this spin issued is valid; null otherwise"}
    )
    proof = fields.Nested(ProofSchema)
    wheel = fields.Nested(WheelViewSchema)


class CouponSchema(Schema):
    """A coupon in the wallet."""

    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    periods = fields.Integer(allow_none=True)
    min_order_fen = fields.Integer()
    category = fields.String(allow_none=True)
    threshold_fen = fields.Integer(allow_none=True)
    amount_fen = fields.Integer(allow_none=True)
    valid_from = fields.DateTime()
    valid_until = fields.DateTime()
    state = fields.String()


class ExpiringSchema(Schema):
    """Points that expire soon."""

    points = fields.Integer()
    expires_at = fields.DateTime()


class HistorySchema(Schema):
    """One past grant."""

    id = fields.Integer()
    campaign_id = fields.Integer()
    prize_key = fields.String()
    prize_name = fields.String()
    prize_name_en = fields.String(allow_none=True)
    reward_kind = fields.String()
    amount = fields.Integer()
    created_at = fields.DateTime()


class HeldItemSchema(Schema):
    """Play items held in one campaign (extra spins, dice, props); they expire when the campaign ends."""

    campaign_id = fields.Integer()
    item = fields.String(metadata={"description": "the item key, e.g. wheel_spin"})
    count = fields.Integer()


class WalletGiftCardSchema(Schema):
    """A gift card in the wallet: its face value, and whether the host delivered it yet."""

    face_value_fen = fields.Integer()
    state = fields.String(metadata={"description": "issued (the host is delivering it) or delivered"})
    created_at = fields.DateTime()


class WalletSchema(Schema):
    """The wallet page."""

    points = fields.Integer()
    points_owed = fields.Integer(
        metadata={"description": "points of refunded orders still owed: while above 0, points are on hold"}
    )
    points_expiring = fields.List(fields.Nested(ExpiringSchema))
    cash_fen = fields.Integer()
    coupons = fields.List(fields.Nested(CouponSchema))
    gift_cards = fields.List(fields.Nested(WalletGiftCardSchema))
    items = fields.List(fields.Nested(HeldItemSchema))
    history = fields.List(fields.Nested(HistorySchema))


class PeriodSchema(Schema):
    """A seed period; ``server_seed`` and ``closed_at`` are null until the period is closed (it has ended
    and none of its draws can still commit)."""

    key = fields.String()
    commitment = fields.String()
    committed_at = fields.DateTime()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    server_seed = fields.String(allow_none=True)
    revealed = fields.Boolean()
    status = fields.String(metadata={"enum": ["upcoming", "current", "ended"]})


class AuditPeriodSchema(Schema):
    """A period as auditors list it: commitment with its publication time, the seed once revealed (when
    the period was closed: ``revealed_at``), and the period's draws."""

    key = fields.String(attribute="period.key")
    commitment = fields.String(attribute="period.commitment")
    committed_at = fields.DateTime(attribute="period.committed_at")
    starts_at = fields.DateTime(attribute="period.starts_at")
    ends_at = fields.DateTime(attribute="period.ends_at")
    revealed_at = fields.DateTime(allow_none=True)
    server_seed = fields.String(attribute="period.server_seed", allow_none=True)
    status = fields.String(attribute="period.status", metadata={"enum": ["upcoming", "current", "ended"]})
    draws = fields.Integer()
    first_draw_at = fields.DateTime(allow_none=True)
    committed_before_draws = fields.Boolean()


class CheckpointSchema(Schema):
    """The chain head when a period ended: ``count`` records, the last one's hash."""

    period = fields.String(attribute="period_key")
    count = fields.Integer()
    head_hash = fields.String()
    published_at = fields.DateTime()


class PrizeRuleSchema(Schema):
    """A disclosed prize line."""

    key = fields.String()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    kind = fields.String()
    display_value_fen = fields.Integer()
    quantity = fields.Integer(allow_none=True)
    remaining = fields.Integer(allow_none=True)
    weight = fields.Integer()
    odds_numerator = fields.Integer()
    odds_denominator = fields.Integer()
    probability = fields.Float()
    reward = fields.Dict()
    fallback = fields.Boolean()
    image = fields.String(allow_none=True)


class RedemptionTermsSchema(Schema):
    """How and until when won prizes are redeemed, as disclosed."""

    deadline = fields.Date(metadata={"description": "last day to redeem, in the campaign's time zone"})
    conditions = fields.String()


class GameViewSchema(Schema):
    """A game's page state."""

    game = fields.String()
    view = fields.Dict(
        metadata={"description": "what the game shows of the shopper's state, with points, seeds and campaign names"}
    )


class GameEventSchema(Schema):
    """Something that happened in a play."""

    name = fields.String(metadata={"description": "e.g. wheel.spun"})
    payload = fields.Dict()


class GrantOutcomeSchema(Schema):
    """What became of a picked prize."""

    picked = fields.String()
    granted = fields.String(allow_none=True)
    fallback_reason = fields.String(allow_none=True)


class GameActionResultSchema(Schema):
    """The server's decision on one action of a game, and the proof of its draw."""

    game = fields.String()
    action = fields.String()
    events = fields.List(fields.Nested(GameEventSchema))
    grants = fields.List(fields.Nested(GrantOutcomeSchema))
    view = fields.Dict()
    proof = fields.Nested(ProofSchema, allow_none=True, metadata={"description": "null when nothing was drawn"})


class RuleLineSchema(Schema):
    """One line of a game's rules, in both languages."""

    zh = fields.String()
    en = fields.String()


class GameRulesSchema(Schema):
    """A game's section of the rules page."""

    game = fields.String(metadata={"description": "the game key"})
    lines = fields.List(fields.Nested(RuleLineSchema))


class RulesSchema(Schema):
    """The public rules and odds of a campaign."""

    campaign_id = fields.Integer()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    timezone = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    config_hash = fields.String()
    draw_method = fields.String()
    total_weight = fields.Integer()
    prizes = fields.List(fields.Nested(PrizeRuleSchema))
    caps = fields.List(fields.Dict())
    games = fields.Dict(metadata={"description": "each game's config as published"})
    game_rules = fields.List(
        fields.Nested(GameRulesSchema), metadata={"description": "each game's section of the rules, in plain words"}
    )
    periods = fields.List(fields.Nested(PeriodSchema))
    redemption = fields.Nested(RedemptionTermsSchema, allow_none=True)
    points_lifetime_days = fields.Integer(metadata={"description": "days a granted point stays spendable"})


class WinnerSchema(Schema):
    """A recent win of an announced prize, its winner masked."""

    who = fields.String(metadata={"description": "the winner's name, masked: first character and stars"})
    prize = fields.String(metadata={"description": "the prize key"})
    name = fields.String()
    name_en = fields.String(allow_none=True)
    at = fields.String(metadata={"description": "when it was won (ISO 8601, UTC)"})


class CampaignSummarySchema(Schema):
    """A campaign in a list."""

    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    status = fields.String()
    lifecycle = fields.Function(
        lambda campaign: campaign.lifecycle(db.now()), metadata={"enum": list(LIFECYCLE), "description": LIFECYCLE_NOTE}
    )
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()


class MismatchSchema(Schema):
    """Something that does not add up, with the draw record and/or grant involved."""

    problem = fields.String()
    seq = fields.Integer(allow_none=True)
    grant_key = fields.String(allow_none=True)


class ReconciliationSchema(Schema):
    """The draw log against the ledger's grants and the budget."""

    ok = fields.Boolean()
    draws = fields.Integer()
    draw_grants = fields.Integer()
    other_grants = fields.Integer()
    granted_cost_fen = fields.Integer()
    budget_spent_fen = fields.Integer()
    mismatches = fields.List(fields.Nested(MismatchSchema))
    more_mismatches = fields.Integer()


class AuditCampaignSchema(Schema):
    """A published campaign in the auditors' workspace."""

    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    status = fields.String()
    lifecycle = fields.String(metadata={"enum": list(LIFECYCLE), "description": LIFECYCLE_NOTE})
    periods = fields.Integer(metadata={"description": "committed seed periods"})
    revealed_periods = fields.Integer(metadata={"description": "periods that have ended (seed revealed)"})
    draws = fields.Integer(metadata={"description": "draw records, revealed or not"})


class PrizeFitSchema(Schema):
    """One prize in a goodness-of-fit test: its disclosed odds, and picks observed and expected."""

    key = fields.String()
    probability = fields.Float()
    odds_numerator = fields.Integer(attribute="probability.numerator")
    odds_denominator = fields.Integer(attribute="probability.denominator")
    draws = fields.Integer()
    observed = fields.Integer()
    expected = fields.Float()


class FitTestSchema(Schema):
    """The chi-square test of one config version's picks (flagged when p < 0.001)."""

    config_hash = fields.String()
    draws = fields.Integer()
    prizes = fields.List(fields.Nested(PrizeFitSchema))
    statistic = fields.Float(allow_none=True)
    degrees_of_freedom = fields.Integer()
    p_value = fields.Float(allow_none=True)
    flagged = fields.Boolean()
    fallbacks = fields.Dict(keys=fields.String(), values=fields.Integer())
    stockouts = fields.Dict(keys=fields.String(), values=fields.Integer())


class WatchSchema(Schema):
    """The ``watch`` event of the /play and /ops namespaces: the campaign to watch."""

    campaign_id = fields.Integer(strict=True, required=True, validate=validate.Range(1, ROW_ID_MAX))
