"""The prize draw every game shares (docs/fairness.md section 7): the pick, then a range red packet's amount."""

from __future__ import annotations

from dataclasses import dataclass

from games.fairness.pools import Pool, Prize
from games.fairness.rng import FairRng


@dataclass(frozen=True)
class DrawnPrize:
    """A prize picked by a draw, ready to offer to the economy.

    :param prize: the picked prize; a range red packet comes with its drawn amount fixed.
    :param amount_fen: that drawn amount, recorded as ``detail.amount_fen``; ``None`` for other prizes.
    """

    prize: Prize
    amount_fen: int | None = None


def draw_prize(pool: Pool, rng: FairRng) -> DrawnPrize:
    """Pick a prize with the draw's next integer in ``[0, total weight)``; for a red packet with an
    amount range ``[A, B]``, draw the next integer ``u`` in ``[0, B - A]`` and fix its amount at ``A + u``.

    Call it before any other draw of the game, so that the pick is ``draws[0]`` and the amount ``draws[1]``.
    """
    picked = pool.pick(rng.below(pool.total_weight))
    choices = picked.amount_choices
    if choices is None:
        return DrawnPrize(picked)
    amount = picked.reward.amount + rng.below(choices)
    return DrawnPrize(picked.with_amount(amount), amount)
