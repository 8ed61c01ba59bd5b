"""The staff pages' blueprint and who is signed in: the session's staff user, read once per request.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, field
from datetime import timedelta
from types import ModuleType
from typing import Final

from flask import (
    Blueprint,
    Flask,
    g,
    session,
)

from issuer.runtime import runtime
from issuer.store.db import DatabaseUnavailable, session_scope
from issuer.store.models import User

bp = Blueprint("web", __name__)


def init_app(app: Flask, *pages: ModuleType) -> None:
    """Register the staff pages (the full service only): ``pages`` are the modules whose
    views are routed on :data:`bp`, imported before it is registered."""
    app.register_blueprint(bp)


ORG_STAFF: Final = ("org_admin", "supervisor")
ALL_STAFF: Final = ("sector_admin", "org_admin", "supervisor")
SESSION_MAX_AGE: Final = timedelta(hours=10)  # a working day; then log in again


# --- who is signed in -------------------------------------------------------------------


@dataclass(frozen=True)
class StaffUser:
    """The signed-in user, read once per request (no database object leaves its transaction)."""

    id: int
    email: str
    name: str
    role: str
    organisation_id: int | None
    organisation_name: str | None
    shop_id: int | None
    session_binding: str = field(repr=False)


def _session_binding(password_hash: str) -> str:
    # Ties the session to the current password: a password change ends every session.
    return hashlib.sha256(("staff-session:" + password_hash).encode("utf-8")).hexdigest()[:32]


def _staff_user(row: User) -> StaffUser:
    return StaffUser(
        id=row.id, email=row.email, name=row.name, role=row.role, organisation_id=row.organisation_id,
        organisation_name=row.organisation.name if row.organisation else None, shop_id=row.shop_id,
        session_binding=_session_binding(row.password_hash),
    )  # fmt: skip


def _usable_account(row: User | None) -> bool:
    if row is None or not row.active or row.role not in ALL_STAFF:
        return False
    return row.role == "sector_admin" or row.organisation_id is not None


def current_user() -> StaffUser | None:
    """The signed-in staff user of this request, or None (cached per request)."""
    if "staff_user" not in g:
        g.staff_user = _load_session_user()
    user: StaffUser | None = g.staff_user
    return user


def _load_session_user() -> StaffUser | None:
    user_id = session.get("user_id")
    started = session.get("login_at")
    if not isinstance(user_id, int) or not isinstance(started, int):
        return None
    if not 0 <= time.time() - started <= SESSION_MAX_AGE.total_seconds():
        return None
    with session_scope(runtime().sessions) as db:
        row = db.get(User, user_id)
        if row is None or not _usable_account(row):
            return None
        user = _staff_user(row)
    if not hmac.compare_digest(str(session.get("binding", "")), user.session_binding):
        return None
    return user


def signed_in_user() -> StaffUser | None:
    """For templates: the user, or None when unknown or the database cannot say."""
    try:
        return current_user()
    except DatabaseUnavailable:
        return None
