"""The order of the draws (docs/fairness.md section 11, steps 4.4 and 4.5): each shopper's nonces in a period,
and no draw of a period after the checkpoint that closed it. :class:`DrawOrder` holds what the verifiers
need to check them, and forgets a period's nonces once the chain has passed the count of its checkpoint (no
record of it may follow), so memory stays bounded however long the export is.
"""

from __future__ import annotations

from typing import Any

from games.fairness.verify.report import Checkpoint


class DrawOrder:
    """``closings``: each period's checkpoint of the smallest count (the first one seen of that count);
    ``nonces``: by period, each shopper's next nonce (a shopper without a record in it has 0)."""

    __slots__ = ("closings", "nonces")

    def __init__(self) -> None:
        self.closings: dict[str, Checkpoint] = {}
        self.nonces: dict[str, dict[int, int]] = {}

    def add(self, checkpoint: Checkpoint, draws: int) -> None:
        """A checkpoint seen once ``draws`` records are verified: it may close its period earlier."""
        known = self.closings.get(checkpoint.period)
        if known is None or checkpoint.count < known.count:
            self.closings[checkpoint.period] = checkpoint
        if checkpoint.count <= draws:
            self.nonces.pop(checkpoint.period, None)

    def passed(self, checkpoints: list[Checkpoint]) -> None:
        """The chain reached the count of ``checkpoints``: their periods are closed."""
        for checkpoint in checkpoints:
            self.nonces.pop(checkpoint.period, None)

    def fault(self, where: str, record: dict[str, Any]) -> str | None:
        """What is wrong with the order of a record that links to the chain (its ``seq`` is the next one), or
        ``None``: a draw of a closed period first, then its nonce."""
        period, seq = record["period"], record["seq"]
        closing = self.closings.get(period)
        if closing is not None and seq > closing.count:
            return (
                f"{where}: a draw of period {period} recorded after its checkpoint ({closing.source}) counted"
                f" {closing.count} records (committed after the period closed)"
            )
        user, nonce = record["user"], record["nonce"]
        expected = self.nonces.get(period, {}).get(user, 0)
        if nonce < expected:
            return f"{where}: nonce {nonce} of user {user} in period {period} was already used (a draw repeated)"
        if nonce > expected:
            return (
                f"{where}: nonce {nonce} of user {user} in period {period} where {expected} was expected"
                " (a draw missing)"
            )
        return None

    def drawn(self, period: str, user: int, nonce: int) -> None:
        """A record of ``user`` with ``nonce`` in ``period`` was verified."""
        users = self.nonces.get(period)
        if users is None:
            users = self.nonces[period] = {}
        users[user] = nonce + 1
