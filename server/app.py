"""The Flask app factory: every extension, blueprint and background task of the web layer."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_socketio import SocketIO

from economy.mall.catalog import RecentCatalogs
from games.engine.registry import load_registry
from server import (
    admission,
    api_host,
    api_host_cards,
    api_host_mall,
    api_host_messages,
    api_inbox,
    api_invite,
    api_mall,
    api_ops,
    api_ops_mall,
    api_ops_messages,
    api_ops_planning,
    api_ops_share,
    api_play,
    api_play_games,
    api_public,
    api_session,
    api_share,
    audit_api,
    audit_pages,
    body_limits,
    clock,
    csrf,
    db,
    errors,
    headers,
    input_guard,
    mall_gate,
    ops_live,
    ops_pages,
    outage,
    pages,
    ratelimit,
    realtime,
    routing,
    serving,
    simulation_jobs,
)
from server.config import flask_config, settings_from
from server.pages import WEB_DIR


def create_app(environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from ``environ`` (default ``os.environ``).

    :raises server.config.ConfigError: on a missing or weak secret outside development.
    """
    app = Flask(
        "server",
        instance_relative_config=True,
        template_folder=str(WEB_DIR / "templates"),
        static_folder=str(WEB_DIR / "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    settings = settings_from(dict(environ if environ is not None else os.environ), Path(app.instance_path))
    app.config.from_mapping(flask_config(settings))
    app.config.from_mapping(overrides or {})
    app.extensions["carnival.settings"] = settings
    app.extensions["carnival.registry"] = load_registry()
    db.init_app(
        app, settings.database_url, settings.db_pool_size, settings.db_pool_timeout, settings.db_transaction_pooler
    )
    routing.init_app(app)
    simulation_jobs.init_app(app)
    api = errors.JsonErrorApi(app)
    errors.register(app)  # after Api(): ours replace flask-smorest's error handlers
    csrf.init_app(app)
    body_limits.init_app(app)
    headers.init_app(app)
    input_guard.init_app(app)
    outage.init_app(app, app.extensions["carnival.engine"])
    for blueprint in (
        api_session.blp,
        api_play.blp,
        api_play_games.blp,
        api_share.blp,
        api_invite.blp,
        api_mall.blp,
        api_inbox.blp,
        api_public.blp,
        audit_api.blp,
        api_ops.blp,
        api_ops_planning.blp,
        api_ops_mall.blp,
        api_ops_messages.blp,
        api_ops_share.blp,
        api_host.blp,
        api_host_cards.blp,
        api_host_mall.blp,
        api_host_messages.blp,
    ):
        api.register_blueprint(blueprint)
    security = {
        errors.SESSION_SCHEME: errors.session_scheme(app.config["SESSION_COOKIE_NAME"]),
        **api_host.SECURITY_SCHEMES,
    }
    for name, scheme in security.items():
        api.spec.components.security_scheme(name, scheme)
    app.register_blueprint(pages.bp)
    app.register_blueprint(ops_pages.bp)
    app.register_blueprint(audit_pages.bp)
    ratelimit.init_app(app)
    app.extensions["carnival.mall_gate"] = mall_gate.gate_for(settings.redis_url, settings.socketio_channel)
    app.extensions["carnival.mall_catalogs"] = RecentCatalogs(seconds=1.0)  # the goods read at most a second ago
    admission.init_app(app, settings, serving.async_mode())  # before Socket.IO: its transports stay outside
    socketio = SocketIO(
        app,
        message_queue=settings.redis_url,
        channel=settings.socketio_channel,
        async_mode=serving.async_mode(),
        namespaces=[realtime.PLAY, ops_live.OPS],  # no default namespace "/" open to anyone
    )
    serving.init_app(app, socketio, settings)
    realtime.init_app(socketio)
    ops_live.init_app(app, socketio)
    clock.init_app(app, socketio, settings.clock_seconds)
    return app
