"""Checking input fields, shared by every adapter: each bad field is named with its problem.

``check(payload, spec)`` returns the cleaned values or raises ``ValidationError`` listing every
problem at once (unknown fields, missing ones, wrong types, impossible dates, overlong text), so
that a client can fix a request in one round trip.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..engine import FIRST_SUPPORTED, LAST_SUPPORTED
from ..errors import ValidationError

#: The largest id the store's integer columns hold (32-bit signed on PostgreSQL).
MAX_ID = 2**31 - 1
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_WHOLE_NUMBER = re.compile(r"-?\d{1,12}", re.ASCII)


class FieldProblem(ValueError):
    """What is wrong with one value (the field name is added by ``check``)."""


@dataclass(frozen=True)
class Field:
    """How one field is read: ``kind`` is text, date, id, integer, text_list, duration_list, choice or boolean."""

    kind: str
    required: bool = False
    nullable: bool = False
    max_length: int = 2000
    choices: tuple[str, ...] = ()
    allow_empty: bool = True
    minimum: int = 0
    maximum: int = 0

    def clean(self, value: Any) -> Any:
        """The value, checked and converted (dates become ``date``)."""
        if value is None:
            if self.nullable:
                return None
            raise FieldProblem("must not be null")
        return _CLEANERS[self.kind](self, value)


def _text(field: Field, value: Any) -> str:
    if not isinstance(value, str):
        raise FieldProblem(f"must be a string, not {_json_type(value)}")
    _check_characters(value, "")
    if len(value) > field.max_length:
        raise FieldProblem(f"is {len(value)} characters long; the most is {field.max_length}")
    if not field.allow_empty and not value.strip():
        raise FieldProblem("must not be empty")
    return value


def _check_characters(value: str, where: str) -> None:
    if "\x00" in value:
        raise FieldProblem(f"{where}must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # JSON can carry a lone surrogate (\ud800) that no database can store as text.
        raise FieldProblem(f"{where}contains an unpaired surrogate (\\u escape); send valid Unicode text") from None


def _date(field: Field, value: Any) -> date:
    if not isinstance(value, str):
        raise FieldProblem(f"must be a date string YYYY-MM-DD, not {_json_type(value)}")
    return parse_date_value(value)


def parse_date_value(value: str) -> date:
    """An ISO date written YYYY-MM-DD within the supported range, or FieldProblem saying what is wrong."""
    if not _ISO_DATE.fullmatch(value):
        # date.fromisoformat would also take 20090511 and 2009-W20-1; ask for the one form we document.
        raise FieldProblem(f"{value!r} is not a date; write YYYY-MM-DD, e.g. 2009-05-11")
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        raise FieldProblem(f"{value!r} does not exist ({exc})") from None
    if not FIRST_SUPPORTED <= parsed <= LAST_SUPPORTED:
        raise FieldProblem(f"{value} is outside the supported range {FIRST_SUPPORTED} to {LAST_SUPPORTED}")
    return parsed


def parse_whole_number(value: str, low: int, high: int) -> int:
    """A base-10 whole number from low to high written in ASCII digits, or FieldProblem."""
    if not _WHOLE_NUMBER.fullmatch(value) or not low <= int(value) <= high:
        raise FieldProblem(f"must be a whole number from {low} to {high}, not {value!r}")
    return int(value)


def parse_id(value: str, noun: str) -> int:
    """The id of a ``noun`` (matter, deadline) from text such as a query parameter, or FieldProblem."""
    try:
        return parse_whole_number(value, 1, MAX_ID)
    except FieldProblem:
        raise FieldProblem(f"{value!r} is not a {noun} id (a whole number from 1 to {MAX_ID})") from None


def parse_year(value: str) -> int:
    """A year written in ASCII digits (range checks are the engine's), or FieldProblem."""
    if not re.fullmatch(r"-?\d+", value, re.ASCII):
        raise FieldProblem(f"{value!r} is not a year written in digits, e.g. 2025")
    return int(value)


def _id(field: Field, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise FieldProblem(f"must be an integer id, not {_json_type(value)}")
    if value < 1 or value > MAX_ID:
        raise FieldProblem("must be a positive integer id")
    return value


def _text_list(field: Field, value: Any) -> list[str]:
    if not isinstance(value, list):
        raise FieldProblem(f"must be a list of strings, not {_json_type(value)}")
    if len(value) > 100:
        raise FieldProblem(f"has {len(value)} entries; the most is 100")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise FieldProblem(f"entry {i} must be a non-empty string")
        if len(item) > 200:
            raise FieldProblem(f"entry {i} is longer than 200 characters")
        _check_characters(item, f"entry {i} ")
        out.append(item.strip())
    return list(dict.fromkeys(out))


def _integer(field: Field, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise FieldProblem(f"must be a whole number, not {_json_type(value)}")
    if not field.minimum <= value <= field.maximum:
        raise FieldProblem(f"must be from {field.minimum} to {field.maximum}, not {value}")
    return value


_DURATION = re.compile(r"P(?:(?P<d>\d{1,3})D)?(?:T(?:(?P<h>\d{1,3})H)?(?:(?P<m>\d{1,4})M)?)?", re.ASCII)


def parse_duration(text: str) -> timedelta:
    """An ISO 8601 duration of days, hours and minutes ("P1D", "PT15H", "P2DT9H30M"), or FieldProblem."""
    m = _DURATION.fullmatch(text) if isinstance(text, str) else None
    if not m or text in ("P", "PT") or text.endswith("T"):
        raise FieldProblem(f"{text!r} is not a duration such as PT15H (15 hours) or P1D (1 day)")
    value = timedelta(days=int(m["d"] or 0), hours=int(m["h"] or 0), minutes=int(m["m"] or 0))
    if not timedelta(0) < value <= timedelta(days=60):
        raise FieldProblem(f"{text} must be more than nothing and at most 60 days")
    return value


def _duration_list(field: Field, value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > 5:
        raise FieldProblem('must be a list of at most 5 durations such as ["PT15H", "P2D"]')
    for item in value:
        parse_duration(item)
    return list(dict.fromkeys(value))


def _choice(field: Field, value: Any) -> str:
    if value not in field.choices:
        raise FieldProblem(f"must be one of {', '.join(field.choices)}, not {value!r}")
    return value


def _boolean(field: Field, value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldProblem(f"must be true or false, not {_json_type(value)}")
    return value


_CLEANERS: dict[str, Callable[[Field, Any], Any]] = {
    "text": _text,
    "date": _date,
    "id": _id,
    "integer": _integer,
    "duration_list": _duration_list,
    "text_list": _text_list,
    "choice": _choice,
    "boolean": _boolean,
}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str):
        return "a string"
    return type(value).__name__


def check(payload: Any, spec: Mapping[str, Field], *, what: str, partial: bool = False) -> dict[str, Any]:
    """Clean ``payload`` by ``spec``; with ``partial`` (an update) no field is required."""
    if not isinstance(payload, dict):
        raise ValidationError([("body", f"must be a JSON object with the fields of a {what}")])
    errors: list[tuple[str, str]] = []
    for key in payload:
        if key not in spec:
            errors.append((str(key), f"unknown field; a {what} has {', '.join(spec)}"))
    out: dict[str, Any] = {}
    for name, field in spec.items():
        if name not in payload:
            if field.required and not partial:
                errors.append((name, "is required"))
            continue
        try:
            out[name] = field.clean(payload[name])
        except FieldProblem as problem:
            errors.append((name, str(problem)))
    if errors:
        raise ValidationError(errors)
    if partial and not out:
        raise ValidationError([("body", f"names no field to change; a {what} has {', '.join(spec)}")])
    return out
