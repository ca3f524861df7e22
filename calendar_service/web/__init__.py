"""The Flask app: ``create_app(settings, store)`` wires the API, errors and health check.

Per-app state lives in ``app.extensions["calendar_service"]`` (settings, store, clock); there is
no module-level app. The clock is read here, in the adapter, and passed down as ``now``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask, jsonify

from ..config import Settings
from ..store import Store
from . import api, problems
from .context import KEY, state


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(settings: Settings, store: Store, *, clock: Callable[[], datetime] = _utc_now) -> Flask:
    """A configured app over an open store."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.server.max_request_bytes
    app.json.sort_keys = False
    app.extensions[KEY] = {"settings": settings, "store": store, "clock": clock}
    problems.init_app(app)
    app.register_blueprint(api.bp)

    @app.get("/healthz")
    def healthz():
        """Liveness and database reachability, without authentication."""
        with state()["store"].read() as conn:
            conn.exec_driver_sql("SELECT 1")
        return jsonify({"status": "ok"})

    return app
