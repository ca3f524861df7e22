"""Opening the database: engine set-up for SQLite and PostgreSQL, and migrations on open.

SQLite gets WAL mode (readers never wait for the writer), foreign keys, a busy timeout, and
``BEGIN IMMEDIATE`` for write transactions so that two writers queue on the lock instead of
failing when a read transaction tries to upgrade. PostgreSQL serialises concurrent migrations
with an advisory lock, so several processes may start at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from ..errors import ConfigError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 7_341_202_009  # any constant: the advisory-lock key for migrations


class Store:
    """A database with the schema at the newest revision."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection in a read transaction."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in a write transaction, committed when the block ends without error."""
        with self.engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    def describe(self) -> str:
        """The URL without its password, for logs."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the per-database settings above."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"database URL {url!r} is not a URL; write sqlite:///path.db or postgresql+psycopg://user@host/db") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, not psycopg2
        try:
            return create_engine(parsed, pool_pre_ping=True)
        except NoSuchModuleError:
            raise ConfigError(f"database URL {url!r} names a driver that is not installed; use postgresql+psycopg://") from None
    raise ConfigError(f"database URL {url!r}: only SQLite and PostgreSQL are supported")


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling defers it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def open_store(url: str) -> Store:
    """Connect to ``url`` and bring its schema to the newest revision (creating it if new)."""
    engine = make_engine(url)
    try:
        migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise ConfigError(f"cannot open the database {make_url(url).render_as_string(hide_password=True)}: {reason}") from None
    return Store(engine)


def migrate(engine: Engine) -> None:
    """Apply every migration not yet applied, under a lock so that concurrent starts are safe."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")


def head_revision() -> str:
    """The newest migration's revision, the one every opened store is brought to."""
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def current_revision(store: Store) -> str | None:
    """The schema revision the database is at."""
    with store.read() as conn:
        if not store.engine.dialect.has_table(conn, "alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
