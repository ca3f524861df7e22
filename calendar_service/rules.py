"""Deadline rules as values: parse ``10 business days`` as people write it, print it back, apply it.

A ``Rule`` is (count, unit, direction, roll, cutoff). ``str(rule)`` is its canonical text and
``parse_rule(str(rule)) == rule`` for every rule. Accepted spellings, case-insensitive:

- count: digits or English words (``10``, ``ten``, ``twenty-one``, ``one hundred twenty``),
  optionally after ``within``;
- unit: ``business days`` (``BD``, ``b.d.``), ``calendar days`` (``CD``; plain ``days`` means
  calendar days, as in "within 10 days after"), ``months``;
- direction: ``after`` (the default) or ``before`` / ``prior to``;
- roll, for calendar days and months: ``roll following`` (the default counting forwards,
  Exchange Act Rule 0-3), ``roll preceding`` (the default counting backwards),
  ``roll modified following``, ``roll modified preceding``, ``no roll``;
- ``month end`` for months: a month-end start lands on the target month's end;
- cutoff: ``17:30 America/New_York``, ``5:30 pm ET``, ``at 22:00`` (no zone: the configured one).
"""

from __future__ import annotations

import enum
import functools
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from .engine import BusinessCalendar, Roll, Step
from .errors import RuleSyntaxError

MAX_COUNT = 100_000


class Unit(enum.Enum):
    """What a rule counts."""

    BUSINESS_DAYS = "business days"
    CALENDAR_DAYS = "calendar days"
    MONTHS = "months"

    def words(self, count: int) -> str:
        """``business day`` or ``business days`` as the count needs."""
        return self.value[:-1] if count == 1 else self.value


class Direction(enum.Enum):
    """Whether a rule counts forwards from its trigger or backwards."""

    AFTER = "after"
    BEFORE = "before"


@dataclass(frozen=True)
class Cutoff:
    """The time of day a deadline ends; ``zone`` None means the configured default zone."""

    at: time
    zone: str | None = None

    def __str__(self) -> str:
        clock = self.at.strftime("%H:%M")
        return f"{clock} {self.zone}" if self.zone else clock


def default_roll(direction: Direction) -> Roll:
    """Forwards, a non-business result moves to the next business day (Exchange Act Rule 0-3);
    backwards, to the business day before, so that a count back never ends later than it says."""
    return Roll.PRECEDING if direction is Direction.BEFORE else Roll.FOLLOWING


@dataclass(frozen=True)
class Rule:
    """A deadline rule: count units after (or before) a trigger, rolled, ending at a cutoff."""

    count: int
    unit: Unit
    direction: Direction = Direction.AFTER
    roll: Roll | None = None
    month_end: bool = False
    cutoff: Cutoff | None = field(default=None)

    def __post_init__(self) -> None:
        if not 0 <= self.count <= MAX_COUNT:
            raise RuleSyntaxError(f"a rule counts from 0 to {MAX_COUNT:,}, not {self.count}; to count backwards write 'before'")
        if self.roll is None:
            object.__setattr__(self, "roll", default_roll(self.direction))
        if self.unit is Unit.BUSINESS_DAYS and self.roll is not default_roll(self.direction):
            raise RuleSyntaxError(
                "a count of business days always lands on a business day; a roll applies only to calendar days and months"
            )
        if self.month_end and self.unit is not Unit.MONTHS:
            raise RuleSyntaxError("'month end' applies only to a count of months")

    @property
    def signed_count(self) -> int:
        """The count, negative when the rule counts backwards."""
        return -self.count if self.direction is Direction.BEFORE else self.count

    def __str__(self) -> str:
        parts = [f"{self.count} {self.unit.words(self.count)}"]
        if self.direction is Direction.BEFORE:
            parts.append(" before")
        if self.roll is not default_roll(self.direction):
            parts.append(", no roll" if self.roll is Roll.NONE else f", roll {self.roll.value}")  # type: ignore[union-attr]
        if self.month_end:
            parts.append(", month end")
        if self.cutoff is not None:
            parts.append(f" {self.cutoff}")
        return "".join(parts)

    def apply(self, calendar: BusinessCalendar, start: date) -> date:
        """The due date for a trigger on ``start`` (no explanation; the fast path)."""
        n = self.signed_count
        if self.unit is Unit.BUSINESS_DAYS:
            return calendar.add_business_days(start, n)
        if self.unit is Unit.CALENDAR_DAYS:
            return calendar.add_calendar_days(start, n, self.roll)  # type: ignore[arg-type]
        return calendar.add_months(start, n, self.roll, month_end=self.month_end)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Computation:
    """A computed deadline with the trail that explains it."""

    start: date
    rule: Rule
    calendar: BusinessCalendar
    due: date
    cutoff: datetime
    steps: tuple[Step, ...]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form: ``due``, ``rule``, ``calendar``, ``cutoff``, ``explanation`` and more."""
        return {
            "start": self.start.isoformat(),
            "rule": str(self.rule),
            "calendar": self.calendar.name,
            "calendar_description": self.calendar.description,
            "due": self.due.isoformat(),
            "weekday": self.due.strftime("%A"),
            "cutoff": self.cutoff.isoformat(),
            "explanation": [step.to_dict() for step in self.steps],
        }


def compute(rule: Rule, calendar: BusinessCalendar, start: date, *, default_cutoff: time, default_zone: str) -> Computation:
    """Apply ``rule`` to a trigger on ``start`` and explain the result."""
    n = rule.signed_count
    if rule.unit is Unit.BUSINESS_DAYS:
        due, steps = calendar.explain_business_days(start, n)
    elif rule.unit is Unit.CALENDAR_DAYS:
        due, steps = calendar.explain_calendar_days(start, n, rule.roll)  # type: ignore[arg-type]
    else:
        due, steps = calendar.explain_months(start, n, rule.roll, month_end=rule.month_end)  # type: ignore[arg-type]
    cutoff = cutoff_for(rule, due, default_cutoff=default_cutoff, default_zone=default_zone)
    at, zone = cutoff.time(), str(cutoff.tzinfo)
    why = "the rule's cutoff" if rule.cutoff else "the default cutoff"
    if not rule.cutoff and at == time(17, 30) and zone == "America/New_York":
        why = "EDGAR's filing-date cutoff, Regulation S-T Rule 13(a)(2)"
    steps.append(Step(due, "cutoff", f"ends at {at.strftime('%H:%M')} {zone} ({why})"))
    return Computation(start, rule, calendar, due, cutoff, tuple(steps))


def cutoff_for(rule: Rule, due: date, *, default_cutoff: time, default_zone: str) -> datetime:
    """When a deadline due on ``due`` ends: the rule's cutoff, else the default, in its zone."""
    at = rule.cutoff.at if rule.cutoff else default_cutoff
    zone = (rule.cutoff.zone if rule.cutoff else None) or default_zone
    return datetime.combine(due, at, tzinfo=ZoneInfo(zone))


# -- parsing ------------------------------------------------------------------------------------

_COUNT_UNIT = re.compile(
    r"""^\s*(?:within\s+)?
        (?P<count>\d+|[a-z]+(?:[\s-]+[a-z]+)*?)\s*
        (?P<unit>business[\s-]+days?|b\.?d\.?s?|calendar[\s-]+days?|c\.?d\.?s?|days?|months?)
        (?=[\s,;()]|$)""",
    re.IGNORECASE | re.VERBOSE,
)
_SEPARATORS = " \t\r\n,;()"
_CLAUSES = (
    ("direction", re.compile(r"(?P<dir>before|prior\s+to|prior|after)(?=[\s,;()]|$)", re.I)),
    ("roll", re.compile(r"(?P<none>no\s+roll|unadjusted|roll\s*:?\s*none)(?=[\s,;()]|$)", re.I)),
    ("roll", re.compile(r"(?:roll\s*:?\s*)?(?P<roll>modified\s+following|modified\s+preceding|following|preceding)(?=[\s,;()]|$)", re.I)),
    ("month_end", re.compile(r"(?:month[\s-]end|end\s+of\s+(?:the\s+)?month|eom)(?=[\s,;()]|$)", re.I)),
    (
        "cutoff",
        re.compile(
            r"(?:(?:at|by)\s+)?(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?"
            r"(?:\s+(?P<zone>(?!before|after|prior|roll|no\b|month)[A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)*)(?:\s+time)?)?(?=[\s,;()]|$)",
            re.I,
        ),
    ),
)

_UNIT_WORDS = {"b": Unit.BUSINESS_DAYS, "c": Unit.CALENDAR_DAYS, "d": Unit.CALENDAR_DAYS, "m": Unit.MONTHS}
_ROLLS = {roll.value: roll for roll in Roll}
_ZONE_ALIASES = {
    "ET": "America/New_York",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "EASTERN": "America/New_York",
    "CT": "America/Chicago",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "CENTRAL": "America/Chicago",
    "MT": "America/Denver",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "MOUNTAIN": "America/Denver",
    "PT": "America/Los_Angeles",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "PACIFIC": "America/Los_Angeles",
    "UTC": "UTC",
    "GMT": "UTC",
    "Z": "UTC",
}

_SMALL_NUMBERS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
)
_SMALL = {w: i for i, w in enumerate(_SMALL_NUMBERS.split())}
_TENS = {w: 10 * i for i, w in enumerate(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], start=2)}

_HELP = "write it like '10 business days', 'ten business days', '10BD', '60 calendar days', '4 months' or '2 business days before'"


@functools.lru_cache(maxsize=4096)
def parse_rule(text: str) -> Rule:
    """Read a rule from text such as ``10 business days`` (see the module docstring)."""
    if not isinstance(text, str) or not text.strip():
        raise RuleSyntaxError(f"the rule is empty; {_HELP}")
    match = _COUNT_UNIT.match(text)
    if not match:
        raise RuleSyntaxError(f"cannot read {text.strip()!r} as a rule; {_HELP}")
    count = parse_count(match["count"], text)
    unit_text = match["unit"].lower()
    unit = Unit.BUSINESS_DAYS if unit_text.startswith("bus") else _UNIT_WORDS[unit_text[0]]
    found: dict[str, re.Match[str]] = {}
    rest = text[match.end() :]
    while True:
        rest = rest.lstrip(_SEPARATORS)
        if not rest:
            break
        for name, pattern in _CLAUSES:
            clause = pattern.match(rest)
            if clause:
                if name in found:
                    raise RuleSyntaxError(f"{text.strip()!r} gives the {name.replace('_', ' ')} twice")
                found[name] = clause
                rest = rest[clause.end() :]
                break
        else:
            raise RuleSyntaxError(
                f"cannot read {rest.strip()!r} in rule {text.strip()!r}; after the count a rule may say "
                "'before', a roll ('roll preceding', 'no roll'), 'month end' or a cutoff such as '17:30 America/New_York'"
            )
    direction = Direction.BEFORE if "direction" in found and found["direction"]["dir"].lower() != "after" else Direction.AFTER
    roll = None
    if "roll" in found:
        clause = found["roll"]
        roll = Roll.NONE if clause.groupdict().get("none") else _ROLLS[" ".join(clause["roll"].lower().split())]
    cutoff = _parse_cutoff(found["cutoff"], text) if "cutoff" in found else None
    return Rule(count, unit, direction, roll, "month_end" in found, cutoff)


def parse_count(word: str, text: str) -> int:
    """The number written as digits or English words ("10", "ten", "twenty-one"); RuleSyntaxError if not one."""
    if word.isdigit():
        return int(word)
    total = 0
    seen = False
    for token in re.split(r"[\s-]+", word.lower()):
        if token == "and" and seen:
            continue
        if token in _SMALL:
            total += _SMALL[token]
        elif token in _TENS:
            total += _TENS[token]
        elif token == "hundred" and seen:
            total *= 100
        else:
            raise RuleSyntaxError(f"cannot read {word!r} as a number in {text.strip()!r}; write digits (10) or words (ten)")
        seen = True
    return total


def _parse_cutoff(clause: re.Match[str], text: str) -> Cutoff:
    hour = int(clause["h"])
    minute = int(clause["m"] or 0)
    ampm = (clause["ampm"] or "").replace(".", "").lower()
    if not clause["m"] and not ampm:
        raise RuleSyntaxError(f"cannot read the cutoff in {text.strip()!r}; write a time such as 17:30 or 5:30 pm")
    if ampm:
        if not 1 <= hour <= 12:
            raise RuleSyntaxError(f"{hour} is not an hour on a 12-hour clock in {text.strip()!r}")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        raise RuleSyntaxError(f"{clause['h']}:{clause['m']} is not a time of day in {text.strip()!r}")
    zone = resolve_zone(clause["zone"]) if clause["zone"] else None
    return Cutoff(time(hour, minute), zone)


def resolve_zone(name: str) -> str:
    """The IANA name for ``name``: an IANA name in any case, or ET, CT, MT, PT, UTC and the like."""
    alias = _ZONE_ALIASES.get(name.upper())
    if alias:
        return alias
    by_lower = _zones_by_lower()
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    raise RuleSyntaxError(f"{name!r} is not a time zone; use an IANA name such as America/New_York, or ET, CT, MT, PT, UTC")


@functools.cache
def _zones_by_lower() -> dict[str, str]:
    return {zone.lower(): zone for zone in zoneinfo.available_timezones()}
