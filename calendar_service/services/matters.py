"""Matters: a client or company and the work its deadlines belong to."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from ..errors import ConflictError, NotFoundError, ValidationError
from ..store import Store
from ..store import records as db
from .fields import MAX_ID, Field, FieldProblem, check, parse_date_value

MATTER_FIELDS = {
    "name": Field("text", required=True, max_length=500, allow_empty=False),
    "company": Field("text", max_length=500),
    "file_numbers": Field("text_list"),
    "tags": Field("text_list"),
    "owner": Field("text", max_length=200),
}


def present_matter(row: dict[str, Any]) -> dict[str, Any]:
    """The API form of a matter."""
    return {
        "id": row["id"],
        "name": row["name"],
        "company": row["company"],
        "file_numbers": list(row["file_numbers"]),
        "tags": list(row["tags"]),
        "owner": row["owner"],
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
    }


def create_matter(store: Store, payload: Any, *, actor: str, now: datetime) -> dict[str, Any]:
    """Store a new matter and record its creation."""
    values = check(payload, MATTER_FIELDS, what="matter")
    with store.write() as conn:
        return insert_matter(conn, values, actor=actor, now=now)


def insert_matter(conn, values: dict[str, Any], *, actor: str, now: datetime) -> dict[str, Any]:
    """Insert checked matter values and record the creation, inside the caller's transaction."""
    values = {"company": "", "file_numbers": [], "tags": [], "owner": "", **values, "created_at": now, "updated_at": now}
    matter_id = db.insert_matter(conn, values)
    created = present_matter(db.get_matter(conn, matter_id))
    snapshot = {k: created[k] for k in MATTER_FIELDS}
    db.record_history(
        conn, at=now, actor=actor, action="create", entity="matter", entity_id=matter_id, matter_id=matter_id, changes=snapshot
    )
    return created


def get_matter(store: Store, matter_id: int) -> dict[str, Any]:
    """One matter, or NotFoundError."""
    with store.read() as conn:
        row = db.get_matter(conn, matter_id)
    if row is None:
        raise NotFoundError(f"there is no matter {matter_id}")
    return present_matter(row)


def update_matter(store: Store, matter_id: int, payload: Any, *, actor: str, now: datetime) -> dict[str, Any]:
    """Change some fields of a matter, recording what changed."""
    values = check(payload, MATTER_FIELDS, what="matter", partial=True)
    with store.write() as conn:
        row = db.get_matter(conn, matter_id, for_update=True)
        if row is None:
            raise NotFoundError(f"there is no matter {matter_id}")
        before = present_matter(row)
        changes = {k: {"from": before[k], "to": v} for k, v in values.items() if before[k] != v}
        if changes:
            db.update_matter(conn, matter_id, {**values, "updated_at": now})
            db.record_history(
                conn, at=now, actor=actor, action="update", entity="matter", entity_id=matter_id, matter_id=matter_id, changes=changes
            )
        return present_matter(db.get_matter(conn, matter_id))


def delete_matter(store: Store, matter_id: int, *, actor: str, now: datetime, cascade: bool = False) -> None:
    """Remove a matter; with deadlines it needs ``cascade``, and their deletion is recorded too."""
    with store.write() as conn:
        row = db.get_matter(conn, matter_id, for_update=True)
        if row is None:
            raise NotFoundError(f"there is no matter {matter_id}")
        count = db.count_deadlines_of_matter(conn, matter_id)
        if count and not cascade:
            raise ConflictError(
                f"matter {matter_id} has {count} deadline{'s' if count != 1 else ''}; delete or move them first, "
                "or delete with cascade=true to delete them too"
            )
        for deadline in db.list_deadlines(conn, matter_id=matter_id, limit=1_000_000):
            db.delete_deadline(conn, deadline["id"])
            db.record_history(
                conn,
                at=now,
                actor=actor,
                action="delete",
                entity="deadline",
                entity_id=deadline["id"],
                matter_id=matter_id,
                changes={"title": deadline["title"], "due_date": deadline["due_date"].isoformat()},
                reason=f"matter {matter_id} deleted",
            )
        db.delete_matter(conn, matter_id)
        db.record_history(
            conn,
            at=now,
            actor=actor,
            action="delete",
            entity="matter",
            entity_id=matter_id,
            matter_id=matter_id,
            changes={k: present_matter(row)[k] for k in MATTER_FIELDS},
        )


def list_matters(store: Store, *, filters: dict[str, Any], cursor: str | None, limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """A page of matters and the cursor of the next page (None at the end)."""
    after_id = decode_cursor(cursor, ("id",))[0] if cursor else None
    with store.read() as conn:
        rows = db.list_matters(conn, after_id=after_id, limit=limit + 1, **filters)
    more = len(rows) > limit
    rows = rows[:limit]
    return [present_matter(r) for r in rows], (encode_cursor([rows[-1]["id"]]) if more else None)


def encode_cursor(key: list[Any]) -> str:
    """An opaque page cursor for a sort key."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kinds: tuple[str, ...]) -> list[Any]:
    """The sort key inside a cursor, each part checked ("id" or "date"), or ValidationError naming the cursor."""
    refused = ValidationError([("cursor", "is not a cursor this service issued; start again without it")])
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise refused from None
    if not isinstance(key, list) or len(key) != len(kinds):
        raise refused
    out: list[Any] = []
    for part, kind in zip(key, kinds, strict=True):
        if kind == "id" and isinstance(part, int) and not isinstance(part, bool) and 1 <= part <= MAX_ID:
            out.append(part)
        elif kind == "date" and isinstance(part, str):
            try:
                out.append(parse_date_value(part))
            except FieldProblem:
                raise refused from None
        else:
            raise refused
    return out


def matter_history(store: Store, matter_id: int) -> list[dict[str, Any]]:
    """What happened to a matter, oldest first (also after it was deleted)."""
    with store.read() as conn:
        rows = db.list_history(conn, "matter", matter_id)
    if not rows:
        raise NotFoundError(f"there is no matter {matter_id} and no history of one")
    return [present_history(r) for r in rows]


def present_history(row: dict[str, Any]) -> dict[str, Any]:
    """The API form of a history entry."""
    return {
        "at": row["at"].isoformat(),
        "actor": row["actor"],
        "action": row["action"],
        "entity": row["entity"],
        "entity_id": row["entity_id"],
        "changes": row["changes"],
        "reason": row["reason"],
    }
