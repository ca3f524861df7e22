"""The Flask app: ``create_app(settings, store)`` wires the API, errors and health check.

Per-app state lives in ``app.extensions["calendar_service"]`` (settings, store, clock); there is
no module-level app. The clock is read here, in the adapter, and passed down as ``now``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask, jsonify

from ..config import Settings, instance_secret
from ..feeds import FeedCache
from ..services.feeds import installation_id
from ..store import Store
from . import api, feed_routes, problems, ui
from .context import KEY, state


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(settings: Settings, store: Store, *, clock: Callable[[], datetime] = _utc_now, secret: bytes | None = None) -> Flask:
    """A configured app over an open store (``secret``: the instance secret; default from settings)."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.server.max_request_bytes
    app.json.sort_keys = False
    secret = secret if secret is not None else instance_secret(settings, os.environ)
    # Sessions of the web pages: signed with a key derived from the instance secret.
    app.secret_key = hmac.new(secret, b"flask-session", hashlib.sha256).hexdigest()
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=True,  # browsers treat http://127.0.0.1 and localhost as secure too
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="calendar_service_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
    )
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
    app.register_blueprint(ui.bp)

    @app.get("/healthz")
    def healthz():
        """Liveness and database reachability, without authentication."""
        with state()["store"].read() as conn:
            conn.exec_driver_sql("SELECT 1")
        return jsonify({"status": "ok"})

    return app
