"""Share-to-unlock (分享助力): a shopper starts a share and asks friends to help; valid assists unlock the share's
thresholds (each prize once per share), a helper may draw a small prize; fraud rules refuse, or hold for review,
what a risk team would not pay for. An assist is a two-player action: the engine locks the helper and the sharer
together (``ctx.partner``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, ClassVar

from games.engine.contract import Action, GameEvent, Outcome, PlayContext, PrizeOutcome, Rejection, RuleLine, Viewer
from games.engine.disclosed_terms import DisclosedTerm
from games.fairness.pools import Pool
from games.share.config import ShareConfig, ShareConfigSchema
from games.share.disclosure import REFUSAL_TEXT, rules_lines, worse_changes
from games.share.replay import pick
from games.share.replay import replay as share_replay
from games.share.rules import (
    HELD,
    Assist,
    Helped,
    Helper,
    Share,
    ShareState,
    assist,
    decide,
    refusal,
    start,
)
from games.share.simulation import ShareAudienceSchema, simulate_shares

CODE_PATTERN_LENGTH = (8, 64)


class ShareGame:
    """Actions: ``start`` (the sharer; payload ``{"code"}``, the link code the server made), ``assist`` (a helper;
    payload ``{"share": number, "name": masked name}``, the sharer the partner) and, for staff only, ``decide``
    (payload ``{"share", "helper", "approve"}``, on the sharer)."""

    key = "share"
    config_schema = ShareConfigSchema
    replay = share_replay
    actions = frozenset({"start", "assist", "decide"})
    private_actions = frozenset({"start", "assist", "decide"})  # the share API and the ops API take them
    grant_names: ClassVar[dict[str, tuple[str, str]]] = {}
    disclosed_terms: tuple[DisclosedTerm, ...] = ()  # its terms are lists and rules: see worse_changes
    audience_schema = ShareAudienceSchema

    def worse_changes(self, before: ShareConfig, after: ShareConfig) -> list[tuple[str, str]]:
        """What a new version makes worse (:func:`games.share.disclosure.worse_changes`)."""
        return worse_changes(before, after)

    def check_config(self, config: ShareConfig, pool: Pool) -> dict[str, list[str]]:
        """Every threshold's and helper's prize is a prize of the pool, of a fixed reward."""
        prizes = {p.key: p for p in pool.prizes}
        named = [(f"thresholds.{i}.prize", t.prize) for i, t in enumerate(config.thresholds)]
        named += [(f"helper_prizes.{i}.prize", h.prize) for i, h in enumerate(config.helper_prizes)]
        errors: dict[str, list[str]] = {}
        for path, key in named:
            if key not in prizes:
                errors[path] = [f"'{key}' is not a prize of the pool"]
            elif prizes[key].reward.is_range:
                errors[path] = [f"'{key}' is a red packet of random amount; shares grant fixed rewards"]
        return errors

    def initial_state(self) -> ShareState:
        """A shopper who neither shared nor helped."""
        return ShareState()

    def load_state(self, data: dict[str, Any]) -> ShareState:
        """Rebuild from JSON."""
        shares = [
            Share(
                **{**s, "assists": [Assist(**a) for a in s.get("assists", [])], "unlocked": list(s.get("unlocked", []))}
            )
            for s in data.get("shares", [])
        ]
        helped = [Helped(**h) for h in data.get("helped", [])]
        return ShareState(shares, helped, list(data.get("devices", [])))

    def dump_state(self, state: ShareState) -> dict[str, Any]:
        """JSON form."""
        return asdict(state)

    def simulate_audience(self, config: ShareConfig, pool: Pool, audience: dict[str, Any]) -> dict[str, Any]:
        """The cost of shares for an expected assist distribution (:func:`games.share.simulation.simulate_shares`)."""
        return simulate_shares(config, pool, audience)

    def daily_draws(self, config: ShareConfig) -> int | None:
        """A helper draws once per assist, at most ``helper_daily_max`` a day (none without helper prizes)."""
        return config.fraud.helper_daily_max if config.helper_prizes else 0

    def apply(self, ctx: PlayContext, state: ShareState, action: Action) -> Outcome:
        """Start a share, assist one, or (staff) decide on a held assist.

        :raises Rejection: ``share_active``, ``invalid_share``; an assist's fraud code (games.share.rules.REFUSALS);
            ``assist_not_held``. Nothing changes then.
        """
        if action.name == "start":
            return _start(ctx, state, action.payload)
        if action.name == "decide":
            return _decide(ctx, state, action.payload)
        return _assist(ctx, state, action.payload)

    def view(self, config: ShareConfig, state: ShareState, viewer: Viewer) -> dict[str, Any]:
        """The shopper's latest share (progress, helpers, thresholds, expiry) and the thresholds."""
        latest = state.shares[-1] if state.shares else None
        return {
            "thresholds": [{"assists": t.assists, "prize": t.prize} for t in config.thresholds],
            "goal": config.goal,
            "hours": config.hours,
            "share": None if latest is None else _share_view(latest),
            "helped_today": sum(h.day == viewer.today for h in state.helped),
            "helper_daily_max": config.fraud.helper_daily_max,
        }

    def rules_lines(self, config: ShareConfig, pool: Pool) -> list[RuleLine]:
        """Thresholds and their prizes, the helpers' odds, and every fraud rule in force."""
        return rules_lines(config, pool)


def _start(ctx: PlayContext, state: ShareState, payload: dict[str, Any]) -> Outcome:
    code = payload.get("code")
    if not isinstance(code, str) or not CODE_PATTERN_LENGTH[0] <= len(code) <= CODE_PATTERN_LENGTH[1]:
        raise Rejection("invalid_share", "a share needs its link code")
    try:
        new = start(ctx.config, state, code, ctx.profile.device, ctx.now)
    except ValueError as error:
        raise Rejection(str(error), "you already have a share collecting assists") from error
    share = new.shares[-1]
    return Outcome(new, [GameEvent("share.started", _share_view(share))], [])


def _assist(ctx: PlayContext, state: ShareState, payload: dict[str, Any]) -> Outcome:
    number, partner = payload.get("share"), ctx.partner
    if type(number) is not int or partner is None:
        raise Rejection("invalid_share", "this share link is not valid")
    config: ShareConfig = ctx.config
    profile = ctx.profile
    name = payload.get("name") if isinstance(payload.get("name"), str) else ""
    helper = Helper(ctx.user_id, profile.device, profile.risk, profile.joined, name[:16])
    code = refusal(config, helper, state, partner.user_id, partner.state, number, ctx.now, ctx.today)
    if code is not None:
        raise Rejection(code, REFUSAL_TEXT[code])
    done = assist(config, helper, state, partner.user_id, partner.state, number, ctx.now, ctx.today)
    unlocked = [_unlock(ctx, number, assists) for assists in done.unlocked]
    drawn, pick_index = _helper_prize(ctx, config) if done.status != HELD else (None, None)
    share = done.sharer_state.share(number)
    assert share is not None
    detail = {"sharer": partner.user_id, "share": number, "pick": 0 if pick_index is None else pick_index}
    payload_out = {
        **detail,
        "status": done.status,
        "valid": share.valid(),
        "goal": config.goal,
        "unlocked": [{"assists": a, "granted": o.granted} for a, o in zip(done.unlocked, unlocked, strict=True)],
        "helper_prize": None if drawn is None else drawn.granted,
    }
    events = [GameEvent("share.assisted", payload_out)]
    return Outcome(done.helper_state, events, [drawn] if drawn else [], partner_state=done.sharer_state)


def _unlock(ctx: PlayContext, number: int, assists: int) -> PrizeOutcome:
    """Grant a threshold's prize to the sharer, once per share and threshold."""
    partner = ctx.partner
    assert partner is not None
    prize = next(t.prize for t in ctx.config.thresholds if t.assists == assists)
    return partner.economy.grant_reward(ctx.pool.prize(prize), f"share:{number}:unlock:{assists}")


def _helper_prize(ctx: PlayContext, config: ShareConfig) -> tuple[PrizeOutcome | None, int | None]:
    """The helper's draw over the helper prizes' weights (none configured: no draw)."""
    if not config.helper_prizes:
        return None, None
    index = pick([p.weight for p in config.helper_prizes], ctx.rng.below(config.helper_weight))
    return ctx.economy.grant_prize(ctx.pool.prize(config.helper_prizes[index].prize)), index


def _decide(ctx: PlayContext, state: ShareState, payload: dict[str, Any]) -> Outcome:
    number, helper, approve = payload.get("share"), payload.get("helper"), payload.get("approve")
    if type(number) is not int or type(helper) is not int or type(approve) is not bool:
        raise Rejection("invalid_decision", 'a decision is {"share": n, "helper": id, "approve": true|false}')
    try:
        new, unlocked = decide(ctx.config, state, number, helper, approve)
    except ValueError as error:
        raise Rejection(str(error), "that share has no held assist of that helper") from error
    granted = []
    for assists in unlocked:
        prize = next(t.prize for t in ctx.config.thresholds if t.assists == assists)
        granted.append(ctx.economy.grant_reward(ctx.pool.prize(prize), f"share:{number}:unlock:{assists}"))
    event = GameEvent(
        "share.decided", {"share": number, "helper": helper, "approve": approve, "unlocked": list(unlocked)}
    )
    return Outcome(new, [event], granted)


def _share_view(share: Share) -> dict[str, Any]:
    return {
        "number": share.number,
        "code": share.code,
        "started_at": share.started_at,
        "expires_at": share.expires_at,
        "valid": share.valid(),
        "held": sum(a.status == HELD for a in share.assists),
        "unlocked": list(share.unlocked),
        "helpers": [{"name": a.name, "at": a.at, "status": a.status} for a in share.assists],  # no user ids
    }


game = ShareGame()
