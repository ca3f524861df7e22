"""Reading the deadline: the period a staff letter sets, or the new date a company asks for.

Staff letters: a "within N (business|calendar) days" phrase counts only in a sentence that
asks for a response (respond, provide, furnish, ...), so the legal periods tender-offer letters
recite ("forty business days from the commencement of the offer", a Rule 14e-1 "extension of
ten business days", Rule 461's "two business days") are passed over. "...prior to the
expiration of the 10-day period" restates the same deadline and is ignored. A letter that asks
for a response "as soon as possible" with no count gives no deadline and asks for review.

Company responses: the sentences that ask for, or confirm, a new date (an extension, "no later
than", "on or about", "anticipate submitting") give a requested date and/or a period from a
base: "an additional ten business days" and "a 14 calendar day extension of the original due
date" count from the original due date; "30 calendar days from the date of your
correspondence" from the staff letter's date. "It will not be possible to respond within 10
business days" is a notice, not a period.
"""

from __future__ import annotations

import re

from .model import COMPANY_RESPONSE, STAFF_COMMENT, DeadlineReading, LetterFacts, Span
from .patterns import COUNT, DATE_ANY, WEEKDAY, Sentences, count_value, find_dates

_PERIOD = re.compile(rf"(?i:\bwithin\s+){COUNT}\s+(?:(?P<unit>(?i:business|calendar))\s+)?(?i:days?)\b")
_ASKS = re.compile(r"(?i)\b(?:respond|response|provide|furnish|submit|reply|advise us|tell us|inform us|send us)\b")
_TRAP = re.compile(
    r"(?i)commencement of the offer|rule 14e-1|acceleration|rule 461|become effective|go effective|registration statement effective"
)
_DATE = DATE_ANY
_FIXED = re.compile(rf"(?i:\b(?:by|no later than|on or before|not later than)\s+)(?P<date>{_DATE})")
_ASAP = re.compile(r"(?i)\bplease respond\b[^.]{0,250}\bas soon as possible\b")
# Investment Management's timing (ADI 2019-07): a response N business days before an amendment goes effective.
_BEFORE_EFFECTIVE = re.compile(rf"(?i:\b(?:no later than|at least)\s+){COUNT}\s+(?i:business\s+days\s+before\b[^.]{{0,120}}\beffective)")

_LETTER_DATED = re.compile(
    rf"(?i:\b(?:letter|correspondence|comments?|comment letter|memorandum)\b[^.;]{{0,140}}?\bdated\s+)(?P<date>{_DATE})"
    rf"|(?i:\b(?:letter|correspondence)\s+of\s+)(?P<date2>{_DATE})"
    # Comments given orally (Investment Management): "comments provided by telephone on January 11, 2024".
    rf"|(?i:\bcomments?\b[^.;]{{0,80}}?\b(?:provided|conveyed|given|delivered|communicated)\b[^.;]{{0,50}}?\bon\s+)(?P<date3>{_DATE})"
)
_EXTENSION = re.compile(
    r"(?i)\b(?:extension|extend|additional\s+\S+\s+(?:business|calendar)\s+days|no\s+later\s+than|not\s+later\s+than|on\s+or\s+before|"
    r"on\s+or\s+about|anticipates?\s+(?:submitting|responding|filing|providing)|expects?\s+to\s+(?:respond|submit|file|provide)|"
    r"intends?\s+to\s+(?:respond|submit|file|provide)|will\s+(?:respond|submit|file|provide)\b[^.]{0,80}\b(?:by|on|before)\b)"
)
_RESTATEMENT = re.compile(
    r"(?i)\b(?:requested|requests|request(?:ed)? that)\s+"
    r"(?:a response|that the company respond|the company to respond|us to respond)|you have requested"
)
_NOTICE = re.compile(r"(?i)\bnot be (?:possible|able) (?:for us |for the company )?to (?:respond|submit|provide|file)")
_REQUESTED_BEFORE = re.compile(rf"(?i)(?:until|to|by|than|before|about|through)\s*{WEEKDAY}?\W{{0,2}}$")
# "on <date>" names a requested date only right after a verb of responding ("submit its response on").
_ON_AFTER_RESPONDING = re.compile(
    rf"(?i)\b(?:respond|response|submit|file|provide|deliver)\w*(?:\s+\S+){{0,4}}\s+on\s*{WEEKDAY}?\W{{0,2}}$"
)
_ADDITIONAL = re.compile(rf"(?i:\badditional\s+){COUNT}\s+(?P<unit>(?i:business|calendar))\s+(?i:days?)")
_N_DAY_EXTENSION = re.compile(rf"\b{COUNT}[\s-]+(?P<unit>(?i:business|calendar))[\s-]+(?i:days?)['’]?\s+(?i:extension)")
_FROM_LETTER = re.compile(
    rf"\b{COUNT}\s+(?P<unit>(?i:business|calendar))\s+(?i:days?\s+(?:from|after)\s+the\s+date\s+of\s+(?:your|the\s+staff's|the\s+staff’s|the)\s+"
    r"(?:letter|correspondence|comment\s+letter|comments))"
)


def read_deadline(facts: LetterFacts, sentences: Sentences) -> None:
    """Fill in ``facts.deadline`` (and review reasons) from the letter's text."""
    if facts.kind == STAFF_COMMENT:
        _staff_deadline(facts, sentences)
    elif facts.kind == COMPANY_RESPONSE:
        _company_request(facts, sentences)


def _staff_deadline(facts: LetterFacts, sentences: Sentences) -> None:
    text = facts.text
    readings: list[DeadlineReading] = []
    for m in _PERIOD.finditer(text):
        count = count_value(m["n"])
        if count is None or count == 0:
            continue
        sentence = sentences.around(m.start(), m.end())
        if not _ASKS.search(sentence.text) or _TRAP.search(sentence.text):
            continue
        unit = "business days" if (m["unit"] or "").lower() == "business" else "calendar days"
        readings.append(DeadlineReading("period", sentence, count=count, unit=unit))
    for m in _FIXED.finditer(text):
        sentence = sentences.around(m.start(), m.end())
        if not _ASKS.search(sentence.text) or not re.search(r"(?i)\bplease\b|\byou should\b|\bwe ask\b|\bwe request\b", sentence.text):
            continue
        mentions = find_dates(m["date"])
        if mentions:
            readings.append(DeadlineReading("fixed-date", sentence, fixed_date=mentions[0].value))
    if not readings:
        before = _BEFORE_EFFECTIVE.search(text)
        sentence = sentences.around(before.start(), before.end()) if before else None
        if sentence and re.search(r"(?i)\brespon", sentence.text) and not re.search(r"(?i)acceleration", sentence.text):
            facts.review_reasons.append(
                f"the response is due {before['n']} business days before the filing goes effective, a date the letter does not give; "
                "set the deadline by hand from the effective date"
            )
            return
        asap = _ASAP.search(text)
        if asap:
            facts.review_reasons.append(
                "the letter asks for a response as soon as possible but names no period or date; set the deadline by hand"
            )
        return
    distinct = {(r.kind, r.count, r.unit, r.fixed_date) for r in readings}
    facts.deadline = readings[0]
    if len(distinct) > 1:
        described = "; ".join(_describe(r) for r in readings)
        facts.review_reasons.append(f"the letter states more than one deadline ({described}); check which applies")


def _company_request(facts: LetterFacts, sentences: Sentences) -> None:
    text = facts.text
    dated = _LETTER_DATED.search(text)
    if dated:
        group = next(g for g in ("date", "date2", "date3") if dated[g])
        raw = dated[group]
        mentions = find_dates(raw)
        if mentions:
            start = dated.start(group)
            facts.responds_to = mentions[0].value
            facts.responds_to_span = Span(start, start + len(raw), raw)
    requested: list[tuple[DeadlineReading, int]] = []
    relative: DeadlineReading | None = None
    notice = None
    for sentence in sentences.all():
        if _NOTICE.search(sentence.text):
            notice = sentence
        if not _EXTENSION.search(sentence.text):
            continue
        if _RESTATEMENT.search(sentence.text) and not re.search(r"(?i)extension|additional", sentence.text):
            continue
        for mention in find_dates(sentence.text):
            before = sentence.text[max(0, mention.start - 60) : mention.start]
            if not (_REQUESTED_BEFORE.search(before) or _ON_AFTER_RESPONDING.search(before)) or mention.value == facts.responds_to:
                continue
            if facts.letter_date and mention.value <= facts.letter_date:
                continue  # a date already past when the letter was written is history, not a request
            requested.append((DeadlineReading("extension", sentence, requested_date=mention.value), sentence.start + mention.start))
        if relative is None:
            relative = _relative(sentence)
    if requested:
        # A second request repeats the first date before the new one: the latest date is the request.
        reading, _ = max(requested, key=lambda item: (item[0].requested_date, item[1]))
        if relative and relative.evidence.start == reading.evidence.start:
            reading = DeadlineReading(
                "extension",
                reading.evidence,
                count=relative.count,
                unit=relative.unit,
                base=relative.base,
                requested_date=reading.requested_date,
            )
        elif relative:
            facts.review_reasons.append(
                f"the letter asks for {relative.count} {relative.unit} and, elsewhere, for {reading.requested_date}; check they agree"
            )
        facts.deadline = reading
    elif relative:
        facts.deadline = relative
    elif notice:
        facts.review_reasons.append("the company says it cannot respond in time but names no new date; ask it, or set the date by hand")


def _relative(sentence: Span) -> DeadlineReading | None:
    for pattern, base in ((_FROM_LETTER, "staff-letter-date"), (_ADDITIONAL, "original-due-date"), (_N_DAY_EXTENSION, "original-due-date")):
        m = pattern.search(sentence.text)
        if m:
            count = count_value(m["n"])
            if count:
                unit = "business days" if m["unit"].lower() == "business" else "calendar days"
                return DeadlineReading("extension", sentence, count=count, unit=unit, base=base)
    return None


def _describe(reading: DeadlineReading) -> str:
    if reading.kind == "fixed-date":
        return f"by {reading.fixed_date}"
    return f"{reading.count} {reading.unit}"
