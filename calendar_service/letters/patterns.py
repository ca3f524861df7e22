"""The small vocabulary the readers share: dates as letters print them, sentences, counts."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date

from ..rules import parse_count
from .model import Span

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
_ABBREVIATIONS = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
_MONTH_NUMBER = {name: i for i, name in enumerate(MONTHS, 1)} | {name.upper(): i for i, name in enumerate(MONTHS, 1)} | _ABBREVIATIONS
_MONTH = "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True))
WEEKDAY = r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)"

# "May 11, 2009", "Wednesday, April 13, 2016", "Sept. 3, 2019"; and "12 June 2024" (foreign filers).
DATE_MDY = re.compile(rf"\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(?P<year>(?:19|20|21)\d{{2}})\b")
DATE_DMY = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH})\.?,?\s+(?P<year>(?:19|20|21)\d{{2}})\b")

# Any of those, without groups, for use inside larger patterns (parse the match with find_dates).
DATE_ANY = (
    rf"{WEEKDAY}?(?:(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\s*,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH})\.?,?\s+\d{{4}})"
)

# A count as letters write it: "10", "ten", "twenty-one", "ten (10)".
COUNT = r"(?P<n>\d{1,3}|[a-z]+(?:-[a-z]+)?)(?:\s*\(\s*\d{1,3}\s*\))?"

_ABBREVIATION_BEFORE_PERIOD = re.compile(
    r"(?:\b(?:Mr|Ms|Mrs|Dr|Messrs|No|Nos|Inc|Corp|Co|Ltd|St|Jr|Sr|Esq|vs|v|e\.g|i\.e|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    r"U\.S|L\.P|L\.L\.C|N\.E|N\.W|D\.C|S\.A|N\.V|P\.C|Rev|Reg|Sec|Art|approx)|(?<![\w.-])[A-Z]|(?<![\w.,-])\d{1,2})\.$"
)
_BOUNDARY = re.compile(r"[.!?][\"')]?\s+(?=[A-Z(\"'\d])")


@dataclass(frozen=True)
class DateMention:
    """A date printed in the text."""

    value: date
    start: int
    end: int


def find_dates(text: str) -> list[DateMention]:
    """Every real calendar date written out in ``text``, in order (impossible ones are skipped)."""
    found: list[DateMention] = []
    for pattern in (DATE_MDY, DATE_DMY):
        for m in pattern.finditer(text):
            try:
                value = date(int(m["year"]), _MONTH_NUMBER[m["month"]], int(m["day"]))
            except ValueError:
                continue
            found.append(DateMention(value, m.start(), m.end()))
    found.sort(key=lambda mention: mention.start)
    out: list[DateMention] = []
    for mention in found:
        if out and mention.start < out[-1].end:
            continue  # overlapping readings of one date
        out.append(mention)
    return out


def count_value(word: str) -> int | None:
    """The number in "10", "ten" or "twenty-one", or None when it is not a number."""
    try:
        return parse_count(word.lower(), word)
    except ValueError:
        return None


class Sentences:
    """Sentence boundaries of a flat text, found once, for cutting evidence out of it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ends = [0]
        for m in _BOUNDARY.finditer(text):
            before = text[max(0, m.start() - 12) : m.start() + 1]
            if text[m.start()] == "." and _ABBREVIATION_BEFORE_PERIOD.search(before):
                continue
            self.ends.append(m.end())
        self.ends.append(len(text) + 1)

    def around(self, start: int, end: int) -> Span:
        """The sentence (or sentences) holding ``text[start:end]``."""
        i = bisect.bisect_right(self.ends, start) - 1
        j = bisect.bisect_left(self.ends, end)
        first, last = self.ends[i], min(self.ends[j], len(self.text))
        piece = self.text[first:last].rstrip()
        return Span(first, first + len(piece), piece)

    def all(self) -> list[Span]:
        """Every sentence, in order."""
        out = []
        for a, b in zip(self.ends, self.ends[1:], strict=False):
            piece = self.text[a : min(b, len(self.text))].rstrip()
            if piece:
                out.append(Span(a, a + len(piece), piece))
        return out
