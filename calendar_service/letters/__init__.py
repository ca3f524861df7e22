"""Reading SEC letters: from a staff comment letter's (or a company response's) text or PDF to its facts.

``read_letter(data)`` takes the bytes of a file (PDF with a text layer, or text in any common
encoding); ``read_text(text)`` a string. Both return ``LetterFacts``: the letter date, company,
Re: block, sender, contacts, comment count and the deadline as the letter states it, each with
the span of the cleaned text it came from, and the reasons to review it when something is
missing or two readings disagree. Date arithmetic is not done here: the service layer turns a
reading into a due date with the engine.
"""

from __future__ import annotations

from .clean import flatten, strip_page_headers
from .deadline import read_deadline
from .facts import company_from_re, kind_of, label_company, letter_date, re_block, read_facts, salutation_of
from .model import COMPANY_RESPONSE, STAFF_CLOSING, STAFF_COMMENT, STAFF_NO_REVIEW, Contact, DeadlineReading, LetterFacts, Span
from .patterns import Sentences, find_dates
from .source import MAX_LETTER_BYTES, SourceText, read_source

__all__ = [
    "COMPANY_RESPONSE",
    "MAX_LETTER_BYTES",
    "STAFF_CLOSING",
    "STAFF_COMMENT",
    "STAFF_NO_REVIEW",
    "Contact",
    "DeadlineReading",
    "LetterFacts",
    "SourceText",
    "Span",
    "read_letter",
    "read_source",
    "read_text",
]


def read_letter(data: bytes, *, name: str = "the letter", max_bytes: int = MAX_LETTER_BYTES) -> tuple[SourceText, LetterFacts]:
    """The source text of a letter file and the facts read from it."""
    source = read_source(data, name=name, max_bytes=max_bytes)
    return source, read_text(source.text)


def read_text(raw: str) -> LetterFacts:
    """The facts of a letter given as text."""
    flat = flatten(raw)
    # First pass over the top of the letter, to learn what its page headers repeat.
    salutation, person = salutation_of(flat)
    first = letter_date(flat, find_dates(flat), salutation)
    company = label_company(raw)
    if first and company is None:
        block = re_block(flat, salutation)
        found = company_from_re(flat, block) if block else None
        company = found.text if found else None
    text = strip_page_headers(flat, date_text=flat[first.start : first.end] if first else None, company=company, person=person)
    facts = LetterFacts(text=text, kind=kind_of(text))
    read_facts(facts, raw)
    read_deadline(facts, Sentences(text))
    if facts.kind == STAFF_COMMENT and facts.deadline and facts.letter_date is None:
        facts.review_reasons.append("the letter sets a period but its date was not found, so the period has no start")
    return facts
