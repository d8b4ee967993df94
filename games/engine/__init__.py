"""The engine: the game plugin contract (:mod:`~games.engine.contract`, :mod:`~games.engine.disclosed_terms`),
the registry games arrive through (:mod:`~games.engine.registry`), one play action as one unit of work
(:mod:`~games.engine.play`), the economy as a game sees it (:mod:`~games.engine.economy_port`) and what a
shopper's pages show (:mod:`~games.engine.player_views`).

May import :mod:`games.fairness`, :mod:`games.campaigns` (a campaign's parsed config), :mod:`games.models`
and :mod:`economy`; never a game package, which it learns only through the registry.
"""
