"""Feeds: named, scoped iCalendar subscriptions behind secret URLs.

A feed's token is HMAC-SHA-256(instance secret, "feed:" + salt), base64url: 256 bits no one
can guess without the secret. The database keeps the token's SHA-256 (for lookup) and the
salt, never the token, yet the service can show a feed's URL again; rotating draws a new
salt, so the old URL answers 404 at once. The feed's scope is the AND of matter, assignee,
tag and company (each optional).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

from ..errors import NotFoundError, ValidationError
from ..store import Store
from ..store import records as db
from .fields import Field, check

FEED_FIELDS = {
    "name": Field("text", required=True, max_length=200, allow_empty=False),
    "matter_id": Field("id", nullable=True),
    "assignee": Field("text", nullable=True, max_length=200, allow_empty=False),
    "tag": Field("text", nullable=True, max_length=200, allow_empty=False),
    "company": Field("text", nullable=True, max_length=500, allow_empty=False),
    "include_completed": Field("boolean"),
    "window_days_back": Field("integer", minimum=0, maximum=36500),  # up to a century: an archive feed
    "window_days_ahead": Field("integer", minimum=1, maximum=3650),
    "reminders": Field("duration_list"),
    "cutoff_events": Field("boolean"),
}
DEFAULTS = {
    "matter_id": None,
    "assignee": None,
    "tag": None,
    "company": None,
    "include_completed": False,
    "window_days_back": 90,
    "window_days_ahead": 730,
    "reminders": ["PT15H"],  # 9:00 the day before an all-day event (15 hours before its midnight start)
    "cutoff_events": False,
}
SCOPE = ("matter_id", "assignee", "tag", "company")


def token_for(secret: bytes, salt: str) -> str:
    """The feed token for a salt."""
    digest = hmac.new(secret, f"feed:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def hash_token(token: str) -> str:
    """The stored form of a feed token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def installation_id(secret: bytes) -> str:
    """A short stable name for this installation, used in iCalendar UIDs."""
    return hmac.new(secret, b"uid", hashlib.sha256).hexdigest()[:12]


def links(base_url: str, token: str, name: str) -> dict[str, str]:
    """The feed's URL, its webcal:// URL, and one-click subscribe links."""
    url = f"{base_url.rstrip('/')}/feeds/{token}.ics"
    webcal = "webcal://" + url.split("://", 1)[1]
    encoded, label = quote(url, safe=""), quote(name, safe="")
    return {
        "url": url,
        "webcal_url": webcal,
        # Undocumented but long-stable deep links (see README); Google's cid= takes webcal:// only.
        "outlook_work": f"https://outlook.office.com/calendar/addfromweb?url={encoded}&name={label}",
        "outlook_personal": f"https://outlook.live.com/calendar/0/addfromweb?url={encoded}&name={label}",
        "google": f"https://calendar.google.com/calendar/r?cid={quote(webcal, safe='')}",
        "apple": webcal,
    }


def present_feed(row: dict[str, Any], secret: bytes, base_url: str) -> dict[str, Any]:
    """The API form of a feed, with its URLs."""
    token = token_for(secret, row["token_salt"])
    return {
        "id": row["id"],
        "name": row["name"],
        "scope": {key: row[key] for key in SCOPE},
        **{key: row[key] for key in ("include_completed", "window_days_back", "window_days_ahead", "reminders", "cutoff_events")},
        **links(base_url, token, row["name"]),
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
    }


def _checked(payload: Any, *, partial: bool) -> dict[str, Any]:
    if isinstance(payload, dict) and isinstance(payload.get("scope"), dict):
        unknown = [k for k in payload["scope"] if k not in SCOPE]
        if unknown:
            raise ValidationError([(f"scope.{k}", f"unknown; a scope has {', '.join(SCOPE)}") for k in unknown])
        payload = {**{k: v for k, v in payload.items() if k != "scope"}, **payload["scope"]}
    return check(payload, FEED_FIELDS, what="feed", partial=partial)


def create_feed(store: Store, secret: bytes, payload: Any, *, now: datetime) -> dict[str, Any]:
    """A new feed (its URL comes with it)."""
    values = {**DEFAULTS, **_checked(payload, partial=False)}
    salt = secrets.token_hex(16)
    with store.write() as conn:
        if values["matter_id"] is not None and db.get_matter(conn, values["matter_id"]) is None:
            raise ValidationError([("scope.matter_id", f"there is no matter {values['matter_id']}")])
        feed_id = db.insert_feed(
            conn,
            {
                **values,
                "token_salt": salt,
                "token_hash": hash_token(token_for(secret, salt)),
                "version": 1,
                "created_at": now,
                "updated_at": now,
            },
        )
        return db.get_feed(conn, feed_id)


def get_feed(store: Store, feed_id: int) -> dict[str, Any]:
    """One feed, or NotFoundError."""
    with store.read() as conn:
        row = db.get_feed(conn, feed_id)
    if row is None:
        raise NotFoundError(f"there is no feed {feed_id}")
    return row


def list_feeds(store: Store) -> list[dict[str, Any]]:
    """Every feed."""
    with store.read() as conn:
        return db.list_feeds(conn)


def update_feed(store: Store, feed_id: int, payload: Any, *, now: datetime) -> dict[str, Any]:
    """Rename a feed or change its scope or options."""
    values = _checked(payload, partial=True)
    with store.write() as conn:
        row = db.get_feed(conn, feed_id)
        if row is None:
            raise NotFoundError(f"there is no feed {feed_id}")
        if values.get("matter_id") is not None and db.get_matter(conn, values["matter_id"]) is None:
            raise ValidationError([("scope.matter_id", f"there is no matter {values['matter_id']}")])
        if any(row[k] != v for k, v in values.items()):
            db.update_feed(conn, feed_id, {**values, "version": row["version"] + 1, "updated_at": now})
        return db.get_feed(conn, feed_id)


def rotate_feed(store: Store, secret: bytes, feed_id: int, *, now: datetime) -> dict[str, Any]:
    """Give a feed a new secret URL; the old one answers 404 from now on."""
    salt = secrets.token_hex(16)
    with store.write() as conn:
        row = db.get_feed(conn, feed_id)
        if row is None:
            raise NotFoundError(f"there is no feed {feed_id}")
        db.update_feed(conn, feed_id, {"token_salt": salt, "token_hash": hash_token(token_for(secret, salt)), "updated_at": now})
        return db.get_feed(conn, feed_id)


def delete_feed(store: Store, feed_id: int) -> None:
    """Remove a feed; its URL answers 404 from now on."""
    with store.write() as conn:
        if db.get_feed(conn, feed_id) is None:
            raise NotFoundError(f"there is no feed {feed_id}")
        db.delete_feed(conn, feed_id)


def feed_for_token(store: Store, token: str) -> dict[str, Any]:
    """The feed a secret URL names, or NotFoundError (a feed URL never answers 401)."""
    if not token or len(token) > 100:
        raise NotFoundError("no such feed")
    with store.read() as conn:
        row = db.get_feed_by_hash(conn, hash_token(token))
    if row is None:
        raise NotFoundError("no such feed; it may have been rotated or deleted")
    return row


def feed_and_version(store: Store, token: str) -> tuple[dict[str, Any], int]:
    """The feed a secret URL names and the current data version, in one read (a feed poll's first step)."""
    if not token or len(token) > 100:
        raise NotFoundError("no such feed")
    with store.read() as conn:
        row = db.get_feed_by_hash(conn, hash_token(token))
        version = db.current_data_version(conn)
    if row is None:
        raise NotFoundError("no such feed; it may have been rotated or deleted")
    return row, version


def event_keys(store: Store, feed: dict[str, Any], today: date) -> list[tuple[Any, ...]]:
    """What decides each shown deadline's event bytes (see records.feed_event_keys)."""
    first, last = window_of(feed, today)
    with store.read() as conn:
        return db.feed_event_keys(conn, feed, statuses_of(feed), first, last)


def rows_by_id(store: Store, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Whole deadline rows, for the events that must be rendered."""
    with store.read() as conn:
        return db.deadlines_by_id(conn, ids)


def statuses_of(feed: dict[str, Any]) -> tuple[str, ...]:
    """The deadline statuses a feed shows: open and extended, and done when asked. Never withdrawn."""
    return ("open", "extended", "done") if feed["include_completed"] else ("open", "extended")


def window_of(feed: dict[str, Any], today: date) -> tuple[date, date]:
    """The due dates a feed shows, around ``today``."""
    return today - timedelta(days=feed["window_days_back"]), today + timedelta(days=feed["window_days_ahead"])


def snapshot(store: Store, feed: dict[str, Any], today: date) -> tuple[tuple[Any, ...], datetime]:
    """What the feed's content depends on (a key that changes when it can) and when it last changed.

    One aggregate query; the deadlines themselves are read only when the content must be built.
    The day the window starts is part of both, since deadlines enter and leave the window daily.
    """
    first, last = window_of(feed, today)
    with store.read() as conn:
        fingerprint = db.feed_fingerprint(conn, feed, statuses_of(feed), first, last)
    key = (feed["id"], feed["version"], feed["token_salt"], first.isoformat(), last.isoformat(), fingerprint)
    stamps = [feed["updated_at"], datetime.combine(today, time(0), tzinfo=feed["updated_at"].tzinfo)]
    if fingerprint[1]:
        stamps.append(datetime.fromisoformat(fingerprint[1]))
    return key, max(stamps)


def feed_rows(store: Store, feed: dict[str, Any], today: date) -> list[dict[str, Any]]:
    """The deadlines the feed shows."""
    first, last = window_of(feed, today)
    with store.read() as conn:
        return db.feed_deadlines(conn, feed, statuses_of(feed), first, last)
