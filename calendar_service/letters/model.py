"""What a letter says, each fact with the span of the (cleaned) text it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

STAFF_COMMENT = "staff-comment"
STAFF_CLOSING = "staff-closing"
STAFF_NO_REVIEW = "staff-no-review"
COMPANY_RESPONSE = "company-response"


@dataclass(frozen=True)
class Span:
    """Where in the letter's text a fact was read: ``text[start:end]``."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Contact:
    """A staff member named with a phone number."""

    name: str
    phone: str
    span: Span


@dataclass(frozen=True)
class DeadlineReading:
    """The deadline as the letter states it, before any date arithmetic.

    ``period``: ``count`` ``unit`` after the letter date. ``fixed-date``: ``fixed_date``.
    ``extension``: a company asks for (or confirms) a new date, given as ``requested_date``
    and/or as ``count`` ``unit`` after ``base`` (``original-due-date`` or ``staff-letter-date``).
    """

    kind: str
    evidence: Span
    count: int | None = None
    unit: str | None = None
    fixed_date: date | None = None
    requested_date: date | None = None
    base: str | None = None


@dataclass
class LetterFacts:
    """Everything read from one letter. ``text`` is the cleaned text the spans point into."""

    text: str
    kind: str
    letter_date: date | None = None
    letter_date_span: Span | None = None
    company: str | None = None
    company_span: Span | None = None
    re_block: Span | None = None
    forms: list[str] = field(default_factory=list)
    fiscal_periods: list[date] = field(default_factory=list)
    filed_dates: list[date] = field(default_factory=list)
    file_numbers: list[str] = field(default_factory=list)
    cik: str | None = None
    division: str | None = None
    office: str | None = None
    comment_count: int | None = None
    contacts: list[Contact] = field(default_factory=list)
    signer: str | None = None
    responds_to: date | None = None
    responds_to_span: Span | None = None
    deadline: DeadlineReading | None = None
    review_reasons: list[str] = field(default_factory=list)

    @property
    def needs_review(self) -> bool:
        """True when something is missing or two readings disagree."""
        return bool(self.review_reasons)
