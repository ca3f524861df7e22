"""API tokens: created and shown once, stored as a SHA-256 hash, revocable, read-only or not.

A token is 256 random bits, so a plain (unsalted, fast) hash is enough: there is nothing to
guess, and a lookup by hash needs no per-token work.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from ..errors import AuthError, ConflictError, NotFoundError, ValidationError
from ..store import Store
from ..store import records as db

PREFIX = "cst_"  # recognisable in logs and by secret scanners
ADMIN = "admin"


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: Store, name: str, *, read_only: bool, now: datetime) -> str:
    """A new token called ``name``; the plain token is returned once and never stored."""
    name = name.strip()
    if not name or len(name) > 200:
        raise ValidationError([("name", "must be 1 to 200 characters")])
    token = PREFIX + secrets.token_urlsafe(32)
    with store.write() as conn:
        if db.get_token_by_name(conn, name) is not None:
            raise ConflictError(f"a token called {name!r} exists; revoke it or choose another name")
        db.insert_token(conn, {"name": name, "token_hash": hash_token(token), "read_only": read_only, "created_at": now})
    return token


def revoke_token(store: Store, name: str, *, now: datetime) -> None:
    """Revoke a token at once; requests carrying it get 401 from then on."""
    with store.write() as conn:
        row = db.get_token_by_name(conn, name)
        if row is None:
            raise NotFoundError(f"there is no token called {name!r}")
        if row["revoked_at"] is None:
            db.revoke_token(conn, name, now)


def list_tokens(store: Store) -> list[dict[str, Any]]:
    """Every token's name, rights and dates (never the token)."""
    with store.read() as conn:
        rows = db.list_tokens(conn)
    return [
        {
            "name": r["name"],
            "read_only": r["read_only"],
            "created_at": r["created_at"].isoformat(),
            "revoked_at": r["revoked_at"].isoformat() if r["revoked_at"] else None,
        }
        for r in rows
    ]


def authenticate(store: Store, token: str) -> dict[str, Any]:
    """The live token row for ``token``, or AuthError."""
    with store.read() as conn:
        row = db.get_token_by_hash(conn, hash_token(token))
    if row is None:
        raise AuthError("the bearer token is not one this service issued")
    if row["revoked_at"] is not None:
        raise AuthError(f"the bearer token {row['name']!r} was revoked")
    return row


def ensure_first_token(store: Store, *, now: datetime) -> str | None:
    """On a store with no tokens at all, create the admin token and return it (else None)."""
    with store.read() as conn:
        if db.count_tokens(conn):
            return None
    try:
        return create_token(store, ADMIN, read_only=False, now=now)
    except ConflictError:  # another process made it first
        return None
