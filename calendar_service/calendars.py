"""Named calendars: the only module that imports ``holidays``.

A calendar name is one of the built-in names below, a ``holidays`` country spec (``GB-ENG``,
``US-DC``), a financial market (``financial:ECB``), or a calendar defined in config.toml
(``[calendars.NAME]`` with a ``base``). config.toml may adjust any of them: extra closures,
re-openings, the weekend, Inauguration Day. ``get_calendar`` compiles the result into an
``engine.BusinessCalendar`` once per (name, settings) and caches it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import holidays
from holidays.constants import GOVERNMENT
from holidays.holiday_base import HolidayBase

from .config import CalendarSettings, Settings
from .engine import FIRST_SUPPORTED, LAST_SUPPORTED, BusinessCalendar, DayOff
from .errors import UnknownCalendarError

# One year either side of the supported range, so that an observed day that crosses a year end
# (Fri 1999-12-31 would be the holiday for a Saturday 2000-01-01) is present at the edges.
_YEARS = range(FIRST_SUPPORTED.year - 1, LAST_SUPPORTED.year + 2)

HOLIDAY = "holiday"
CONFIGURED = "configured closure"

BUILTIN_CALENDARS = {
    "us-federal": (
        "US federal government: the 11 holidays of 5 U.S.C. 6103 with federal weekend observance, "
        "plus the executive-order closures and national days of mourning EDGAR treats as holidays"
    ),
    "us-federal-statutory": "US federal government: the 11 statutory holidays of 5 U.S.C. 6103 only",
    "nyse": "New York Stock Exchange trading calendar",
}

# The three Christmas Eve "half-day closing" orders (EO 13281 for 2002-12-24, EO 13523 for
# 2009-12-24, EO 13713 for 2015-12-24; Federal Register 02-32518, E9-30020, 2015-31749) closed
# agencies for the afternoon only. The day was still a business day and no SEC notice treats it
# as a filing holiday, so us-federal leaves them out although holidays' GOVERNMENT category
# lists them as whole days.
_HALF_DAY_MARK = "half-day closing"


@dataclass
class _Days:
    """The raw material of a calendar before compilation."""

    description: str
    weekend: frozenset[int]
    closed: dict[date, DayOff]
    opened: dict[date, str]


def canonical_name(name: str, settings: Settings) -> str:
    """The one spelling of a calendar name: built-ins lower case, country and market codes upper,
    calendars defined in config.toml as written there."""
    text = name.strip()
    if not text:
        raise UnknownCalendarError("the calendar name is empty; use us-federal, us-federal-statutory, nyse, or a spec such as GB-ENG")
    for key, adjust in settings.calendars:
        if adjust.base and key.strip().lower() == text.lower():
            return key.strip()
    return _spec_name(text)


def _spec_name(text: str) -> str:
    text = text.strip()
    if text.lower() in BUILTIN_CALENDARS:
        return text.lower()
    if text.lower().startswith("financial:"):
        return "financial:" + text.split(":", 1)[1].strip().upper()
    return text.upper()


def get_calendar(name: str | None, settings: Settings) -> BusinessCalendar:
    """The compiled calendar called ``name`` (the configured default when None)."""
    if name is None:
        try:
            return _compile(canonical_name(settings.engine.default_calendar, settings), settings)
        except UnknownCalendarError as exc:
            raise UnknownCalendarError(f"engine.default_calendar in {settings.source}: {exc}") from None
    return _compile(canonical_name(name, settings), settings)


@functools.lru_cache(maxsize=32)
def _compile(name: str, settings: Settings) -> BusinessCalendar:
    days = _days_for(name, settings, seen=())
    return BusinessCalendar(
        name,
        weekend=days.weekend,
        closed=days.closed,
        opened=days.opened,
        description=days.description,
    )


def available_calendars(settings: Settings) -> list[tuple[str, str]]:
    """(name, description) for the built-in calendars and those defined in config.toml."""
    out = list(BUILTIN_CALENDARS.items())
    for name, adjust in settings.calendars:
        if adjust.base:
            out.append((name.strip(), adjust.description or f"based on {adjust.base}"))
    return out


def library_version() -> str:
    """The version of the holiday data, recorded with every explanation."""
    return f"holidays {holidays.__version__}"


def _configured(name: str, settings: Settings) -> CalendarSettings:
    """The config.toml table for the calendar with canonical name ``name`` (empty if none)."""
    for key, adjust in settings.calendars:
        if (key.strip() if adjust.base else _spec_name(key)) == name:
            return adjust
    return CalendarSettings()


def _days_for(name: str, settings: Settings, seen: tuple[str, ...]) -> _Days:
    if name in seen:
        raise UnknownCalendarError(
            f"calendar {name!r} is defined in terms of itself ({' -> '.join((*seen, name))}); fix its base in config.toml"
        )
    adjust = _configured(name, settings)
    if adjust.base:
        days = _days_for(canonical_name(adjust.base, settings), settings, (*seen, name))
        days.description = adjust.description or f"{days.description}; adjusted as {name} in config.toml"
    else:
        days = _library_days(name)
        if adjust.description:
            days.description = adjust.description
    _apply(days, adjust)
    return days


def _apply(days: _Days, adjust: CalendarSettings) -> None:
    """Layer config.toml's adjustments over a calendar's own days."""
    if adjust.weekend:
        days.weekend = frozenset(adjust.weekend)
        # An explicit weekend replaces the calendar's own, with its dated exceptions.
        days.opened = {}
    if adjust.inauguration_day:
        for day in _inauguration_days():
            days.closed.setdefault(day, DayOff("Inauguration Day (5 U.S.C. 6103(c), DC area)", CONFIGURED))
    for closure in adjust.closures:
        days.closed.setdefault(closure.date, DayOff(closure.reason, CONFIGURED))
    for reopening in adjust.reopenings:
        days.closed.pop(reopening.date, None)
        days.opened[reopening.date] = reopening.reason


def _inauguration_days() -> Iterator[date]:
    """Inauguration Day: March 4 until 1933, January 20 from 1937 (20th Amendment), every fourth year.

    5 U.S.C. 6103(c): when January 20 falls on a Sunday, the holiday is the Monday after.
    """
    for year in range(1901, 1934, 4):
        yield date(year, 3, 4)
    for year in range(1937, LAST_SUPPORTED.year + 1, 4):
        day = date(year, 1, 20)
        yield day + timedelta(days=1) if day.weekday() == 6 else day


def _library_days(name: str) -> _Days:
    if name == "us-federal":
        government = holidays.US(categories=GOVERNMENT, years=_YEARS)
        closed = {d: DayOff(n, HOLIDAY) for d, n in government.items() if _HALF_DAY_MARK not in n}
        return _Days(
            f"{BUILTIN_CALENDARS[name]} ({library_version()}, GOVERNMENT category; half-day closings left out)",
            frozenset(government.weekend),
            closed,
            {},
        )
    if name == "us-federal-statutory":
        government = holidays.US(categories=GOVERNMENT, years=_YEARS)
        # The default PUBLIC category, with no state, is exactly the 11 statutory holidays with
        # their observed days; GOVERNMENT adds the closures. Keep GOVERNMENT's (OPM) names.
        statutory = holidays.US(years=_YEARS)
        closed = {d: DayOff(n, HOLIDAY) for d, n in government.items() if d in statutory}
        return _Days(f"{BUILTIN_CALENDARS[name]} ({library_version()})", frozenset(government.weekend), closed, {})
    if name == "nyse":
        return _from_library(holidays.financial_holidays("NYSE", years=_YEARS), BUILTIN_CALENDARS[name])
    if name.startswith("financial:"):
        market = name.split(":", 1)[1]
        try:
            found = holidays.financial_holidays(market, years=_YEARS)
        except NotImplementedError:
            known = ", ".join(sorted(holidays.list_supported_financial()))
            raise UnknownCalendarError(f"unknown financial market {market!r}; known markets: {known}") from None
        return _from_library(found, f"{market} market holidays")
    return _country_days(name)


def _country_days(name: str) -> _Days:
    country, _, subdiv = name.partition("-")
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise UnknownCalendarError(
            f"unknown calendar {name!r}; use us-federal, us-federal-statutory, nyse, a country code "
            "with an optional subdivision such as GB-ENG or US-DC, or a market such as financial:ECB"
        )
    if subdiv and subdiv not in supported[country]:
        raise UnknownCalendarError(f"{country} has no subdivision {subdiv!r}; known: {', '.join(supported[country]) or 'none'}")
    cls = holidays.country_holidays(country).__class__
    languages = getattr(cls, "supported_languages", ())
    language = next((lang for lang in ("en_US", "en_GB", "en") if lang in languages), None)
    found = holidays.country_holidays(country, subdiv=subdiv or None, years=_YEARS, language=language)
    where = f"{country}, subdivision {subdiv}" if subdiv else country
    return _from_library(found, f"public holidays of {where}")


def _from_library(found: HolidayBase, description: str) -> _Days:
    weekend = frozenset(found.weekend)
    closed = {d: DayOff(n, HOLIDAY) for d, n in found.items()}
    opened = {d: "working weekend day" for d in getattr(found, "weekend_workdays", ()) or ()}
    # Some calendars change their weekend over time (the NYSE traded on Saturdays until
    # 1952-09-29); where the class says so, ask it day by day and record the exceptions.
    if type(found)._get_weekend is not HolidayBase._get_weekend:
        day, end, one = FIRST_SUPPORTED, LAST_SUPPORTED, timedelta(days=1)
        while day <= end:
            nominal = day.weekday() in weekend
            actual = found.is_weekend(day)
            if nominal and not actual and day not in closed:
                opened[day] = f"{day.strftime('%A')} was a business day on this calendar then"
            elif actual and not nominal:
                closed.setdefault(day, DayOff(day.strftime("%A"), "weekend"))
            day += one
    return _Days(f"{description} ({library_version()})", weekend, closed, opened)
