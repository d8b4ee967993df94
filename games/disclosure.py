"""What was disclosed to shoppers may not get worse, and what must be disclosed must be there.

- :func:`worsening`: reasons a new config is worse for shoppers than the published one (once a
  campaign has started a publish with any reason is refused). Besides the pool, caps and redemption
  terms it applies the declared terms (:mod:`games.disclosed_terms`): the campaign's, each coupon
  prize's and each game's own ``disclosed_terms``.
- :func:`compliance_problems`: what a config lacks before it may be published (prize types,
  quantities, odds, draw method, redemption time and conditions, the ¥50,000 ceiling).
"""

from __future__ import annotations

from fractions import Fraction

from economy.rewards import RewardKind
from games.campaigns import CampaignConfig
from games.disclosed_terms import CAMPAIGN_TERMS, COUPON_TERMS, terms_worsening
from games.pools import LEGAL_TOP_PRIZE_FEN, Pool, Prize
from games.registry import Registry


def _odds(pool: Pool, prize: Prize) -> Fraction:
    return Fraction(prize.weight, pool.total_weight)


def _gives_something(prize: Prize) -> bool:
    return prize.reward.kind is not RewardKind.NOTHING


def worsening(old: CampaignConfig, new: CampaignConfig, registry: Registry) -> list[str]:
    """Why ``new`` is worse for shoppers than ``old`` (empty: it is not); ``registry`` has the games.

    Removing a prize, lowering a prize's odds, quantity or value, moving the disclosed redemption
    deadline (later delays shoppers, earlier cuts their window short) or changing the redemption
    conditions, and adding or tightening a per-user cap are worse; odds of a prize that gives nothing
    (谢谢参与) may fall. Adding stock, prizes or odds, and loosening or dropping a cap are allowed.
    A declared term (a shorter points lifetime, any change of a coupon's category or type, a coupon
    condition that gets harder, a game's term moving in its worse direction) and removing a game are
    worse too.
    """
    reasons: list[str] = []
    for prize in old.pool.prizes:
        try:
            after = new.pool.prize(prize.key)
        except KeyError:
            reasons.append(f"prize '{prize.key}' would be removed")
            continue
        reasons += _prize_worsening(old.pool, prize, new.pool, after)
    reasons += terms_worsening(CAMPAIGN_TERMS, old, new) + _games_worsening(old, new, registry)
    return reasons + _redemption_worsening(old, new) + _caps_worsening(old, new)


def _games_worsening(old: CampaignConfig, new: CampaignConfig, registry: Registry) -> list[str]:
    """A game removed, or a game's declared ``disclosed_terms`` worse."""
    reasons: list[str] = []
    for key, before in old.games.items():
        if key not in new.games:
            reasons.append(f"the game '{key}' would be removed")
            continue
        terms = registry.get(key).disclosed_terms
        reasons += [f"game '{key}': {reason}" for reason in terms_worsening(terms, before, new.games[key])]
    return reasons


def _redemption_worsening(old: CampaignConfig, new: CampaignConfig) -> list[str]:
    before, after = old.redemption or {}, new.redemption or {}
    reasons = []
    if before.get("deadline") and after.get("deadline") != before["deadline"]:
        reasons.append(f"the redemption deadline would move from {before['deadline']} to {after.get('deadline')}")
    if before.get("conditions") and after.get("conditions") != before["conditions"]:
        reasons.append("the redemption conditions would change")
    return reasons


def _caps_worsening(old: CampaignConfig, new: CampaignConfig) -> list[str]:
    before = {cap.key: cap for cap in old.caps}
    reasons = []
    for cap in new.caps:
        was = before.get(cap.key)
        if was is None:
            reasons.append(f"a new per-user cap '{cap.key}' would limit shoppers")
        elif (
            (cap.per, cap.prize_key) != (was.per, was.prize_key)
            or _tighter(was.max_count, cap.max_count)
            or _tighter(was.max_value_fen, cap.max_value_fen)
        ):
            reasons.append(f"the per-user cap '{cap.key}' would get tighter")
    return reasons


def _tighter(before: int | None, after: int | None) -> bool:
    """A limit is tighter when it appears or falls (``None``: no limit)."""
    return after is not None and (before is None or after < before)


def _prize_worsening(old_pool: Pool, before: Prize, new_pool: Pool, after: Prize) -> list[str]:
    reasons = []
    if _gives_something(before) and _odds(new_pool, after) < _odds(old_pool, before):
        reasons.append(
            f"prize '{before.key}' odds would fall from {_odds(old_pool, before)} to {_odds(new_pool, after)}"
        )
    if before.stock is not None and after.stock is not None and after.stock < before.stock:
        reasons.append(f"prize '{before.key}' quantity would fall from {before.stock} to {after.stock}")
    if before.stock is None and after.stock is not None:
        reasons.append(f"prize '{before.key}' would become limited to {after.stock}")
    if _worth_less(before, after):
        reasons.append(f"prize '{before.key}' would be worth less")
    if after.reward.kind is not before.reward.kind:
        reasons.append(f"prize '{before.key}' would change its type")
    elif before.reward.coupon and after.reward.coupon:
        terms = terms_worsening(COUPON_TERMS, before.reward.coupon, after.reward.coupon)
        reasons += [f"prize '{before.key}': {reason}" for reason in terms]
    return reasons


def _worth_less(before: Prize, after: Prize) -> bool:
    """A lower display value, or a lower least or most amount: a range counts by both its ends, so a range
    whose min or max falls, or a fixed amount turned into a range starting below it, is worth less."""
    return (
        after.display_value_fen < before.display_value_fen
        or after.reward.amount < before.reward.amount
        or after.reward.top_amount < before.reward.top_amount
    )


def compliance_problems(config: CampaignConfig) -> dict[str, list[str]]:
    """Field path -> what is missing or not allowed before publishing."""
    problems: dict[str, list[str]] = {}
    for index, prize in enumerate(config.pool.prizes):
        path = f"config.pool.prizes.{index}"
        if prize.stock is None and _gives_something(prize) and prize.key != config.pool.fallback_key:
            problems.setdefault(f"{path}.stock", []).append("disclose a quantity for every prize but the fallback")
        if max(prize.display_value_fen, prize.max_cost_fen) > LEGAL_TOP_PRIZE_FEN:
            problems.setdefault(f"{path}.display_value_fen", []).append("a prize may be worth at most ¥50,000")
    redemption = config.redemption or {}
    if not redemption.get("deadline"):
        problems.setdefault("config.redemption.deadline", []).append("state until when prizes can be redeemed")
    if not redemption.get("conditions"):
        problems.setdefault("config.redemption.conditions", []).append("state the redemption conditions")
    return problems
