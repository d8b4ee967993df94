"""A game package registered only by tests, standing in for one a third-party package adds later (the coin
flip): its config, state and play (:mod:`~tests.plugins.coin.game`) and its verifier step
(:mod:`~tests.plugins.coin.replay`). Nothing outside this folder names it."""
