"""What was disclosed to shoppers may not get worse, and what must be disclosed must be there.

- :func:`worsening`: reasons a new config is worse for shoppers than the published one (once a
  campaign has started a publish with any reason is refused). Besides the pool, caps and redemption
  terms it applies the declared terms (:mod:`games.engine.disclosed_terms`): the campaign's, each coupon
  prize's and each game's own ``disclosed_terms``.
- :func:`compliance_problems`: what a config lacks before it may be published (prize types,
  quantities, odds, draw method, redemption time and conditions, the ¥50,000 ceiling).
"""

from __future__ import annotations

from fractions import Fraction

from economy.limits import Cap
from economy.rewards import RewardKind
from games.campaigns.config import CampaignConfig
from games.engine.disclosed_terms import CAMPAIGN_TERMS, COUPON_TERMS, worse_terms
from games.engine.registry import Registry
from games.fairness.pools import LEGAL_TOP_PRIZE_FEN, Pool, Prize


def _odds(pool: Pool, prize: Prize) -> Fraction:
    return Fraction(prize.weight, pool.total_weight)


def _gives_something(prize: Prize) -> bool:
    return prize.reward.kind is not RewardKind.NOTHING


Reasons = dict[str, list[str]]
"""Field path (``config.pool.prizes.2.weight``, as validation names them) -> why it is worse."""


def worsening(old: CampaignConfig, new: CampaignConfig, registry: Registry) -> list[str]:
    """Why ``new`` is worse for shoppers than ``old`` (empty: it is not); ``registry`` has the games.

    Removing a prize, lowering a prize's odds, quantity or value, moving the disclosed redemption
    deadline (later delays shoppers, earlier cuts their window short) or changing the redemption
    conditions, and adding or tightening a per-user cap are worse; odds of a prize that gives nothing
    (谢谢参与) may fall. Adding stock, prizes or odds, and loosening or dropping a cap are allowed.
    A declared term (a shorter points lifetime, any change of a coupon's category or type, a coupon
    condition that gets harder, a game's term moving in its worse direction) and removing a game are
    worse too. :func:`worsening_by_field` gives the same reasons by the field they are about.
    """
    return [reason for reasons in worsening_by_field(old, new, registry).values() for reason in reasons]


def worsening_by_field(old: CampaignConfig, new: CampaignConfig, registry: Registry) -> Reasons:
    """:func:`worsening`'s reasons under the path of the field each is about (in the new config)."""
    found: Reasons = {}
    new_index = {prize.key: index for index, prize in enumerate(new.pool.prizes)}
    for prize in old.pool.prizes:
        if prize.key not in new_index:
            found.setdefault("config.pool.prizes", []).append(f"prize '{prize.key}' would be removed")
            continue
        at = f"config.pool.prizes.{new_index[prize.key]}"
        for field, reason in _prize_worsening(old.pool, prize, new.pool, new.pool.prize(prize.key)):
            _add(found, f"{at}.{field}", reason)
    for field, reason in worse_terms(CAMPAIGN_TERMS, old, new):
        _add(found, f"config.{field}", reason)
    for path, reason in _games_worsening(old, new, registry) + _redemption_worsening(old, new):
        _add(found, path, reason)
    for path, reason in _caps_worsening(old, new):
        _add(found, path, reason)
    return found


def _add(found: Reasons, path: str, reason: str) -> None:
    found.setdefault(path, []).append(reason)


def _games_worsening(old: CampaignConfig, new: CampaignConfig, registry: Registry) -> list[tuple[str, str]]:
    """A game removed, or a game's declared ``disclosed_terms`` (or its own ``worse_changes``) worse:
    ``(path, reason)``."""
    found: list[tuple[str, str]] = []
    for key, before in old.games.items():
        if key not in new.games:
            found.append(("config.games", f"the game '{key}' would be removed"))
            continue
        game = registry.get(key)
        changes = worse_terms(game.disclosed_terms, before, new.games[key])
        own = getattr(game, "worse_changes", None)  # a game's rules beyond single fields (optional)
        if own is not None:
            changes += own(before, new.games[key])
        found += [(f"config.games.{key}.{field}", f"game '{key}': {reason}") for field, reason in changes]
    return found


def _redemption_worsening(old: CampaignConfig, new: CampaignConfig) -> list[tuple[str, str]]:
    before, after = old.redemption or {}, new.redemption or {}
    found = []
    if before.get("deadline") and after.get("deadline") != before["deadline"]:
        was, now = before["deadline"], after.get("deadline")
        found.append(("config.redemption.deadline", f"the redemption deadline would move from {was} to {now}"))
    if before.get("conditions") and after.get("conditions") != before["conditions"]:
        found.append(("config.redemption.conditions", "the redemption conditions would change"))
    return found


def _caps_worsening(old: CampaignConfig, new: CampaignConfig) -> list[tuple[str, str]]:
    before = {cap.key: cap for cap in old.caps}
    found = []
    for index, cap in enumerate(new.caps):
        was = before.get(cap.key)
        if was is None:
            found.append((f"config.caps.{index}", f"a new per-user cap '{cap.key}' would limit shoppers"))
        elif (
            (cap.per, cap.prize_key) != (was.per, was.prize_key)
            or _tighter(was.max_count, cap.max_count)
            or _tighter(was.max_value_fen, cap.max_value_fen)
        ):
            found.append((f"config.caps.{index}", f"the per-user cap '{cap.key}' would get tighter"))
    return found


def _tighter(before: int | None, after: int | None) -> bool:
    """A limit is tighter when it appears or falls (``None``: no limit)."""
    return after is not None and (before is None or after < before)


def _prize_worsening(old_pool: Pool, before: Prize, new_pool: Pool, after: Prize) -> list[tuple[str, str]]:
    """``(field, reason)`` for each way the prize got worse (the field within the prize)."""
    found = []
    if _gives_something(before) and _odds(new_pool, after) < _odds(old_pool, before):
        was, now = _odds(old_pool, before), _odds(new_pool, after)
        found.append(("weight", f"prize '{before.key}' odds would fall from {was} to {now}"))
    if before.stock is not None and after.stock is not None and after.stock < before.stock:
        found.append(("stock", f"prize '{before.key}' quantity would fall from {before.stock} to {after.stock}"))
    if before.stock is None and after.stock is not None:
        found.append(("stock", f"prize '{before.key}' would become limited to {after.stock}"))
    if _worth_less(before, after):
        found.append(("reward", f"prize '{before.key}' would be worth less"))
    if after.reward.kind is not before.reward.kind:
        found.append(("reward.kind", f"prize '{before.key}' would change its type"))
    elif before.reward.coupon and after.reward.coupon:
        terms = worse_terms(COUPON_TERMS, before.reward.coupon, after.reward.coupon)
        found += [(f"reward.coupon.{field}", f"prize '{before.key}': {reason}") for field, reason in terms]
    return found


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
    for index, prize in enumerate(config.pool.prizes):
        least = _least_cost_fen(prize)
        for cap in _caps_refusing(config, prize):
            problems.setdefault(f"config.pool.prizes.{index}.weight", []).append(
                f"no shopper can ever receive this prize: it costs at least {least} fen, over the {cap.max_value_fen}"
                f" fen per {cap.per} of cap '{cap.key}'"
            )
    redemption = config.redemption or {}
    if not redemption.get("deadline"):
        problems.setdefault("config.redemption.deadline", []).append("state until when prizes can be redeemed")
    if not redemption.get("conditions"):
        problems.setdefault("config.redemption.conditions", []).append("state the redemption conditions")
    return problems


def _least_cost_fen(prize: Prize) -> int:
    """The least one grant of ``prize`` costs (a range red packet's minimum)."""
    return prize.reward.amount if prize.reward.is_range else prize.max_cost_fen


def _caps_refusing(config: CampaignConfig, prize: Prize) -> list[Cap]:
    """The value caps that refuse even one grant of ``prize``: every pick of it would fall back, while its
    odds are disclosed."""
    if prize.key == config.pool.fallback_key or not _gives_something(prize):
        return []
    least = _least_cost_fen(prize)
    return [
        cap
        for cap in config.caps
        if cap.covers(prize.key) and cap.max_value_fen is not None and least > cap.max_value_fen
    ]
