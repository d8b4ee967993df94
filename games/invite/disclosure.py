"""What the rules page says of invitations, and what a new version of a running campaign may not make worse."""

from __future__ import annotations

from games.engine.contract import RuleLine
from games.fairness.pools import Pool
from games.invite.config import InviteConfig

Change = tuple[str, str]


def rules_lines(config: InviteConfig, pool: Pool) -> list[RuleLine]:
    """Each side's rewards, the window, the caps and the flagged-account rule."""
    names = {p.key: (p.name, p.name_en or p.name) for p in pool.prizes}

    def named(key: str) -> tuple[str, str]:
        return names.get(key, (key, key))

    inviter_zh, inviter_en = named(config.inviter_prize)
    lines = [
        RuleLine(
            f"好友通过你的邀请在{config.window_days}天内开通白条：你得「{inviter_zh}」",
            f"A friend you invite who opens 白条 within {config.window_days} days: you get {inviter_en}",
        )
    ]
    if config.invitee_prize:
        zh, en = named(config.invitee_prize)
        lines.append(RuleLine(f"被邀请的好友开通白条得「{zh}」", f"The invited friend gets {en} on opening 白条"))
    if config.first_purchase_points:
        points = config.first_purchase_points
        lines.append(RuleLine(f"好友首次购物，你得{points}积分", f"Their first purchase gives you {points} points"))
    if config.first_baitiao_prize:
        zh, en = named(config.first_baitiao_prize)
        lines.append(RuleLine(f"好友首次使用白条支付，你得「{zh}」", f"Their first 白条 payment gives you {en}"))
    lines.append(
        RuleLine(
            f"每人每天最多获得{config.inviter_daily_max}次邀请奖励，活动期间最多{config.inviter_campaign_max}次；"
            "一位好友只算第一位邀请人",
            f"At most {config.inviter_daily_max} invitation rewards a day and {config.inviter_campaign_max} in all;"
            " a friend counts for their first inviter only",
        )
    )
    if config.refuse_flagged:
        lines.append(
            RuleLine("风控标记的账号不发放邀请奖励", "No invitation rewards for accounts flagged by risk control")
        )
    return lines


def worse_changes(before: InviteConfig, after: InviteConfig) -> list[Change]:
    """Why ``after`` is worse for shoppers: a shorter window, a reward changed or removed, lower caps or points."""
    found: list[Change] = []
    if after.window_days < before.window_days:
        found.append(("window_days", f"the window would shrink from {before.window_days} to {after.window_days} days"))
    for name in ("inviter_prize", "invitee_prize", "first_baitiao_prize"):
        if getattr(before, name) and getattr(after, name) != getattr(before, name):
            found.append((name, f"the {name.replace('_', ' ')} would change or go"))
    for name in ("first_purchase_points", "inviter_daily_max", "inviter_campaign_max"):
        if getattr(after, name) < getattr(before, name):
            found.append((name, f"the {name.replace('_', ' ')} would fall"))
    return found
