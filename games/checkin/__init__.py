"""The check-in calendar (签到日历), a game plugin: its config (:mod:`~games.checkin.config`), the calendar's pure
rules of streaks, milestones and make-ups (:mod:`~games.checkin.calendar`), the game itself
(:mod:`~games.checkin.game`) and how a verifier replays a check-in's points (:mod:`~games.checkin.replay`).

Registered in the ``carnival.games`` entry-point group as ``checkin``. May import :mod:`games.engine.contract`,
:mod:`games.engine.disclosed_terms`, :mod:`games.fairness` (pools) and :mod:`economy.rewards` (reward values);
nothing with I/O.
"""
