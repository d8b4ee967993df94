"""Reconciliation: the grants the draw log says were made are exactly the ledger's, and their cost is the
campaign's budget spent.

Each draw grants through the economy with the key ``draw:{campaign}:{user}:{period}:{nonce}:{n}``; so for
every draw record whose granted prize gives something there must be exactly one such grant, of that prize,
and no ``draw:`` grant may exist without its record. Grants made outside draws (welcome points, tasks) are
listed apart; all grants together must cost what the budget says was spent.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from economy.models import Budget, Grant
from games.models import ConfigVersion, DrawRecord

MAX_LISTED = 100


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


def reconcile(session: Session, campaign_id: int) -> Reconciliation:
    """Compare a campaign's draw log with its grants and its budget."""
    result = Reconciliation()
    grants = _draw_grants(session, campaign_id, result)
    gives = _prizes_that_give(session, campaign_id)
    for record in session.scalars(
        select(DrawRecord).where(DrawRecord.campaign_id == campaign_id).order_by(DrawRecord.seq)
    ).yield_per(1000):
        result.draws += 1
        _check_draw(record, grants, gives, result)
    for leftovers in grants.values():
        for grant in leftovers:
            result.report(Mismatch("a grant made for a draw that is not in the log", grant_key=grant.key))
    _check_budget(session, campaign_id, result)
    return result


def _draw_grants(session: Session, campaign_id: int, result: Reconciliation) -> dict[str, list[Grant]]:
    """The campaign's grants made by draws, by draw reference (``draw:c:u:period:nonce``)."""
    by_draw: dict[str, list[Grant]] = defaultdict(list)
    for grant in session.scalars(select(Grant).where(Grant.campaign_id == campaign_id)):
        result.granted_cost_fen += grant.cost_fen
        if grant.key.startswith("draw:"):
            result.draw_grants += 1
            by_draw[grant.key.rsplit(":", 1)[0]].append(grant)
        else:
            result.other_grants += 1
    return by_draw


def _prizes_that_give(session: Session, campaign_id: int) -> dict[str, set[str]]:
    """Per config hash, the keys of prizes whose reward is not "nothing"."""
    versions = session.scalars(select(ConfigVersion).where(ConfigVersion.campaign_id == campaign_id))
    return {
        v.hash: {p["key"] for p in json.loads(v.config_json)["pool"]["prizes"] if p["reward"]["kind"] != "nothing"}
        for v in versions
    }


def _check_draw(
    record: DrawRecord, grants: dict[str, list[Grant]], gives: dict[str, set[str]], result: Reconciliation
) -> None:
    body = json.loads(record.record_json)
    reference = f"draw:{record.campaign_id}:{record.user_id}:{record.period_key}:{body['nonce']}"
    made = grants.pop(reference, [])
    expected = body["granted"] if body["granted"] in gives.get(body["config_hash"], set()) else None
    if expected is None and made:
        result.report(Mismatch("the log grants nothing but the ledger has a grant", record.seq, made[0].key))
    elif expected is not None and not made:
        result.report(Mismatch(f"the log grants '{expected}' but the ledger has no grant", record.seq))
    elif expected is not None and (len(made) != 1 or made[0].prize_key != expected):
        found = ", ".join(f"{g.key} ({g.prize_key})" for g in made)
        result.report(Mismatch(f"the log grants '{expected}' but the ledger has {found}", record.seq, made[0].key))


def _check_budget(session: Session, campaign_id: int, result: Reconciliation) -> None:
    budget = session.get(Budget, campaign_id)
    result.budget_spent_fen = budget.spent_fen if budget else 0
    if result.budget_spent_fen != result.granted_cost_fen:
        result.report(
            Mismatch(
                f"the budget says {result.budget_spent_fen} fen were spent but the grants cost "
                f"{result.granted_cost_fen} fen"
            )
        )
