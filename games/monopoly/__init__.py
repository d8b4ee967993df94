"""白条大富翁, a game plugin: the board's config (:mod:`~games.monopoly.config`), its pure walk
(:mod:`~games.monopoly.board`), the exact landing odds (:mod:`~games.monopoly.odds`), the cost model
(:mod:`~games.monopoly.simulation`), the game itself (:mod:`~games.monopoly.game`) and how a verifier replays a
roll (:mod:`~games.monopoly.replay`).

Registered in the ``carnival.games`` entry-point group as ``monopoly``; pure: nothing with I/O.
"""
