"""The subscribed URLs: /feeds/<token>.ics (a feed) and /feeds/holidays/<calendar>.ics (public).

Calendar clients send no credentials, so the token in the URL is the credential: an unknown
or rotated one answers 404, never 401 (a 401 makes Outlook prompt for a password). Answers are
byte-stable, with an ETag and a Last-Modified taken from the data, so that a client's
revalidation costs one small query and a 304.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, request

from .. import feeds
from ..calendars import get_calendar
from ..errors import CalendarServiceError, NotFoundError
from ..services import deadlines as deadline_service
from ..services import feeds as feed_service
from .context import state

bp = Blueprint("feeds", __name__)
RENDER_VERSION = "1"  # bump when the rendering changes, so that clients' ETags stop matching


def base_url() -> str:
    """The public address of the service (server.public_url, else this request's host)."""
    return state()["settings"].server.public_url or request.host_url.rstrip("/")


def _today() -> date:
    settings = state()["settings"]
    return state()["clock"]().astimezone(ZoneInfo(settings.engine.default_timezone)).date()


def _calendar_response(key: object, last_modified: datetime, body: callable) -> Response:
    etag = hashlib.sha256(repr((key, RENDER_VERSION)).encode()).hexdigest()[:32]
    response = Response(status=200)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response.headers["Cache-Control"] = "private, max-age=0, must-revalidate"
    response.set_etag(etag)
    response.last_modified = last_modified.replace(microsecond=0)
    if request.if_none_match:
        if request.if_none_match.contains(etag):
            response.status_code = 304
            return response
    elif request.if_modified_since and last_modified.replace(microsecond=0) <= request.if_modified_since:
        response.status_code = 304
        return response
    response.set_data(body())
    return response


@bp.get("/feeds/<token>.ics")
def subscribed(token: str):
    st = state()
    store, settings = st["store"], st["settings"]
    feed = feed_service.feed_for_token(store, token)
    today = _today()
    key, last_modified = feed_service.snapshot(store, feed, today)
    base = base_url()

    def body() -> bytes:
        return feeds.deadline_feed(
            st["feed_cache"],
            feed,
            key,
            lambda: feed_service.feed_rows(store, feed, today),
            lambda row: deadline_service.present_deadline(row, settings),
            settings=settings,
            uid_domain=st["uid_domain"],
            link=lambda deadline_id: f"{base}/api/v1/deadlines/{deadline_id}",
        )

    return _calendar_response((key, base, st["uid_domain"]), last_modified, body)


@bp.get("/feeds/holidays/<path:name>.ics")
def holidays(name: str):
    st = state()
    try:
        calendar = get_calendar(name, st["settings"])
    except CalendarServiceError as exc:
        raise NotFoundError(f"no holiday feed for {name!r}: {exc}") from None
    year = _today().year
    first, last = date(year - 1, 1, 1), date(year + 2, 12, 31)
    # The holidays of these years change only with the data and the window, so both date it.
    last_modified = datetime(first.year, 1, 1, tzinfo=UTC)
    key = ("holidays", calendar.name, calendar.description, first, last, st["uid_domain"])
    return _calendar_response(
        key,
        last_modified,
        lambda: feeds.holiday_feed(st["feed_cache"], calendar, first, last, settings=st["settings"], uid_domain=st["uid_domain"]),
    )
