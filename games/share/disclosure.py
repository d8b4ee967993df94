"""What the rules page and the helper are told of shares (thresholds, the helpers' odds, every fraud rule and its
refusal in plain words), and what a new version of a running campaign may not make worse."""

from __future__ import annotations

from fractions import Fraction

from games.engine.contract import RuleLine
from games.fairness.pools import Pool
from games.share.config import ShareConfig

Change = tuple[str, str]
REFUSAL_TEXT = {  # the helper is told (the shopper pages have these in Chinese and English)
    "self_assist": "you cannot help your own share",
    "share_not_found": "this share does not exist",
    "share_expired": "this share has ended",
    "share_complete": "this share already has all the help it needs",
    "already_assisted": "you already helped this share",
    "flagged_account": "this account cannot help at the moment",
    "not_new_user": "only new users can help in this campaign",
    "device_unknown": "the app did not say which device this is; open the page from the app again",
    "own_device": "a device cannot help an account that uses it",
    "device_repeat": "this device already helped this friend",
    "daily_limit": "you have helped as often as you can today",
    "ring_limit": "you two have helped each other as often as allowed today",
}


def rules_lines(config: ShareConfig, pool: Pool) -> list[RuleLine]:
    """The thresholds, the helpers' prizes with their exact odds, and the fraud rules."""
    names = {p.key: (p.name, p.name_en or p.name) for p in pool.prizes}
    lines = [
        RuleLine(
            f"发起助力后{config.hours}小时内邀请好友助力，每次分享各档奖励限领一次",
            f"Friends have {config.hours} hours to help a share; each threshold's prize is granted once per share",
        )
    ]
    for threshold in config.thresholds:
        zh, en = names.get(threshold.prize, (threshold.prize, threshold.prize))
        lines.append(RuleLine(f"{threshold.assists}人助力：得「{zh}」", f"{threshold.assists} helpers: {en}"))
    total = config.helper_weight
    for prize in config.helper_prizes:
        zh, en = names.get(prize.prize, (prize.prize, prize.prize))
        chance = f"{float(Fraction(prize.weight, total)) * 100:.2f}%"
        lines.append(RuleLine(f"助力者可抽「{zh}」，概率 {chance}", f"A helper draws {en} with probability {chance}"))
    return lines + _fraud_lines(config)


def _fraud_lines(config: ShareConfig) -> list[RuleLine]:
    fraud = config.fraud
    lines = [
        RuleLine(
            "不能为自己助力；每人对同一次分享只能助力一次",
            "No helping one's own share; one assist per helper per share",
        ),
        RuleLine(
            f"每人每天最多助力{fraud.helper_daily_max}次", f"At most {fraud.helper_daily_max} assists a helper a day"
        ),
        RuleLine(
            f"两人之间每天互相助力合计最多{fraud.ring_daily_max}次",
            f"At most {fraud.ring_daily_max} assists a day between two shoppers, both ways",
        ),
        RuleLine(
            f"同一分享每分钟超过{fraud.velocity_per_minute}次的助力须人工审核后才计入",
            f"Beyond {fraud.velocity_per_minute} assists a minute on a share, assists count only once reviewed",
        ),
    ]
    if fraud.device_rules:
        lines.append(
            RuleLine(
                "同一设备不能重复为同一好友助力，也不能为本设备登录的账号助力",
                "A device may not help the same friend twice, nor an account it is used by",
            )
        )
    if fraud.refuse_flagged:
        lines.append(RuleLine("风控标记的账号不能助力", "Accounts flagged by risk control cannot help"))
    if fraud.new_users_only:
        lines.append(
            RuleLine(
                f"仅注册{fraud.new_user_days}天内的新用户可以助力",
                f"Only accounts opened within {fraud.new_user_days} days can help",
            )
        )
    return lines


def worse_changes(before: ShareConfig, after: ShareConfig) -> list[Change]:
    """Why ``after`` is worse for shoppers: a shorter share, a threshold needing more assists or granting another
    prize, or removed, helpers' prizes changed (their odds are disclosed). Tighter fraud rules are allowed: they
    protect the budget and never take back what was earned."""
    found: list[Change] = []
    if after.hours < before.hours:
        found.append(("hours", f"a share would last {after.hours} hours, not {before.hours}"))
    now = {t.assists: t.prize for t in after.thresholds}
    for threshold in before.thresholds:
        if now.get(threshold.assists) != threshold.prize:
            found.append(("thresholds", f"the {threshold.assists}-assist prize would change or go"))
    if after.helper_prizes != before.helper_prizes:
        found.append(("helper_prizes", "the helpers' prizes or their odds would change"))
    return found
