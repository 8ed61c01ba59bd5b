"""What a signed-in staff user may reach: the role guard, the login redirect, and lookups kept inside the
user's own organisation (another organisation's data is "not found").
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec
from urllib.parse import urlsplit

from flask import (
    flash,
    redirect,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from issuer import staff_user, web
from issuer.core import errors as core_errors
from issuer.store.models import Organisation, Participant, Shop
from issuer.webkit import pages

P = ParamSpec("P")
View = Callable[P, ResponseReturnValue]


def staff() -> staff_user.StaffUser:
    """The signed-in user inside a view guarded by ``roles_required``."""
    user = staff_user.current_user()
    if user is None:
        raise pages.PageError(403)
    return user


def roles_required(*roles: str) -> Callable[[View[P]], View[P]]:
    """Only these roles may use the view; anonymous visitors go to the login page."""

    def decorator(view: View[P]) -> View[P]:
        @functools.wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
            user = staff_user.current_user()
            if user is None:
                return redirect_to_login()
            if user.role not in roles:
                raise pages.PageError(403)
            return view(*args, **kwargs)

        return guarded

    return decorator


def redirect_to_login() -> ResponseReturnValue:
    target = None
    if request.method == "GET":
        target = request.full_path.rstrip("?")
        if target != "/":
            flash("flash.login_needed")
    return redirect(url_for("web.login", next=safe_next(target)))


def safe_next(value: str | None) -> str | None:
    """``value`` when it is a path on this site, else None (no open redirects).

    Refused: absolute URLs, scheme-relative ``//host``, backslashes (browsers read
    ``/\\host`` as ``//host``) and control characters (browsers drop tabs and newlines).
    """
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(c) < 32 or ord(c) == 127 for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


def own_organisation(db: Session, user: staff_user.StaffUser) -> Organisation:
    org = db.get(Organisation, user.organisation_id) if user.organisation_id is not None else None
    if org is None:
        raise pages.PageError(403)
    return org




def own_participant(db: Session, org: Organisation, participant_id: int | None) -> Participant:
    participant = db.get(Participant, participant_id) if participant_id is not None and participant_id < 2**63 else None
    if participant is None or participant.organisation_id != org.id or participant.erased_at is not None:
        raise pages.PageError(404)
    return participant


def chosen_participant(db: Session, org: Organisation, raw: str) -> Participant | None:
    """The participant picked in a form (None for "another name").

    Unknown and other organisations' ids get the same answer, so ids cannot be probed.
    """
    if not raw.strip():
        return None
    try:
        return own_participant(db, org, web.parse_id(raw))
    except pages.PageError:
        raise core_errors.NotFound("no such participant", code="unknown_participant", field="participant") from None


def chosen_shop(db: Session, org: Organisation, raw: str) -> Shop | None:
    if not raw.strip():
        return None
    shop_id = web.parse_id(raw)
    shop = db.get(Shop, shop_id) if shop_id is not None else None
    if shop is None or shop.organisation_id != org.id:
        raise core_errors.NotFound("no such shop", code="unknown_shop", field="shop")
    return shop
