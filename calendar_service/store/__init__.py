"""Persistence: SQLAlchemy Core over SQLite (the embedded default) or PostgreSQL.

``database`` opens a store and migrates it; ``schema`` holds the tables; ``records`` the
queries. Callers pass connections from ``Store.read()`` / ``Store.write()``, so that a use case
can do several things in one transaction.
"""

from .database import Store, open_store

__all__ = ["Store", "open_store"]
