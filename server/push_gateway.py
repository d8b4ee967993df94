"""The host's push gateway as Carnival calls it: a signed ``POST`` of a chunk of deliveries (docs/integration.md,
"Campaign messages"). The request is signed as the host signs its calls to Carnival (the same scheme and the
current host API key, named by ``X-Carnival-Key-Id``), so the host checks it with code it already has. A 2xx
answer means the gateway took every delivery of the chunk; anything else (an error status, a timeout, no
connection) means none, and they are tried again later under the same ids."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from server.api_host import KEY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_request
from server.keys import Key

TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Posted:
    """What the gateway said of a chunk: taken (all of it), or why not."""

    taken: bool
    error: str = ""


class PushGateway:
    """Posts chunks of deliveries to ``url``, signed with ``key``."""

    def __init__(self, url: str, key: Key, timeout: float = TIMEOUT_SECONDS) -> None:
        self.url, self.key = url, key
        parts = urlsplit(url)
        self.path = parts.path + (f"?{parts.query}" if parts.query else "") or "/"
        self.client = httpx.Client(timeout=timeout, follow_redirects=False)

    def post(self, items: list[dict[str, Any]]) -> Posted:
        """Post ``items``; never raises for the gateway's own failures (they are :class:`Posted` errors)."""
        body = orjson.dumps({"deliveries": items})
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            KEY_ID_HEADER: self.key.kid or "",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign_request(self.key.secret, timestamp, "POST", self.path, body),
        }
        try:
            answer = self.client.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as error:
            return Posted(False, f"{type(error).__name__}: {error}"[:200])
        if 200 <= answer.status_code < 300:
            return Posted(True)
        return Posted(False, f"the gateway answered {answer.status_code}")

    def close(self) -> None:
        """Close the connections kept open."""
        self.client.close()
