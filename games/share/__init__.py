"""Share-to-unlock (分享助力), a game plugin: its config (:mod:`~games.share.config`), the pure rules of shares, assists
and fraud (:mod:`~games.share.rules`), the game (:mod:`~games.share.game`), what is disclosed
(:mod:`~games.share.disclosure`), the helper's draw as the verifiers replay it (:mod:`~games.share.replay`) and the
cost model (:mod:`~games.share.simulation`). Registered as ``share``; pure: nothing with I/O."""
