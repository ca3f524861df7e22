"""Planning alerts: which reminders a deadline gets, on which channels, at what instants.

Alerts are rows of an outbox (``alerts``), one per (deadline, channel, reminder, generation),
written in the same transaction as the deadline change that makes them due, so that a
committed change always has its alerts and a rolled-back one never does. ``sync_deadline``
brings a deadline's rows in line with its state: it inserts what is missing, moves pending
rows whose time changed, and cancels what no longer applies. When the due date moves, the
generation rises, older rows are cancelled and a "deadline moved" alert goes out at once.
Completing or withdrawing a deadline cancels its pending alerts.

A reminder falls at ``alerts.at`` local time on a business day of the deadline's calendar:
N business days before the due date, the due day, and each business day after it while
overdue, up to a limit. The schedule is the deadline's own, else its channel's, else the
global one (config.toml ``[alerts]``), merged key by key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from ..calendars import get_calendar
from ..config import AlertSettings, Settings, parse_clock
from ..engine import BusinessCalendar, Roll
from ..errors import CalendarServiceError, ConfigError, ValidationError
from ..store import records as db

ACTIVE = ("open", "extended")
SCHEDULE_KEYS = ("before_business_days", "due_day", "overdue_business_days", "at", "timezone")


@dataclass(frozen=True)
class Schedule:
    """When one deadline's reminders fall."""

    before_business_days: tuple[int, ...]
    due_day: bool
    overdue_business_days: int
    at: time
    timezone: str

    @classmethod
    def of(cls, settings: AlertSettings) -> Schedule:
        """The global schedule."""
        return cls(settings.before_business_days, settings.due_day, settings.overdue_business_days, settings.at, settings.timezone)

    def merged(self, override: dict[str, Any] | None) -> Schedule:
        """This schedule with the keys ``override`` sets (a checked schedule object)."""
        if not override:
            return self
        values = dict(override)
        if "at" in values:
            values["at"] = parse_clock(values["at"], "at", "schedule")
        if "before_business_days" in values:
            values["before_business_days"] = tuple(sorted(set(values["before_business_days"]), reverse=True))
        return replace(self, **{k: v for k, v in values.items() if k in SCHEDULE_KEYS})


def check_schedule(value: Any, field: str) -> dict[str, Any] | None:
    """A schedule override from input (None clears it), or ValidationError naming ``field``."""
    if value is None:
        return None
    errors: list[tuple[str, str]] = []
    if not isinstance(value, dict):
        raise ValidationError([(field, f"must be an object with any of {', '.join(SCHEDULE_KEYS)}")])
    for key in value:
        if key not in SCHEDULE_KEYS:
            errors.append((f"{field}.{key}", f"unknown; a schedule has {', '.join(SCHEDULE_KEYS)}"))
    before = value.get("before_business_days")
    if before is not None and (
        not isinstance(before, list) or not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 60 for n in before)
    ):
        errors.append((f"{field}.before_business_days", "must be a list of whole numbers from 1 to 60"))
    if "due_day" in value and not isinstance(value["due_day"], bool):
        errors.append((f"{field}.due_day", "must be true or false"))
    overdue = value.get("overdue_business_days")
    if overdue is not None and (not isinstance(overdue, int) or isinstance(overdue, bool) or not 0 <= overdue <= 60):
        errors.append((f"{field}.overdue_business_days", "must be a whole number from 0 to 60"))
    for key, check in (("at", lambda v: parse_clock(v, "at", "schedule")), ("timezone", lambda v: ZoneInfo(v))):
        if key in value:
            try:
                if not isinstance(value[key], str):
                    raise ValueError
                check(value[key])
            except (ValueError, ConfigError, LookupError):
                errors.append((f"{field}.{key}", "must be HH:MM" if key == "at" else "must be an IANA time zone such as America/New_York"))
    if errors:
        raise ValidationError(errors)
    return dict(value)


def plan(calendar: BusinessCalendar, due: date, schedule: Schedule) -> list[tuple[str, datetime]]:
    """(offset code, instant in UTC) of each reminder, in time order; never on a non-business day."""
    zone = ZoneInfo(schedule.timezone)
    out: list[tuple[str, date]] = []
    try:
        for n in schedule.before_business_days:
            out.append((f"T-{n}BD", calendar.add_business_days(due, -n)))
        if schedule.due_day:
            out.append(("DUE", calendar.roll(due, Roll.PRECEDING)))
        for k in range(1, schedule.overdue_business_days + 1):
            out.append((f"OVERDUE-{k}", calendar.add_business_days(due, k)))
    except CalendarServiceError:
        pass  # a reminder beyond the supported range of dates is left out
    instants = [(code, datetime.combine(day, schedule.at, tzinfo=zone).astimezone(ZoneInfo("UTC"))) for code, day in out]
    return sorted(instants, key=lambda item: item[1])


def routes(channel: dict[str, Any], deadline: dict[str, Any], tags: Iterable[str], company: str) -> bool:
    """Whether a channel receives a deadline: every routing list that is set must match."""
    if not channel["enabled"]:
        return False
    if channel["matter_ids"] and deadline["matter_id"] not in channel["matter_ids"]:
        return False
    if channel["assignees"] and deadline["assignee"] not in channel["assignees"]:
        return False
    if channel["tags"] and not set(channel["tags"]) & set(tags):
        return False
    return not (channel["companies"] and company.lower() not in {c.lower() for c in channel["companies"]})


def sync_deadline(conn, settings: Settings, deadline_id: int, now: datetime, *, previous: dict[str, Any] | None) -> None:
    """Bring a deadline's alert rows in line with its current state (see the module docstring)."""
    row = db.get_deadline(conn, deadline_id)
    if row is None:
        return
    if row["status"] not in ACTIVE:
        db.cancel_pending_alerts(conn, deadline_id)
        return
    generation = row["alert_generation"]
    was_active = previous is None or previous["status"] in ACTIVE
    moved = previous is not None and was_active and (previous["due_date"] != row["due_date"] or previous["cutoff"] != row["cutoff"])
    if moved or not was_active:
        generation += 1
        db.update_deadline(conn, deadline_id, {"alert_generation": generation})
        db.cancel_pending_alerts(conn, deadline_id, before_generation=generation)
    matter = db.get_matter(conn, row["matter_id"])
    channels = [c for c in db.list_channels(conn) if routes(c, row, matter["tags"], matter["company"])]
    try:
        calendar = get_calendar(row["calendar"], settings)
    except CalendarServiceError:
        return  # a calendar no longer defined: no new alerts until the deadline is fixed
    base = Schedule.of(settings.alerts)
    wanted: list[dict[str, Any]] = []
    for channel in channels:
        schedule = base.merged(channel["schedule"]).merged(row["alert_schedule"])
        for code, instant in plan(calendar, row["due_date"], schedule):
            wanted.append({"channel_id": channel["id"], "offset_code": code, "due_at": instant, "context": {}})
        if moved:
            context = {"from": previous["due_date"].isoformat(), "to": row["due_date"].isoformat(), "cutoff_from": previous["cutoff"]}
            wanted.append({"channel_id": channel["id"], "offset_code": "MOVED", "due_at": now, "context": context})
    db.replace_deadline_alerts(conn, deadline_id, generation, wanted, now=now)


def sync_all(conn, settings: Settings, now: datetime) -> int:
    """Re-plan every active deadline (after a channel or schedule change, and on start); idempotent."""
    count = 0
    for row in db.active_deadlines(conn, ACTIVE):
        sync_deadline(conn, settings, row["id"], now, previous=row)
        count += 1
    return count
