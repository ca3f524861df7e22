"""Use cases over the engine: each takes what it needs (settings, dates) as arguments.

The adapters (CLI now; the web API later) parse their input, call one function here and render
the result. Nothing here reads the clock or prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..calendars import available_calendars, get_calendar
from ..config import Settings
from ..engine import FIRST_SUPPORTED, LAST_SUPPORTED, WEEKDAY_NAMES, BusinessCalendar, DayOff, Step
from ..errors import InputError, OutOfRangeError
from ..rules import Computation, Rule, compute, parse_rule
from .fields import FieldProblem, parse_date_value


def parse_date(text: str, what: str = "date") -> date:
    """Read an ISO date (YYYY-MM-DD), saying exactly what is wrong with a bad one."""
    try:
        return parse_date_value(text.strip())
    except FieldProblem as problem:
        raise InputError(f"{what} {problem}") from None


def check_year(year: int) -> int:
    """``year`` if the engine supports it, else OutOfRangeError."""
    if not FIRST_SUPPORTED.year <= year <= LAST_SUPPORTED.year:
        raise OutOfRangeError(f"year {year} is outside the supported range {FIRST_SUPPORTED.year} to {LAST_SUPPORTED.year}")
    return year


def compute_deadline(start: date, rule: Rule | str, calendar: str | None, settings: Settings) -> Computation:
    """The due date and cutoff for a trigger on ``start`` under ``rule``, with its explanation."""
    parsed = parse_rule(rule) if isinstance(rule, str) else rule
    return compute(
        parsed,
        get_calendar(calendar, settings),
        start,
        default_cutoff=settings.engine.default_cutoff,
        default_zone=settings.engine.default_timezone,
    )


@dataclass(frozen=True)
class YearOfDaysOff:
    """The non-business days (other than weekends) of one year on one calendar."""

    calendar: BusinessCalendar
    year: int
    days: tuple[tuple[date, DayOff], ...]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "calendar": self.calendar.name,
            "calendar_description": self.calendar.description,
            "year": self.year,
            "weekend": [WEEKDAY_NAMES[d] for d in sorted(self.calendar.weekend)],
            "days": [{"date": d.isoformat(), "weekday": d.strftime("%a"), "name": off.name, "kind": off.kind} for d, off in self.days],
        }


def days_off_in_year(year: int, calendar: str | None, settings: Settings) -> YearOfDaysOff:
    """Every weekday holiday or closure of ``year``: the days that remove a business day."""
    check_year(year)
    cal = get_calendar(calendar, settings)
    return YearOfDaysOff(cal, year, tuple(cal.days_off(date(year, 1, 1), date(year, 12, 31))))


def count_business_days(start: date, end: date, calendar: str | None, settings: Settings) -> tuple[BusinessCalendar, int, list[Step]]:
    """Business days after ``start`` up to and including ``end`` (negative when ``end`` is earlier), explained."""
    cal = get_calendar(calendar, settings)
    count, steps = cal.explain_business_days_between(start, end)
    return cal, count, steps


def list_calendars(settings: Settings) -> list[tuple[str, str]]:
    """The calendars a user can name, with descriptions."""
    return available_calendars(settings)
