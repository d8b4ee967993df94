"""Typed refusals of the economy. Callers turn them into a fallback prize or a clear error."""

from __future__ import annotations


class Refusal(Exception):
    """Base of every refusal; ``code`` is stable and shown to users, ``message`` explains."""

    code = "refused"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CapReached(Refusal):
    """A per-user cap (count or value, per day or per campaign) would be exceeded."""

    code = "cap_reached"


class OutOfStock(Refusal):
    """The prize has no stock left."""

    code = "out_of_stock"


class BudgetExhausted(Refusal):
    """The campaign budget cannot cover the reward's cost."""

    code = "budget_exhausted"


class InsufficientBalance(Refusal):
    """The account holds less than the amount to take out."""

    code = "insufficient_balance"


class GrantKeyTaken(Exception):
    """A grant's key names an earlier grant: a caller bug (two movements of value under one key), never a
    refusal to fall back from. Nothing is granted; the caller's transaction must roll back."""

    def __init__(self, key: str) -> None:
        super().__init__(f"grant key {key!r} was already used")
        self.key = key
