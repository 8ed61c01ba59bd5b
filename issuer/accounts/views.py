"""Logging in and out: password check with lockout after repeated failures, the session start.
"""

from __future__ import annotations

import functools
import secrets
import time
from datetime import timedelta
from typing import Final

from argon2 import PasswordHasher
from flask import (
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from issuer import staff_user, web
from issuer.accounts import access
from issuer.accounts import services as account_services
from issuer.core import audit_log, basics
from issuer.core import errors as core_errors
from issuer.store.db import aware_utc
from issuer.store.models import User
from issuer.webkit import i18n, pages

MAX_FAILED_LOGINS: Final = 5
LOCK_DURATION: Final = timedelta(minutes=15)
LOCKOUT_ACTOR: Final = "login"  # the audit actor of a lockout (failed attempts, by whoever made them)


# --- log in and out ----------------------------------------------------------------------


@functools.cache
def _decoy_hash() -> str:
    return PasswordHasher().hash(secrets.token_urlsafe(16))


def authenticate(email: str, password: str) -> staff_user.StaffUser | None:
    """The user for these credentials, or None. Counts failures and locks the account
    for 15 minutes after 5; while locked even the right password is refused. Unknown
    users cost the same password check, so timing does not tell who has an account."""
    with web.transaction() as db:
        row = db.execute(select(User).where(User.email == email)).scalar_one_or_none()
        user_id, password_hash = (row.id, row.password_hash) if row is not None else (None, _decoy_hash())
    # The slow password check runs outside any transaction (it would hold SQLite's write lock).
    password_ok = account_services.check_password(User(password_hash=password_hash), password)
    if user_id is None:
        return None
    moment = basics.now()
    with web.transaction() as db:
        row = db.execute(select(User).where(User.id == user_id).with_for_update()).scalar_one()
        locked_until = aware_utc(row.locked_until)
        if locked_until is not None and locked_until > moment:
            return None
        if not (password_ok and staff_user._usable_account(row)):
            row.failed_logins = (row.failed_logins or 0) + 1
            if row.failed_logins >= MAX_FAILED_LOGINS:
                row.failed_logins, row.locked_until = 0, moment + LOCK_DURATION
                # In the lock's own transaction. Named by the user id, not the e-mail address: the
                # attempts came from whoever typed it, and the audit log is never erased.
                audit_log.audit(db, actor=LOCKOUT_ACTOR, action="user.locked", organisation_id=row.organisation_id,
                               subject=str(row.id), details={"failed_logins": MAX_FAILED_LOGINS})  # fmt: skip
            return None
        row.failed_logins, row.locked_until = 0, None
        return staff_user._staff_user(row)


def start_session(user: staff_user.StaffUser) -> None:
    """A fresh session at login: nothing from before survives (no session fixation)."""
    language = session.get(i18n.SESSION_KEY)
    session.clear()
    session.update(user_id=user.id, binding=user.session_binding, login_at=int(time.time()))
    session[pages.CSRF_FIELD] = secrets.token_urlsafe(32)
    if language in i18n.LANGUAGES:
        session[i18n.SESSION_KEY] = language
    g.staff_user = user


@staff_user.bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    next_url = access.safe_next(request.values.get("next"))
    if request.method == "GET":
        if staff_user.current_user() is not None:
            return redirect(next_url or url_for("web.dashboard"))
        return render_template("accounts/login.html", form=pages.FormState({"email": ""}), next_url=next_url)
    values = {"email": request.form.get("email", "").strip().lower(), "password": ""}
    password = request.form.get("password", "")
    problems = [
        core_errors.ServiceError(f"{name} must not be empty", code="required", field=name)
        for name, value in (("email", values["email"]), ("password", password))
        if not value
    ]
    if problems:
        return render_template(
            "accounts/login.html", form=pages.FormState.refused(values, problems), next_url=next_url
        ), 400
    user = authenticate(values["email"], password)
    if user is None:
        form = pages.FormState(values, general=[i18n.t("error.login_failed")])
        return render_template("accounts/login.html", form=form, next_url=next_url), 400
    start_session(user)
    return redirect(next_url or url_for("web.dashboard"))


@staff_user.bp.post("/logout")
@access.roles_required(*staff_user.ALL_STAFF)
def logout() -> ResponseReturnValue:
    language = session.get(i18n.SESSION_KEY)
    session.clear()
    if language in i18n.LANGUAGES:
        session[i18n.SESSION_KEY] = language
    g.staff_user = None
    flash("flash.logged_out")
    return redirect(url_for("web.login"))
