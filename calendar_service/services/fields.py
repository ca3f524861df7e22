"""Checking input fields, shared by every adapter: each bad field is named with its problem.

``check(payload, spec)`` returns the cleaned values or raises ``ValidationError`` listing every
problem at once (unknown fields, missing ones, wrong types, impossible dates, overlong text), so
that a client can fix a request in one round trip.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..engine import FIRST_SUPPORTED, LAST_SUPPORTED
from ..errors import ValidationError


class FieldProblem(ValueError):
    """What is wrong with one value (the field name is added by ``check``)."""


@dataclass(frozen=True)
class Field:
    """How one field is read: ``kind`` is text, date, id, text_list, choice or boolean."""

    kind: str
    required: bool = False
    nullable: bool = False
    max_length: int = 2000
    choices: tuple[str, ...] = ()
    allow_empty: bool = True

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
    if "\x00" in value:
        raise FieldProblem("must not contain NUL characters")
    if len(value) > field.max_length:
        raise FieldProblem(f"is {len(value)} characters long; the most is {field.max_length}")
    if not field.allow_empty and not value.strip():
        raise FieldProblem("must not be empty")
    return value


def _date(field: Field, value: Any) -> date:
    if not isinstance(value, str):
        raise FieldProblem(f"must be a date string YYYY-MM-DD, not {_json_type(value)}")
    return parse_date_value(value)


def parse_date_value(value: str) -> date:
    """An ISO date within the supported range, or FieldProblem saying what is wrong."""
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        parts = value.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
            raise FieldProblem(f"{value!r} does not exist ({exc})") from None
        raise FieldProblem(f"{value!r} is not a date; write YYYY-MM-DD") from None
    if not FIRST_SUPPORTED <= parsed <= LAST_SUPPORTED:
        raise FieldProblem(f"{value} is outside the supported range {FIRST_SUPPORTED} to {LAST_SUPPORTED}")
    return parsed


def _id(field: Field, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise FieldProblem(f"must be an integer id, not {_json_type(value)}")
    if value < 1 or value > 2**31 - 1:
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
        if "\x00" in item:
            raise FieldProblem(f"entry {i} must not contain NUL characters")
        out.append(item.strip())
    return list(dict.fromkeys(out))


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
