"""The Flask app: ``create_app(settings, store)`` wires the API, errors and health check.

Per-app state lives in ``app.extensions["calendar_service"]`` (settings, store, clock); there is
no module-level app. The clock is read here, in the adapter, and passed down as ``now``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask, jsonify

from ..config import Settings, instance_secret
from ..feeds import FeedCache
from ..services.feeds import installation_id
from ..store import Store
from . import api, feed_routes, problems
from .context import KEY, state


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(settings: Settings, store: Store, *, clock: Callable[[], datetime] = _utc_now, secret: bytes | None = None) -> Flask:
    """A configured app over an open store (``secret``: the instance secret; default from settings)."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.server.max_request_bytes
    app.json.sort_keys = False
    secret = secret if secret is not None else instance_secret(settings, os.environ)
    app.extensions[KEY] = {
        "settings": settings,
        "store": store,
        "clock": clock,
        "secret": secret,
        "uid_domain": f"{installation_id(secret)}.calendar-service",
        "feed_cache": FeedCache(),
    }
    problems.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(feed_routes.bp)

    @app.get("/healthz")
    def healthz():
        """Liveness and database reachability, without authentication."""
        with state()["store"].read() as conn:
            conn.exec_driver_sql("SELECT 1")
        return jsonify({"status": "ok"})

    return app
