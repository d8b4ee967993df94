"""Reconciliation: the grants the draw log says were made are exactly the ledger's, and their cost is the
campaign's budget spent.

Each draw grants through the economy with the key ``draw:{campaign}:{user}:{period}:{nonce}:{n}``; so for
every draw record whose granted prize gives something there must be exactly one such grant, and no
``draw:`` grant may exist without its record. That grant must be what the record and the published config
(the version the record names) say the prize is: its kind, amount (for a red packet with an amount range,
the amount the record's ``detail.amount_fen`` drew) and cost to the budget; and what it delivered to the
shopper (the ledger's credit of points or cash, or the coupon issued) must be that amount of that asset.
A game may reward outside its draw, keyed ``game:{campaign}:{user}:{game}:{reference}`` (a check-in's
points): when its replay says which such grants a record calls for (``ledger_rewards``), each must be in the
ledger as that kind, amount and cost, delivered, and no grant of a reference its records own
(``owns_reference``) may lack its record; and a shopper has no second record of what the game allows one of
(``once_per``: a check-in's day).
Grants made outside draws (welcome points, tasks, milestones) are listed apart; all grants together must
cost what the budget says was spent.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast, literal, select
from sqlalchemy.orm import Session

from economy.items import item_asset
from economy.ledger import user_owner
from economy.limits import budget_level
from economy.models import Account, Coupon, GiftCard, Grant, LedgerEntry, Posting
from economy.rewards import CASH, POINTS, Reward, RewardKind, reward_cost_fen
from games.audit.draw_grants import check_draw_grants
from games.audit.trace_invites import check_invite_grants
from games.audit.trace_mall import check_mall_grants
from games.audit.trace_shares import check_share_grants
from games.audit.trace_tasks import check_task_grants
from games.fairness.checkpoints import seal_log
from games.fairness.pools import Pool, load_pool
from games.fairness.verify.outcomes import Replays, installed_replays
from games.models import ConfigVersion, DrawRecord

MAX_LISTED = 100

Delivery = tuple[str, str, int]
"""What a grant delivered: (recipient account owner, asset or ``coupon:{type}``, amount)."""


@dataclass(frozen=True)
class Mismatch:
    """One thing that does not add up: the draw record (by ``seq``) and/or grant (by key) involved."""

    problem: str
    seq: int | None = None
    grant_key: str | None = None


@dataclass
class Reconciliation:
    """What reconciling one campaign found; ``ok`` when nothing is listed."""

    draws: int = 0
    draw_grants: int = 0
    other_grants: int = 0
    granted_cost_fen: int = 0
    budget_spent_fen: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    more_mismatches: int = 0

    @property
    def ok(self) -> bool:
        """True when the log, the ledger's grants and the budget agree."""
        return not self.mismatches

    def report(self, mismatch: Mismatch) -> None:
        """Keep ``mismatch`` (the first :data:`MAX_LISTED`; the rest are counted)."""
        if len(self.mismatches) < MAX_LISTED:
            self.mismatches.append(mismatch)
        else:
            self.more_mismatches += 1


@dataclass(frozen=True)
class Expected:
    """The grant a draw record calls for: its prize, the fixed reward it gives and what that costs."""

    prize_key: str
    reward: Reward
    cost_fen: int

    def delivery(self, campaign_id: int, user_id: int) -> list[Delivery]:
        """What granting it delivers to shopper ``user_id`` in campaign ``campaign_id``."""
        reward, owner = self.reward, user_owner(user_id)
        if reward.kind is RewardKind.ITEM and reward.item is not None:
            return [(owner, item_asset(campaign_id, reward.item), reward.amount)]
        if reward.kind is RewardKind.POINTS:
            return [(owner, POINTS, reward.amount)]
        if reward.kind is RewardKind.RED_PACKET:
            return [(owner, CASH, reward.amount)]
        if reward.kind is RewardKind.GIFT_CARD:
            return [(owner, "gift_card", reward.amount)]
        return [(owner, f"coupon:{reward.coupon.type if reward.coupon else '?'}", 1)]


@dataclass
class Ledger:
    """A campaign's ``draw:`` grants by draw reference (``draw:c:u:period:nonce``), its ``game:`` grants by key
    (rewards a game gives outside the draw, such as a check-in's points) and their deliveries."""

    grants: dict[str, list[Grant]]
    deliveries: dict[int, list[Delivery]]
    game_grants: dict[str, Grant]


def reconcile(session: Session, campaign_id: int) -> Reconciliation:
    """Compare a campaign's draw log with its grants (and what they delivered) and its budget; the log's
    unsealed records are sealed first, so every record is named by its place in the log."""
    seal_log(session, campaign_id)
    result = Reconciliation()
    by_draw, by_game = _grants(session, campaign_id, result)
    ledger = Ledger(by_draw, _deliveries(session, campaign_id), by_game)
    (pools, configs), replays = _published(session, campaign_id), installed_replays()
    seen: set[tuple[int, str, str]] = set()  # (user, game, what a shopper has one record of)
    for record in session.scalars(
        select(DrawRecord).where(DrawRecord.campaign_id == campaign_id).order_by(DrawRecord.seq)
    ).yield_per(1000):
        result.draws += 1
        body = json.loads(record.record_json)
        _check_draw(record, body, ledger, pools, result, replays, configs)
        _check_game_rewards(record, body, ledger, pools, replays, result)
        _check_once(record, body, replays, seen, result)
    for leftovers in ledger.grants.values():
        for grant in leftovers:
            result.report(Mismatch("a grant made for a draw that is not in the log", grant_key=grant.key))
    _check_unclaimed(ledger, replays, result)

    def named(problem: str, key: str) -> None:
        result.report(Mismatch(problem, grant_key=key))

    for trace in (
        check_task_grants,
        check_share_grants,
        check_invite_grants,
        check_mall_grants,
    ):  # grants of games that draw nothing for them, and of the mall's redemptions
        trace(session, campaign_id, ledger.game_grants.values(), named)
    _check_budget(session, campaign_id, result)
    return result


def _grants(
    session: Session, campaign_id: int, result: Reconciliation
) -> tuple[dict[str, list[Grant]], dict[str, Grant]]:
    """The campaign's grants made by draws, by draw reference (``draw:c:u:period:nonce``), and its ``game:`` grants
    (rewards games give outside a draw), by key; every grant's cost counted."""
    by_draw: dict[str, list[Grant]] = defaultdict(list)
    by_game: dict[str, Grant] = {}
    for grant in session.scalars(select(Grant).where(Grant.campaign_id == campaign_id)):
        result.granted_cost_fen += grant.cost_fen
        if grant.key.startswith("draw:"):
            result.draw_grants += 1
            by_draw[grant.key.rsplit(":", 1)[0]].append(grant)
        else:
            result.other_grants += 1
            if grant.key.startswith("game:"):
                by_game[grant.key] = grant
    return by_draw, by_game


def _check_game_rewards(
    record: DrawRecord,
    body: dict[str, Any],
    ledger: Ledger,
    pools: dict[str, Pool],
    replays: Replays,
    result: Reconciliation,
) -> None:
    """The grants a record's game says it calls for beyond the draw's (its replay's ``ledger_rewards``): each one
    in the ledger, of that prize, kind and amount, costing what the config says, delivered to the shopper."""
    game = body["game"]
    rewards = getattr(replays.get(game), "ledger_rewards", None)
    if rewards is None:
        return
    try:
        called_for = rewards(body["detail"])
    except Exception as error:  # a game's replay reads a record the verifiers have not vetted: report, go on
        result.report(Mismatch(f"the {game} record's rewards cannot be read ({error})", record.seq))
        return
    pool = pools.get(body["config_hash"])
    for reference, prize_key, kind, amount in called_for:
        key = f"game:{record.campaign_id}:{record.user_id}:{game}:{reference}"
        grant, says = ledger.game_grants.pop(key, None), f"{amount} {kind} ({reference})"
        if grant is None:
            result.report(Mismatch(f"the log's {game} record calls for {says} but the ledger has no grant", record.seq))
        elif pool is not None:
            reward = Reward(RewardKind(kind), amount)
            expected = Expected(prize_key, reward, reward_cost_fen(reward, pool.points_per_yuan))
            _check_grant(record, grant, expected, ledger.deliveries.get(grant.id, []), result)


def _check_once(
    record: DrawRecord, body: dict[str, Any], replays: Replays, seen: set[tuple[int, str, str]], result: Reconciliation
) -> None:
    """A second record of what a shopper may have only one of (its replay's ``once_per``: a check-in's day)."""
    once_per = getattr(replays.get(body["game"]), "once_per", None)
    if once_per is None:
        return
    try:
        key = (record.user_id, body["game"], once_per(body["detail"]))
    except Exception as error:  # a game's replay reads a record the verifiers have not vetted: report, go on
        result.report(Mismatch(f"the {body['game']} record cannot be read ({error})", record.seq))
        return
    if key in seen:
        result.report(Mismatch(f"a second {body['game']} record of shopper {key[0]} for {key[2]}", record.seq))
    seen.add(key)


def _check_unclaimed(ledger: Ledger, replays: Replays, result: Reconciliation) -> None:
    """A ``game:`` grant of a reference its game's records call for (its replay owns it) that no record did."""
    for key, grant in ledger.game_grants.items():
        parts = key.split(":", 4)
        if len(parts) < 5:
            continue
        owns = getattr(replays.get(parts[3]), "owns_reference", None)
        if owns is not None and owns(parts[4]):
            result.report(Mismatch(f"a {parts[3]} grant whose record is not in the log", grant_key=grant.key))


def _deliveries(session: Session, campaign_id: int) -> dict[int, list[Delivery]]:
    """Per draw grant id, what reached its recipient: ledger credits (entry ``grant:{id}``) and coupons issued."""
    found: dict[int, list[Delivery]] = defaultdict(list)
    credits = (
        select(Grant.id, Account.owner, Account.asset, Posting.amount)
        .join(LedgerEntry, LedgerEntry.reference == literal("grant:").concat(cast(Grant.id, String)))
        .join(Posting, Posting.entry_id == LedgerEntry.id)
        .join(Account, Account.id == Posting.account_id)
        .where(Grant.campaign_id == campaign_id, Grant.key.startswith("draw:") | Grant.key.startswith("game:"))
        .where(Posting.amount > 0)
    )
    for grant_id, owner, asset, amount in session.execute(credits):
        found[grant_id].append((owner, asset, amount))
    coupons = select(Coupon.grant_id, Coupon.user_id, Coupon.kind).where(Coupon.campaign_id == campaign_id)
    for grant_id, user_id, kind in session.execute(coupons):
        found[grant_id].append((user_owner(user_id), f"coupon:{kind}", 1))
    cards = select(GiftCard.grant_id, GiftCard.user_id, GiftCard.face_value_fen).where(
        GiftCard.campaign_id == campaign_id
    )
    for grant_id, user_id, face_value in session.execute(cards):
        found[grant_id].append((user_owner(user_id), "gift_card", face_value))
    return found


def _published(session: Session, campaign_id: int) -> tuple[dict[str, Pool], dict[str, dict[str, Any]]]:
    """The prize pool and the config of each version the campaign published, by config hash."""
    versions = session.scalars(select(ConfigVersion).where(ConfigVersion.campaign_id == campaign_id))
    configs = {v.hash: json.loads(v.config_json) for v in versions}
    return {key: load_pool(config["pool"]) for key, config in configs.items()}, configs


def _expected(body: dict[str, Any], pools: dict[str, Pool]) -> Expected | str | None:
    """The grant the record calls for, ``None`` when it grants nothing, or why the record cannot be read."""
    pool, key = pools.get(body["config_hash"]), body["granted"]
    if pool is None:
        return f"the record names config {body['config_hash'][:12]}…, which the campaign never published"
    if key is None:
        return None
    try:
        prize = pool.prize(key)
    except KeyError:
        return f"the log grants '{key}', which is not a prize of its config"
    reward = prize.reward
    if reward.kind is RewardKind.NOTHING:
        return None
    if reward.is_range:
        amount = body["detail"].get("amount_fen") if key == body["prize"] else None
        if not isinstance(amount, int) or not reward.amount <= amount <= reward.top_amount:
            return f"the log grants '{key}' but records no amount within its range (detail.amount_fen {amount})"
        reward = reward.drawn(amount)
    return Expected(key, reward, reward_cost_fen(reward, pool.points_per_yuan))


def _check_draw(
    record: DrawRecord,
    body: dict[str, Any],
    ledger: Ledger,
    pools: dict[str, Pool],
    result: Reconciliation,
    replays: Replays,
    configs: dict[str, dict[str, Any]],
) -> None:
    reference = f"draw:{record.campaign_id}:{record.user_id}:{record.period_key}:{body['nonce']}"
    made = ledger.grants.pop(reference, [])
    calling = getattr(replays.get(body["game"]), "draw_grants", None)
    if calling is not None and body["config_hash"] in pools:
        _check_called_grants(record, body, made, ledger, (pools, configs), replays, result)
        return
    expected = _expected(body, pools)
    if isinstance(expected, str):
        result.report(Mismatch(expected, record.seq, made[0].key if made else None))
    elif expected is None:
        if made:
            result.report(Mismatch("the log grants nothing but the ledger has a grant", record.seq, made[0].key))
    elif not made:
        result.report(Mismatch(f"the log grants '{expected.prize_key}' but the ledger has no grant", record.seq))
    elif len(made) != 1:
        found = ", ".join(f"{g.key} ({g.prize_key})" for g in made)
        result.report(
            Mismatch(f"the log grants '{expected.prize_key}' but the ledger has {found}", record.seq, made[0].key)
        )
    else:
        _check_grant(record, made[0], expected, ledger.deliveries.get(made[0].id, []), result)


def _check_called_grants(
    record: DrawRecord,
    body: dict[str, Any],
    made: list[Grant],
    ledger: Ledger,
    published: tuple[dict[str, Pool], dict[str, dict[str, Any]]],
    replays: Replays,
    result: Reconciliation,
) -> None:
    """A draw whose game says which grants it calls for (several: :mod:`games.audit.draw_grants`)."""
    pool, config, replay = published[0][body["config_hash"]], published[1][body["config_hash"]], replays[body["game"]]
    try:
        view = replay.config_view(config)
        called = replay.draw_grants(view, body["draws"], 0, body["detail"])  # type: ignore[attr-defined]
    except Exception as error:  # a game's replay reads a record the verifiers have not vetted: report, go on
        result.report(Mismatch(f"the {body['game']} record's grants cannot be read ({error})", record.seq))
        return

    def check(grant: Grant, key: str, reward: Reward, cost_fen: int) -> None:
        delivered = ledger.deliveries.get(grant.id, [])
        _check_grant(record, grant, Expected(key, reward, cost_fen), delivered, result)

    def report(problem: str, grant_key: str | None) -> None:
        result.report(Mismatch(problem, record.seq, grant_key))

    check_draw_grants(record, body, made, pool, called, check, report)


def _check_grant(
    record: DrawRecord, grant: Grant, expected: Expected, delivered: list[Delivery], result: Reconciliation
) -> None:
    """The one grant of a draw: the prize, kind, amount and cost the record calls for, delivered as such."""
    says = _describe(expected.prize_key, expected.reward.kind.value, expected.reward.amount, expected.cost_fen)
    has = _describe(grant.prize_key, grant.reward_kind, grant.amount, grant.cost_fen)
    if has != says:
        result.report(Mismatch(f"the log and its config grant {says} but the grant is {has}", record.seq, grant.key))
    elif sorted(delivered) != (due := expected.delivery(record.campaign_id, record.user_id)):
        problem = f"the grant of {says} delivered {_deliveries_text(delivered)} instead of {_deliveries_text(due)}"
        result.report(Mismatch(problem, record.seq, grant.key))


def _describe(prize_key: str, kind: str, amount: int, cost_fen: int) -> str:
    return f"'{prize_key}' ({kind}, amount {amount}, cost {cost_fen} fen)"


def _deliveries_text(deliveries: list[Delivery]) -> str:
    return ", ".join(f"{amount} {asset} to {owner}" for owner, asset, amount in sorted(deliveries)) or "nothing"


def _check_budget(session: Session, campaign_id: int, result: Reconciliation) -> None:
    budget = budget_level(session, campaign_id)
    result.budget_spent_fen = budget.spent_fen if budget else 0
    if result.budget_spent_fen != result.granted_cost_fen:
        result.report(
            Mismatch(
                f"the budget says {result.budget_spent_fen} fen were spent but the grants cost "
                f"{result.granted_cost_fen} fen"
            )
        )
