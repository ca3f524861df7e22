"""A company's periodic filing deadlines, laid out from its profile and the rule catalog.

A profile is a fiscal year end (month and day), a filer status and whether the company is a
foreign private issuer. ``plan_year`` lists the periodic deadlines *due* in a calendar year:
for a calendar-year company, year 2026 holds the FY2025 10-K, proxy and Form 5 (due early 2026)
and the Q1-Q3 2026 10-Qs. Each planned deadline carries a stable key (rule id and period), so
that laying out the same year twice can be recognised as the same deadlines.
"""

from __future__ import annotations

import calendar as monthcal
from dataclasses import dataclass
from datetime import date

from ..errors import InputError
from ..rules import Computation
from .catalog import FILER_STATUSES, Catalog, FilingRule


@dataclass(frozen=True)
class Profile:
    """What the filing calendar of a company depends on."""

    name: str
    fiscal_year_end: tuple[int, int] = (12, 31)
    filer_status: str = "large-accelerated"
    foreign: bool = False

    def __post_init__(self) -> None:
        if self.filer_status not in FILER_STATUSES:
            raise InputError(f"filer status {self.filer_status!r} is not one of {', '.join(FILER_STATUSES)}")
        month, day = self.fiscal_year_end
        _check_day_of_year(month, day, f"{month:02d}-{day:02d}")


def parse_fiscal_year_end(text: str) -> tuple[int, int]:
    """``12-31`` (or ``--12-31``, ``12/31``) as (month, day)."""
    cleaned = text.strip().lstrip("-").replace("/", "-")
    try:
        month, day = (int(part) for part in cleaned.split("-"))
    except ValueError:
        raise InputError(f"cannot read fiscal year end {text!r}; write it as MM-DD, e.g. 12-31 or 06-30") from None
    _check_day_of_year(month, day, repr(text))
    return month, day


def _check_day_of_year(month: int, day: int, shown: str) -> None:
    # 2001 is not a leap year: a fiscal year ending on Feb 29 would not end every year.
    if not 1 <= month <= 12 or not 1 <= day <= _days_in(2001, month):
        raise InputError(f"fiscal year end {shown} is not a day of the year; write it as MM-DD, e.g. 12-31 or 06-30")


@dataclass(frozen=True)
class Period:
    """A fiscal period: its label (FY2025, Q1 FY2026) and the day it ends."""

    label: str
    end: date


@dataclass(frozen=True)
class Planned:
    """A periodic deadline: which rule, for which period, due when and why."""

    rule: FilingRule
    period: Period
    computation: Computation

    @property
    def key(self) -> str:
        """Stable identity of this deadline: the rule id and the period's end."""
        return f"{self.rule.id}@{self.period.end.isoformat()}"

    @property
    def title(self) -> str:
        return f"{self.rule.name}, {self.period.label}"

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "rule_id": self.rule.id,
            "form": self.rule.form,
            "title": self.title,
            "period": self.period.label,
            "period_end": self.period.end.isoformat(),
            "citation": self.rule.citation,
            **self.computation.to_dict(),
        }


def _days_in(year: int, month: int) -> int:
    return monthcal.monthrange(year, month)[1]


def fiscal_year_end_on(profile: Profile, fiscal_year: int) -> date:
    """The last day of fiscal year ``fiscal_year`` (named for the calendar year it ends in)."""
    month, day = profile.fiscal_year_end
    return date(fiscal_year, month, min(day, _days_in(fiscal_year, month)))


def quarter_ends(profile: Profile, fiscal_year: int) -> list[Period]:
    """The ends of the first three fiscal quarters of ``fiscal_year``: 3, 6 and 9 months before
    the year's end plus three months, at month end when the year ends at a month end."""
    year_end = fiscal_year_end_on(profile, fiscal_year)
    month_end = year_end.day == _days_in(year_end.year, year_end.month)
    periods = []
    for quarter in (1, 2, 3):
        back = 12 - 3 * quarter
        y, m = divmod(year_end.year * 12 + year_end.month - 1 - back, 12)
        m += 1
        day = _days_in(y, m) if month_end else min(year_end.day, _days_in(y, m))
        periods.append(Period(f"Q{quarter} FY{fiscal_year}", date(y, m, day)))
    return periods


def periods_for(rule: FilingRule, profile: Profile, fiscal_year: int) -> list[Period]:
    """The periods of ``fiscal_year`` whose end triggers ``rule``."""
    if rule.trigger == "fiscal_year_end":
        return [Period(f"FY{fiscal_year}", fiscal_year_end_on(profile, fiscal_year))]
    if rule.trigger == "fiscal_quarter_end":
        return quarter_ends(profile, fiscal_year)
    return []


def plan_year(catalog: Catalog, calendar, profile: Profile, year: int) -> list[Planned]:
    """The periodic deadlines of ``profile`` due in calendar year ``year``, in due-date order."""
    planned: list[Planned] = []
    # A fiscal year's filings fall due up to about four months after it ends, so the fiscal years
    # ending in year-1, year and year+1 cover every deadline due in ``year``.
    for fiscal_year in (year - 1, year, year + 1):
        for rule in catalog.periodic(profile.filer_status, profile.foreign):
            for period in periods_for(rule, profile, fiscal_year):
                if not rule.in_force(period.end):
                    continue
                computation = rule.compute(calendar, period.end)
                if computation.due.year == year:
                    planned.append(Planned(rule, period, computation))
    planned.sort(key=lambda p: (p.computation.due, p.rule.form, p.rule.id))
    return planned
