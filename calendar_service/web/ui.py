"""The web pages: server-rendered Jinja templates over the same services as the API.

Security: a signed session cookie (HttpOnly, Secure, SameSite=Lax) after sign-in; every POST
carries the session's CSRF token or is refused; a Content-Security-Policy that allows no inline
script or style (the little JavaScript there is lives in static/app.js); roles: a viewer reads,
an editor changes deadlines, letters and feeds, an admin also channels.
"""

from __future__ import annotations

import calendar as month_calendar
import hmac
import secrets
from datetime import date, timedelta
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, session, url_for
from markupsafe import Markup, escape

from ..calendars import available_calendars, get_calendar
from ..errors import CalendarServiceError, ValidationError
from ..services import channels as channel_service
from ..services import companies as company_service
from ..services import compute as compute_service
from ..services import deadlines as deadline_service
from ..services import feeds as feed_service
from ..services import filings as filing_service
from ..services import letters as letter_service
from ..services import matters as matter_service
from ..services import users as user_service
from ..store import records as db
from .context import state

bp = Blueprint("ui", __name__, template_folder="templates", static_folder="static", static_url_path="/static")
PUBLIC = {"ui.login", "ui.static"}


# -- sign-in, CSRF, roles -------------------------------------------------------------------


def csrf_token() -> str:
    """The session's CSRF token (made on first use)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


@bp.before_request
def load_user() -> None:
    # Only the pages read the session: the API and the feeds must not send
    # "Vary: Cookie", or caches would keep one copy of a feed per browser.
    g.user = None
    user_id = session.get("uid")
    if user_id is not None:
        g.user = user_service.get_user(state()["store"], user_id)
        if g.user is None:
            session.clear()  # the user was removed


@bp.before_request
def guard():
    if request.method == "POST":
        sent = request.form.get("csrf_token", "")
        if not sent or "csrf" not in session or not hmac.compare_digest(sent, session["csrf"]):
            abort(400, "the form has expired or did not come from this site; reload the page and try again")
    if request.endpoint not in PUBLIC and g.user is None:
        return redirect(url_for("ui.login", next=request.full_path if request.query_string else request.path))
    return None


def needs(role: str):
    """A view that only users of ``role`` or above may use."""

    def wrap(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if not user_service.can(g.user["role"], role):
                abort(403, f"this needs the {role} role; you are a {g.user['role']}")
            return view(*args, **kwargs)

        return checked

    return wrap


@bp.app_context_processor
def template_helpers() -> dict[str, Any]:
    return {
        "csrf_token": csrf_token,
        "current_user": lambda: g.get("user"),
        "can": lambda role: bool(g.get("user")) and user_service.can(g.user["role"], role),
    }


@bp.app_template_filter("cutoff")
def cutoff_filter(value: str) -> str:
    """An ISO cutoff as people read it: "5:30 PM ET" (or the zone's abbreviation)."""
    from datetime import datetime

    from ..alerts.message import cutoff_words

    moment = datetime.fromisoformat(value).astimezone(ZoneInfo(state()["settings"].engine.default_timezone))
    return cutoff_words(moment)


@bp.after_app_request
def security_headers(response):
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # Feed URLs carry secrets: never send them (or any page address) to another site.
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        user = user_service.authenticate(state()["store"], request.form.get("email", ""), request.form.get("password", ""), now=_now())
        if user is None:
            error = "That e-mail and password do not match a user."
        else:
            session.clear()
            session["uid"] = user["id"]
            session["csrf"] = secrets.token_urlsafe(32)
            session.permanent = True
            target = request.args.get("next") or url_for("ui.dashboard")
            return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("ui.dashboard"))
    return render_template("login.html", error=error), (401 if error else 200)


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("ui.login"))


# -- helpers ---------------------------------------------------------------------------------


def _now():
    return state()["clock"]()


def _today() -> date:
    return _now().astimezone(ZoneInfo(state()["settings"].engine.default_timezone)).date()


def _fail(exc: CalendarServiceError) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{field.replace('_', ' ')}: {problem}" for field, problem in exc.errors)
    return str(exc)


def _actor() -> str:
    return f"user:{g.user['email']}"


# -- dashboard -------------------------------------------------------------------------------


@bp.get("/")
def dashboard():
    st = state()
    settings, store = st["settings"], st["store"]
    status = request.args.get("status") or "open,extended"
    filters: dict[str, Any] = {"statuses": [s for s in status.split(",") if s in deadline_service.STATUSES]}
    for name in ("assignee", "tag"):
        if request.args.get(name):
            filters[name] = request.args[name]
    if request.args.get("matter", "").isdigit():
        filters["matter_id"] = int(request.args["matter"])
    today = _today()
    with store.read() as conn:
        rows = db.list_deadlines(conn, limit=5000, **filters)
        matters = db.list_matters(conn, limit=5000)
    week_end = today + timedelta(days=6 - today.weekday())
    groups: dict[str, list[dict[str, Any]]] = {"Overdue": [], "Due this week": [], "Due later": []}
    for row in rows:
        try:
            left = get_calendar(row["calendar"], settings).business_days_between(today, row["due_date"])
        except CalendarServiceError:
            left = (row["due_date"] - today).days
        item = {**row, "left": left}
        if row["status"] in ("done", "withdrawn"):
            item["urgency"] = "settled"
        elif row["due_date"] < today:
            item["urgency"] = "overdue"
        elif left <= 2:
            item["urgency"] = "urgent"
        elif row["due_date"] <= week_end:
            item["urgency"] = "soon"
        else:
            item["urgency"] = "later"
        group = (
            "Overdue"
            if row["due_date"] < today and row["status"] in ("open", "extended")
            else "Due this week"
            if row["due_date"] <= week_end
            else "Due later"
        )
        groups[group].append(item)
    tags = sorted({t for m in matters for t in m["tags"]})
    assignees = sorted({r["assignee"] for r in rows if r["assignee"]})
    return render_template(
        "dashboard.html", groups=groups, today=today, matters=matters, tags=tags, assignees=assignees, args=request.args, status=status
    )


# -- calendar view ---------------------------------------------------------------------------


@bp.get("/calendar")
def calendar_view():
    st = state()
    today = _today()
    try:
        year, month = (int(x) for x in request.args.get("month", f"{today.year}-{today.month:02d}").split("-"))
        first = date(year, month, 1)
    except ValueError:
        abort(400, "month must be written YYYY-MM, e.g. 2009-05")
    name = request.args.get("calendar") or None
    try:
        cal = get_calendar(name, st["settings"])
    except CalendarServiceError as exc:
        abort(400, str(exc))
    last = date(year, month, month_calendar.monthrange(year, month)[1])
    with st["store"].read() as conn:
        rows = db.list_deadlines(conn, due_after=first, due_before=last, statuses=["open", "extended", "done"], limit=5000)
    by_day: dict[date, list[dict[str, Any]]] = {}
    for row in rows:
        by_day.setdefault(row["due_date"], []).append(row)
    weeks = []
    for week in month_calendar.Calendar(firstweekday=6).monthdatescalendar(year, month):
        weeks.append(
            [
                {"date": d, "in_month": d.month == month, "off": cal.day_off(d), "deadlines": by_day.get(d, []), "today": d == today}
                for d in week
            ]
        )
    previous = (first - timedelta(days=1)).strftime("%Y-%m")
    following = (last + timedelta(days=1)).strftime("%Y-%m")
    return render_template(
        "calendar.html",
        weeks=weeks,
        first=first,
        cal=cal,
        previous=previous,
        following=following,
        calendars=available_calendars(st["settings"]),
    )


# -- one deadline ----------------------------------------------------------------------------


@bp.get("/deadlines/<int:deadline_id>")
def deadline_page(deadline_id: int):
    st = state()
    store, settings = st["store"], st["settings"]
    deadline = deadline_service.get_deadline(store, settings, deadline_id)
    history = deadline_service.deadline_history(store, deadline_id)
    alerts = channel_service.list_alerts(store, status=None, channel=None, deadline=deadline_id, limit=500)
    with store.read() as conn:
        letters = [row for row in db.list_letters(conn, deadline["matter_id"]) if row["deadline_id"] == deadline_id]
        channels = {c["id"]: c["name"] for c in db.list_channels(conn)}
    evidence = [_highlight(letter) for letter in letters]
    return render_template("deadline.html", d=deadline, history=history, alerts=alerts, channels=channels, evidence=evidence)


def _highlight(letter: dict[str, Any]) -> dict[str, Any]:
    """The letter's text with the evidence sentence marked (escaped, then only <mark> added)."""
    text = letter["text"]
    span = (letter["facts"] or {}).get("evidence")
    if span and 0 <= span["start"] < span["end"] <= len(text):
        marked = (
            escape(text[: span["start"]])
            + Markup('<mark id="evidence">')
            + escape(text[span["start"] : span["end"]])
            + Markup("</mark>")
            + escape(text[span["end"] :])
        )
    else:
        marked = escape(text)
    return {"filename": letter["filename"], "letter_date": letter["letter_date"], "html": marked}


@bp.post("/deadlines/<int:deadline_id>/12b-25")
@needs("editor")
def file_12b25(deadline_id: int):
    st = state()
    try:
        result = company_service.file_12b25(st["store"], st["settings"], deadline_id, actor=_actor(), now=_now())
        report, notice = result["report"], result["notice"]
        flash(f"Form 12b-25 recorded: the report is now due {report['due_date']}; the notice is due {notice['due_date']}.", "ok")
    except CalendarServiceError as exc:
        flash(_fail(exc), "error")
    return redirect(url_for("ui.deadline_page", deadline_id=deadline_id))


@bp.post("/deadlines/<int:deadline_id>/<any(complete, reopen, withdraw, extend):action>")
@needs("editor")
def deadline_action(deadline_id: int, action: str):
    st = state()
    store, settings = st["store"], st["settings"]
    try:
        if action == "extend":
            payload = {"reason": request.form.get("reason", "")}
            if request.form.get("rule"):
                payload["rule"] = request.form["rule"]
            else:
                payload["due_date"] = request.form.get("due_date", "")
            deadline_service.extend_deadline(store, settings, deadline_id, payload, actor=_actor(), now=_now())
        else:
            change = {
                "complete": deadline_service.complete_deadline,
                "reopen": deadline_service.reopen_deadline,
                "withdraw": deadline_service.withdraw_deadline,
            }[action]
            reason = request.form.get("reason") or None
            change(store, settings, deadline_id, {"reason": reason} if reason else {}, actor=_actor(), now=_now())
        flash(
            {
                "complete": "Deadline marked done.",
                "reopen": "Deadline reopened.",
                "withdraw": "Deadline withdrawn.",
                "extend": "Deadline extended.",
            }[action],
            "ok",
        )
    except CalendarServiceError as exc:
        flash(_fail(exc), "error")
    back = request.form.get("next")
    return redirect(
        back if back and back.startswith("/") and not back.startswith("//") else url_for("ui.deadline_page", deadline_id=deadline_id)
    )


# -- new deadline, from a rule or from a letter ----------------------------------------------


@bp.route("/deadlines/new", methods=["GET", "POST"])
@needs("editor")
def new_deadline():
    st = state()
    store, settings = st["store"], st["settings"]
    with store.read() as conn:
        matters = db.list_matters(conn, limit=5000)
    error = None
    if request.method == "POST":
        form = request.form
        try:
            matter_id = form.get("matter_id", "")
            if matter_id == "new":
                matter = matter_service.create_matter(
                    store, {"name": form.get("matter_name", ""), "company": form.get("company", "")}, actor=_actor(), now=_now()
                )
                matter_id = matter["id"]
            matter_id = int(matter_id) if str(matter_id).isdigit() else matter_id
            if form.get("filing_rule"):
                # A filing rule from the catalog: "8-K|1.01" is the rule and the item it reports.
                rule_id, _, item = form["filing_rule"].partition("|")
                payload = {"matter_id": matter_id, "filing_rule": rule_id, "trigger_date": form.get("trigger_date", "")}
                payload.update(
                    {k: v for k, v in (("item", item), ("title", form.get("title", "")), ("assignee", form.get("assignee", ""))) if v}
                )
                created = company_service.create_filing(store, settings, payload, actor=_actor(), now=_now())
            else:
                payload = {
                    "matter_id": matter_id,
                    "title": form.get("title", ""),
                    "kind": form.get("kind", "custom"),
                    "trigger_date": form.get("trigger_date", ""),
                    "rule": form.get("rule", ""),
                    "assignee": form.get("assignee", ""),
                }
                if form.get("calendar"):
                    payload["calendar"] = form["calendar"]
                created = deadline_service.create_deadline(store, settings, payload, actor=_actor(), now=_now())
            flash(f"Deadline created, due {created['due_date']}.", "ok")
            return redirect(url_for("ui.deadline_page", deadline_id=created["id"]))
        except CalendarServiceError as exc:
            error = _fail(exc)
    return render_template(
        "new_deadline.html",
        matters=matters,
        calendars=available_calendars(settings),
        filing_rules=_event_rules(settings),
        error=error,
        form=request.form,
    ), (422 if error else 200)


def _event_rules(settings) -> list[tuple[str, str]]:
    """(value, label) for the filing-rule picker: each event-driven rule, and each of its items."""
    choices = []
    for rule in filing_service.catalog_for(settings).all_versions():
        if rule.trigger != "event" or not rule.in_force(_now().date()):
            continue
        choices.append((rule.id, f"{rule.name} ({rule.rule.count} {rule.rule.unit.words(rule.rule.count)})"))
        choices += [(f"{rule.id}|{item.split(' ', 1)[0]}", f"{rule.form}, Item {item}") for item in rule.items]
    return choices


@bp.get("/ui/compute")
def live_compute():
    """The engine for the new-deadline form's live preview (session-authenticated JSON)."""
    try:
        start = compute_service.parse_date(request.args.get("start", ""), "start")
        result = compute_service.compute_deadline(
            start, request.args.get("rule", ""), request.args.get("calendar") or None, state()["settings"]
        )
    except CalendarServiceError as exc:
        return jsonify({"error": str(exc)}), 422
    return jsonify(
        {"due": result.due.isoformat(), "weekday": result.due.strftime("%A"), "cutoff": result.cutoff.isoformat(), "rule": str(result.rule)}
    )


@bp.route("/letters/new", methods=["GET", "POST"])
@needs("editor")
def new_letter():
    st = state()
    if request.method == "GET":
        return render_template("new_letter.html", facts=None, text="", error=None)
    text = request.form.get("text", "")
    upload = request.files.get("file")
    try:
        if upload is not None and upload.filename:
            data, name = upload.read(), letter_service.safe_name(upload.filename)
        else:
            data, name = text.encode("utf-8"), "pasted letter"
        result = letter_service.ingest(st["store"], st["settings"], data, name, actor=_actor(), now=_now(), dry_run=True)
    except CalendarServiceError as exc:
        return render_template("new_letter.html", facts=None, text=text, error=_fail(exc)), 422
    # What the reader saw is confirmed as cleaned text: the same letter, whatever the upload was.
    from ..letters import read_letter

    _, facts = read_letter(data, name=name)
    return render_template("new_letter.html", facts=result["facts"], result=result, text=facts.text, name=name, error=None)


@bp.post("/letters/confirm")
@needs("editor")
def confirm_letter():
    st = state()
    store, settings = st["store"], st["settings"]
    text = request.form.get("text", "")
    try:
        result = letter_service.ingest(
            store, settings, text.encode("utf-8"), request.form.get("name") or "pasted letter", actor=_actor(), now=_now()
        )
        deadline = result["deadline"]
        corrected_rule = request.form.get("rule", "").strip()
        if deadline and corrected_rule and result["action"] == "created" and corrected_rule != deadline["rule"]:
            deadline = deadline_service.update_deadline(
                store, settings, deadline["id"], {"rule": corrected_rule}, actor=_actor(), now=_now()
            )
    except CalendarServiceError as exc:
        flash(_fail(exc), "error")
        return redirect(url_for("ui.new_letter"))
    flash(f"Letter filed: {result['action']} ({result['detail']}).", "ok")
    if deadline:
        return redirect(url_for("ui.deadline_page", deadline_id=deadline["id"]))
    return redirect(url_for("ui.dashboard"))


# -- feeds, channels, holidays ---------------------------------------------------------------


@bp.get("/feeds")
def feeds_page():
    from .feed_routes import base_url

    st = state()
    feeds = [feed_service.present_feed(row, st["secret"], base_url()) for row in feed_service.list_feeds(st["store"])]
    with st["store"].read() as conn:
        matters = db.list_matters(conn, limit=5000)
    return render_template("feeds.html", feeds=feeds, matters=matters)


@bp.post("/feeds")
@needs("editor")
def create_feed_page():
    st = state()
    payload: dict[str, Any] = {"name": request.form.get("name", "")}
    if request.form.get("matter_id", "").isdigit():
        payload["matter_id"] = int(request.form["matter_id"])
    try:
        feed_service.create_feed(st["store"], st["secret"], payload, now=_now())
        flash("Feed created.", "ok")
    except CalendarServiceError as exc:
        flash(_fail(exc), "error")
    return redirect(url_for("ui.feeds_page"))


@bp.post("/feeds/<int:feed_id>/rotate")
@needs("editor")
def rotate_feed_page(feed_id: int):
    st = state()
    try:
        feed_service.rotate_feed(st["store"], st["secret"], feed_id, now=_now())
        flash("The feed has a new URL; the old one no longer works.", "ok")
    except CalendarServiceError as exc:
        flash(_fail(exc), "error")
    return redirect(url_for("ui.feeds_page"))


@bp.get("/channels")
def channels_page():
    st = state()
    channels = channel_service.list_channels(st["store"])
    dead = channel_service.list_alerts(st["store"], status="dead", channel=None, deadline=None, limit=200)
    return render_template("channels.html", channels=channels, dead=dead, names={c["id"]: c["name"] for c in channels})


@bp.post("/channels/<int:channel_id>/test")
@needs("admin")
def test_channel_page(channel_id: int):
    from ..alerts.dispatch import Dispatcher, send_test
    from .feed_routes import base_url

    st = state()
    dispatcher = Dispatcher(st["store"], st["settings"], st["secret"], clock=st["clock"], base_url=base_url(), worker="web:test")
    try:
        result = send_test(dispatcher, channel_id)
        flash(
            "Test message delivered." if result["status"] == "sent" else f"Test message not delivered: {result['last_error']}",
            "ok" if result["status"] == "sent" else "error",
        )
    except CalendarServiceError as exc:
        flash(_fail(exc), "error")
    finally:
        dispatcher.close()
    return redirect(url_for("ui.channels_page"))


@bp.post("/alerts/<int:alert_id>/retry")
@needs("admin")
def retry_alert_page(alert_id: int):
    try:
        channel_service.retry_alert(state()["store"], alert_id, now=_now())
        flash("The alert will be sent again.", "ok")
    except CalendarServiceError as exc:
        flash(_fail(exc), "error")
    return redirect(url_for("ui.channels_page"))


@bp.get("/holidays")
def holidays_page():
    st = state()
    settings = st["settings"]
    year_text = request.args.get("year") or str(_today().year)
    try:
        result = compute_service.days_off_in_year(
            int(year_text) if year_text.lstrip("-").isdigit() else -1, request.args.get("calendar") or None, settings
        )
    except CalendarServiceError as exc:
        abort(400, str(exc))
    closures = [(name, c) for name, c in settings.calendars if c.closures or c.reopenings or c.inauguration_day]
    return render_template("holidays.html", result=result, calendars=available_calendars(settings), closures=closures)
