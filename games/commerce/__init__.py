"""Commerce: what shoppers do in the host app (orders paid, confirmed and refunded, 白条 opened, friends invited,
reviews posted, shares), sent by the host's server as events (:mod:`~games.commerce.events`) and stored once per
host event id (:mod:`~games.commerce.models`), for tasks and points rules to read.

May import :mod:`games.models` (campaigns) and :mod:`economy.db`.
"""
