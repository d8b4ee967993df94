"""The lottery wheel (抽奖转盘), a game plugin: its config and state and the spin (:mod:`~games.wheel.game`).

Registered in the ``carnival.games`` entry-point group as ``wheel``. May import :mod:`games.engine.contract`,
:mod:`games.engine.disclosed_terms` and :mod:`games.fairness` (pools and the prize draw); nothing with I/O.
"""
