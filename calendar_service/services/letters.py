"""Letters as a use case: read one, propose its deadline with the engine, and file it.

``propose`` turns what a letter states into dates: a staff period counts from the printed
letter date; a company's relative request counts from the original due date (the staff
letter's date + 10 business days) or, when it says so, from the staff letter's date; a count
and a date given together must agree, else the letter is flagged for review.

``ingest`` files a letter in one transaction: it finds or creates the matter (same company and
file number = same matter), creates the response deadline (or extends the open deadline a
company response answers) and stores the letter's text with the matter. A letter whose text
was filed before changes nothing. A letter that needs review is stored with its matter, but no
date is set from it.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from typing import Any

from ..calendars import get_calendar
from ..config import Settings
from ..engine import BusinessCalendar
from ..errors import LetterError, NotFoundError
from ..letters import COMPANY_RESPONSE, STAFF_COMMENT, LetterFacts, SourceText, read_letter
from ..rules import Rule, Unit
from ..store import Store
from ..store import records as db
from .deadlines import extend_in, insert_deadline, present_deadline
from .matters import insert_matter, present_matter

STAFF_PERIOD = Rule(10, Unit.BUSINESS_DAYS)  # the staff's usual request, for a response's original due date


def _apply(calendar: BusinessCalendar, start: date, count: int, unit: str) -> date:
    return Rule(count, Unit(unit)).apply(calendar, start)


def propose(facts: LetterFacts, settings: Settings, calendar: str | None = None) -> dict[str, Any]:
    """The deadline the letter sets or asks for, computed, with the reasons to review it."""
    cal = get_calendar(calendar, settings)
    reasons = list(facts.review_reasons)
    reading = facts.deadline
    deadline: dict[str, Any] | None = None
    if reading and reading.kind == "period":
        due = _apply(cal, facts.letter_date, reading.count, reading.unit) if facts.letter_date else None
        deadline = {"count": reading.count, "unit": reading.unit, "rule": str(Rule(reading.count, Unit(reading.unit))), "due": due}
    elif reading and reading.kind == "fixed-date":
        deadline = {"fixed_date": reading.fixed_date, "due": reading.fixed_date}
    elif reading and reading.kind == "extension":
        original = STAFF_PERIOD.apply(cal, facts.responds_to) if facts.responds_to else None
        counted = None
        if reading.count:
            base_date = original if reading.base == "original-due-date" else facts.responds_to
            if base_date is None:
                reasons.append("the request counts from the staff letter, but the response does not say when that letter was dated")
            else:
                counted = _apply(cal, base_date, reading.count, reading.unit)
        if reading.requested_date and counted and reading.requested_date != counted:
            base_date = original if reading.base == "original-due-date" else facts.responds_to
            reasons.append(
                f"the letter names {reading.requested_date.isoformat()}, but {reading.count} {reading.unit} from the "
                f"{reading.base.replace('-', ' ')} ({base_date.isoformat()}) is {counted.isoformat()}"
            )
        requested = reading.requested_date or counted
        deadline = {
            "requested_date": requested,
            "due": requested,
            "count": reading.count,
            "unit": reading.unit,
            "base": reading.base,
            "original_due": original,
        }
    if deadline is not None:
        deadline["calendar"] = cal.name
    return {
        "kind": facts.kind,
        "letter_date": facts.letter_date,
        "company": facts.company,
        "file_numbers": facts.file_numbers,
        "cik": facts.cik,
        "forms": facts.forms,
        "fiscal_periods": facts.fiscal_periods,
        "filed_dates": facts.filed_dates,
        "division": facts.division,
        "office": facts.office,
        "comment_count": facts.comment_count,
        "contacts": [{"name": c.name, "phone": c.phone} for c in facts.contacts],
        "signer": facts.signer,
        "responds_to": facts.responds_to,
        "deadline": deadline,
        "evidence": reading.evidence.to_dict() if reading else None,
        "needs_review": bool(reasons),
        "review_reasons": reasons,
        "spans": {
            name: span.to_dict()
            for name, span in (
                ("letter_date", facts.letter_date_span),
                ("company", facts.company_span),
                ("re_block", facts.re_block),
                ("responds_to", facts.responds_to_span),
            )
            if span is not None
        }
        | {"contacts": [c.span.to_dict() for c in facts.contacts]},
    }


def jsonable(value: Any) -> Any:
    """Dates to ISO strings, recursively."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def parse(data: bytes, name: str, settings: Settings, *, calendar: str | None = None, max_bytes: int | None = None) -> dict[str, Any]:
    """Read one letter file and propose its deadline (JSON-ready)."""
    source, facts = read_letter(data, name=name, **({"max_bytes": max_bytes} if max_bytes else {}))
    return _parsed(source, facts, name, settings, calendar)


def _parsed(source: SourceText, facts: LetterFacts, name: str, settings: Settings, calendar: str | None) -> dict[str, Any]:
    return jsonable({"file": name, "source": source.source, "encoding": source.encoding, **propose(facts, settings, calendar)})


class _DryRun(Exception):
    """Raised inside the transaction of a dry run, to roll it back with the result in hand."""

    def __init__(self, result: dict[str, Any]) -> None:
        self.result = result


def ingest(
    store: Store,
    settings: Settings,
    data: bytes,
    name: str,
    *,
    actor: str,
    now: datetime,
    dry_run: bool = False,
    calendar: str | None = None,
    max_bytes: int | None = None,
) -> dict[str, Any]:
    """File one letter (see the module docstring); with ``dry_run`` only report what would happen."""
    source, facts = read_letter(data, name=name, **({"max_bytes": max_bytes} if max_bytes else {}))
    parsed = _parsed(source, facts, name, settings, calendar)
    result: dict[str, Any] = {"file": name, "dry_run": dry_run, "facts": parsed, "matter": None, "deadline": None, "letter_id": None}
    if not facts.company or not facts.letter_date:
        missing = "company (no Re: block or addressee)" if not facts.company else "printed date"
        raise LetterError(f"{name}: no {missing} found, so the letter cannot be filed with a matter; check it is an SEC letter")
    sha = hashlib.sha256(facts.text.encode("utf-8")).hexdigest()
    try:
        with store.write() as conn:
            outcome = _file(conn, settings, facts, parsed, source, sha, name, actor=actor, now=now)
            if dry_run:
                raise _DryRun(outcome)
    except _DryRun as dry:
        outcome = dry.result
    return {**result, **outcome}


def _file(conn, settings, facts: LetterFacts, parsed, source, sha, name, *, actor, now) -> dict[str, Any]:
    known = db.get_letter_by_hash(conn, sha)
    if known is not None:
        matter = present_matter(db.get_matter(conn, known["matter_id"]))
        deadline_row = db.get_deadline(conn, known["deadline_id"]) if known["deadline_id"] else None
        return {
            "action": "unchanged",
            "detail": f"this letter was filed before (letter {known['id']}); nothing changed",
            "matter": matter,
            "deadline": present_deadline(deadline_row, settings) if deadline_row else None,
            "letter_id": known["id"],
        }
    matter, matter_created = _matter_for(conn, facts, actor=actor, now=now)
    action, detail, deadline = _deadline_for(conn, settings, facts, parsed, matter, actor=actor, now=now)
    if matter_created:
        detail = f"created matter {matter['id']} ({matter['name']}); {detail}"
    letter_id = db.insert_letter(
        conn,
        {
            "sha256": sha,
            "matter_id": matter["id"],
            "deadline_id": deadline["id"] if deadline else None,
            "filename": name,
            "kind": facts.kind,
            "letter_date": facts.letter_date,
            "source": source.source,
            "text": facts.text,
            "facts": parsed,
            "actor": actor,
            "created_at": now,
        },
    )
    return {"action": action, "detail": detail, "matter": matter, "deadline": deadline, "letter_id": letter_id}


def _identifiers(facts: LetterFacts) -> list[str]:
    return facts.file_numbers or ([f"CIK {facts.cik}"] if facts.cik else [])


def _matter_for(conn, facts: LetterFacts, *, actor: str, now: datetime) -> tuple[dict[str, Any], bool]:
    """The matter of the same company and file number, or a new one."""
    numbers = set(_identifiers(facts))
    for row in db.find_matters_by_company(conn, facts.company):
        if (numbers and numbers & set(row["file_numbers"])) or (not numbers and not row["file_numbers"]):
            return present_matter(row), False
    forms = ", ".join(facts.forms) if facts.forms else "SEC correspondence"
    values = {
        "name": f"{facts.company} - {forms} review",
        "company": facts.company,
        "file_numbers": sorted(numbers, key=_identifiers(facts).index),
        "tags": ["sec-comment-letter"],
    }
    return insert_matter(conn, values, actor=actor, now=now), True


def _deadline_for(conn, settings, facts: LetterFacts, parsed, matter, *, actor, now) -> tuple[str, str, dict[str, Any] | None]:
    proposal = parsed["deadline"]
    if parsed["needs_review"]:
        return "filed for review", "the letter needs review (" + "; ".join(parsed["review_reasons"]) + "), so no date was set from it", None
    if proposal is None:
        return "filed", "the letter sets no deadline; its text is kept with the matter", None
    if facts.kind == STAFF_COMMENT:
        existing = db.find_response_deadline(conn, matter["id"], facts.letter_date)
        if existing is not None:
            return (
                "filed",
                f"deadline {existing['id']} already answers the letter of {facts.letter_date}",
                present_deadline(existing, settings),
            )
        if "fixed_date" in proposal:
            days = (date.fromisoformat(proposal["fixed_date"]) - facts.letter_date).days
            rule = f"{days} calendar days, no roll"
        else:
            rule = proposal["rule"]
        deadline = insert_deadline(
            conn,
            settings,
            {
                "matter_id": matter["id"],
                "title": _title(facts),
                "kind": "comment-letter-response",
                "trigger_date": facts.letter_date,
                "rule": rule,
                "calendar": proposal["calendar"],
                "notes": f"From the letter: {parsed['evidence']['text']}",
            },
            actor=actor,
            now=now,
        )
        return "created", f"deadline {deadline['id']} due {deadline['due_date']}", deadline
    if facts.kind == COMPANY_RESPONSE and proposal.get("requested_date"):
        return _extend_for(conn, settings, facts, parsed, matter, actor=actor, now=now)
    return "filed", "the letter's text is kept with the matter", None


def _extend_for(conn, settings, facts: LetterFacts, parsed, matter, *, actor, now) -> tuple[str, str, dict[str, Any] | None]:
    requested = date.fromisoformat(parsed["deadline"]["requested_date"])
    if facts.responds_to is None:
        return "filed for review", "the response asks for a new date but does not say which staff letter it answers", None
    row = db.find_response_deadline(conn, matter["id"], facts.responds_to)
    note = ""
    if row is None:
        original = insert_deadline(
            conn,
            settings,
            {
                "matter_id": matter["id"],
                "title": _title(facts, staff_letter=facts.responds_to),
                "kind": "comment-letter-response",
                "trigger_date": facts.responds_to,
                "rule": str(STAFF_PERIOD),
                "notes": f"Created from the company's response dated {facts.letter_date}, which answers this letter.",
            },
            actor=actor,
            now=now,
        )
        row = db.get_deadline(conn, original["id"])
        note = f"created deadline {row['id']} for the staff letter of {facts.responds_to} (not on file); "
    current = row["due_date"]
    if row["status"] not in ("open", "extended"):
        return (
            "filed for review",
            f"{note}deadline {row['id']} is {row['status']}; reopen it to record the new date",
            present_deadline(row, settings),
        )
    if requested == current:
        return "filed", f"{note}deadline {row['id']} is already due {current}", present_deadline(row, settings)
    if requested < current:
        return (
            "filed for review",
            f"{note}the letter asks for {requested}, before the current due date {current}",
            present_deadline(row, settings),
        )
    reason = f"{facts.company} letter dated {facts.letter_date}: {parsed['evidence']['text']}"
    extended = extend_in(conn, settings, row["id"], {"due_date": requested, "reason": reason[:2000]}, actor=actor, now=now)
    return "extended", f"{note}deadline {row['id']} extended from {current} to {requested}", extended


def _title(facts: LetterFacts, staff_letter: date | None = None) -> str:
    when = staff_letter or facts.letter_date
    forms = f" ({', '.join(facts.forms)})" if facts.forms else ""
    return f"Response to SEC comment letter of {when:%B} {when.day}, {when.year}{forms}"


def letters_of_matter(store: Store, matter_id: int) -> list[dict[str, Any]]:
    """The letters filed with a matter: text and facts, oldest first."""
    with store.read() as conn:
        if db.get_matter(conn, matter_id) is None:
            raise NotFoundError(f"there is no matter {matter_id}")
        rows = db.list_letters(conn, matter_id)
    return [
        {
            "id": r["id"],
            "filename": r["filename"],
            "kind": r["kind"],
            "letter_date": r["letter_date"].isoformat() if r["letter_date"] else None,
            "source": r["source"],
            "deadline_id": r["deadline_id"],
            "facts": r["facts"],
            "text": r["text"],
            "created_at": r["created_at"].isoformat(),
        }
        for r in rows
    ]


def safe_name(name: str) -> str:
    """A file name fit to show and store (no paths or control characters)."""
    base = re.split(r"[\\/]", name or "letter")[-1]
    return re.sub(r"[\x00-\x1f\x7f]", "", base)[:200] or "letter"
