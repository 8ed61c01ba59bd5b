"""Staff accounts: adding users, the password rules, checking a password.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.core import audit_log, basics, errors
from issuer.store.models import (
    ROLES,
    Organisation,
    Shop,
    User,
)

_password_hasher = PasswordHasher()


def check_password_rules(password: str) -> None:
    """Staff passwords: at least 12 characters, not all one kind, not the e-mail."""
    if not isinstance(password, str) or len(password) < 12:
        raise errors.ServiceError("the password needs at least 12 characters", code="password_short", field="password")
    if len(set(password)) < 5:
        raise errors.ServiceError("the password is too simple", code="password_simple", field="password")


def add_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    role: str,
    actor: str,
    org: Organisation | None = None,
    shop: Shop | None = None,
) -> tuple[User, bool]:
    """Create a staff account (idempotent on e-mail: an existing user is returned unchanged)."""
    email = (email or "").strip().lower()
    if not basics.EMAIL.match(email):
        raise errors.ServiceError("not an e-mail address", code="bad_email", field="email")
    if role not in ROLES:
        raise errors.ServiceError(f"role must be one of {', '.join(ROLES)}", code="bad_role", field="role")
    if role != "sector_admin" and org is None:
        raise errors.ServiceError("this role needs an organisation", code="org_required", field="org")
    existing = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if existing is not None:
        if existing.role != role or existing.organisation_id != (org.id if org else None):
            raise errors.Conflict(
                f"user {email} exists with another role or organisation", code="user_exists", field="email"
            )
        return existing, False
    check_password_rules(password)
    if password.lower() == email:
        raise errors.ServiceError(
            "the password must not be the e-mail address", code="password_simple", field="password"
        )
    user = User(
        email=email,
        name=basics.clean_text(name, field="name", max_length=basics.MAX_NAME) or email,
        password_hash=_password_hasher.hash(password),
        role=role,
        organisation_id=org.id if org and role != "sector_admin" else None,
        shop_id=shop.id if shop else None,
        active=True,
        failed_logins=0,
        created_at=basics.now(),
    )
    session.add(user)
    session.flush()
    audit_log.audit(
        session,
        actor=actor,
        action="user.create",
        organisation_id=user.organisation_id,
        subject=email,
        details={"role": role},
    )
    return user, True


def check_password(user: User, password: str) -> bool:
    try:
        return _password_hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
