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
    keys: Callable[[], list[tuple[Any, ...]]],
    rows: Callable[[list[int]], dict[int, dict[str, Any]]],
    present: Callable[[dict[str, Any]], dict[str, Any]],
    *,
    settings: Settings,
    uid_domain: str,
    link: Callable[[int], str],
) -> bytes:
    """The bytes of a feed for its snapshot ``key``.

    ``keys()`` gives (id, version, updated_at, status, matter name, company) per deadline, in
    order; only deadlines whose event is not cached under that key are read whole (``rows``)
    and rendered.
    """
    reminders = tuple(parse_duration(r) for r in feed["reminders"])

    def build() -> bytes:
        head, tail = calendar_head(feed["name"], settings.engine.default_timezone, "Deadlines from calendar_service")
        wanted = [(*entry, reminders, feed["cutoff_events"], uid_domain, link(entry[0])) for entry in keys()]
        found = cache.events(wanted)
        missing = rows([k[0] for k in wanted if k not in found])
        parts = [head]
        for event_key in wanted:
            chunk = found.get(event_key)
            if chunk is None:
                chunk = _events(missing[event_key[0]])
                cache.add_event(event_key, chunk)
            parts.append(chunk)
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
