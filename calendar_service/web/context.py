"""Per-app state: the settings, store and clock ``create_app`` was given."""

from __future__ import annotations

from typing import Any

from flask import current_app

KEY = "calendar_service"


def state() -> dict[str, Any]:
    """The current app's settings, store and clock."""
    return current_app.extensions[KEY]
