"""The tables, as SQLAlchemy Core metadata. Migrations (``migrations/versions``) create them;
this module is what the queries are written against. A test checks the two agree."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every database (SQLite keeps no zone, so store naive UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

matters = Table(
    "matters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("company", Text, nullable=False, default=""),
    Column("file_numbers", JSON, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("owner", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# One row per (matter, tag), so that filtering by tag is an indexed join on every database.
matter_tags = Table(
    "matter_tags",
    metadata,
    Column("matter_id", Integer, ForeignKey("matters.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(200), primary_key=True),
    Index(None, "tag"),
)

deadlines = Table(
    "deadlines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("matter_id", Integer, ForeignKey("matters.id", ondelete="RESTRICT"), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("trigger_date", Date, nullable=False),
    Column("rule", Text, nullable=False),
    Column("calendar", String(100), nullable=False),
    Column("computed_due_date", Date, nullable=False),
    Column("override_due_date", Date, nullable=True),
    Column("override_reason", Text, nullable=True),
    # The effective due date: the override when there is one, else the computed date.
    Column("due_date", Date, nullable=False),
    Column("cutoff", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("assignee", Text, nullable=False, default=""),
    Column("notes", Text, nullable=False, default=""),
    # Rises with every change of date, time or title (the iCal SEQUENCE of later issues).
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime, nullable=True),
    # Rises when the due date or cutoff moves: alerts of older generations are cancelled.
    Column("alert_generation", Integer, nullable=False, server_default="1"),
    # This deadline's own reminder schedule (overrides the channel's and the global one).
    Column("alert_schedule", JSON, nullable=True),
    # The filing rule it was made from (compliance catalog id) and that rule's legal source.
    Column("filing_rule", String(80), nullable=True),
    Column("citation", Text, nullable=True),
    # Identity of a generated periodic deadline, so generating a year again finds it.
    Column("filing_key", String(200), nullable=True),
    # The deadline whose prescribed due date is this one's trigger (Form 12b-25 and its report).
    Column("depends_on_id", Integer, nullable=True),
    Index("ix_deadlines_filing_key", "filing_key", unique=True),
    Index("ix_deadlines_depends_on_id", "depends_on_id"),
    Index(None, "due_date", "id"),
    # Lists filtered by status read this index in due-date order: no sort of every match.
    Index(None, "status", "due_date", "id"),
    Index(None, "assignee"),
)

extensions = Table(
    "extensions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("deadline_id", Integer, ForeignKey("deadlines.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", Text, nullable=False),
    Column("previous_due_date", Date, nullable=False),
    Column("new_due_date", Date, nullable=False),
    Column("previous_rule", Text, nullable=False),
    Column("new_rule", Text, nullable=True),
    Column("reason", Text, nullable=False),
)

# History keeps no foreign keys: the record of a deleted matter or deadline must outlive it.
history = Table(
    "history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(20), nullable=False),
    Column("entity", String(20), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("matter_id", Integer, nullable=True),
    Column("changes", JSON, nullable=False),
    Column("reason", Text, nullable=True),
    Index(None, "entity", "entity_id", "id"),
    Index(None, "matter_id"),
)

# The text of each letter read, with what was read from it; one row per distinct letter text.
letters = Table(
    "letters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("matter_id", Integer, ForeignKey("matters.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("deadline_id", Integer, ForeignKey("deadlines.id", ondelete="SET NULL"), nullable=True),
    Column("filename", Text, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("letter_date", Date, nullable=True),
    Column("source", String(10), nullable=False),
    Column("text", Text, nullable=False),
    Column("facts", JSON, nullable=False),
    Column("actor", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# A feed's scope is the AND of the columns that are set; a feed of one matter goes with it.
feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    # The token is derived from the instance secret and this salt, so that the service can show
    # the URL again while the database holds only its hash; rotating draws a new salt.
    Column("token_salt", String(64), nullable=False),
    Column("matter_id", Integer, ForeignKey("matters.id", ondelete="CASCADE"), nullable=True),
    Column("assignee", Text, nullable=True),
    Column("tag", String(200), nullable=True),
    Column("company", Text, nullable=True),
    Column("include_completed", Boolean, nullable=False),
    Column("window_days_back", Integer, nullable=False),
    Column("window_days_ahead", Integer, nullable=False),
    Column("reminders", JSON, nullable=False),
    Column("cutoff_events", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Where alerts go. The webhook URL is a secret: the API and logs show it masked.
channels = Table(
    "channels",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("url", Text, nullable=False),
    Column("signing_secret", String(100), nullable=False),
    # Routing: a channel receives a deadline when every non-empty list matches (empty = all).
    Column("matter_ids", JSON, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("assignees", JSON, nullable=False),
    Column("companies", JSON, nullable=False),
    Column("schedule", JSON, nullable=True),
    Column("digest", Boolean, nullable=False),
    Column("digest_business_days", Integer, nullable=False),
    Column("source", String(20), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("disabled_reason", Text, nullable=True),
    Column("paused_until", UTCDateTime, nullable=True),
    Column("last_success_at", UTCDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("last_error_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# The outbox: one row per (deadline, channel, reminder, generation), written with the change
# that makes it due; a dispatcher claims due rows, sends, and records the outcome.
alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("deadline_id", Integer, ForeignKey("deadlines.id", ondelete="CASCADE"), nullable=True, index=True),
    Column("channel_id", Integer, ForeignKey("channels.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("offset_code", String(60), nullable=False),
    Column("generation", Integer, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    # pending | sending | sent | dead | superseded | cancelled
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("claim_token", String(64), nullable=True),
    Column("lease_until", UTCDateTime, nullable=True),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("late", Boolean, nullable=False),
    Column("last_http_status", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("context", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("deadline_id", "channel_id", "offset_code", "generation"),
    Index(None, "status", "next_attempt_at"),
)

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("attempt", Integer, nullable=False),
    Column("worker", String(100), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("http_status", Integer, nullable=True),
    # sent | retry | dead | lease_lost
    Column("outcome", String(20), nullable=False),
    Column("error", Text, nullable=True),
    Column("response_excerpt", Text, nullable=True),
)

# One row (id 1) whose version rises with every write to matters or deadlines (records.py bumps it).
data_version = Table(
    "data_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

# People who sign in to the web pages; the password is kept as an scrypt hash.
companies = Table(
    "companies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("cik", String(10), nullable=False, server_default=""),
    Column("fiscal_year_end", String(5), nullable=False),
    Column("filer_status", String(30), nullable=False),
    Column("foreign_private_issuer", Boolean, nullable=False, server_default=false()),
    # The matter that holds the company's generated filing deadlines.
    Column("matter_id", Integer, ForeignKey("matters.id", ondelete="RESTRICT"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("password_hash", String(300), nullable=False),
    Column("role", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_login_at", UTCDateTime, nullable=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("read_only", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
)
