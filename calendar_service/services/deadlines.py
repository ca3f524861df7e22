"""Deadlines: computed from a trigger and a rule, overridden, completed, extended, recomputed.

Every change is written with its history entry in the same transaction. The stored due date is
the override when there is one, else the date the engine computes; the explanation is computed
when the deadline is read, so it always reflects the calendar in force.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ..calendars import canonical_name, get_calendar, library_version
from ..config import Settings
from ..engine import Step
from ..errors import CalendarServiceError, ConflictError, NotFoundError, ValidationError
from ..rules import Rule, compute, cutoff_for, parse_rule
from ..store import Store
from ..store import records as db
from . import alerts as alert_planning
from .fields import Field, FieldProblem, check, parse_date_value, parse_id
from .matters import decode_cursor, encode_cursor, present_history

KINDS = ("comment-letter-response", "filing", "custom")
STATUSES = ("open", "done", "extended", "withdrawn")
ACTIVE = ("open", "extended")

DEADLINE_FIELDS = {
    "matter_id": Field("id", required=True),
    "title": Field("text", required=True, max_length=500, allow_empty=False),
    "kind": Field("choice", choices=KINDS),
    "trigger_date": Field("date", required=True),
    "rule": Field("text", required=True, max_length=200, allow_empty=False),
    "calendar": Field("text", max_length=100, allow_empty=False),
    "assignee": Field("text", max_length=200),
    "notes": Field("text", max_length=20_000),
    "override_due_date": Field("date", nullable=True),
    "override_reason": Field("text", nullable=True, max_length=2000),
}
EXTEND_FIELDS = {
    "due_date": Field("date"),
    "rule": Field("text", max_length=200, allow_empty=False),
    "reason": Field("text", required=True, max_length=2000, allow_empty=False),
}
REASON_FIELDS = {"reason": Field("text", max_length=2000)}
# What a reader of the calendar sees: a change to one of these raises the deadline's version.
_VISIBLE = ("title", "due_date", "cutoff")


def _resolve(values: dict[str, Any], settings: Settings) -> tuple[Rule, str]:
    """The parsed rule and canonical calendar name of cleaned input, as field errors if bad."""
    errors = []
    rule = None
    try:
        rule = parse_rule(values["rule"])
    except CalendarServiceError as exc:
        errors.append(("rule", str(exc)))
    calendar = values.get("calendar") or settings.engine.default_calendar
    try:
        calendar = get_calendar(canonical_name(calendar, settings), settings).name
    except CalendarServiceError as exc:
        errors.append(("calendar", str(exc)))
    if errors:
        raise ValidationError(errors)
    return rule, calendar  # type: ignore[return-value]


def _computed_values(values: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The stored columns that follow from trigger, rule, calendar and override."""
    rule, calendar = _resolve(values, settings)
    try:
        computed = rule.apply(get_calendar(calendar, settings), values["trigger_date"])
    except CalendarServiceError as exc:
        raise ValidationError([("trigger_date", str(exc))]) from None
    due = values.get("override_due_date") or computed
    cutoff = cutoff_for(rule, due, default_cutoff=settings.engine.default_cutoff, default_zone=settings.engine.default_timezone)
    return {"rule": str(rule), "calendar": calendar, "computed_due_date": computed, "due_date": due, "cutoff": cutoff.isoformat()}


def _check_override(values: dict[str, Any]) -> None:
    if values.get("override_due_date") is not None and not (values.get("override_reason") or "").strip():
        raise ValidationError([("override_reason", "is required when override_due_date is set: say why the date was set by hand")])
    if values.get("override_due_date") is None:
        values["override_reason"] = None


def present_deadline(row: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The API form of a deadline, with the explanation of its date."""
    explanation: list[dict[str, Any]]
    try:
        result = compute(
            parse_rule(row["rule"]),
            get_calendar(row["calendar"], settings),
            row["trigger_date"],
            default_cutoff=settings.engine.default_cutoff,
            default_zone=settings.engine.default_timezone,
        )
        steps = list(result.steps)
        if row["override_due_date"] is not None:
            steps.append(Step(row["override_due_date"], "override", f"due date set by hand: {row['override_reason']}"))
        if row.get("citation"):
            steps.append(Step(row["due_date"], "source", f"{row['filing_rule']}: {row['citation']}"))
        explanation = [step.to_dict() for step in steps]
    except CalendarServiceError as exc:
        explanation = [{"date": row["trigger_date"].isoformat(), "action": "error", "note": f"cannot explain: {exc}"}]
    return {
        "id": row["id"],
        "matter_id": row["matter_id"],
        "matter_name": row.get("matter_name"),
        "title": row["title"],
        "kind": row["kind"],
        "trigger_date": row["trigger_date"].isoformat(),
        "rule": row["rule"],
        "calendar": row["calendar"],
        "due_date": row["due_date"].isoformat(),
        "cutoff": row["cutoff"],
        "computed_due_date": row["computed_due_date"].isoformat(),
        "override": (
            None
            if row["override_due_date"] is None
            else {"due_date": row["override_due_date"].isoformat(), "reason": row["override_reason"]}
        ),
        "status": row["status"],
        "assignee": row["assignee"],
        "notes": row["notes"],
        "version": row["version"],
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
        "completed_at": row["completed_at"].isoformat() if row["completed_at"] else None,
        "alert_schedule": row.get("alert_schedule"),
        "filing_rule": row.get("filing_rule"),
        "citation": row.get("citation"),
        "depends_on_id": row.get("depends_on_id"),
        "explanation": explanation,
    }


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: {"from": _jsonable(before[k]), "to": _jsonable(v)} for k, v in after.items() if before.get(k) != v}


def _require_matter(conn, matter_id: int) -> None:
    if db.get_matter(conn, matter_id) is None:
        raise ValidationError([("matter_id", f"there is no matter {matter_id}; create it first with POST /api/v1/matters")])


def _with_schedule(payload: Any, *, partial: bool) -> dict[str, Any]:
    """Checked deadline fields, with the optional alert_schedule (an object) checked on its own."""
    if not isinstance(payload, dict) or "alert_schedule" not in payload:
        return check(payload, DEADLINE_FIELDS, what="deadline", partial=partial)
    rest = {k: v for k, v in payload.items() if k != "alert_schedule"}
    schedule = alert_planning.check_schedule(payload["alert_schedule"], "alert_schedule")
    values = check(rest, DEADLINE_FIELDS, what="deadline", partial=partial) if rest or not partial else {}
    return {**values, "alert_schedule": schedule}


def create_deadline(store: Store, settings: Settings, payload: Any, *, actor: str, now: datetime) -> dict[str, Any]:
    """Compute and store a new deadline, recording its creation."""
    values = _with_schedule(payload, partial=False)
    with store.write() as conn:
        return insert_deadline(conn, settings, values, actor=actor, now=now)


def insert_deadline(conn, settings: Settings, values: dict[str, Any], *, actor: str, now: datetime) -> dict[str, Any]:
    """Compute and insert checked deadline values, recording the creation in the caller's transaction."""
    values = {"kind": "custom", "assignee": "", "notes": "", "override_due_date": None, "override_reason": None, **values}
    _check_override(values)
    values.update(_computed_values(values, settings))
    values.update(status="open", version=1, created_at=now, updated_at=now, completed_at=None)
    _require_matter(conn, values["matter_id"])
    deadline_id = db.insert_deadline(conn, values)
    row = db.get_deadline(conn, deadline_id)
    snapshot = {k: _jsonable(row[k]) for k in (*DEADLINE_FIELDS, "due_date", "cutoff", "status")}
    db.record_history(
        conn, at=now, actor=actor, action="create", entity="deadline", entity_id=deadline_id, matter_id=row["matter_id"], changes=snapshot
    )
    alert_planning.sync_deadline(conn, settings, deadline_id, now, previous=None)
    return present_deadline(row, settings)


def get_deadline(store: Store, settings: Settings, deadline_id: int) -> dict[str, Any]:
    """One deadline with its explanation, or NotFoundError."""
    with store.read() as conn:
        row = db.get_deadline(conn, deadline_id)
    if row is None:
        raise NotFoundError(f"there is no deadline {deadline_id}")
    return present_deadline(row, settings)


def _change(
    conn, settings: Settings, row: dict[str, Any], values: dict[str, Any], *, actor: str, now: datetime, action: str, reason: str | None
) -> None:
    """Write a change and its history entry, and bring the deadline's alerts in line, in one transaction."""
    changes = _diff(row, values)
    if not changes:
        return
    if any(k in changes for k in _VISIBLE):
        values["version"] = row["version"] + 1
    values["updated_at"] = now
    db.update_deadline(conn, row["id"], values)
    db.record_history(
        conn,
        at=now,
        actor=actor,
        action=action,
        entity="deadline",
        entity_id=row["id"],
        matter_id=values.get("matter_id", row["matter_id"]),
        changes=changes,
        reason=reason,
    )
    alert_planning.sync_deadline(conn, settings, row["id"], now, previous=row)


def _locked(conn, deadline_id: int) -> dict[str, Any]:
    row = db.get_deadline(conn, deadline_id, for_update=True)
    if row is None:
        raise NotFoundError(f"there is no deadline {deadline_id}")
    return row


def update_deadline(store: Store, settings: Settings, deadline_id: int, payload: Any, *, actor: str, now: datetime) -> dict[str, Any]:
    """Change fields of a deadline; a new trigger, rule, calendar or override recomputes its date."""
    if isinstance(payload, dict) and "status" in payload:
        raise ValidationError([("status", "changes through POST .../complete, .../extend, .../reopen or .../withdraw")])
    values = _with_schedule(payload, partial=True)
    with store.write() as conn:
        row = _locked(conn, deadline_id)
        if "matter_id" in values:
            _require_matter(conn, values["matter_id"])
        merged = {**{k: row[k] for k in DEADLINE_FIELDS}, **values}
        if "override_due_date" in values or "override_reason" in values:
            _check_override(merged)
            values["override_reason"] = merged["override_reason"]
        values.update(_computed_values(merged, settings))
        _change(conn, settings, row, values, actor=actor, now=now, action="update", reason=None)
        move_dependants(conn, settings, deadline_id, actor=actor, now=now)
        return present_deadline(db.get_deadline(conn, deadline_id), settings)


def move_dependants(conn, settings: Settings, deadline_id: int, *, actor: str, now: datetime, depth: int = 0) -> None:
    """Bring the deadlines triggered by ``deadline_id``'s prescribed due date (a Form 12b-25
    notice, say) in line with it, recording each move; and theirs in turn."""
    parent = db.get_deadline(conn, deadline_id)
    if parent is None or depth > 20:  # a chain deeper than this is a loop someone made by hand
        return
    for child in db.dependants_of(conn, deadline_id):
        if child["status"] not in ACTIVE or child["trigger_date"] == parent["computed_due_date"]:
            continue
        merged = {**{k: child[k] for k in DEADLINE_FIELDS}, "trigger_date": parent["computed_due_date"]}
        values = {"trigger_date": parent["computed_due_date"], **_computed_values(merged, settings)}
        reason = f"its trigger, deadline {deadline_id} ({parent['title']}), is now due {parent['computed_due_date'].isoformat()}"
        _change(conn, settings, child, values, actor=actor, now=now, action="follow", reason=reason)
        move_dependants(conn, settings, child["id"], actor=actor, now=now, depth=depth + 1)


# Names the companies service uses to write generated deadlines through the same path.
computed_values = _computed_values
change = _change


def locked(conn, deadline_id: int) -> dict[str, Any]:
    """The deadline, locked for update in the caller's transaction (NotFoundError if none)."""
    return _locked(conn, deadline_id)


def delete_deadline(store: Store, deadline_id: int, *, actor: str, now: datetime) -> None:
    """Remove a deadline; its history stays."""
    with store.write() as conn:
        row = _locked(conn, deadline_id)
        db.delete_deadline(conn, deadline_id)
        db.record_history(
            conn,
            at=now,
            actor=actor,
            action="delete",
            entity="deadline",
            entity_id=deadline_id,
            matter_id=row["matter_id"],
            changes={"title": row["title"], "due_date": row["due_date"].isoformat(), "status": row["status"]},
        )


def _transition(
    store: Store,
    settings: Settings,
    deadline_id: int,
    payload: Any,
    *,
    action: str,
    allowed: tuple[str, ...],
    refusal: str,
    actor: str,
    now: datetime,
    values: Callable[[Any, dict[str, Any]], dict[str, Any]],
) -> dict[str, Any]:
    """A status change with an optional reason: refused (409) unless the status is in ``allowed``."""
    reason = check({} if payload is None else payload, REASON_FIELDS, what=action).get("reason")
    with store.write() as conn:
        row = _locked(conn, deadline_id)
        if row["status"] not in allowed:
            raise ConflictError(f"deadline {deadline_id} is {row['status']}; {refusal}")
        _change(conn, settings, row, values(conn, row), actor=actor, now=now, action=action, reason=reason)
        return present_deadline(db.get_deadline(conn, deadline_id), settings)


def complete_deadline(store: Store, settings: Settings, deadline_id: int, payload: Any, *, actor: str, now: datetime) -> dict[str, Any]:
    """Mark a deadline done."""
    return _transition(
        store, settings, deadline_id, payload, action="complete", allowed=ACTIVE, actor=actor, now=now,
        refusal="only an open or extended deadline can be completed",
        values=lambda conn, row: {"status": "done", "completed_at": now},
    )  # fmt: skip


def withdraw_deadline(store: Store, settings: Settings, deadline_id: int, payload: Any, *, actor: str, now: datetime) -> dict[str, Any]:
    """Mark a deadline withdrawn (no longer owed); it stays in the store and its history."""
    return _transition(
        store, settings, deadline_id, payload, action="withdraw", allowed=ACTIVE, actor=actor, now=now,
        refusal="only an open or extended deadline can be withdrawn",
        values=lambda conn, row: {"status": "withdrawn"},
    )  # fmt: skip


def reopen_deadline(store: Store, settings: Settings, deadline_id: int, payload: Any, *, actor: str, now: datetime) -> dict[str, Any]:
    """Make a done or withdrawn deadline active again (extended if it was ever extended)."""
    return _transition(
        store, settings, deadline_id, payload, action="reopen", allowed=("done", "withdrawn"), actor=actor, now=now,
        refusal="it is active already",
        values=lambda conn, row: {"status": "extended" if db.list_extensions(conn, row["id"]) else "open", "completed_at": None},
    )  # fmt: skip


def extend_deadline(store: Store, settings: Settings, deadline_id: int, payload: Any, *, actor: str, now: datetime) -> dict[str, Any]:
    """Move a deadline later, to a new date or under a new rule, recording the extension and why."""
    values = check(payload, EXTEND_FIELDS, what="extension")
    if ("due_date" in values) == ("rule" in values):
        raise ValidationError([("due_date", "give either due_date (the new date) or rule (a new rule from the same trigger), not both")])
    with store.write() as conn:
        return extend_in(conn, settings, deadline_id, values, actor=actor, now=now)


def extend_in(conn, settings: Settings, deadline_id: int, values: dict[str, Any], *, actor: str, now: datetime) -> dict[str, Any]:
    """Extend a deadline inside the caller's transaction (``values``: due_date or rule, and reason)."""
    row = _locked(conn, deadline_id)
    if row["status"] not in ACTIVE:
        raise ConflictError(f"deadline {deadline_id} is {row['status']}; reopen it before extending it")
    current = {k: row[k] for k in DEADLINE_FIELDS}
    if "rule" in values:
        changed = {**current, "rule": values["rule"], "override_due_date": None, "override_reason": None}
    else:
        changed = {**current, "override_due_date": values["due_date"], "override_reason": f"extended: {values['reason']}"}
    new = _computed_values(changed, settings)
    if new["due_date"] <= row["due_date"]:
        field = "rule" if "rule" in values else "due_date"
        raise ValidationError([(field, f"gives {new['due_date']}, not later than the current due date {row['due_date']}")])
    db.insert_extension(
        conn,
        {
            "deadline_id": deadline_id,
            "at": now,
            "actor": actor,
            "previous_due_date": row["due_date"],
            "new_due_date": new["due_date"],
            "previous_rule": row["rule"],
            "new_rule": new["rule"] if "rule" in values else None,
            "reason": values["reason"],
        },
    )
    update = {**new, "override_due_date": changed["override_due_date"], "override_reason": changed["override_reason"], "status": "extended"}
    _change(conn, settings, row, update, actor=actor, now=now, action="extend", reason=values["reason"])
    return present_deadline(db.get_deadline(conn, deadline_id), settings)


def deadline_history(store: Store, deadline_id: int) -> dict[str, Any]:
    """What happened to a deadline, oldest first, and its extensions (also after deletion)."""
    with store.read() as conn:
        rows = db.list_history(conn, "deadline", deadline_id)
        extensions = db.list_extensions(conn, deadline_id)
    if not rows:
        raise NotFoundError(f"there is no deadline {deadline_id} and no history of one")
    return {
        "items": [present_history(r) for r in rows],
        "extensions": [
            {
                "at": e["at"].isoformat(),
                "actor": e["actor"],
                "previous_due_date": e["previous_due_date"].isoformat(),
                "new_due_date": e["new_due_date"].isoformat(),
                "previous_rule": e["previous_rule"],
                "new_rule": e["new_rule"],
                "reason": e["reason"],
            }
            for e in extensions
        ],
    }


def parse_list_filters(args: dict[str, str]) -> dict[str, Any]:
    """Deadline list filters from query-string values, as field errors if bad."""
    errors: list[tuple[str, str]] = []
    filters: dict[str, Any] = {}
    if args.get("status"):
        statuses = [s.strip() for s in args["status"].split(",") if s.strip()]
        bad = [s for s in statuses if s not in STATUSES]
        if bad:
            errors.append(("status", f"{', '.join(bad)} is not a status; use {', '.join(STATUSES)} (comma-separated for several)"))
        filters["statuses"] = statuses
    for name, key in (("due_before", "due_before"), ("due_after", "due_after")):
        if args.get(name):
            try:
                filters[key] = parse_date_value(args[name])
            except FieldProblem as problem:
                errors.append((name, str(problem)))
    if args.get("matter"):
        try:
            filters["matter_id"] = parse_id(args["matter"], "matter")
        except FieldProblem as problem:
            errors.append(("matter", str(problem)))
    for name in ("assignee", "tag"):
        if args.get(name) is not None:
            filters[name] = args[name]
    if args.get("q"):
        filters["text"] = args["q"]
    if errors:
        raise ValidationError(errors)
    return filters


def list_deadlines(
    store: Store, settings: Settings, *, filters: dict[str, Any], cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of deadlines by due date and the cursor of the next page (None at the end)."""
    after = tuple(decode_cursor(cursor, ("date", "id"))) if cursor else None
    with store.read() as conn:
        rows = db.list_deadlines(conn, after=after, limit=limit + 1, **filters)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor([rows[-1]["due_date"].isoformat(), rows[-1]["id"]]) if more else None
    return [present_deadline(r, settings) for r in rows], next_cursor


def recompute_all(store: Store, settings: Settings, *, actor: str, now: datetime) -> list[dict[str, Any]]:
    """Recompute every active deadline on the calendars in force; record and report each move.

    A deadline with a manual override keeps its date (only its cutoff may follow a changed
    default). Run when config.toml's closures or the holiday data change, and on every start.
    """
    moves = []
    reason = f"recomputed on the calendars in force ({library_version()}, config: {settings.source})"
    with store.write() as conn:
        for row in db.active_deadlines(conn, ACTIVE):
            current = {k: row[k] for k in DEADLINE_FIELDS}
            try:
                new = _computed_values(current, settings)
            except ValidationError as exc:
                moves.append({"id": row["id"], "title": row["title"], "matter": row["matter_name"], "error": str(exc)})
                continue
            if new["due_date"] != row["due_date"] or new["cutoff"] != row["cutoff"] or new["computed_due_date"] != row["computed_due_date"]:
                _change(conn, settings, row, new, actor=actor, now=now, action="recompute", reason=reason)
                if new["due_date"] != row["due_date"]:
                    moves.append(
                        {
                            "id": row["id"],
                            "title": row["title"],
                            "matter": row["matter_name"],
                            "from": row["due_date"].isoformat(),
                            "to": new["due_date"].isoformat(),
                        }
                    )
    return moves
