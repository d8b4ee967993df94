"""Security headers on every answer: what the page may load, who may frame it, what browsers and caches keep.

- ``Content-Security-Policy``: scripts, styles and fonts only from this server (no inline script anywhere);
  images also from ``https:`` (prize images may live on the host app's CDN); connections to this server
  (HTTP and its WebSocket). ``frame-ancestors``: the shopper pages (``/play``) may be framed only by the
  origins in ``CARNIVAL_FRAME_ANCESTORS`` (none by default); everything else, the ops console and the audit
  workspace first, never (with ``X-Frame-Options: DENY`` for older browsers).
- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin`` everywhere.
- ``Strict-Transport-Security`` when the request came over TLS (behind a proxy: ``CARNIVAL_TRUSTED_PROXIES``).
- ``Cache-Control: no-store`` on the API's answers, which are per user, except the public campaign pages'.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from werkzeug.wrappers import Response

from server.config import Settings

HSTS = "max-age=31536000"
PUBLIC_API_BLUEPRINTS = frozenset({"public"})  # rules, odds and seeds: the same for everyone
FRAMEABLE_PREFIX = "/play"
DOCS_PREFIXES = ("/docs", "/vendor/swagger-ui-dist/")


def frame_ancestors(path: str, settings: Settings) -> str:
    """The ``frame-ancestors`` source list for ``path``: the host origins for shopper pages, else ``'none'``."""
    if _is_shopper_page(path) and settings.frame_ancestors:
        return " ".join(settings.frame_ancestors)
    return "'none'"


def content_security_policy(path: str, settings: Settings) -> str:
    """The policy for the page at ``path`` (the API docs' Swagger UI also needs inline styles)."""
    sockets = f"{'wss' if request.is_secure else 'ws'}://{request.host}"
    styles = "'self' 'unsafe-inline'" if path.startswith(DOCS_PREFIXES) else "'self'"
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            f"style-src {styles}",
            "img-src 'self' data: https:",
            f"connect-src 'self' {sockets}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors(path, settings)}",
        )
    )


def add_security_headers(response: Response) -> Response:
    """``after_request`` hook: the headers of the module docstring."""
    settings: Settings = current_app.extensions["carnival.settings"]
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(request.path, settings))
    if frame_ancestors(request.path, settings) == "'none'":
        headers.setdefault("X-Frame-Options", "DENY")
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = HSTS
    if _is_per_user_api():
        headers["Cache-Control"] = "no-store"
    return response


def _is_shopper_page(path: str) -> bool:
    return path == FRAMEABLE_PREFIX or path.startswith(FRAMEABLE_PREFIX + "/")


def _is_per_user_api() -> bool:
    return request.path.startswith("/api/") and request.blueprint not in PUBLIC_API_BLUEPRINTS


def init_app(app: Flask) -> None:
    """Add the headers to every answer, errors included."""
    app.after_request(add_security_headers)
