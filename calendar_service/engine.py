"""Business-day arithmetic over one calendar: pure, stdlib only, no I/O and no clock.

A ``BusinessCalendar`` is compiled once from its non-business days. Two prefix-count tables,
indexed by day within the supported range, turn every offset into two array reads and one
list read (no day-by-day loop, no bisect): ``_after[o]`` is the index, in the list of business
days, of the last business day on or before day ``o``; ``_before[o]`` is the number of business
days strictly before day ``o``. Then the n-th business day after ``d`` is
``_days[_after[o] + n]`` and the n-th before is ``_days[_before[o] - n]``.

Every computation can also explain itself as a list of ``Step`` s: the trigger, each counted
and each skipped day with its reason, and the roll applied.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import enum
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import OutOfRangeError

#: The range every calendar covers; inputs and results outside it raise OutOfRangeError.
FIRST_SUPPORTED = date(1900, 1, 1)
LAST_SUPPORTED = date(2200, 12, 31)

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Roll(enum.Enum):
    """What to do with a date that lands on a non-business day (a named value, not a flag)."""

    FOLLOWING = "following"  # the next business day (Exchange Act Rule 0-3)
    PRECEDING = "preceding"  # the business day before
    MODIFIED_FOLLOWING = "modified following"  # following, unless that leaves the month
    MODIFIED_PRECEDING = "modified preceding"  # preceding, unless that leaves the month
    NONE = "none"  # keep the date as it is (e.g. Securities Act Rule 459)


@dataclass(frozen=True, slots=True)
class DayOff:
    """Why a date is not a business day: ``kind`` is weekend, holiday or closure."""

    name: str
    kind: str

    def describe(self) -> str:
        """Human text such as ``Memorial Day (holiday)``."""
        return f"{self.name} ({self.kind})"


@dataclass(frozen=True, slots=True)
class Step:
    """One line of an explanation.

    ``action`` is one of: ``start`` (the trigger), ``count`` (a business or calendar day
    counted; ``day`` holds its number), ``skip`` (a non-business day passed over),
    ``end`` (the last day of a count between two dates), ``cutoff`` (the time the deadline ends),
    ``land`` (where plain counting landed before any roll), ``roll`` (the date moved by a roll
    convention), ``due`` (the result).
    """

    date: date
    action: str
    note: str
    day: int | None = None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form of the step."""
        out: dict[str, object] = {
            "date": self.date.isoformat(),
            "weekday": WEEKDAY_NAMES[self.date.weekday()][:3],
            "action": self.action,
            "note": self.note,
        }
        if self.day is not None:
            out["day"] = self.day
        return out

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {WEEKDAY_NAMES[self.date.weekday()][:3]}  {self.action:<6} {self.note}"


class BusinessCalendar:
    """A calendar compiled for fast offsets: which days are business days, and why not."""

    __slots__ = ("_after", "_base", "_before", "_days", "_off", "description", "first", "last", "name", "weekend")

    def __init__(
        self,
        name: str,
        *,
        weekend: Iterable[int] = (5, 6),
        closed: Mapping[date, DayOff] | None = None,
        opened: Mapping[date, str] | None = None,
        description: str = "",
        first: date = FIRST_SUPPORTED,
        last: date = LAST_SUPPORTED,
    ) -> None:
        """Compile a calendar.

        ``weekend`` holds weekday numbers (Monday 0); ``closed`` maps extra non-business days to
        their reason; ``opened`` maps days that are business days even though they fall on the
        weekend or in ``closed`` (a configured re-opening) to why.
        """
        self.name = name
        self.description = description
        self.weekend = frozenset(weekend)
        self.first = first
        self.last = last
        closed = closed or {}
        opened = opened or {}
        self._base = first.toordinal()
        after = array("l")
        before = array("l")
        days: list[date] = []
        off: dict[date, DayOff] = {}
        weekend_set = self.weekend
        count = 0
        for ordinal in range(self._base, last.toordinal() + 1):
            day = date.fromordinal(ordinal)
            before.append(count)
            reason = None
            if day not in opened:
                # A weekend day is explained as the weekend even when a holiday falls on it:
                # the holiday's observed day, if any, is its own entry in ``closed``.
                if day.weekday() in weekend_set:
                    reason = DayOff(WEEKDAY_NAMES[day.weekday()], "weekend")
                else:
                    reason = closed.get(day)
            if reason is None:
                days.append(day)
                count += 1
            else:
                off[day] = reason
            after.append(count - 1)
        if not days:
            raise ValueError(f"calendar {name!r} has no business days")
        self._after = after
        self._before = before
        self._days = days
        self._off = off

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.name!r})"

    # -- single dates -------------------------------------------------------------------

    def _offset(self, d: date) -> int:
        o = d.toordinal() - self._base
        if o < 0 or o >= len(self._after):
            raise OutOfRangeError(self._range_message(d))
        return o

    def _range_message(self, d: date) -> str:
        return f"{d.isoformat()} is outside the supported range {self.first.isoformat()} to {self.last.isoformat()}"

    def is_business_day(self, d: date) -> bool:
        """True when ``d`` is neither a weekend day nor a holiday or closure."""
        o = self._offset(d)
        return self._after[o] == self._before[o]

    def day_off(self, d: date) -> DayOff | None:
        """Why ``d`` is not a business day, or None when it is one."""
        self._offset(d)
        return self._off.get(d)

    def days_off(self, start: date, end: date, *, include_weekends: bool = False) -> list[tuple[date, DayOff]]:
        """The non-business days from ``start`` to ``end`` inclusive, in date order."""
        self._offset(start)
        self._offset(end)
        out = []
        d = start
        one = timedelta(days=1)
        while d <= end:
            reason = self._off.get(d)
            if reason is not None and (include_weekends or reason.kind != "weekend"):
                out.append((d, reason))
            d += one
        return out

    # -- offsets -------------------------------------------------------------------------

    def add_business_days(self, start: date, n: int) -> date:
        """The n-th business day after ``start`` (before it when n < 0).

        Day 1 is the first business day after the start, whatever the start is. With n == 0 the
        start itself is returned if it is a business day, else the next business day.
        """
        o = start.toordinal() - self._base
        if o < 0 or o >= len(self._after):
            raise OutOfRangeError(self._range_message(start))
        # With n == 0, _before[o] is the index of the first business day on or after start.
        i = (self._after[o] if n > 0 else self._before[o]) + n
        if i < 0 or i >= len(self._days):
            raise OutOfRangeError(self._result_message(start, n, "business days"))
        return self._days[i]

    def add_business_days_many(self, starts: Sequence[date], n: int | Sequence[int]) -> list[date]:
        """``add_business_days`` over a list of dates (with one n, or one n per date)."""
        after, before, days, base = self._after, self._before, self._days, self._base
        size, limit = len(after), len(days)
        counts = [n] * len(starts) if isinstance(n, int) else n
        if len(counts) != len(starts):
            raise ValueError(f"got {len(starts)} dates but {len(counts)} counts")
        out = []
        append = out.append
        for start, k in zip(starts, counts, strict=True):
            o = start.toordinal() - base
            if o < 0 or o >= size:
                raise OutOfRangeError(self._range_message(start))
            i = (after[o] if k > 0 else before[o]) + k
            if i < 0 or i >= limit:
                raise OutOfRangeError(self._result_message(start, k, "business days"))
            append(days[i])
        return out

    def next_business_day(self, d: date) -> date:
        """The first business day strictly after ``d``."""
        return self.add_business_days(d, 1)

    def previous_business_day(self, d: date) -> date:
        """The last business day strictly before ``d``."""
        return self.add_business_days(d, -1)

    def roll(self, d: date, convention: Roll) -> date:
        """Move ``d`` to a business day by ``convention`` (unchanged if it already is one)."""
        if convention is Roll.NONE or self.is_business_day(d):
            return d
        if convention is Roll.FOLLOWING:
            return self.add_business_days(d, 1)
        if convention is Roll.PRECEDING:
            return self.add_business_days(d, -1)
        if convention is Roll.MODIFIED_FOLLOWING:
            later = self.add_business_days(d, 1)
            return later if later.month == d.month else self.add_business_days(d, -1)
        earlier = self.add_business_days(d, -1)
        return earlier if earlier.month == d.month else self.add_business_days(d, 1)

    def add_calendar_days(self, start: date, n: int, roll: Roll = Roll.FOLLOWING) -> date:
        """``start`` plus n calendar days, rolled to a business day by ``roll``."""
        self._offset(start)
        return self.roll(self._shift_days(start, n), roll)

    def add_months(self, start: date, n: int, roll: Roll = Roll.FOLLOWING, *, month_end: bool = False) -> date:
        """``start`` plus n months, rolled by ``roll``.

        A day past the end of the target month is clamped to its last day (Jan 31 + 1 month is
        Feb 28 or 29). With ``month_end``, a start on the last day of its month lands on the last
        day of the target month (Jun 30 + 4 months is Oct 31 rather than Oct 30).
        """
        self._offset(start)
        return self.roll(self._shift_months(start, n, month_end), roll)

    def business_days_between(self, start: date, end: date) -> int:
        """How many business days one counts going from ``start`` to ``end``.

        Forwards, the days after ``start`` up to and including ``end``; backwards, the days from
        ``end`` up to but excluding ``start``, negated. So for a business day ``end``,
        ``add_business_days(start, business_days_between(start, end)) == end``.
        """
        a, b = self._offset(start), self._offset(end)
        if b >= a:
            return self._after[b] - self._after[a]
        return self._before[b] - self._before[a]

    # -- explanations ------------------------------------------------------------------------

    def explain_business_days(self, start: date, n: int) -> tuple[date, list[Step]]:
        """``add_business_days`` with its trail: each day counted and each day skipped, and why."""
        due = self.add_business_days(start, n)
        steps = [Step(start, "start", "trigger date")]
        if n == 0:
            if due != start:
                steps += self._skips(start, due, include_start=True)
                steps.append(Step(due, "roll", "zero business days: moved to the next business day"))
        else:
            steps += self._walk(start, due)
        steps.append(Step(due, "due", f"{abs(n)} business day{'s' if abs(n) != 1 else ''} {'after' if n >= 0 else 'before'} the trigger"))
        return due, steps

    def explain_business_days_between(self, start: date, end: date) -> tuple[int, list[Step]]:
        """``business_days_between`` with its trail: each day counted and each day skipped."""
        count = self.business_days_between(start, end)
        steps = [Step(start, "start", "from this date (not counted)"), *self._walk(start, end)]
        steps.append(
            Step(end, "end", f"{abs(count)} business day{'s' if abs(count) != 1 else ''} {'after' if count >= 0 else 'before'} the start")
        )
        return count, steps

    def _walk(self, start: date, stop: date) -> list[Step]:
        """Count and skip steps for each day after ``start`` up to and including ``stop`` (either way)."""
        direction = 1 if stop >= start else -1
        one = timedelta(days=direction)
        steps = []
        counted = 0
        d = start
        while d != stop:
            d += one
            reason = self._off.get(d)
            if reason is None:
                counted += direction
                steps.append(Step(d, "count", f"business day {counted}", counted))
            else:
                steps.append(Step(d, "skip", reason.describe()))
        return steps

    def explain_calendar_days(self, start: date, n: int, roll: Roll = Roll.FOLLOWING) -> tuple[date, list[Step]]:
        """``add_calendar_days`` with its trail: where counting landed and any roll."""
        self._offset(start)
        landed = self._shift_days(start, n)
        word = "after" if n >= 0 else "before"
        steps = [
            Step(start, "start", "trigger date"),
            Step(landed, "land", f"{abs(n)} calendar day{'s' if abs(n) != 1 else ''} {word} the trigger (weekends and holidays count)"),
        ]
        return self._finish_with_roll(landed, roll, steps)

    def explain_months(self, start: date, n: int, roll: Roll = Roll.FOLLOWING, *, month_end: bool = False) -> tuple[date, list[Step]]:
        """``add_months`` with its trail, saying when a day was clamped to the month's end."""
        self._offset(start)
        landed = self._shift_months(start, n, month_end)
        word = "after" if n >= 0 else "before"
        note = f"{abs(n)} month{'s' if abs(n) != 1 else ''} {word} the trigger"
        if landed.day != start.day:
            if month_end and _is_month_end(start):
                note += " (the trigger is a month end, so the result is the target month's end)"
            else:
                note += f" (day {start.day} does not exist in that month: clamped to its last day)"
        elif _is_month_end(start) and not _is_month_end(landed):
            note += " (same day number; the month-end convention would give the month's last day)"
        steps = [Step(start, "start", "trigger date"), Step(landed, "land", note)]
        return self._finish_with_roll(landed, roll, steps)

    def _finish_with_roll(self, landed: date, roll: Roll, steps: list[Step]) -> tuple[date, list[Step]]:
        due = self.roll(landed, roll)
        if due != landed:
            steps += self._skips(landed, due, include_start=True)
            steps.append(Step(due, "roll", _ROLL_NOTES[roll]))
        elif roll is Roll.NONE and not self.is_business_day(landed):
            reason = self._off[landed]
            steps.append(Step(landed, "roll", f"{reason.describe()}, kept: this rule does not roll"))
        steps.append(Step(due, "due", "due date"))
        return due, steps

    def _skips(self, a: date, b: date, *, include_start: bool) -> list[Step]:
        """Skip steps for the non-business days walked over going from ``a`` towards ``b``."""
        one = timedelta(days=1 if b > a else -1)
        d = a if include_start else a + one
        out = []
        while d != b:
            reason = self._off.get(d)
            if reason is not None:
                out.append(Step(d, "skip", reason.describe()))
            d += one
        return out

    # -- helpers -----------------------------------------------------------------------------

    def _result_message(self, start: date, n: int, unit: str) -> str:
        return (
            f"{start.isoformat()} {'+' if n >= 0 else '-'} {abs(n)} {unit} falls outside the supported "
            f"range {self.first.isoformat()} to {self.last.isoformat()}"
        )

    def _shift_days(self, start: date, n: int) -> date:
        try:
            landed = start + timedelta(days=n)
        except OverflowError:
            landed = None
        if landed is None or not (self.first <= landed <= self.last):
            raise OutOfRangeError(self._result_message(start, n, "calendar days"))
        return landed

    def _shift_months(self, start: date, n: int, month_end: bool) -> date:
        index = start.year * 12 + start.month - 1 + n
        year, month = divmod(index, 12)
        month += 1
        if not (self.first.year <= year <= self.last.year):
            raise OutOfRangeError(self._result_message(start, n, "months"))
        last_day = _stdlib_calendar.monthrange(year, month)[1]
        day = last_day if month_end and _is_month_end(start) else min(start.day, last_day)
        return date(year, month, day)


_ROLL_NOTES = {
    Roll.FOLLOWING: "rolled forward to the next business day (following)",
    Roll.PRECEDING: "rolled back to the previous business day (preceding)",
    Roll.MODIFIED_FOLLOWING: "rolled by modified following: forward, unless that leaves the month",
    Roll.MODIFIED_PRECEDING: "rolled by modified preceding: back, unless that leaves the month",
}


def _is_month_end(d: date) -> bool:
    return d.day == _stdlib_calendar.monthrange(d.year, d.month)[1]
