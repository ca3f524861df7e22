"""Channels: where alerts go (Slack incoming webhooks, signed JSON webhooks, Teams Workflows).

A webhook URL is a secret: it is kept to deliver, and shown only masked. A channel defined in
config.toml is created or updated on start and cannot be deleted through the API. Adding a
channel, or changing its routing or schedule, re-plans the alerts of every open deadline in the
same transaction.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any

from ..config import CHANNEL_KINDS, Settings
from ..errors import ConflictError, NotFoundError, ValidationError
from ..store import Store
from ..store import records as db
from . import alerts as alert_planning
from .fields import MAX_ID, Field, FieldProblem, check

CHANNEL_FIELDS = {
    "name": Field("text", required=True, max_length=200, allow_empty=False),
    "kind": Field("choice", required=True, choices=CHANNEL_KINDS),
    "url": Field("text", required=True, max_length=2000, allow_empty=False),
    "digest": Field("boolean"),
    "digest_business_days": Field("integer", minimum=1, maximum=60),
    "enabled": Field("boolean"),
}
ROUTING_KEYS = ("matters", "tags", "assignees", "companies")


def mask(url: str) -> str:
    """A webhook URL with its secret part hidden: scheme and host, then the last 4 characters."""
    m = re.match(r"(https?://[^/]+)(/.*)?$", url)
    if not m or not m.group(2):
        return url[:8] + "…"
    return f"{m.group(1)}/…{url[-4:]}"


def present_channel(row: dict[str, Any], counts: dict[str, int] | None = None, *, reveal_secret: bool = False) -> dict[str, Any]:
    """The API form of a channel, its URL masked, with its health."""

    def stamp(value):
        return value.isoformat() if value else None

    out = {
        "id": row["id"],
        "name": row["name"],
        "kind": row["kind"],
        "url": mask(row["url"]),
        "routing": {"matters": row["matter_ids"], "tags": row["tags"], "assignees": row["assignees"], "companies": row["companies"]},
        "schedule": row["schedule"],
        "digest": row["digest"],
        "digest_business_days": row["digest_business_days"],
        "source": row["source"],
        "enabled": row["enabled"],
        "disabled_reason": row["disabled_reason"],
        "paused_until": stamp(row["paused_until"]),
        "last_success_at": stamp(row["last_success_at"]),
        "last_error": row["last_error"],
        "last_error_at": stamp(row["last_error_at"]),
        "alerts": counts or {},
        "created_at": stamp(row["created_at"]),
        "updated_at": stamp(row["updated_at"]),
    }
    if row["kind"] == "webhook":
        # The key receivers verify X-Calendar-Service-Signature with; shown in full once.
        out["signing_secret"] = row["signing_secret"] if reveal_secret else row["signing_secret"][:6] + "…"
    return out


def _routing(value: Any) -> dict[str, list[Any]]:
    if value is None:
        return {key: [] for key in ROUTING_KEYS}
    if not isinstance(value, dict):
        raise ValidationError([("routing", f"must be an object with any of {', '.join(ROUTING_KEYS)}")])
    errors = [(f"routing.{k}", f"unknown; routing has {', '.join(ROUTING_KEYS)}") for k in value if k not in ROUTING_KEYS]
    out: dict[str, list[Any]] = {}
    for key in ROUTING_KEYS:
        items = value.get(key, [])
        if key == "matters":
            ok = isinstance(items, list) and all(isinstance(i, int) and not isinstance(i, bool) and 1 <= i <= MAX_ID for i in items)
            problem = "must be a list of matter ids"
        else:
            ok = isinstance(items, list) and all(isinstance(i, str) and i.strip() and len(i) <= 500 for i in items)
            problem = "must be a list of non-empty texts"
        if not ok:
            errors.append((f"routing.{key}", problem))
        else:
            out[key] = list(dict.fromkeys(items))
    if errors:
        raise ValidationError(errors)
    return out


def _checked(payload: Any, *, partial: bool) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ValidationError([("body", "must be a JSON object with the fields of a channel")])
    extra = {k: payload[k] for k in ("routing", "schedule") if k in payload}
    values = check({k: v for k, v in payload.items() if k not in extra}, CHANNEL_FIELDS, what="channel", partial=partial and not extra)
    if "url" in values and not re.fullmatch(r"https?://[^\s]+", values["url"]):
        raise ValidationError([("url", "must be an http(s) URL, such as a Slack incoming-webhook URL")])
    if "routing" in extra or not partial:
        routing = _routing(extra.get("routing"))
        values.update(matter_ids=routing["matters"], tags=routing["tags"], assignees=routing["assignees"], companies=routing["companies"])
    if "schedule" in extra:
        values["schedule"] = alert_planning.check_schedule(extra["schedule"], "schedule")
    return values


def create_channel(store: Store, settings: Settings, payload: Any, *, now: datetime, source: str = "api") -> dict[str, Any]:
    """A new channel; every open deadline it receives gets its alerts planned."""
    values = {"digest": False, "digest_business_days": 5, "schedule": None, "enabled": True, **_checked(payload, partial=False)}
    values.update(signing_secret="whsec_" + secrets.token_urlsafe(24), source=source, created_at=now, updated_at=now)
    with store.write() as conn:
        channel_id = db.insert_channel(conn, values)
        alert_planning.sync_all(conn, settings, now)
        return present_channel(db.get_channel(conn, channel_id), reveal_secret=True)


def _find(conn, key: int | str) -> dict[str, Any]:
    row = db.get_channel(conn, key) if isinstance(key, int) else db.get_channel_by_name(conn, key)
    if row is None:
        raise NotFoundError(f"there is no channel {key!r}")
    return row


def get_channel(store: Store, key: int | str) -> dict[str, Any]:
    """One channel (by id or name), with its health."""
    with store.read() as conn:
        row = _find(conn, key)
        return present_channel(row, db.alert_counts(conn, row["id"]))


def channel_row(store: Store, key: int | str) -> dict[str, Any]:
    """The stored channel (by id or name), unmasked: for delivering, never for showing."""
    with store.read() as conn:
        return _find(conn, key)


def list_channels(store: Store) -> list[dict[str, Any]]:
    """Every channel, with its health."""
    with store.read() as conn:
        return [present_channel(row, db.alert_counts(conn, row["id"])) for row in db.list_channels(conn)]


def update_channel(store: Store, settings: Settings, key: int | str, payload: Any, *, now: datetime) -> dict[str, Any]:
    """Change a channel; re-enabling one clears its failure and re-plans alerts."""
    values = _checked(payload, partial=True)
    with store.write() as conn:
        row = _find(conn, key)
        if row["source"] == "config" and set(values) & {"name", "kind", "url"}:
            raise ConflictError(f"channel {row['name']!r} is defined in config.toml; change its name, kind and url there")
        if values.get("enabled") and not row["enabled"]:
            values.update(disabled_reason=None, paused_until=None)
        db.update_channel(conn, row["id"], {**values, "updated_at": now})
        if set(values) & {"matter_ids", "tags", "assignees", "companies", "schedule", "enabled"}:
            alert_planning.sync_all(conn, settings, now)
        row = db.get_channel(conn, row["id"])
        return present_channel(row, db.alert_counts(conn, row["id"]))


def delete_channel(store: Store, key: int | str) -> None:
    """Remove a channel and its alerts (not one defined in config.toml)."""
    with store.write() as conn:
        row = _find(conn, key)
        if row["source"] == "config":
            raise ConflictError(f"channel {row['name']!r} is defined in config.toml; remove it there")
        db.delete_channel(conn, row["id"])


def sync_config_channels(store: Store, settings: Settings, *, now: datetime) -> list[str]:
    """Create or update the channels config.toml defines; re-plan alerts. Returns their names."""
    with store.write() as conn:
        for channel in settings.alerts.channels:
            values = {
                "kind": channel.kind,
                "url": channel.url,
                "matter_ids": list(channel.matters),
                "tags": list(channel.tags),
                "assignees": list(channel.assignees),
                "companies": list(channel.companies),
                "digest": channel.digest,
                "digest_business_days": channel.digest_business_days,
            }
            row = db.get_channel_by_name(conn, channel.name)
            if row is None:
                db.insert_channel(
                    conn,
                    {
                        **values,
                        "name": channel.name,
                        "schedule": None,
                        "enabled": True,
                        "source": "config",
                        "signing_secret": "whsec_" + secrets.token_urlsafe(24),
                        "created_at": now,
                        "updated_at": now,
                    },
                )
            elif any(row[k] != v for k, v in values.items()) or row["source"] != "config":
                db.update_channel(conn, row["id"], {**values, "source": "config", "updated_at": now})
        alert_planning.sync_all(conn, settings, now)
    return [c.name for c in settings.alerts.channels]


def present_alert(row: dict[str, Any], deliveries: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The API form of an alert, with its delivery attempts when given."""

    def stamp(value):
        return value.isoformat() if value else None

    out = {
        "id": row["id"],
        "deadline_id": row["deadline_id"],
        "channel_id": row["channel_id"],
        "offset": row["offset_code"],
        "generation": row["generation"],
        "due_at": stamp(row["due_at"]),
        "status": row["status"],
        "attempts": row["attempts"],
        "next_attempt_at": stamp(row["next_attempt_at"]) if row["status"] == "pending" else None,
        "sent_at": stamp(row["sent_at"]),
        "late": row["late"],
        "last_http_status": row["last_http_status"],
        "last_error": row["last_error"],
    }
    if deliveries is not None:
        out["deliveries"] = [
            {
                "attempt": d["attempt"],
                "worker": d["worker"],
                "started_at": stamp(d["started_at"]),
                "duration_ms": d["duration_ms"],
                "http_status": d["http_status"],
                "outcome": d["outcome"],
                "error": d["error"],
            }
            for d in deliveries
        ]
    return out


def list_alerts(store: Store, *, status: str | None, channel: int | None, deadline: int | None, limit: int) -> list[dict[str, Any]]:
    """Alerts, newest first: e.g. status=dead for the ones to look at."""
    statuses = None
    if status:
        statuses = [s.strip() for s in status.split(",") if s.strip()]
        known = ("pending", "sending", "sent", "dead", "superseded", "cancelled")
        bad = [s for s in statuses if s not in known]
        if bad:
            raise ValidationError([("status", f"{', '.join(bad)} is not a status; use {', '.join(known)}")])
    with store.read() as conn:
        rows = db.list_alerts(conn, status=statuses, channel_id=channel, deadline_id=deadline, limit=limit)
        return [present_alert(r, db.list_deliveries(conn, r["id"])) for r in rows]


def retry_alert(store: Store, alert_id: int, *, now: datetime) -> dict[str, Any]:
    """Send a dead alert again, now, with its attempts reset."""
    with store.write() as conn:
        row = db.get_alert(conn, alert_id)
        if row is None:
            raise NotFoundError(f"there is no alert {alert_id}")
        if row["status"] != "dead":
            raise ConflictError(f"alert {alert_id} is {row['status']}; only a dead alert can be retried")
        channel = db.get_channel(conn, row["channel_id"])
        if not channel["enabled"]:
            raise ConflictError(f"channel {channel['name']!r} is disabled ({channel['disabled_reason']}); fix it and enable it first")
        db.update_alert(
            conn, alert_id, {"status": "pending", "attempts": 0, "next_attempt_at": now, "claim_token": None, "lease_until": None}
        )
        return present_alert(db.get_alert(conn, alert_id))


def parse_id_arg(value: str | None, name: str) -> int | None:
    """An id from a query parameter, or None."""
    if value is None:
        return None
    from .fields import parse_id

    try:
        return parse_id(value, name)
    except FieldProblem as problem:
        raise ValidationError([(name, str(problem))]) from None
