"""iCalendar feeds: the bytes of a deadline feed or a holiday feed, cached (see ``ical``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ..config import Settings
from ..engine import BusinessCalendar
from ..rules import parse_rule
from ..services.fields import parse_duration
from .ical import FeedCache, calendar_head, deadline_events, holiday_events

__all__ = ["FeedCache", "deadline_feed", "holiday_feed"]


def deadline_feed(
    cache: FeedCache,
    feed: dict[str, Any],
    key: tuple[Any, ...],
    rows: Callable[[], list[dict[str, Any]]],
    present: Callable[[dict[str, Any]], dict[str, Any]],
    *,
    settings: Settings,
    uid_domain: str,
    link: Callable[[int], str],
) -> bytes:
    """The bytes of a feed for its snapshot ``key``; only events whose version changed are rendered."""
    reminders = tuple(parse_duration(r) for r in feed["reminders"])

    def build() -> bytes:
        head, tail = calendar_head(feed["name"], settings.engine.default_timezone, "Deadlines from calendar_service")
        parts = [head]
        for row in rows():
            event_key = (
                row["id"], row["version"], row["updated_at"], row["status"], row["matter_name"], row["matter_company"],
                reminders, feed["cutoff_events"], uid_domain, link(row["id"]),
            )  # fmt: skip
            parts.append(cache.event(event_key, lambda row=row: _events(row)))
        parts.append(tail)
        return b"".join(parts)

    def _events(row: dict[str, Any]) -> bytes:
        shown = {**present(row), "matter_company": row["matter_company"]}
        rule = parse_rule(row["rule"])
        zone = (rule.cutoff.zone if rule.cutoff else None) or settings.engine.default_timezone
        return deadline_events(
            shown, uid_domain=uid_domain, link=link(row["id"]), reminders=reminders, cutoff_event=feed["cutoff_events"], zone=zone
        )

    return cache.feed((*key, uid_domain, link(0)), build)


def holiday_feed(cache: FeedCache, calendar: BusinessCalendar, first: date, last: date, *, settings: Settings, uid_domain: str) -> bytes:
    """The non-business weekdays of ``calendar`` from ``first`` to ``last`` as all-day events."""

    def build() -> bytes:
        head, tail = calendar_head(f"Non-business days: {calendar.name}", settings.engine.default_timezone, calendar.description)
        days = [(day, off.name, off.kind) for day, off in calendar.days_off(first, last)]
        return head + holiday_events(calendar.name, days, uid_domain) + tail

    return cache.feed(("holidays", calendar.name, calendar.description, first, last, uid_domain), build)
