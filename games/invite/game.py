"""Invitations (邀请有礼): told of an invitee's host events with their inviter as the partner, it rewards the 白条
opening on both sides (within the window, under the inviter's caps, never for flagged accounts), and the invitee's
first purchase and first 白条 payment on the inviter's side; each reward once."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any, ClassVar

from games.engine.contract import (
    Action,
    Activity,
    GameEvent,
    Outcome,
    PlayContext,
    PrizeOutcome,
    Rejection,
    RuleLine,
    Viewer,
)
from games.engine.disclosed_terms import DisclosedTerm
from games.fairness.pools import Pool, points_prize
from games.invite.config import InviteConfig, InviteConfigSchema
from games.invite.disclosure import rules_lines, worse_changes
from games.invite.replay import replay as invite_replay

POINTS_PRIZE = "invite.points"


@dataclass(frozen=True)
class InviteState:
    """An invitee's rewards taken (``welcomed``: their 白条 opening; ``first_purchase``, ``first_baitiao``: the
    inviter's bonuses for them) and, as an inviter, the openings rewarded (``rewarded``: [invitee, day])."""

    welcomed: bool = False
    first_purchase: bool = False
    first_baitiao: bool = False
    refused: str | None = None
    rewarded: tuple[tuple[int, str], ...] = field(default_factory=tuple)


class Invite:
    """The invitation game: no shopper action of its own (``invite_link`` is the server's: the link code), it
    observes invitees' host events."""

    key = "invite"
    config_schema = InviteConfigSchema
    replay = invite_replay
    actions = frozenset({"invite_link"})
    private_actions = frozenset({"invite_link"})
    grant_names: ClassVar[dict[str, tuple[str, str]]] = {POINTS_PRIZE: ("邀请积分", "Invitation points")}
    disclosed_terms: tuple[DisclosedTerm, ...] = ()

    def worse_changes(self, before: InviteConfig, after: InviteConfig) -> list[tuple[str, str]]:
        """What a new version makes worse (:func:`games.invite.disclosure.worse_changes`)."""
        return worse_changes(before, after)

    def check_config(self, config: InviteConfig, pool: Pool) -> dict[str, list[str]]:
        """Every prize it names is a pool prize of a fixed reward."""
        prizes = {p.key: p for p in pool.prizes}
        errors: dict[str, list[str]] = {}
        for path, key in config.prize_keys():
            if key not in prizes:
                errors[path] = [f"'{key}' is not a prize of the pool"]
            elif prizes[key].reward.is_range:
                errors[path] = [f"'{key}' is a red packet of random amount; invitations grant fixed rewards"]
        return errors

    def initial_state(self) -> InviteState:
        """Nobody invited, nothing rewarded."""
        return InviteState()

    def load_state(self, data: dict[str, Any]) -> InviteState:
        """Rebuild from JSON."""
        rewarded = tuple((invitee, day) for invitee, day in data.get("rewarded", []))
        return InviteState(**{**data, "rewarded": rewarded})

    def dump_state(self, state: InviteState) -> dict[str, Any]:
        """JSON form."""
        return {**asdict(state), "rewarded": [list(pair) for pair in state.rewarded]}

    def apply(self, ctx: PlayContext, state: InviteState, action: Action) -> Outcome:
        """Nothing to play: the server makes invite links itself. :raises Rejection: ``unknown_action``."""
        raise Rejection("unknown_action", "invitations have no action to play")

    def observe(self, ctx: PlayContext, state: InviteState, activity: Activity) -> Outcome:
        """An invitee's 白条 opening or payment, with their inviter as ``ctx.partner`` (no partner: no invitation)."""
        if ctx.partner is None or activity.kind not in ("baitiao_opened", "order_paid"):
            return Outcome(state, [], [])
        config: InviteConfig = ctx.config
        if config.refuse_flagged and (activity.facts.get("risk") or activity.facts.get("inviter_risk")):
            return Outcome(replace(state, refused="flagged_account"), [], [])
        if activity.kind == "baitiao_opened":
            return _opened(ctx, config, state, activity)
        return _paid(ctx, config, state, activity)

    def view(self, config: InviteConfig, state: InviteState, viewer: Viewer) -> dict[str, Any]:
        """The shopper's invitations rewarded today and in all, and the caps."""
        return {
            "rewarded_today": sum(day == viewer.today for _, day in state.rewarded),
            "rewarded": len(state.rewarded),
            "daily_max": config.inviter_daily_max,
            "campaign_max": config.inviter_campaign_max,
            "window_days": config.window_days,
        }

    def rules_lines(self, config: InviteConfig, pool: Pool) -> list[RuleLine]:
        """What each side gets, when, and the limits."""
        return rules_lines(config, pool)

    def daily_draws(self, config: InviteConfig) -> int | None:
        """Invitations draw nothing."""
        return 0


def _opened(ctx: PlayContext, config: InviteConfig, state: InviteState, activity: Activity) -> Outcome:
    partner = ctx.partner
    assert partner is not None
    invited = date.fromisoformat(str(activity.facts.get("invited_on", activity.day)))
    if state.welcomed or (date.fromisoformat(activity.day) - invited).days > config.window_days:
        return Outcome(state, [], [])
    inviter: InviteState = partner.state
    today = sum(day == activity.day for _, day in inviter.rewarded)
    capped = today >= config.inviter_daily_max or len(inviter.rewarded) >= config.inviter_campaign_max
    grants: list[PrizeOutcome] = []
    if config.invitee_prize:
        grants.append(ctx.economy.grant_reward(ctx.pool.prize(config.invitee_prize), "welcome"))
    new_inviter = inviter
    if not capped:
        reference = f"{ctx.user_id}:opened"
        grants.append(partner.economy.grant_reward(ctx.pool.prize(config.inviter_prize), reference))
        new_inviter = replace(inviter, rewarded=(*inviter.rewarded, (ctx.user_id, activity.day)))
    event = GameEvent("invite.opened", {"inviter": partner.user_id, "capped": capped})
    return Outcome(replace(state, welcomed=True), [event], grants, partner_state=new_inviter)


def _paid(ctx: PlayContext, config: InviteConfig, state: InviteState, activity: Activity) -> Outcome:
    partner = ctx.partner
    assert partner is not None
    grants: list[PrizeOutcome] = []
    new = state
    if config.first_purchase_points and not state.first_purchase:
        name, name_en = Invite.grant_names[POINTS_PRIZE]
        prize = points_prize(POINTS_PRIZE, name, name_en, config.first_purchase_points, ctx.pool.points_per_yuan)
        grants.append(partner.economy.grant_reward(prize, f"{ctx.user_id}:first_purchase", fallback=False))
        new = replace(new, first_purchase=True)
    if config.first_baitiao_prize and not state.first_baitiao and activity.facts.get("payment") == "baitiao":
        reference = f"{ctx.user_id}:first_baitiao"
        grants.append(partner.economy.grant_reward(ctx.pool.prize(config.first_baitiao_prize), reference))
        new = replace(new, first_baitiao=True)
    return Outcome(new, [GameEvent("invite.paid", {"inviter": partner.user_id})] if grants else [], grants)


game = Invite()
