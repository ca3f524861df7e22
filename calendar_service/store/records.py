"""Queries over the tables: plain dicts in, plain dicts out, on a connection the caller owns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, exists, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from ..errors import ConflictError
from .schema import (
    alert_deliveries,
    alerts,
    api_tokens,
    channels,
    companies,
    data_version,
    deadlines,
    extensions,
    feeds,
    history,
    letters,
    matter_tags,
    matters,
    users,
)

Row = dict[str, Any]

# Errors of a transaction that lost a race (a deadlock victim, a lock timeout): try again later.
TRANSIENT_ERRORS = (OperationalError,)


# -- the data version ----------------------------------------------------------------------------


def _bump(conn: Connection) -> None:
    conn.execute(update(data_version).where(data_version.c.id == 1).values(version=data_version.c.version + 1))


def current_data_version(conn: Connection) -> int:
    """A number that rises with every write to matters or deadlines."""
    return conn.execute(select(data_version.c.version).where(data_version.c.id == 1)).scalar_one()


# -- matters -------------------------------------------------------------------------------------


def insert_matter(conn: Connection, values: Mapping[str, Any]) -> int:
    """Store a new matter and its tags; return its id."""
    matter_id = conn.execute(insert(matters).values(**values).returning(matters.c.id)).scalar_one()
    _write_tags(conn, matter_id, values.get("tags", ()))
    _bump(conn)
    return matter_id


def update_matter(conn: Connection, matter_id: int, values: Mapping[str, Any]) -> None:
    """Change the given columns of a matter (and its tags when they are among them)."""
    conn.execute(update(matters).where(matters.c.id == matter_id).values(**values))
    _bump(conn)
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
    _bump(conn)


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
    deadline_id = conn.execute(insert(deadlines).values(**values).returning(deadlines.c.id)).scalar_one()
    _bump(conn)
    return deadline_id


def update_deadline(conn: Connection, deadline_id: int, values: Mapping[str, Any]) -> None:
    """Change the given columns of a deadline."""
    conn.execute(update(deadlines).where(deadlines.c.id == deadline_id).values(**values))
    _bump(conn)


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
    _bump(conn)


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


def feed_event_keys(conn: Connection, feed: Mapping[str, Any], statuses: Sequence[str], first: date, last: date) -> list[tuple[Any, ...]]:
    """(id, version, updated_at, status, matter name, matter company) of the feed's deadlines, in order:
    what decides whether a cached event is still right, without reading whole rows."""
    columns = (
        deadlines.c.id,
        deadlines.c.version,
        deadlines.c.updated_at,
        deadlines.c.status,
        matters.c.name,
        matters.c.company,
    )
    query = _feed_query(columns, feed, statuses, first, last).order_by(deadlines.c.due_date, deadlines.c.id)
    return [tuple(r) for r in conn.execute(query)]


def deadlines_by_id(conn: Connection, ids: Sequence[int]) -> dict[int, Row]:
    """Whole deadline rows (with matter name and company) for these ids."""
    if not ids:
        return {}
    columns = (deadlines, matters.c.name.label("matter_name"), matters.c.company.label("matter_company"))
    query = (
        select(*columns).select_from(deadlines.join(matters, matters.c.id == deadlines.c.matter_id)).where(deadlines.c.id.in_(list(ids)))
    )
    return {r["id"]: dict(r) for r in conn.execute(query).mappings()}


def feed_deadlines(conn: Connection, feed: Mapping[str, Any], statuses: Sequence[str], first: date, last: date) -> list[Row]:
    """The deadlines a feed shows, with their matter's name and company, by due date and id."""
    columns = (deadlines, matters.c.name.label("matter_name"), matters.c.company.label("matter_company"))
    query = _feed_query(columns, feed, statuses, first, last).order_by(deadlines.c.due_date, deadlines.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


# -- channels and alerts ---------------------------------------------------------------------------

REMINDER_CODES = ("T-", "DUE", "OVERDUE-")  # planned from the schedule; MOVED, TEST and DIGEST are one-offs


def list_channels(conn: Connection) -> list[Row]:
    """Every channel, by id."""
    return [dict(r) for r in conn.execute(select(channels).order_by(channels.c.id)).mappings()]


def get_channel(conn: Connection, channel_id: int) -> Row | None:
    """One channel, or None."""
    row = conn.execute(select(channels).where(channels.c.id == channel_id)).mappings().first()
    return dict(row) if row else None


def get_channel_by_name(conn: Connection, name: str) -> Row | None:
    """The channel called ``name``."""
    row = conn.execute(select(channels).where(channels.c.name == name)).mappings().first()
    return dict(row) if row else None


def insert_channel(conn: Connection, values: Mapping[str, Any]) -> int:
    """Store a new channel; ConflictError if the name is taken."""
    try:
        with conn.begin_nested():
            return conn.execute(insert(channels).values(**values).returning(channels.c.id)).scalar_one()
    except IntegrityError:
        raise ConflictError(f"a channel called {values['name']!r} exists; choose another name") from None


def update_channel(conn: Connection, channel_id: int, values: Mapping[str, Any]) -> None:
    """Change the given columns of a channel."""
    conn.execute(update(channels).where(channels.c.id == channel_id).values(**values))


def delete_channel(conn: Connection, channel_id: int) -> None:
    """Remove a channel with its alerts."""
    conn.execute(delete(channels).where(channels.c.id == channel_id))


def _is_reminder(code: str) -> bool:
    return code.startswith(REMINDER_CODES)


def cancel_pending_alerts(conn: Connection, deadline_id: int, *, before_generation: int | None = None) -> None:
    """Cancel a deadline's alerts not yet sent (only those of older generations, if given)."""
    query = update(alerts).where(alerts.c.deadline_id == deadline_id, alerts.c.status == "pending")
    if before_generation is not None:
        query = query.where(alerts.c.generation < before_generation)
    conn.execute(query.values(status="cancelled"))


def _insert_ignoring_duplicates(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    conn.execute(dialect_insert(alerts).on_conflict_do_nothing(), rows)


def new_alert(
    channel_id: int, deadline_id: int | None, code: str, generation: int, due_at: datetime, now: datetime, context: dict
) -> dict[str, Any]:
    """The values of a new pending alert."""
    return {
        "deadline_id": deadline_id,
        "channel_id": channel_id,
        "offset_code": code,
        "generation": generation,
        "due_at": due_at,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": due_at,
        "late": False,
        "context": context,
        "created_at": now,
    }


def replace_deadline_alerts(conn: Connection, deadline_id: int, generation: int, wanted: list[dict[str, Any]], *, now: datetime) -> None:
    """Make the deadline's planned alerts of ``generation`` exactly ``wanted`` (insert, move, cancel)."""
    existing = {
        (r["channel_id"], r["offset_code"]): r
        for r in conn.execute(select(alerts).where(alerts.c.deadline_id == deadline_id, alerts.c.generation == generation)).mappings()
    }
    keys = set()
    inserts = []
    for item in wanted:
        key = (item["channel_id"], item["offset_code"])
        keys.add(key)
        found = existing.get(key)
        if found is None:
            inserts.append(
                new_alert(item["channel_id"], deadline_id, item["offset_code"], generation, item["due_at"], now, item["context"])
            )
        elif found["status"] == "pending" and _is_reminder(found["offset_code"]) and found["due_at"] != item["due_at"]:
            conn.execute(update(alerts).where(alerts.c.id == found["id"]).values(due_at=item["due_at"], next_attempt_at=item["due_at"]))
    _insert_ignoring_duplicates(conn, inserts)
    obsolete = [r["id"] for key, r in existing.items() if key not in keys and r["status"] == "pending" and _is_reminder(r["offset_code"])]
    if obsolete:
        conn.execute(update(alerts).where(alerts.c.id.in_(obsolete)).values(status="cancelled"))


def insert_one_off_alert(conn: Connection, values: dict[str, Any]) -> int | None:
    """A test or digest alert; None when one with the same key exists already."""
    before = conn.execute(select(func.count()).select_from(alerts)).scalar_one()
    _insert_ignoring_duplicates(conn, [values])
    found = conn.execute(
        select(alerts.c.id)
        .where(alerts.c.channel_id == values["channel_id"], alerts.c.offset_code == values["offset_code"])
        .order_by(alerts.c.id.desc())
    ).first()
    after = conn.execute(select(func.count()).select_from(alerts)).scalar_one()
    return found[0] if found and after > before else None


_DIGEST_LOCK = 7_341_202_010


def lock_for_digest_planning(conn: Connection) -> None:
    """Serialise digest planning across dispatchers (SQLite's write transaction already does)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _DIGEST_LOCK})


def supersede_due_alerts(conn: Connection, now: datetime) -> int:
    """Mark pending reminders superseded when a later reminder of the same deadline, channel and
    generation is already due: after downtime, or for a deadline entered late, one message goes
    out (the latest), not one per missed reminder."""
    later = alerts.alias("later")
    condition = exists().where(
        later.c.deadline_id == alerts.c.deadline_id,
        later.c.channel_id == alerts.c.channel_id,
        later.c.generation == alerts.c.generation,
        later.c.due_at > alerts.c.due_at,
        later.c.due_at <= now,
        later.c.status.in_(("pending", "sending", "sent")),
        or_(later.c.offset_code.like("T-%"), later.c.offset_code == "DUE", later.c.offset_code.like("OVERDUE-%")),
    )
    query = (
        update(alerts)
        .where(
            alerts.c.status == "pending",
            alerts.c.deadline_id.is_not(None),
            alerts.c.due_at <= now,
            or_(alerts.c.offset_code.like("T-%"), alerts.c.offset_code == "DUE", alerts.c.offset_code.like("OVERDUE-%")),
            condition,
        )
        .values(status="superseded")
    )
    return conn.execute(query).rowcount


def claim_alerts(conn: Connection, *, now: datetime, token: str, lease_until: datetime, limit: int) -> list[Row]:
    """Take up to ``limit`` due alerts (or ones whose sender's lease ran out) for this dispatcher.

    On PostgreSQL the rows are locked FOR UPDATE SKIP LOCKED, so concurrent dispatchers take
    different rows; SQLite's write transaction lets one dispatcher claim at a time.
    """
    due = (
        select(alerts.c.id)
        .select_from(alerts.join(channels, channels.c.id == alerts.c.channel_id))
        .where(
            channels.c.enabled,
            or_(channels.c.paused_until.is_(None), channels.c.paused_until <= now),
            or_(
                and_(alerts.c.status == "pending", alerts.c.next_attempt_at <= now),
                and_(alerts.c.status == "sending", alerts.c.lease_until < now),
            ),
        )
        .order_by(alerts.c.next_attempt_at, alerts.c.id)
        .limit(limit)
        .with_for_update(of=alerts, skip_locked=True)
    )
    ids = list(conn.execute(due).scalars())
    if not ids:
        return []
    conn.execute(
        update(alerts)
        .where(alerts.c.id.in_(ids))
        .values(status="sending", claim_token=token, lease_until=lease_until, attempts=alerts.c.attempts + 1)
    )
    return [
        dict(r) for r in conn.execute(select(alerts).where(alerts.c.id.in_(ids)).order_by(alerts.c.next_attempt_at, alerts.c.id)).mappings()
    ]


def renew_claim(conn: Connection, alert_id: int, token: str, lease_until: datetime) -> bool:
    """Extend this dispatcher's lease; False when another dispatcher has taken the alert over."""
    result = conn.execute(
        update(alerts)
        .where(alerts.c.id == alert_id, alerts.c.claim_token == token, alerts.c.status == "sending")
        .values(lease_until=lease_until)
    )
    return result.rowcount == 1


def finish_alert(conn: Connection, alert_id: int, token: str, values: Mapping[str, Any]) -> bool:
    """Record an alert's outcome, only if this dispatcher still holds it."""
    result = conn.execute(
        update(alerts).where(alerts.c.id == alert_id, alerts.c.claim_token == token, alerts.c.status == "sending").values(**values)
    )
    return result.rowcount == 1


def insert_delivery(conn: Connection, values: Mapping[str, Any]) -> None:
    """Append one delivery attempt to the log."""
    conn.execute(insert(alert_deliveries).values(**values))


def get_alert(conn: Connection, alert_id: int) -> Row | None:
    """One alert, or None."""
    row = conn.execute(select(alerts).where(alerts.c.id == alert_id)).mappings().first()
    return dict(row) if row else None


def list_alerts(
    conn: Connection,
    *,
    status: Sequence[str] | None = None,
    channel_id: int | None = None,
    deadline_id: int | None = None,
    limit: int = 200,
) -> list[Row]:
    """Alerts, newest first, filtered."""
    query = select(alerts).order_by(alerts.c.due_at.desc(), alerts.c.id.desc()).limit(limit)
    if status:
        query = query.where(alerts.c.status.in_(status))
    if channel_id is not None:
        query = query.where(alerts.c.channel_id == channel_id)
    if deadline_id is not None:
        query = query.where(alerts.c.deadline_id == deadline_id)
    return [dict(r) for r in conn.execute(query).mappings()]


def list_deliveries(conn: Connection, alert_id: int) -> list[Row]:
    """An alert's delivery attempts, oldest first."""
    query = select(alert_deliveries).where(alert_deliveries.c.alert_id == alert_id).order_by(alert_deliveries.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


def alert_counts(conn: Connection, channel_id: int) -> dict[str, int]:
    """How many of a channel's alerts are in each status."""
    query = select(alerts.c.status, func.count()).where(alerts.c.channel_id == channel_id).group_by(alerts.c.status)
    return {status: count for status, count in conn.execute(query)}


def update_alert(conn: Connection, alert_id: int, values: Mapping[str, Any]) -> None:
    """Change the given columns of an alert."""
    conn.execute(update(alerts).where(alerts.c.id == alert_id).values(**values))


# -- users --------------------------------------------------------------------------------------


def insert_user(conn: Connection, values: Mapping[str, Any]) -> int:
    """Store a new user; ConflictError if the e-mail is taken."""
    try:
        with conn.begin_nested():
            return conn.execute(insert(users).values(**values).returning(users.c.id)).scalar_one()
    except IntegrityError:
        raise ConflictError(f"a user {values['email']!r} exists") from None


def get_user(conn: Connection, user_id: int) -> Row | None:
    """One user, or None."""
    row = conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
    return dict(row) if row else None


def get_user_by_email(conn: Connection, email: str) -> Row | None:
    """The user with this e-mail (compared in lower case)."""
    row = conn.execute(select(users).where(users.c.email == email.strip().lower())).mappings().first()
    return dict(row) if row else None


def list_users(conn: Connection) -> list[Row]:
    """Every user, by e-mail."""
    return [dict(r) for r in conn.execute(select(users).order_by(users.c.email)).mappings()]


def update_user(conn: Connection, user_id: int, values: Mapping[str, Any]) -> None:
    """Change the given columns of a user."""
    conn.execute(update(users).where(users.c.id == user_id).values(**values))


def delete_user(conn: Connection, user_id: int) -> None:
    """Remove a user."""
    conn.execute(delete(users).where(users.c.id == user_id))


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


# -- companies and generated filing deadlines ---------------------------------------------------


def insert_company(conn: Connection, values: Mapping[str, Any]) -> int:
    """Store a company profile; ConflictError if the name is taken."""
    try:
        with conn.begin_nested():
            return conn.execute(insert(companies).values(**values).returning(companies.c.id)).scalar_one()
    except IntegrityError:
        raise ConflictError(f"there is already a company named {values['name']!r}") from None


def update_company(conn: Connection, company_id: int, values: Mapping[str, Any]) -> None:
    conn.execute(update(companies).where(companies.c.id == company_id).values(**values))


def get_company(conn: Connection, *, company_id: int | None = None, name: str | None = None, for_update: bool = False) -> Row | None:
    """One company by id or by name (case-insensitive), or None."""
    query = select(companies)
    if company_id is not None:
        query = query.where(companies.c.id == company_id)
    else:
        query = query.where(func.lower(companies.c.name) == (name or "").lower())
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def list_companies(conn: Connection) -> list[Row]:
    return [dict(r) for r in conn.execute(select(companies).order_by(companies.c.name)).mappings()]


def deadlines_by_filing_key_prefix(conn: Connection, prefix: str) -> dict[str, Row]:
    """Generated deadlines whose filing_key starts with ``prefix``, by key."""
    query = _deadline_select().where(deadlines.c.filing_key.startswith(prefix, autoescape=True))
    return {row["filing_key"]: dict(row) for row in conn.execute(query).mappings()}


def dependants_of(conn: Connection, deadline_id: int) -> list[Row]:
    """The deadlines whose trigger is ``deadline_id``'s due date."""
    query = _deadline_select().where(deadlines.c.depends_on_id == deadline_id).order_by(deadlines.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]
