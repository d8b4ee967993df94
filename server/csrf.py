"""Cross-site request forgery: a state-changing request is served only when the browser says it came from one
of Carnival's own pages.

A session cookie is sent with every request to this host, whichever page started it: a ``SameSite`` cookie
keeps other *sites* out, but a page on another port or subdomain of the same site is still "same-site". So
every write (POST, PUT, PATCH, DELETE) is checked against the server's own origin, the way browsers label
requests themselves:

1. ``Sec-Fetch-Site`` (set by the browser, not by page scripts): only ``same-origin`` passes;
2. otherwise ``Origin``: it must be this server's origin (``null`` never is);
3. otherwise ``Referer``: its origin must be this server's;
4. a request with none of them is not from a modern browser's page: it passes only without cookies (so
   nothing rides on a session it did not open itself).

The host app's signed server-to-server calls carry no cookie session and are exempt (blueprint ``host``),
as is any view marked with :func:`allow_cross_origin` (its own proof of origin, such as a signed token).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, current_app, request

from server.errors import ApiError

F = TypeVar("F", bound=Callable[..., Any])

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SIGNED_BLUEPRINTS = frozenset({"host"})  # authenticated by a request signature, never by a cookie
_EXEMPT_ATTRIBUTE = "carnival_cross_origin_allowed"


def allow_cross_origin(view: F) -> F:
    """Mark ``view`` as authenticated by something other than the session cookie (a signature, a one-time
    token), so writes from other origins reach it. The view must not act on the cookie session's authority."""
    setattr(view, _EXEMPT_ATTRIBUTE, True)
    return view


def own_origin() -> str:
    """This server's origin as the browser sees it (``scheme://host[:port]``; behind a proxy, see
    ``CARNIVAL_TRUSTED_PROXIES``)."""
    return request.host_url.rstrip("/").lower()


def origin_of(url: str) -> str | None:
    """The ``scheme://host[:port]`` of ``url``, or ``None`` if it has none."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin_write() -> bool:
    """Whether the current request may change state on the cookie session's authority (see the module)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin.lower() == own_origin()
    referer = request.headers.get("Referer")
    if referer is not None:
        return origin_of(referer) == own_origin()
    return not request.cookies


def _exempt() -> bool:
    if request.blueprint in SIGNED_BLUEPRINTS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, _EXEMPT_ATTRIBUTE, False))


def refuse_cross_origin_writes() -> None:
    """``before_request`` hook. :raises ApiError: 403 ``cross_origin_refused``."""
    if request.method not in WRITE_METHODS or _exempt():
        return
    if not same_origin_write():
        raise ApiError(
            403, "cross_origin_refused", "this change must be made from Carnival's own page; reload it and try again"
        )


def init_app(app: Flask) -> None:
    """Check every write before its view runs."""
    app.before_request(refuse_cross_origin_writes)
