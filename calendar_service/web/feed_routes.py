"""The subscribed URLs: /feeds/<token>.ics (a feed) and /feeds/holidays/<calendar>.ics (public).

Calendar clients send no credentials, so the token in the URL is the credential: an unknown
or rotated one answers 404, never 401 (a 401 makes Outlook prompt for a password). Answers are
byte-stable, with an ETag and a Last-Modified taken from the data, so that a client's
revalidation costs one small query and a 304.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
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


def _calendar_response(key: object, last_modified: datetime, body: Callable[[], bytes]) -> Response:
    """A calendar answer: 304 when the client's copy is current, else the bytes (gzip when asked for).

    A 1,000-event feed is about 1.5 MB and compresses about 14 times; it is compressed once per
    snapshot and only for a client that sends Accept-Encoding: gzip (some calendar clients have
    mishandled compression they did not ask for). Each encoding has its own strong ETag.
    """
    etag = hashlib.sha256(repr((key, RENDER_VERSION)).encode()).hexdigest()[:32]
    compress = request.accept_encodings["gzip"] > 0
    shown_etag = etag + "-gzip" if compress else etag
    response = Response(status=200)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response.headers["Cache-Control"] = "private, max-age=0, must-revalidate"
    response.headers["Vary"] = "Accept-Encoding"
    response.set_etag(shown_etag)
    response.last_modified = last_modified.replace(microsecond=0)
    if request.if_none_match:
        if request.if_none_match.contains(etag) or request.if_none_match.contains(etag + "-gzip"):
            response.status_code = 304
            return response
    elif request.if_modified_since and last_modified.replace(microsecond=0) <= request.if_modified_since:
        response.status_code = 304
        return response
    if compress:
        response.set_data(state()["feed_cache"].gzipped(key, body))
        response.headers["Content-Encoding"] = "gzip"
    else:
        response.set_data(body())
    return response


@bp.get("/feeds/<token>.ics")
def subscribed(token: str):
    st = state()
    store, settings, cache = st["store"], st["settings"], st["feed_cache"]
    feed, data_version = feed_service.feed_and_version(store, token)
    today = _today()
    # The snapshot (an aggregate over the feed's deadlines) is recomputed only when a matter or
    # deadline was written since: a poll with nothing changed costs one indexed read.
    memo_key = ("snapshot", feed["id"], feed["version"], feed["token_salt"], today)
    remembered = cache.recall(memo_key)
    if remembered is not None and remembered[0] == data_version:
        key, last_modified = remembered[1], remembered[2]
    else:
        key, last_modified = feed_service.snapshot(store, feed, today)
        cache.remember(memo_key, (data_version, key, last_modified))
    base = base_url()

    def body() -> bytes:
        return feeds.deadline_feed(
            cache,
            feed,
            key,
            lambda: feed_service.event_keys(store, feed, today),
            lambda ids: feed_service.rows_by_id(store, ids),
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
