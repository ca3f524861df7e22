"""Shared fixtures: compiled calendars, stores on SQLite and PostgreSQL, and an API client.

Store and API tests take the ``store`` fixture, which runs each test twice: on a fresh SQLite
file and on a scratch PostgreSQL database. PostgreSQL is found at
$CALENDAR_SERVICE_TEST_POSTGRES (an admin URL; default the local server on 127.0.0.1:5432 as
user postgres). Where it cannot be reached those tests skip, saying how to enable them, except
under CI=true, where a missing PostgreSQL fails the run.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from calendar_service.calendars import get_calendar
from calendar_service.config import Settings
from calendar_service.engine import BusinessCalendar
from calendar_service.store import open_store
from calendar_service.store.schema import metadata

PG_ADMIN_URL = os.environ.get("CALENDAR_SERVICE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
FROZEN_NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def federal(settings: Settings) -> BusinessCalendar:
    return get_calendar("us-federal", settings)


@pytest.fixture(scope="session")
def nyse(settings: Settings) -> BusinessCalendar:
    return get_calendar("nyse", settings)


def d(text: str) -> date:
    """Shorthand for ISO dates in parametrize tables."""
    return date.fromisoformat(text)


def _postgres_admin():
    """An autocommit engine on the admin URL, or a skip (a failure under CI) when unreachable."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        admin.dispose()
        message = (
            f"PostgreSQL is not reachable at {make_url(PG_ADMIN_URL).render_as_string(hide_password=True)} ({type(exc).__name__}); "
            "start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) "
            "or point CALENDAR_SERVICE_TEST_POSTGRES at an admin URL"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return admin


@contextmanager
def scratch_postgres_database():
    """A new, empty PostgreSQL database (its URL), dropped afterwards."""
    admin = _postgres_admin()
    name = f"cs_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """A scratch PostgreSQL database for this test session, dropped at the end."""
    with scratch_postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_store(postgres_url):
    store = open_store(postgres_url)
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """An empty, migrated store on each database."""
    if request.param == "sqlite":
        opened = open_store(f"sqlite:///{tmp_path / 'test.db'}")
        yield opened
        opened.close()
        return
    opened = request.getfixturevalue("postgres_store")
    with opened.write() as conn:
        tables = ", ".join(table.name for table in metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(text("INSERT INTO data_version (id, version) VALUES (1, 0)"))  # the migration's one row
    yield opened


class Clock:
    """A clock the tests move by hand (the app reads it for every change it records)."""

    def __init__(self) -> None:
        self.now = FROZEN_NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(store, settings, clock):
    """The Flask app over the ``store`` fixture, on the test clock."""
    from calendar_service.web import create_app

    return create_app(settings, store, clock=clock)
