"""Queries over the tables: plain dicts in, plain dicts out, on a connection the caller owns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import ConflictError
from .schema import api_tokens, deadlines, extensions, feeds, history, letters, matter_tags, matters

Row = dict[str, Any]


# -- matters -------------------------------------------------------------------------------------


def insert_matter(conn: Connection, values: Mapping[str, Any]) -> int:
    """Store a new matter and its tags; return its id."""
    matter_id = conn.execute(insert(matters).values(**values).returning(matters.c.id)).scalar_one()
    _write_tags(conn, matter_id, values.get("tags", ()))
    return matter_id


def update_matter(conn: Connection, matter_id: int, values: Mapping[str, Any]) -> None:
    """Change the given columns of a matter (and its tags when they are among them)."""
    conn.execute(update(matters).where(matters.c.id == matter_id).values(**values))
    if "tags" in values:
        conn.execute(delete(matter_tags).where(matter_tags.c.matter_id == matter_id))
        _write_tags(conn, matter_id, values["tags"])


def _write_tags(conn: Connection, matter_id: int, tags: Iterable[str]) -> None:
    rows = [{"matter_id": matter_id, "tag": tag} for tag in dict.fromkeys(tags)]
    if rows:
        conn.execute(insert(matter_tags), rows)


def get_matter(conn: Connection, matter_id: int, *, for_update: bool = False) -> Row | None:
    """One matter, or None."""
    query = select(matters).where(matters.c.id == matter_id)
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def delete_matter(conn: Connection, matter_id: int) -> None:
    """Remove a matter (its tags go with it)."""
    conn.execute(delete(matters).where(matters.c.id == matter_id))


def count_deadlines_of_matter(conn: Connection, matter_id: int) -> int:
    """How many deadlines belong to the matter."""
    return conn.execute(select(func.count()).select_from(deadlines).where(deadlines.c.matter_id == matter_id)).scalar_one()


def list_matters(
    conn: Connection,
    *,
    tag: str | None = None,
    owner: str | None = None,
    company: str | None = None,
    text: str | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> list[Row]:
    """Matters by id, filtered; ``after_id`` continues a page."""
    query = select(matters).order_by(matters.c.id).limit(limit)
    if tag is not None:
        query = query.where(exists().where(and_(matter_tags.c.matter_id == matters.c.id, matter_tags.c.tag == tag)))
    if owner is not None:
        query = query.where(matters.c.owner == owner)
    if company is not None:
        query = query.where(func.lower(matters.c.company) == company.lower())
    if text:
        pattern = _like(text)
        query = query.where(or_(*(func.lower(c).like(pattern, escape="\\") for c in (matters.c.name, matters.c.company, matters.c.owner))))
    if after_id is not None:
        query = query.where(matters.c.id > after_id)
    return [dict(r) for r in conn.execute(query).mappings()]


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# -- deadlines -----------------------------------------------------------------------------------


def insert_deadline(conn: Connection, values: Mapping[str, Any]) -> int:
    """Store a new deadline; return its id."""
    return conn.execute(insert(deadlines).values(**values).returning(deadlines.c.id)).scalar_one()


def update_deadline(conn: Connection, deadline_id: int, values: Mapping[str, Any]) -> None:
    """Change the given columns of a deadline."""
    conn.execute(update(deadlines).where(deadlines.c.id == deadline_id).values(**values))


def get_deadline(conn: Connection, deadline_id: int, *, for_update: bool = False) -> Row | None:
    """One deadline with its matter's name, or None."""
    query = _deadline_select().where(deadlines.c.id == deadline_id)
    if for_update:
        query = query.with_for_update(of=deadlines)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def delete_deadline(conn: Connection, deadline_id: int) -> None:
    """Remove a deadline (its extensions go with it; its history stays)."""
    conn.execute(delete(deadlines).where(deadlines.c.id == deadline_id))


def _deadline_select():
    return select(deadlines, matters.c.name.label("matter_name")).join(matters, matters.c.id == deadlines.c.matter_id)


def list_deadlines(
    conn: Connection,
    *,
    statuses: Sequence[str] | None = None,
    due_before: date | None = None,
    due_after: date | None = None,
    assignee: str | None = None,
    matter_id: int | None = None,
    tag: str | None = None,
    text: str | None = None,
    after: tuple[date, int] | None = None,
    limit: int = 50,
) -> list[Row]:
    """Deadlines by (due date, id), filtered; ``after`` continues a page from that key.

    ``due_before`` and ``due_after`` are inclusive.
    """
    query = _deadline_select().order_by(deadlines.c.due_date, deadlines.c.id).limit(limit)
    if statuses:
        query = query.where(deadlines.c.status.in_(statuses))
    if due_before is not None:
        query = query.where(deadlines.c.due_date <= due_before)
    if due_after is not None:
        query = query.where(deadlines.c.due_date >= due_after)
    if assignee is not None:
        query = query.where(deadlines.c.assignee == assignee)
    if matter_id is not None:
        query = query.where(deadlines.c.matter_id == matter_id)
    if tag is not None:
        query = query.where(exists().where(and_(matter_tags.c.matter_id == deadlines.c.matter_id, matter_tags.c.tag == tag)))
    if text:
        pattern = _like(text)
        columns = (deadlines.c.title, deadlines.c.notes, deadlines.c.assignee, matters.c.name, matters.c.company)
        query = query.where(or_(*(func.lower(c).like(pattern, escape="\\") for c in columns)))
    if after is not None:
        due, last_id = after
        # The first condition lets the (due_date, id) index seek to the page instead of scanning.
        query = query.where(deadlines.c.due_date >= due)
        query = query.where(or_(deadlines.c.due_date > due, and_(deadlines.c.due_date == due, deadlines.c.id > last_id)))
    return [dict(r) for r in conn.execute(query).mappings()]


def active_deadlines(conn: Connection, statuses: Sequence[str]) -> list[Row]:
    """Every deadline in one of ``statuses``, oldest first (for recomputation)."""
    query = _deadline_select().where(deadlines.c.status.in_(statuses)).order_by(deadlines.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


def insert_extension(conn: Connection, values: Mapping[str, Any]) -> None:
    """Record an extension."""
    conn.execute(insert(extensions).values(**values))


def list_extensions(conn: Connection, deadline_id: int) -> list[Row]:
    """A deadline's extensions, oldest first."""
    query = select(extensions).where(extensions.c.deadline_id == deadline_id).order_by(extensions.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


# -- history -------------------------------------------------------------------------------------


def record_history(
    conn: Connection,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: int,
    matter_id: int | None,
    changes: Mapping[str, Any],
    reason: str | None = None,
) -> None:
    """Append one entry to the history."""
    conn.execute(
        insert(history).values(
            at=at, actor=actor, action=action, entity=entity, entity_id=entity_id, matter_id=matter_id, changes=dict(changes), reason=reason
        )
    )


def list_history(conn: Connection, entity: str, entity_id: int) -> list[Row]:
    """The history of one matter or deadline, oldest first."""
    query = select(history).where(history.c.entity == entity, history.c.entity_id == entity_id).order_by(history.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


# -- letters -------------------------------------------------------------------------------------


def insert_letter(conn: Connection, values: Mapping[str, Any]) -> int:
    """Store a letter's text and facts; return its id."""
    return conn.execute(insert(letters).values(**values).returning(letters.c.id)).scalar_one()


def get_letter_by_hash(conn: Connection, sha256: str) -> Row | None:
    """The stored letter with this text hash."""
    row = conn.execute(select(letters).where(letters.c.sha256 == sha256)).mappings().first()
    return dict(row) if row else None


def list_letters(conn: Connection, matter_id: int) -> list[Row]:
    """A matter's letters, by letter date then id."""
    query = select(letters).where(letters.c.matter_id == matter_id).order_by(letters.c.letter_date, letters.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


def find_matters_by_company(conn: Connection, company: str) -> list[Row]:
    """Matters whose company is ``company``, ignoring case."""
    query = select(matters).where(func.lower(matters.c.company) == company.lower()).order_by(matters.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


def find_response_deadline(conn: Connection, matter_id: int, trigger: date) -> Row | None:
    """The comment-letter response deadline of a matter triggered by a letter of ``trigger``."""
    query = (
        _deadline_select()
        .where(deadlines.c.matter_id == matter_id, deadlines.c.trigger_date == trigger, deadlines.c.kind == "comment-letter-response")
        .order_by(deadlines.c.id)
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


# -- feeds ---------------------------------------------------------------------------------------


def insert_feed(conn: Connection, values: Mapping[str, Any]) -> int:
    """Store a new feed; return its id."""
    return conn.execute(insert(feeds).values(**values).returning(feeds.c.id)).scalar_one()


def update_feed(conn: Connection, feed_id: int, values: Mapping[str, Any]) -> None:
    """Change the given columns of a feed."""
    conn.execute(update(feeds).where(feeds.c.id == feed_id).values(**values))


def get_feed(conn: Connection, feed_id: int) -> Row | None:
    """One feed, or None."""
    row = conn.execute(select(feeds).where(feeds.c.id == feed_id)).mappings().first()
    return dict(row) if row else None


def get_feed_by_hash(conn: Connection, token_hash: str) -> Row | None:
    """The feed whose token has this hash."""
    row = conn.execute(select(feeds).where(feeds.c.token_hash == token_hash)).mappings().first()
    return dict(row) if row else None


def list_feeds(conn: Connection) -> list[Row]:
    """Every feed, by id."""
    return [dict(r) for r in conn.execute(select(feeds).order_by(feeds.c.id)).mappings()]


def delete_feed(conn: Connection, feed_id: int) -> None:
    """Remove a feed (its URL answers 404 from then on)."""
    conn.execute(delete(feeds).where(feeds.c.id == feed_id))


def _feed_query(columns, feed: Mapping[str, Any], statuses: Sequence[str], first: date, last: date):
    query = (
        select(*columns)
        .select_from(deadlines.join(matters, matters.c.id == deadlines.c.matter_id))
        .where(deadlines.c.status.in_(statuses), deadlines.c.due_date >= first, deadlines.c.due_date <= last)
    )
    if feed["matter_id"] is not None:
        query = query.where(deadlines.c.matter_id == feed["matter_id"])
    if feed["assignee"] is not None:
        query = query.where(deadlines.c.assignee == feed["assignee"])
    if feed["company"] is not None:
        query = query.where(func.lower(matters.c.company) == feed["company"].lower())
    if feed["tag"] is not None:
        query = query.where(exists().where(and_(matter_tags.c.matter_id == deadlines.c.matter_id, matter_tags.c.tag == feed["tag"])))
    return query


def feed_fingerprint(conn: Connection, feed: Mapping[str, Any], statuses: Sequence[str], first: date, last: date) -> tuple[Any, ...]:
    """A cheap summary that changes whenever the feed's content can: count, newest change, versions, ids."""
    columns = (
        func.count(),
        func.max(deadlines.c.updated_at),
        func.sum(deadlines.c.version),
        func.sum(deadlines.c.id),
        func.max(matters.c.updated_at),
    )
    row = conn.execute(_feed_query(columns, feed, statuses, first, last)).one()
    newest = max((t for t in (row[1], row[4]) if t is not None), default=None)
    return (row[0], newest.isoformat() if newest else None, row[2], row[3], row[4].isoformat() if row[4] else None)


def feed_deadlines(conn: Connection, feed: Mapping[str, Any], statuses: Sequence[str], first: date, last: date) -> list[Row]:
    """The deadlines a feed shows, with their matter's name and company, by due date and id."""
    columns = (deadlines, matters.c.name.label("matter_name"), matters.c.company.label("matter_company"))
    query = _feed_query(columns, feed, statuses, first, last).order_by(deadlines.c.due_date, deadlines.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


# -- API tokens ----------------------------------------------------------------------------------


def insert_token(conn: Connection, values: Mapping[str, Any]) -> None:
    """Store a new API token (its hash only); ConflictError if the name is taken."""
    try:
        with conn.begin_nested():
            conn.execute(insert(api_tokens).values(**values))
    except IntegrityError:  # a concurrent create of the same name
        raise ConflictError(f"a token called {values['name']!r} exists; revoke it or choose another name") from None


def get_token_by_hash(conn: Connection, token_hash: str) -> Row | None:
    """The token with this hash, revoked or not."""
    row = conn.execute(select(api_tokens).where(api_tokens.c.token_hash == token_hash)).mappings().first()
    return dict(row) if row else None


def get_token_by_name(conn: Connection, name: str) -> Row | None:
    """The token called ``name``."""
    row = conn.execute(select(api_tokens).where(api_tokens.c.name == name)).mappings().first()
    return dict(row) if row else None


def revoke_token(conn: Connection, name: str, at: datetime) -> None:
    """Mark a token revoked."""
    conn.execute(update(api_tokens).where(api_tokens.c.name == name).values(revoked_at=at))


def list_tokens(conn: Connection) -> list[Row]:
    """Every token, by name."""
    return [dict(r) for r in conn.execute(select(api_tokens).order_by(api_tokens.c.name)).mappings()]


def count_tokens(conn: Connection) -> int:
    """How many tokens were ever created."""
    return conn.execute(select(func.count()).select_from(api_tokens)).scalar_one()
