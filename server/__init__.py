"""Carnival's web layer. ``server:create_app()`` builds the app (:mod:`server.app`); ``carnival --help`` lists
the commands (:mod:`server.console`).

The package itself imports nothing, so ``carnival audit verify`` starts without Flask or SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from ``environ`` (default ``os.environ``): :func:`server.app.create_app`."""
    from server.app import create_app as build

    return build(environ, overrides)
