"""The store: migrations on open, the schema they make, data kept across reopening, SQLite settings."""

import threading

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import FROZEN_NOW, scratch_postgres_database
from sqlalchemy import text

from calendar_service.services import matters as matter_service
from calendar_service.store import open_store
from calendar_service.store.database import current_revision, head_revision
from calendar_service.store.schema import metadata


def test_the_migrations_form_one_line_ending_at_the_newest():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from calendar_service.store.database import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    assert len(script.get_heads()) == 1
    assert [r.revision for r in script.walk_revisions()][::-1] == ["0001", "0002", "0003", "0004", "0005", "0006"]


def test_opening_migrates_to_the_newest_revision_and_the_schema_matches_the_code(store):
    assert current_revision(store) == head_revision()
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_reopening_keeps_the_data_and_migrates_nothing_twice(tmp_path):
    url = f"sqlite:///{tmp_path / 'keep.db'}"
    first = open_store(url)
    matter_service.create_matter(first, {"name": "ImmunoGen"}, actor="test", now=FROZEN_NOW)
    first.close()
    second = open_store(url)
    try:
        assert matter_service.get_matter(second, 1)["name"] == "ImmunoGen"
        assert current_revision(second) == head_revision()
    finally:
        second.close()


def test_the_sqlite_file_is_created_with_its_folder_in_wal_mode_with_foreign_keys(tmp_path):
    path = tmp_path / "new" / "folder" / "cs.db"
    store = open_store(f"sqlite:///{path}")
    try:
        assert path.exists()
        with store.read() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        store.close()


def test_concurrent_writers_on_sqlite_queue_instead_of_failing(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'busy.db'}")
    errors = []

    def write(n: int) -> None:
        try:
            for i in range(15):
                matter_service.create_matter(store, {"name": f"m{n}-{i}"}, actor="test", now=FROZEN_NOW)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        items, _ = matter_service.list_matters(store, filters={}, cursor=None, limit=500)
        assert len(items) == 60
    finally:
        store.close()


def test_several_processes_migrating_a_new_postgresql_database_at_once_is_safe():
    # Each open_store migrates under an advisory lock; without it, concurrent CREATE TABLEs collide.
    errors = []
    with scratch_postgres_database() as url:

        def open_and_close() -> None:
            try:
                open_store(url).close()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=open_and_close, daemon=True) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        # Without the lock, the concurrent CREATE TABLEs block each other for good.
        assert not any(t.is_alive() for t in threads), "concurrent migrations are stuck"
        store = open_store(url)
        try:
            assert current_revision(store) == head_revision()
        finally:
            store.close()
    assert errors == []


def test_an_unreachable_database_is_a_clear_config_error():
    import pytest

    from calendar_service.errors import ConfigError

    with pytest.raises(ConfigError, match="cannot open the database"):
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(ConfigError, match="only SQLite and PostgreSQL"):
        open_store("mysql://x@127.0.0.1/db")
    with pytest.raises(ConfigError, match="is not a URL"):
        open_store("not a url")
