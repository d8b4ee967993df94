"""The mall's admission gate: a Redis counter per good in front of the SQL truth, so that when a flash sale's units
are gone the thousands of shoppers still tapping are answered from Redis, not by a PostgreSQL transaction each.

The counter holds the units not yet admitted. A redemption first takes its units from the counter (atomically, in
a Lua script); if the counter has too few, the answer is "sold out" without the SQL transaction. An admitted
redemption then runs the usual transaction, whose conditional update of the stock stays the only truth, and gives
its units back to the counter when the transaction does not take them (any refusal or failure).

The counter is rebuilt from the good's stock left in SQL whenever it is missing: on first use, after Redis lost it,
after a cancellation or an ops edit (which forget it), and every ``seconds`` (the key expires), so units lost by a
process that died between taking and giving back, or by a Redis timeout, come back within that time. A rebuild
while redemptions are in flight admits more than the truth allows, and the SQL update refuses the surplus. While
admitted redemptions that may yet fail hold the last units, the gate says no: the caller then answers "busy, try
again" unless SQL's committed stock is gone too (server/api_mall.py). Only goods on sale for the shopper's tier go
through the gate. Without ``REDIS_URL``, or while Redis is unreachable (after an error the gate stands aside for
:data:`DOWN_SECONDS`, one log line, no timeout per request), every redemption is admitted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import redis

log = logging.getLogger("carnival.mall")
DOWN_SECONDS = 5.0

#: KEYS[1] the counter; ARGV[1] units wanted. Returns the units left after taking, -1: too few, -2: no counter.
TAKE = """
local left = redis.call('GET', KEYS[1])
if not left then return -2 end
left = tonumber(left)
local wanted = tonumber(ARGV[1])
if left < wanted then return -1 end
return redis.call('DECRBY', KEYS[1], wanted)
"""
#: KEYS[1] the counter; ARGV[1] units given back (only to a counter that still exists: a rebuilt one is afresh).
GIVE_BACK = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end
return -2
"""


class StockGate:
    """Admission to a good's redemption by a Redis counter of the units not yet admitted (see the module)."""

    def __init__(self, client: redis.Redis | None, prefix: str, seconds: int = 10) -> None:
        self.client, self.prefix, self.seconds = client, prefix, seconds
        self._take = client.register_script(TAKE) if client is not None else None
        self._give_back = client.register_script(GIVE_BACK) if client is not None else None
        self._down_until = 0.0  # after a Redis error, the gate stands aside this long (no timeout per request)

    def key(self, good_id: int) -> str:
        """The counter's Redis key."""
        return f"{self.prefix}:mall:units:{good_id}"

    def admit(self, good_id: int, quantity: int, stock_left: Callable[[], int | None]) -> bool | None:
        """Take ``quantity`` units from the good's counter (built from ``stock_left()`` when missing).

        :returns: True when admitted (the units must be given back unless the SQL transaction took them), False
            when the good has too few units left, None when there is no gate (no Redis, Redis unreachable, or
            ``stock_left()`` is None: no such good): then the SQL transaction alone decides and nothing is to be
            given back.
        """
        if self._take is None or self.client is None or time.monotonic() < self._down_until:
            return None
        key = self.key(good_id)
        try:
            left = int(self._take(keys=[key], args=[quantity]))
            if left == -2:
                stock = stock_left()
                if stock is None:
                    return None
                self.client.set(key, stock, nx=True, ex=self.seconds)
                left = int(self._take(keys=[key], args=[quantity]))
                if left == -2:  # forgotten again in between (a cancellation): let the transaction decide
                    return None
        except redis.RedisError as error:
            log.warning("mall gate unavailable for %s s, admitting: %s", DOWN_SECONDS, error.__class__.__name__)
            self._down_until = time.monotonic() + DOWN_SECONDS
            return None
        return left >= 0

    def give_back(self, good_id: int, quantity: int) -> None:
        """Return admitted units the SQL transaction did not take."""
        if self._give_back is None:
            return
        try:
            self._give_back(keys=[self.key(good_id)], args=[quantity])
        except redis.RedisError as error:  # the counter expires and is rebuilt from SQL
            log.warning("mall gate could not take units back: %s", error.__class__.__name__)

    def forget(self, good_id: int) -> None:
        """Rebuild the good's counter from SQL at its next use (after stock came back or was edited)."""
        if self.client is None:
            return
        try:
            self.client.delete(self.key(good_id))
        except redis.RedisError as error:
            log.warning("mall gate could not forget a counter: %s", error.__class__.__name__)


def gate_for(redis_url: str | None, prefix: str) -> StockGate:
    """The gate of a server process: on ``redis_url`` (short timeouts: an unreachable Redis admits), or none."""
    if not redis_url:
        return StockGate(None, prefix)
    client = redis.Redis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return StockGate(client, prefix)
