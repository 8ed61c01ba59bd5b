"""Who is calling the integration API: the bearer token (read once per call, counted against
the rate limit), its scopes, and the token's own organisation and certificates."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, ParamSpec

from flask import current_app, g, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from issuer.api.problems import ApiProblem
from issuer.organisations import tokens
from issuer.runtime import runtime
from issuer.store.db import session_scope
from issuer.store.models import ApiToken, Certificate, Organisation
from issuer.webkit.throttle import RateLimiter

API_RATE_PER_MINUTE: Final = 600  # per token and process (app.config["API_V1_PER_MINUTE"] overrides)
REALM: Final = 'Bearer realm="kringloop-api"'

P = ParamSpec("P")


@dataclass(frozen=True)
class Caller:
    """The token of this call, read once (no database object leaves its transaction)."""

    token_id: int
    organisation_id: int
    prefix: str
    scopes: frozenset[str]

    @property
    def actor(self) -> str:
        # Audit events name the token by its prefix (never the token itself).
        return f"api-token:{self.prefix}"

    @classmethod
    def of(cls, token: ApiToken) -> Caller:
        return cls(token.id, token.organisation_id, token.prefix, frozenset(tokens.scopes_of(token)))


def _limiter() -> RateLimiter:
    limiter: RateLimiter | None = current_app.extensions.get("api_v1_limiter")
    if limiter is None:
        limiter = RateLimiter(per_minute=int(current_app.config.get("API_V1_PER_MINUTE", API_RATE_PER_MINUTE)))
        current_app.extensions["api_v1_limiter"] = limiter
    return limiter


def _unauthorised(code: str, detail: str, error: str | None = None) -> ApiProblem:
    challenge = REALM + (f', error="{error}"' if error else "")
    return ApiProblem(401, code, "Unauthorized", detail, headers={"WWW-Authenticate": challenge})


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def authenticate() -> None:
    """Every call but an unknown path needs an active token; sets ``g.api_caller``."""
    if request.endpoint in (None, "api_v1.unknown_path"):
        return
    plaintext = _bearer()
    if plaintext is None:
        raise _unauthorised("missing_token", "send your API token as 'Authorization: Bearer <token>'; an "
                            "organisation admin makes one under Organisation, API tokens")  # fmt: skip
    # Counted per token before the lookup, so a flood costs no database work past the limit.
    limiter = _limiter()
    if not limiter.allow("token:" + tokens.token_hash(plaintext)):
        raise ApiProblem(429, "rate_limited", "Too many requests",
                         f"this token may make {limiter.per_minute} calls a minute; try again after Retry-After "
                         "seconds", headers={"Retry-After": str(limiter.retry_after())})  # fmt: skip
    sessions = runtime().sessions
    with session_scope(sessions, reads_only=True) as db:
        token = tokens.authenticate(db, plaintext)
        who = Caller.of(token) if token is not None else None
        mark = token is not None and tokens.needs_mark(token)
    if who is None:
        raise _unauthorised("invalid_token", "this token is unknown or was revoked; ask your organisation admin "
                            "for a new one", error="invalid_token")  # fmt: skip
    if mark:  # at most once a minute per token: no write per call
        with session_scope(sessions) as db:
            tokens.mark_used(db, who.token_id)
    g.api_caller = who


def caller() -> Caller:
    found: Caller | None = g.get("api_caller")
    if found is None:  # only unknown paths skip authentication, and they never get here
        raise _unauthorised("missing_token", "send your API token as 'Authorization: Bearer <token>'")
    return found


def requires(scope: str | None) -> Callable[[Callable[P, ResponseReturnValue]], Callable[P, ResponseReturnValue]]:
    """The view needs a token with ``scope`` (None: any active token of the organisation)."""

    def decorator(view: Callable[P, ResponseReturnValue]) -> Callable[P, ResponseReturnValue]:
        @functools.wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
            if scope is not None and scope not in caller().scopes:
                raise ApiProblem(
                    403, "insufficient_scope", "Forbidden",
                    f"this token may not do this: it needs the scope '{scope}'; ask your organisation admin for a "
                    "token with that scope",
                    headers={"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="{scope}"'},
                )  # fmt: skip
            return view(*args, **kwargs)

        return guarded

    return decorator


def own_organisation(db: Session) -> Organisation:
    org = db.get(Organisation, caller().organisation_id)
    if org is None:  # the token's organisation cannot disappear, but never act on a missing one
        raise _unauthorised("invalid_token", "this token's organisation does not exist", error="invalid_token")
    return org


def certificate_query(org: Organisation) -> Select[Certificate]:
    return (
        select(Certificate)
        .where(Certificate.organisation_id == org.id)
        .options(selectinload(Certificate.participant), selectinload(Certificate.competence))
    )


def own_certificate(db: Session, org: Organisation, public_id: str, *, shown: bool = True) -> Certificate:
    """The organisation's certificate. Another organisation's is "not found" like a missing
    one; with ``shown``, so is one whose holder's data was erased (what is stored then is
    no longer the certificate the holder has)."""
    cert = db.execute(certificate_query(org).where(Certificate.public_id == public_id[:64])).scalar_one_or_none()
    if cert is None or (shown and cert.holder_erased):
        raise ApiProblem(404, "unknown_certificate", "Not found",
                         "there is no certificate with this public_id in your organisation")  # fmt: skip
    return cert
