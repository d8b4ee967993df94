"""Carnival's games, by concern (each subpackage's docstring says what it owns and what it may import):

- :mod:`games.engine`: the plugin contract, the registry, one play as one unit of work, the economy port;
- :mod:`games.fairness`: the fair RNG, prize pools and the draw, seed periods, the draw log and its
  checkpoints, and the independent verifier (:mod:`games.fairness.verify`);
- :mod:`games.campaigns`: campaign configs and versions, the ops workflow (drafts, publish, pause), what
  is disclosed and the public rules;
- :mod:`games.insight`: what ops see before and while a campaign runs: cost simulation, pre-flight,
  live metrics, CSV reports;
- :mod:`games.audit`: what auditors get: exports, reconciliation with the ledger, goodness-of-fit;
- one package per game (:mod:`games.wheel`), which the others learn only through the registry.

:mod:`games.models` holds the tables every concern shares.
"""
