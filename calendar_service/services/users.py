"""Users of the web pages, with roles: viewer (reads), editor (changes deadlines, letters, feeds),
admin (also channels and users). Passwords are kept as scrypt hashes (stdlib ``hashlib.scrypt``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime
from typing import Any

from ..errors import NotFoundError, ValidationError
from ..store import Store
from ..store import records as db

ROLES = ("viewer", "editor", "admin")
_RANK = {role: i for i, role in enumerate(ROLES)}
MIN_PASSWORD = 10
# scrypt cost: n=2**14, r=8, p=1 (about 16 MiB and tens of milliseconds per check).
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """An scrypt hash with its parameters and salt: scrypt$n$r$p$salt$hash."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"scrypt${_N}${_R}${_P}${b64(salt)}${b64(digest)}"


def password_matches(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (constant-time)."""
    try:
        _, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def can(role: str, needed: str) -> bool:
    """Whether a user of ``role`` may do what needs ``needed``."""
    return _RANK.get(role, -1) >= _RANK[needed]


def add_user(store: Store, email: str, password: str, role: str, *, now: datetime) -> dict[str, Any]:
    """A new user (their password checked for length, their e-mail for shape)."""
    email = email.strip().lower()
    errors = []
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) or len(email) > 320:
        errors.append(("email", f"{email!r} is not an e-mail address"))
    if len(password) < MIN_PASSWORD:
        errors.append(("password", f"must be at least {MIN_PASSWORD} characters"))
    if role not in ROLES:
        errors.append(("role", f"must be one of {', '.join(ROLES)}"))
    if errors:
        raise ValidationError(errors)
    with store.write() as conn:
        user_id = db.insert_user(conn, {"email": email, "password_hash": hash_password(password), "role": role, "created_at": now})
        return present_user(db.get_user(conn, user_id))


def present_user(row: dict[str, Any]) -> dict[str, Any]:
    """A user without their password hash."""
    return {"id": row["id"], "email": row["email"], "role": row["role"], "created_at": row["created_at"].isoformat()}


def authenticate(store: Store, email: str, password: str, *, now: datetime) -> dict[str, Any] | None:
    """The user for these credentials, or None (the same work whether or not the e-mail exists)."""
    with store.read() as conn:
        row = db.get_user_by_email(conn, email or "")
    if row is None:
        password_matches(password, hash_password("x" * MIN_PASSWORD))  # spend the same time
        return None
    if not password_matches(password or "", row["password_hash"]):
        return None
    with store.write() as conn:
        db.update_user(conn, row["id"], {"last_login_at": now})
    return row


def get_user(store: Store, user_id: int) -> dict[str, Any] | None:
    """One user, or None."""
    with store.read() as conn:
        return db.get_user(conn, user_id)


def list_users(store: Store) -> list[dict[str, Any]]:
    """Every user (no password hashes)."""
    with store.read() as conn:
        return [present_user(r) for r in db.list_users(conn)]


def remove_user(store: Store, email: str) -> None:
    """Remove a user."""
    with store.write() as conn:
        row = db.get_user_by_email(conn, email)
        if row is None:
            raise NotFoundError(f"there is no user {email!r}")
        db.delete_user(conn, row["id"])
