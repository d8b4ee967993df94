"""Fairness and the draw log: the seeded RNG (:mod:`~games.fairness.rng`), prize pools with integer weights
and published odds (:mod:`~games.fairness.pools`), the prize draw every game shares
(:mod:`~games.fairness.prize_draw`), seed periods and their commitments (:mod:`~games.fairness.periods`),
draw records and the hash chain (:mod:`~games.fairness.records`, :mod:`~games.fairness.tallies`), closing
periods (:mod:`~games.fairness.checkpoints`) and the independent verifier (:mod:`games.fairness.verify`).

May import :mod:`games.models`, :mod:`games.engine.contract` (a typed rejection) and :mod:`economy`.
The verifier imports nothing of Carnival but itself: it reads docs/fairness.md, and each game's replay
of its outcome is handed to it.
"""
