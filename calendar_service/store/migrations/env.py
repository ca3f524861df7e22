"""Alembic environment: migrations always run on the connection ``database.migrate`` passes in."""

from alembic import context

connection = context.config.attributes["connection"]
# render_as_batch: SQLite cannot ALTER most things; batch mode rebuilds the table instead.
context.configure(connection=connection, render_as_batch=True, transaction_per_migration=False)
context.run_migrations()
