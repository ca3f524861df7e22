"""The JSON API under /api/v1: matters, deadlines, the engine as a service, calendars.

Views parse the request, call one service function, and return JSON. Every request but the
OpenAPI description needs ``Authorization: Bearer <token>``; writes need a token that is not
read-only.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, g, jsonify, request, url_for
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from ..errors import AuthError, CalendarServiceError, OutOfRangeError, RuleSyntaxError, UnknownCalendarError, ValidationError
from ..services import channels as channel_service
from ..services import companies as company_service
from ..services import compute as compute_service
from ..services import deadlines as deadline_service
from ..services import feeds as feed_service
from ..services import filings as filing_service
from ..services import letters as letter_service
from ..services import matters as matter_service
from ..services import tokens as token_service
from ..services.fields import MAX_ID, FieldProblem, parse_date_value, parse_whole_number, parse_year
from .context import state
from .openapi import SPEC

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC_ENDPOINTS = {"api.openapi"}
# Ids beyond what the store's integer columns hold match no route: 404, not a database error.
ID = f"int(max={MAX_ID})"
DEFAULT_LIMIT, MAX_LIMIT = 50, 500


@bp.before_request
def authenticate() -> None:
    """Check the bearer token; remember who is acting for the history."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError(
            "send the header 'Authorization: Bearer <token>'; create a token with: python -m calendar_service tokens create NAME"
        )
    row = token_service.authenticate(state()["store"], token.strip())
    if request.method not in ("GET", "HEAD", "OPTIONS") and row["read_only"]:
        raise AuthError(f"token {row['name']!r} is read-only; changes need a token created without --read-only", forbidden=True)
    g.actor = f"token:{row['name']}"


@bp.before_request
def check_query_text() -> None:
    """Refuse query values no database can compare as text (NUL, lone surrogates)."""
    errors = []
    for name, value in request.args.items(multi=True):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            errors.append((name, "is not valid UTF-8 text"))
            continue
        if "\x00" in value:
            errors.append((name, "must not contain NUL characters"))
    if errors:
        raise ValidationError(errors)


def _body() -> Any:
    """The JSON body; an absent body is an empty object (for the action endpoints)."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    mimetype = request.mimetype or ""
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise UnsupportedMediaType(f"send the body as application/json, not {mimetype or 'without a Content-Type'}")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from None
    except RecursionError:
        raise BadRequest("the body is not usable JSON: it is nested too deeply") from None


def _now():
    return state()["clock"]()


def _limit() -> int:
    text = request.args.get("limit")
    if text is None:
        return DEFAULT_LIMIT
    try:
        return parse_whole_number(text, 1, MAX_LIMIT)
    except FieldProblem as problem:
        raise ValidationError([("limit", str(problem))]) from None


def _page(items: list[dict[str, Any]], cursor: str | None) -> Response:
    next_url = None
    if cursor:
        args = {k: v for k, v in request.args.items() if k != "cursor"}
        next_url = url_for(request.endpoint, **(request.view_args or {}), **args, cursor=cursor)
    return jsonify({"items": items, "next": next_url})


def _created(body: dict[str, Any], endpoint: str, **ids: int) -> Response:
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = url_for(endpoint, **ids)
    return response


def _reject_unknown_args(*known: str) -> None:
    unknown = [k for k in request.args if k not in known]
    if unknown:
        raise ValidationError([(k, f"unknown query parameter; this list takes {', '.join(known)}") for k in unknown])


# -- matters ---------------------------------------------------------------------------------


@bp.get("/matters")
def list_matters():
    _reject_unknown_args("tag", "owner", "company", "q", "limit", "cursor")
    filters = {k: request.args[k] for k in ("tag", "owner", "company") if k in request.args}
    if request.args.get("q"):
        filters["text"] = request.args["q"]
    items, cursor = matter_service.list_matters(state()["store"], filters=filters, cursor=request.args.get("cursor"), limit=_limit())
    return _page(items, cursor)


@bp.post("/matters")
def create_matter():
    matter = matter_service.create_matter(state()["store"], _body(), actor=g.actor, now=_now())
    return _created(matter, "api.get_matter", matter_id=matter["id"])


@bp.get(f"/matters/<{ID}:matter_id>")
def get_matter(matter_id: int):
    return jsonify(matter_service.get_matter(state()["store"], matter_id))


@bp.patch(f"/matters/<{ID}:matter_id>")
def update_matter(matter_id: int):
    return jsonify(matter_service.update_matter(state()["store"], matter_id, _body(), actor=g.actor, now=_now()))


@bp.delete(f"/matters/<{ID}:matter_id>")
def delete_matter(matter_id: int):
    _reject_unknown_args("cascade")
    cascade = request.args.get("cascade", "false")
    if cascade not in ("true", "false"):
        raise ValidationError([("cascade", "must be true or false")])
    matter_service.delete_matter(state()["store"], matter_id, actor=g.actor, now=_now(), cascade=cascade == "true")
    return Response(status=204)


@bp.get(f"/matters/<{ID}:matter_id>/history")
def matter_history(matter_id: int):
    return jsonify({"items": matter_service.matter_history(state()["store"], matter_id)})


# -- deadlines -------------------------------------------------------------------------------


@bp.get("/deadlines")
def list_deadlines():
    _reject_unknown_args("status", "due_before", "due_after", "assignee", "matter", "tag", "q", "limit", "cursor")
    filters = deadline_service.parse_list_filters(dict(request.args))
    items, cursor = deadline_service.list_deadlines(
        state()["store"], state()["settings"], filters=filters, cursor=request.args.get("cursor"), limit=_limit()
    )
    return _page(items, cursor)


@bp.post("/deadlines")
def create_deadline():
    deadline = deadline_service.create_deadline(state()["store"], state()["settings"], _body(), actor=g.actor, now=_now())
    return _created(deadline, "api.get_deadline", deadline_id=deadline["id"])


@bp.get(f"/deadlines/<{ID}:deadline_id>")
def get_deadline(deadline_id: int):
    return jsonify(deadline_service.get_deadline(state()["store"], state()["settings"], deadline_id))


@bp.patch(f"/deadlines/<{ID}:deadline_id>")
def update_deadline(deadline_id: int):
    return jsonify(deadline_service.update_deadline(state()["store"], state()["settings"], deadline_id, _body(), actor=g.actor, now=_now()))


@bp.delete(f"/deadlines/<{ID}:deadline_id>")
def delete_deadline(deadline_id: int):
    deadline_service.delete_deadline(state()["store"], deadline_id, actor=g.actor, now=_now())
    return Response(status=204)


ACTIONS = {
    "complete": deadline_service.complete_deadline,
    "extend": deadline_service.extend_deadline,
    "reopen": deadline_service.reopen_deadline,
    "withdraw": deadline_service.withdraw_deadline,
}


@bp.post(f"/deadlines/<{ID}:deadline_id>/<any(complete, extend, reopen, withdraw):action>")
def deadline_action(deadline_id: int, action: str):
    change = ACTIONS[action]
    return jsonify(change(state()["store"], state()["settings"], deadline_id, _body(), actor=g.actor, now=_now()))


@bp.post(f"/deadlines/<{ID}:deadline_id>/12b-25")
def file_12b25(deadline_id: int):
    return jsonify(company_service.file_12b25(state()["store"], state()["settings"], deadline_id, actor=g.actor, now=_now()))


# -- the compliance calendar -------------------------------------------------------------------


@bp.get("/filing-rules")
def list_filing_rules():
    return jsonify({"items": filing_service.list_rules(state()["settings"])})


@bp.post("/filings")
def create_filing():
    deadline = company_service.create_filing(state()["store"], state()["settings"], _body(), actor=g.actor, now=_now())
    return _created(deadline, "api.get_deadline", deadline_id=deadline["id"])


@bp.get("/companies")
def list_companies():
    return jsonify({"items": company_service.list_companies(state()["store"])})


@bp.post("/companies")
def create_company():
    company = company_service.create_company(state()["store"], _body(), actor=g.actor, now=_now())
    return _created(company, "api.get_company", company_id=company["id"])


@bp.get(f"/companies/<{ID}:company_id>")
def get_company(company_id: int):
    return jsonify(company_service.get_company(state()["store"], company_id))


@bp.patch(f"/companies/<{ID}:company_id>")
def update_company(company_id: int):
    return jsonify(company_service.update_company(state()["store"], company_id, _body(), actor=g.actor, now=_now()))


@bp.post(f"/companies/<{ID}:company_id>/generate")
def generate_company_year(company_id: int):
    return jsonify(company_service.generate_year(state()["store"], state()["settings"], company_id, _body(), actor=g.actor, now=_now()))


@bp.get(f"/deadlines/<{ID}:deadline_id>/history")
def deadline_history(deadline_id: int):
    return jsonify(deadline_service.deadline_history(state()["store"], deadline_id))


# -- feeds ---------------------------------------------------------------------------------


def _feed(row: dict[str, Any]) -> dict[str, Any]:
    from .feed_routes import base_url

    return feed_service.present_feed(row, state()["secret"], base_url())


@bp.get("/feeds")
def list_feeds():
    return jsonify({"items": [_feed(row) for row in feed_service.list_feeds(state()["store"])]})


@bp.post("/feeds")
def create_feed():
    feed = _feed(feed_service.create_feed(state()["store"], state()["secret"], _body(), now=_now()))
    return _created(feed, "api.get_feed", feed_id=feed["id"])


@bp.get(f"/feeds/<{ID}:feed_id>")
def get_feed(feed_id: int):
    return jsonify(_feed(feed_service.get_feed(state()["store"], feed_id)))


@bp.patch(f"/feeds/<{ID}:feed_id>")
def update_feed(feed_id: int):
    return jsonify(_feed(feed_service.update_feed(state()["store"], feed_id, _body(), now=_now())))


@bp.post(f"/feeds/<{ID}:feed_id>/rotate")
def rotate_feed(feed_id: int):
    return jsonify(_feed(feed_service.rotate_feed(state()["store"], state()["secret"], feed_id, now=_now())))


@bp.delete(f"/feeds/<{ID}:feed_id>")
def delete_feed(feed_id: int):
    feed_service.delete_feed(state()["store"], feed_id)
    return Response(status=204)


# -- alert channels and alerts --------------------------------------------------------------


@bp.get("/channels")
def list_channels():
    return jsonify({"items": channel_service.list_channels(state()["store"])})


@bp.post("/channels")
def create_channel():
    channel = channel_service.create_channel(state()["store"], state()["settings"], _body(), now=_now())
    return _created(channel, "api.get_channel", channel_id=channel["id"])


@bp.get(f"/channels/<{ID}:channel_id>")
def get_channel(channel_id: int):
    return jsonify(channel_service.get_channel(state()["store"], channel_id))


@bp.patch(f"/channels/<{ID}:channel_id>")
def update_channel(channel_id: int):
    return jsonify(channel_service.update_channel(state()["store"], state()["settings"], channel_id, _body(), now=_now()))


@bp.delete(f"/channels/<{ID}:channel_id>")
def delete_channel(channel_id: int):
    channel_service.delete_channel(state()["store"], channel_id)
    return Response(status=204)


@bp.post(f"/channels/<{ID}:channel_id>/test")
def test_channel(channel_id: int):
    """Send a test message now, through the same delivery path as real alerts."""
    from ..alerts.dispatch import Dispatcher, send_test
    from .feed_routes import base_url

    st = state()
    dispatcher = Dispatcher(st["store"], st["settings"], st["secret"], clock=st["clock"], base_url=base_url(), worker="web:test")
    try:
        return jsonify(send_test(dispatcher, channel_id))
    finally:
        dispatcher.close()


@bp.get("/alerts")
def list_alerts():
    _reject_unknown_args("status", "channel", "deadline", "limit")
    return jsonify(
        {
            "items": channel_service.list_alerts(
                state()["store"],
                status=request.args.get("status"),
                channel=channel_service.parse_id_arg(request.args.get("channel"), "channel"),
                deadline=channel_service.parse_id_arg(request.args.get("deadline"), "deadline"),
                limit=_limit(),
            )
        }
    )


@bp.post(f"/alerts/<{ID}:alert_id>/retry")
def retry_alert(alert_id: int):
    return jsonify(channel_service.retry_alert(state()["store"], alert_id, now=_now()))


@bp.get(f"/deadlines/<{ID}:deadline_id>/alerts")
def deadline_alerts(deadline_id: int):
    deadline_service.get_deadline(state()["store"], state()["settings"], deadline_id)  # 404 for an unknown deadline
    items = channel_service.list_alerts(state()["store"], status=None, channel=None, deadline=deadline_id, limit=MAX_LIMIT)
    return jsonify({"items": items})


# -- letters -------------------------------------------------------------------------------


@bp.post("/letters")
def ingest_letter():
    """File one letter sent as text/plain, application/pdf, or a multipart upload (field "file")."""
    _reject_unknown_args("dry_run", "calendar")
    dry_run = request.args.get("dry_run", "false")
    if dry_run not in ("true", "false"):
        raise ValidationError([("dry_run", "must be true or false")])
    settings = state()["settings"]
    request.max_content_length = settings.server.max_letter_bytes
    name, data = _letter_upload()
    result = letter_service.ingest(
        state()["store"],
        settings,
        data,
        name,
        actor=g.actor,
        now=_now(),
        dry_run=dry_run == "true",
        calendar=request.args.get("calendar"),
        max_bytes=settings.server.max_letter_bytes,
    )
    response = jsonify(result)
    if not result["dry_run"] and result["action"] in ("created", "extended"):
        response.status_code = 201
    return response


def _letter_upload() -> tuple[str, bytes]:
    mimetype = request.mimetype or ""
    if mimetype == "multipart/form-data":
        uploads = [f for f in request.files.getlist("file") if f and f.filename is not None]
        if len(uploads) != 1:
            raise ValidationError([("file", "upload exactly one letter in the form field 'file'")])
        return letter_service.safe_name(uploads[0].filename), uploads[0].read()
    if mimetype == "application/pdf":
        return "letter.pdf", request.get_data()
    if mimetype == "text/plain":
        data = request.get_data()
        charset = request.mimetype_params.get("charset", "").lower()
        if charset and charset not in ("utf-8", "utf8", "us-ascii"):
            try:
                data = data.decode(charset).encode("utf-8")
            except (LookupError, UnicodeDecodeError):
                raise ValidationError([("letter", f"is not valid {charset} text; send it as UTF-8")]) from None
        return "letter.txt", data
    raise UnsupportedMediaType(
        f"send the letter as text/plain, application/pdf or multipart/form-data, not {mimetype or 'without a Content-Type'}"
    )


@bp.get(f"/matters/<{ID}:matter_id>/letters")
def matter_letters(matter_id: int):
    return jsonify({"items": letter_service.letters_of_matter(state()["store"], matter_id)})


# -- the engine as a service -----------------------------------------------------------------


@bp.get("/compute")
def compute():
    _reject_unknown_args("start", "rule", "calendar")
    errors = [(name, "is required") for name in ("start", "rule") if not request.args.get(name)]
    if errors:
        raise ValidationError(errors)
    try:
        start = parse_date_value(request.args["start"])
    except FieldProblem as problem:
        raise ValidationError([("start", str(problem))]) from None
    try:
        result = compute_service.compute_deadline(start, request.args["rule"], request.args.get("calendar"), state()["settings"])
    except ValidationError:
        raise
    except CalendarServiceError as exc:
        raise ValidationError([(_field_of(exc), str(exc))]) from None
    return jsonify(result.to_dict())


def _field_of(exc: CalendarServiceError) -> str:
    if isinstance(exc, RuleSyntaxError):
        return "rule"
    if isinstance(exc, UnknownCalendarError):
        return "calendar"
    if isinstance(exc, OutOfRangeError):
        return "start"
    return "query"


@bp.get("/calendars")
def calendars():
    found = compute_service.list_calendars(state()["settings"])
    return jsonify({"items": [{"name": name, "description": text} for name, text in found]})


@bp.get("/calendars/<path:name>/holidays")
def calendar_holidays(name: str):
    _reject_unknown_args("year")
    if not request.args.get("year"):
        raise ValidationError([("year", "is required: a year from 1900 to 2200, e.g. ?year=2025")])
    try:
        year = parse_year(request.args["year"])
    except FieldProblem as problem:
        raise ValidationError([("year", str(problem))]) from None
    try:
        result = compute_service.days_off_in_year(year, name, state()["settings"])
    except CalendarServiceError as exc:
        raise ValidationError([("year" if isinstance(exc, OutOfRangeError) else "calendar", str(exc))]) from None
    return jsonify(result.to_dict())


@bp.get("/openapi.json")
def openapi():
    return jsonify(SPEC)
