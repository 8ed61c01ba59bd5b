"""Tokens of the integration API (``/api/v1``): one organisation, scopes ``issue`` and/or
``revoke``, created and revoked by an organisation admin.

A token is ``kc_`` followed by 40 URL-safe random characters (240 bits). Only its
SHA-256 is stored, so the database never holds anything that opens the API; the token
is shown once, when it is made. The first characters (``kc_`` and 8 more, 48 random
bits: no help to a guesser) are kept in the clear to recognise a token in a list.

A token is looked up by its hash (a unique index). No comparison of secrets happens in
Python, and what a timing difference in the index lookup could reveal is a prefix of a
hash of 240 random bits: useless for guessing.

Every function takes the session it works in (the caller owns the transaction), like
the other services. Creating and revoking write an audit event naming the token's
prefix, never the token.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.core import audit_log, basics, errors
from issuer.store.db import aware_utc
from issuer.store.models import ApiToken, Organisation, User

TOKEN_PREFIX: Final = "kc_"  # noqa: S105 - a public marker that says what the string is, not a secret
TOKEN_RANDOM_BYTES: Final = 30  # 240 bits, 40 URL-safe characters
TOKEN_LENGTH: Final = len(TOKEN_PREFIX) + 40
SHOWN_PREFIX_CHARS: Final = 8  # kept in the clear after "kc_", to recognise a token in a list
SCOPES: Final = ("issue", "revoke")
MAX_TOKEN_NAME: Final = 100
# ``last_used_at`` is written at most once a minute per token: no write per API call.
LAST_USED_RESOLUTION: Final = timedelta(minutes=1)


@dataclass(frozen=True)
class TokenView:
    """A token as the pages list it (built inside the transaction; never the secret)."""

    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    created_by: str | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def token_hash(plaintext: str) -> str:
    """The stored form of a token: SHA-256, hex (the token has 240 random bits, so no
    salt or slow hash is needed: there is nothing to guess from the hash)."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_RANDOM_BYTES)


def scopes_of(token: ApiToken) -> tuple[str, ...]:
    return tuple(s for s in token.scopes.split(",") if s in SCOPES)


def clean_scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    """The chosen scopes in a fixed order; ServiceError when none or an unknown one."""
    chosen = {str(s).strip() for s in scopes if str(s).strip()}
    unknown = sorted(chosen - set(SCOPES))
    if unknown:
        raise errors.ServiceError(
            f"unknown scope {unknown[0]!r}; use {' and/or '.join(SCOPES)}",
            code="unknown_scope", field="scopes", value=unknown[0],
        )  # fmt: skip
    if not chosen:
        raise errors.ServiceError("choose at least one scope", code="scope_required", field="scopes")
    return tuple(s for s in SCOPES if s in chosen)


def create_token(
    session: Session,
    org: Organisation,
    name: str,
    scopes: Iterable[str],
    *,
    actor: str,
    created_by: User | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for ``org``; returns the row and the token itself (to show once).

    Raises ServiceError for an empty or too long name (field ``name``) or no or unknown
    scopes (field ``scopes``)."""
    clean_name = basics.clean_text(name, field="name", max_length=MAX_TOKEN_NAME) or ""
    chosen = clean_scopes(scopes)
    if created_by is not None and created_by.organisation_id != org.id:
        raise errors.Forbidden("that user belongs to another organisation", code="wrong_org", field="created_by")
    plaintext = new_token()
    prefix = plaintext[: len(TOKEN_PREFIX) + SHOWN_PREFIX_CHARS]
    token = ApiToken(
        organisation_id=org.id,
        name=clean_name,
        prefix=prefix,
        token_hash=token_hash(plaintext),
        scopes=",".join(chosen),
        created_by_id=created_by.id if created_by is not None else None,
        created_at=basics.now(),
    )
    session.add(token)
    session.flush()
    audit_log.audit(
        session, actor=actor, action="api_token.create", organisation_id=org.id, subject=prefix,
        details={"token_id": token.id, "name": clean_name, "scopes": list(chosen)},
    )  # fmt: skip
    return token, plaintext


def get_token(session: Session, org: Organisation, token_id: int) -> ApiToken:
    """One of ``org``'s tokens; NotFound for another organisation's (or none)."""
    token = session.get(ApiToken, token_id) if 0 < token_id < 2**63 else None
    if token is None or token.organisation_id != org.id:
        raise errors.NotFound("no such API token", code="unknown_token", field="token")
    return token


def revoke_token(session: Session, org: Organisation, token_id: int, *, actor: str) -> ApiToken:
    """Revoke for good: the token opens nothing from now on. NotFound for another
    organisation's token; Conflict when it was revoked already."""
    token = get_token(session, org, token_id)
    if token.revoked_at is not None:
        raise errors.Conflict("this API token is already revoked", code="token_revoked", field="token")
    token.revoked_at = basics.now()
    audit_log.audit(
        session, actor=actor, action="api_token.revoke", organisation_id=org.id, subject=token.prefix,
        details={"token_id": token.id},
    )  # fmt: skip
    return token


def authenticate(session: Session, plaintext: str) -> ApiToken | None:
    """The active token this is, or None (unknown, revoked, or not shaped like a token).
    Writes nothing (see :func:`mark_used`)."""
    if not isinstance(plaintext, str) or len(plaintext) != TOKEN_LENGTH or not plaintext.startswith(TOKEN_PREFIX):
        return None
    return session.execute(
        select(ApiToken).where(ApiToken.token_hash == token_hash(plaintext), ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()


def needs_mark(token: ApiToken, moment: datetime | None = None) -> bool:
    """Whether ``last_used_at`` is older than :data:`LAST_USED_RESOLUTION`."""
    last = aware_utc(token.last_used_at)
    return last is None or (moment or basics.now()) - last >= LAST_USED_RESOLUTION


def mark_used(session: Session, token_id: int, moment: datetime | None = None) -> None:
    """Record that the token was used (at most once per :data:`LAST_USED_RESOLUTION`)."""
    token = session.get(ApiToken, token_id)
    if token is not None and needs_mark(token, moment):
        token.last_used_at = moment or basics.now()


def token_view(token: ApiToken) -> TokenView:
    return TokenView(
        id=token.id,
        name=token.name,
        prefix=token.prefix,
        scopes=scopes_of(token),
        created_at=token.created_at,
        created_by=token.created_by.name if token.created_by is not None else None,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )


def list_tokens(session: Session, org: Organisation) -> list[TokenView]:
    """The organisation's tokens, active first, newest first (revoked ones stay listed)."""
    rows: Sequence[ApiToken] = (
        session.execute(select(ApiToken).where(ApiToken.organisation_id == org.id).order_by(ApiToken.id.desc()))
        .scalars()
        .all()
    )
    return sorted((token_view(t) for t in rows), key=lambda v: not v.active)
