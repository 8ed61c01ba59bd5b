"""The integration API (``/api/v1``): organisations issue from their own systems.

Authentication is ``Authorization: Bearer <token>`` with a token made by an
organisation admin (:mod:`issuer.organisations.tokens`; scopes ``issue`` and ``revoke``). Every call
sees only the token's organisation: another organisation's certificate is "not found"
(404), exactly like one that does not exist. No cookies and no CSRF: a token is not
sent by a browser on its own.

Bodies are JSON (``application/json``, at most 2 MB). Errors are always RFC 9457
problem details (``application/problem+json``) with ``type``, ``title``, ``status``,
``detail``, and for refused input an ``errors`` list of ``{field, code, detail}``
(bulk: with ``item``, the 0-based index in the array). Refused input changes nothing.

| call | scope |
|---|---|
| ``POST /participants`` | issue |
| ``POST /certificates`` (idempotent by ``external_ref``) | issue |
| ``POST /certificates/bulk`` (at most 1,000; all checked before any is issued) | issue |
| ``GET /certificates``, ``GET /certificates/<id>``, ``GET /certificates/<id>.pdf`` | any |
| ``POST /certificates/<id>/revoke``, ``/suspend``, ``/lift`` | revoke |

Each token may make :data:`API_RATE_PER_MINUTE` calls a minute per process (429 with
``Retry-After`` beyond). The OpenAPI description (:data:`OPENAPI_PART`) is merged into
``/openapi.json`` by :mod:`verifier.api`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, ParamSpec

from flask import Blueprint, Flask, Response, current_app, g, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge

from credentials.timeutil import format_datetime
from issuer.bulk import services as bulk
from issuer.certificates import documents
from issuer.certificates import services as cert_services
from issuer.certificates.views import parse_issue_date
from issuer.core import basics, identity
from issuer.core import errors as core_errors
from issuer.core.keystore import KeyStoreError
from issuer.organisations import tokens
from issuer.participants import services as participant_services
from issuer.runtime import MAX_REQUEST_BYTES, runtime
from issuer.sector.framework import competences
from issuer.store.db import DatabaseUnavailable, aware_utc, session_scope
from issuer.store.models import ApiToken, Certificate, Organisation, Participant, Shop
from issuer.webkit.problems import problem
from issuer.webkit.throttle import RateLimiter

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")

API_RATE_PER_MINUTE: Final = 600  # per token and process (app.config["API_V1_PER_MINUTE"] overrides)
MAX_BULK_ITEMS: Final = 1000
PER_PAGE_DEFAULT: Final = 25
PER_PAGE_MAX: Final = 100
ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISSUE_FIELDS: Final = ("holder_name", "participant_id", "competence", "level", "evidence", "issued_on", "external_ref")
PARTICIPANT_FIELDS: Final = ("name", "email", "shop")
STATUS_FIELDS: Final = ("reason", "category")
REALM: Final = 'Bearer realm="kringloop-api"'

P = ParamSpec("P")


def init_app(app: Flask) -> None:
    """Register the API and contribute its paths to ``/openapi.json`` (full service only)."""
    app.register_blueprint(bp)
    app.extensions.setdefault("openapi_parts", []).append(OPENAPI_PART)


# --- problems ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldProblem:
    """One refused input: the field (None: the whole object), a stable code, and what to do."""

    field: str | None
    code: str
    detail: str
    item: int | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field, "code": self.code, "detail": self.detail}
        return {"item": self.item, **data} if self.item is not None else data


class ApiProblem(Exception):
    """Stop the call with a problem-details answer."""

    def __init__(
        self,
        status: int,
        code: str,
        title: str,
        detail: str,
        *,
        errors: Sequence[FieldProblem] = (),
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status, self.code, self.title, self.detail = status, code, title, detail
        self.errors = list(errors)
        self.headers = headers or {}

    def response(self) -> Response:
        extra: dict[str, Any] = {"errors": [e.to_json() for e in self.errors]} if self.errors else {}
        answer = problem(self.status, self.code, self.title, self.detail, **extra)
        answer.headers.update(self.headers)
        return answer


def invalid(errors: Sequence[FieldProblem], detail: str = "") -> ApiProblem:
    """422: the JSON was readable, but some of it cannot be used (nothing was changed)."""
    count = len(errors)
    return ApiProblem(
        422, "invalid_input", "Invalid input",
        detail or f"{count} problem{'s' if count != 1 else ''} in the input; see errors. Nothing was changed.",
        errors=errors,
    )  # fmt: skip


@bp.errorhandler(ApiProblem)
def _api_problem(exc: ApiProblem) -> Response:
    return exc.response()


# English details a developer can act on, per error code ({field}, {max}, {value} filled in).
DETAILS: Final[dict[str, str]] = {
    "required": "{field} is required and must not be empty",
    "too_long": "{field} is longer than {max} characters",
    "control_chars": "{field} contains a control character ({char}) at position {position}; remove it "
    "(line breaks may be LF, CRLF or CR)",
    "unknown_competence": "unknown competence {value!r}: use a competence code of the catalogue, such as "
    "CIRC-SORTEREN (`credentials catalogue list`)",
    "retired_competence": "this competence is no longer used; choose another code of the catalogue",
    "bad_level": "level must be 1, 2 or 3",
    "bad_date": "issued_on must be a date written as YYYY-MM-DD (for example 2026-03-14), not before 2000-01-01",
    "future_date": "issued_on is in the future; use today or an earlier day",
    "bad_email": "email is not an e-mail address (such as name@example.org)",
    "org_not_active": "your organisation is not an active member of the sector now, so it cannot issue; "
    "contact the sector association",
    "already_revoked": "this certificate is revoked already (revoking is permanent)",
    "already_suspended": "this certificate is suspended already",
    "not_suspended": "this certificate is not suspended, so there is nothing to lift",
    "no_key": "your organisation has no usable signing key; ask your administrator to create one",
}

# Services name some inputs differently from the API.
API_FIELD: Final = {"participant": "participant_id"}


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def service_detail(exc: core_errors.ServiceError, field: str | None = None) -> str:
    template = DETAILS.get(exc.code)
    if template is None:
        return exc.message
    return template.format_map(_Params({**exc.params, "field": field or exc.field or "the value"}))


def field_problem(exc: core_errors.ServiceError, *, field: str | None = None, item: int | None = None) -> FieldProblem:
    name = field or API_FIELD.get(exc.field or "", exc.field)
    return FieldProblem(name, exc.code, service_detail(exc, name), item)


@bp.errorhandler(core_errors.ServiceError)
def _service_problem(exc: core_errors.ServiceError) -> Response:
    """A refusal of the services, in the caller's terms (the transaction was rolled back)."""
    if isinstance(exc, core_errors.Forbidden):
        return problem(403, exc.code, "Forbidden", service_detail(exc))
    if isinstance(exc, core_errors.Conflict):
        return problem(409, exc.code, "Conflict", service_detail(exc))
    if isinstance(exc, core_errors.NotFound) and exc.field in (None, "public_id", "token"):
        return problem(404, exc.code, "Not found", service_detail(exc))
    if exc.field is not None:
        return invalid([field_problem(exc)]).response()
    return problem(400, exc.code, "Bad request", service_detail(exc))


@bp.errorhandler(HTTPException)
def _http_problem(exc: HTTPException) -> Response:
    if isinstance(exc, RequestEntityTooLarge):
        return problem(413, "too_large", "Request too large", f"the body is larger than {_mb(MAX_REQUEST_BYTES)}")
    status = exc.code or 500
    answer = problem(status, f"http_{status}", exc.name, exc.description or exc.name)
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        answer.headers["Allow"] = ", ".join(exc.valid_methods)
    return answer


@bp.errorhandler(DatabaseUnavailable)
def _database_down(_exc: DatabaseUnavailable) -> Response:
    return problem(503, "unavailable", "Service unavailable", "the database cannot be reached; nothing was changed; "
                   "try again in a few minutes")  # fmt: skip


@bp.errorhandler(KeyStoreError)
def _keystore_down(_exc: KeyStoreError) -> Response:
    return problem(503, "signing_unavailable", "Signing not possible",
                   "your organisation's signing key cannot be used now; nothing was changed; contact the "
                   "service's administrator")  # fmt: skip


def _mb(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


# --- who is calling -------------------------------------------------------------------


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


@bp.before_request
def _authenticate() -> None:
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


def _certificate_query(org: Organisation) -> Select[Certificate]:
    return (
        select(Certificate)
        .where(Certificate.organisation_id == org.id)
        .options(selectinload(Certificate.participant), selectinload(Certificate.competence))
    )


def own_certificate(db: Session, org: Organisation, public_id: str, *, shown: bool = True) -> Certificate:
    """The organisation's certificate. Another organisation's is "not found" like a missing
    one; with ``shown``, so is one whose holder's data was erased (what is stored then is
    no longer the certificate the holder has)."""
    cert = db.execute(_certificate_query(org).where(Certificate.public_id == public_id[:64])).scalar_one_or_none()
    if cert is None or (shown and cert.holder_erased):
        raise ApiProblem(404, "unknown_certificate", "Not found",
                         "there is no certificate with this public_id in your organisation")  # fmt: skip
    return cert


# --- request bodies ---------------------------------------------------------------------


def json_body() -> Any:
    """The request's JSON: 415 unless ``application/json``, 413 beyond 2 MB, 400 when unreadable."""
    if (request.mimetype or "").lower() != "application/json":
        raise ApiProblem(415, "unsupported_media_type", "Unsupported media type",
                         "send the body as JSON with 'Content-Type: application/json'")  # fmt: skip
    if request.content_length is not None and request.content_length > MAX_REQUEST_BYTES:
        raise RequestEntityTooLarge()
    raw = request.get_data(cache=False)  # Flask refuses more than MAX_CONTENT_LENGTH (413) while reading
    if len(raw) > MAX_REQUEST_BYTES:
        raise RequestEntityTooLarge()
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise ApiProblem(400, "bad_json", "Bad request", "the body is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ApiProblem(
            400,
            "bad_json",
            "Bad request",
            f"the body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
        ) from None
    except (ValueError, RecursionError):
        raise ApiProblem(400, "bad_json", "Bad request", "the body is not valid JSON (NaN, Infinity or nested too "
                         "deeply)") from None  # fmt: skip


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _short(name: str) -> str:
    return name if len(name) <= 60 else name[:57] + "..."


class Fields:
    """Reads one JSON object field by field and collects every problem (for one answer)."""

    def __init__(self, body: Any, allowed: Sequence[str], *, item: int | None = None):
        self.item = item
        self.problems: list[FieldProblem] = []
        self.is_object = isinstance(body, dict)
        self.body: dict[str, Any] = body if isinstance(body, dict) else {}
        if not self.is_object:
            where = f"item {item}" if item is not None else "the body"
            self.add(None, "not_an_object", f"{where} must be a JSON object with the fields {', '.join(allowed)}")
        for name in self.body:
            if name not in allowed:
                self.add(_short(name), "unknown_field",
                         f"there is no field {_short(name)!r}; the fields are {', '.join(allowed)}")  # fmt: skip

    def add(self, field: str | None, code: str, detail: str) -> None:
        self.problems.append(FieldProblem(field, code, detail, self.item))

    def add_service(self, exc: core_errors.ServiceError, field: str | None = None) -> None:
        self.problems.append(field_problem(exc, field=field, item=self.item))

    def text(self, name: str, *, required: bool = False) -> str | None:
        """A string field; None when absent, null or not a string (a problem when ``required``
        or of the wrong type). An empty string is returned as it is: the content checks say
        whether it may be empty."""
        value = self.body.get(name)
        if value is None:
            if required and self.is_object:
                self.add(name, "required", f"{name} is required")
            return None
        if not isinstance(value, str):
            self.add(name, "type", f"{name} must be a string")
            return None
        return value

    def integer(self, name: str) -> int | None:
        value = self.body.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
            self.add(name, "type", f"{name} must be a positive integer")
            return None
        return value

    def check(self, name: str, check: Callable[[], Any]) -> Any:
        """Run a service check; a refusal becomes a problem of field ``name``."""
        try:
            return check()
        except core_errors.ServiceError as exc:
            self.add_service(exc, name)
            return None


@dataclass(frozen=True)
class IssueInput:
    """One certificate to issue, as sent (shape checked, content not yet)."""

    holder_name: str | None
    participant_id: int | None
    competence: str | None
    level: str | None
    evidence: str
    issued_on: str
    external_ref: str


def read_issue_input(body: Any, *, item: int | None = None) -> tuple[IssueInput, list[FieldProblem]]:
    """The fields of an issue request, and the problems of their shape (types, names, date format)."""
    fields = Fields(body, ISSUE_FIELDS, item=item)
    holder_name = fields.text("holder_name")
    participant_id = fields.integer("participant_id")
    if fields.body.get("holder_name") is not None and fields.body.get("participant_id") is not None:
        fields.add("participant_id", "conflict", "give holder_name or participant_id, not both")
    elif fields.body.get("holder_name") is None and fields.body.get("participant_id") is None and fields.is_object:
        fields.add("holder_name", "required", "holder_name is required (or participant_id, for a participant "
                   "made with POST /api/v1/participants)")  # fmt: skip
    competence = fields.text("competence", required=True)
    level_value = fields.body.get("level")
    level: str | None = None
    if level_value is None:
        if fields.is_object:
            fields.add("level", "required", "level is required: 1, 2 or 3")
    elif isinstance(level_value, int) and not isinstance(level_value, bool):
        level = str(level_value)
    elif isinstance(level_value, str):
        level = level_value
    else:
        fields.add("level", "type", "level must be 1, 2 or 3 (a number or a string)")
    evidence = fields.text("evidence") or ""
    issued_on = (fields.text("issued_on") or "").strip()
    if issued_on and not ISO_DATE.match(issued_on):
        fields.add("issued_on", "bad_date", DETAILS["bad_date"])
    external_ref = fields.text("external_ref") or ""
    entry = IssueInput(holder_name, participant_id, competence, level, evidence, issued_on, external_ref)
    return entry, fields.problems


# --- views: participants ----------------------------------------------------------------


def _stamp(moment: datetime | None) -> str | None:
    aware = aware_utc(moment)
    return format_datetime(aware) if aware is not None else None


def _url(endpoint: str, **values: Any) -> str:
    """An absolute URL on the service's public base (like the verify URLs)."""
    return runtime().settings.base_url + url_for(endpoint, **values)


def _own_shop(db: Session, org: Organisation, fields: Fields) -> Shop | None:
    value = fields.body.get("shop")
    if value is None:
        return None
    shop: Shop | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        shop = db.get(Shop, value) if 0 < value < 2**63 else None
    elif isinstance(value, str):
        shop = db.execute(
            select(Shop).where(Shop.organisation_id == org.id, Shop.name == value.strip())
        ).scalar_one_or_none()
    else:
        fields.add("shop", "type", "shop must be the shop's id (a number) or its exact name (a string)")
        return None
    if shop is None or shop.organisation_id != org.id:
        names = ", ".join(repr(s.name) for s in org.shops) or "none"
        fields.add("shop", "unknown_shop", f"your organisation has no such shop; its shops are: {names}")
        return None
    return shop


@bp.post("/participants")
@requires("issue")
def create_participant() -> ResponseReturnValue:
    body = json_body()
    with session_scope(runtime().sessions) as db:
        org = own_organisation(db)
        fields = Fields(body, PARTICIPANT_FIELDS)
        name = fields.text("name", required=True)
        if name is not None:
            fields.check("name", lambda: basics.clean_text(name, field="name", max_length=basics.MAX_NAME))
        email = fields.text("email") or ""
        clean_email = fields.check(
            "email", lambda: basics.clean_text(email, field="email", max_length=254, required=False)
        )
        # The same rule add_participant applies, checked now so every problem comes back at once.
        if clean_email and not basics.EMAIL.match(clean_email):
            fields.add("email", "bad_email", DETAILS["bad_email"])
        shop = _own_shop(db, org, fields)
        if fields.problems or name is None:
            raise invalid(fields.problems)
        person, code = participant_services.add_participant(
            db, org=org, name=name, email=email, shop=shop, actor=caller().actor
        )
        data = {
            "id": person.id,
            "name": person.name,
            "email": person.email,
            "shop": {"id": shop.id, "name": shop.name} if shop is not None else None,
            "created_at": _stamp(person.created_at),
            "access_code": code,
            "portfolio_url": f"{runtime().settings.base_url}/portfolio",
        }
    return _json(data, 201)


# --- views: certificates ----------------------------------------------------------------


def certificate_data(cert: Certificate, *, credential: bool = False) -> dict[str, Any]:
    """A certificate as the API shows it; ``credential`` adds the signed JSON as stored."""
    document: dict[str, Any] = json.loads(cert.credential_json)
    data: dict[str, Any] = {
        "public_id": cert.public_id,
        "short_code": cert.short_code or cert_services.short_code_for(cert.public_id),
        "competence": cert.competence.code,
        "level": cert.level,
        "issued_at": _stamp(cert.issued_at),
        "valid_from": _stamp(cert.valid_from),
        "status": cert_services.certificate_state(cert),
        "revoked_at": _stamp(cert.revoked_at),
        "suspended_at": _stamp(cert.suspended_at),
        "external_ref": cert.external_ref,
        "participant_id": cert.participant_id,
        "holder_name": cert_services.holder_name(cert, document),
        "verify_url": identity.verify_url(runtime().settings, cert.public_id),
        "links": _links(cert.public_id),
    }
    if credential:
        data["credential"] = document
    return data


def _links(public_id: str) -> dict[str, str]:
    return {
        "self": _url("api_v1.certificate", public_id=public_id),
        "pdf": _url("api_v1.certificate_pdf", public_id=public_id),
    }


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json")
    response.headers.update(headers or {})
    return response


def _by_external_ref(db: Session, org: Organisation, ref: str) -> Certificate | None:
    return db.execute(_certificate_query(org).where(Certificate.external_ref == ref)).scalar_one_or_none()


def _already_issued(cert: Certificate) -> Response:
    if cert.holder_erased:
        raise ApiProblem(
            409,
            "holder_erased",
            "Conflict",
            "a certificate with this external_ref was issued before, "
            "but its holder's data has been erased, so it is not shown; use another external_ref",
        )
    data = {**certificate_data(cert, credential=True), "already_issued": True}
    return _json(data, 200, {"Location": data["links"]["self"]})


def _check_issue(db: Session, org: Organisation, entry: IssueInput, problems: list[FieldProblem]) -> Participant | None:
    """The content checks of one issue request (every problem at once); the participant, if any."""
    fields = Fields({}, ())
    person: Participant | None = None
    if entry.participant_id is not None:
        person = db.get(Participant, entry.participant_id)
        if person is None or person.organisation_id != org.id:
            fields.add("participant_id", "unknown_participant", "your organisation has no participant with this id; "
                       "make one with POST /api/v1/participants")  # fmt: skip
            person = None
        elif person.erased_at is not None:
            fields.add("participant_id", "participant_erased", "this participant's data was erased; no certificate "
                       "can be issued to them")  # fmt: skip
    elif entry.holder_name is not None:
        fields.check("holder_name", lambda: basics.clean_text(entry.holder_name or "", field="holder_name",
                                                                max_length=basics.MAX_NAME))  # fmt: skip
    if entry.competence is not None:
        fields.check("competence", lambda: competences.get_competence(db, entry.competence or ""))
    if entry.level is not None and entry.level.strip() not in basics.LEVELS:
        fields.add("level", "bad_level", DETAILS["bad_level"])
    fields.check("evidence", lambda: basics.clean_text(entry.evidence, field="evidence",
                                                         max_length=basics.MAX_EVIDENCE, required=False))  # fmt: skip
    fields.check("external_ref", lambda: basics.clean_text(entry.external_ref, field="external_ref",
                                                             max_length=200, required=False))  # fmt: skip
    if entry.issued_on and ISO_DATE.match(entry.issued_on):
        fields.check("issued_on", lambda: parse_issue_date(entry.issued_on))
    problems.extend(fields.problems)
    return person


@bp.post("/certificates")
@requires("issue")
def issue() -> ResponseReturnValue:
    """Issue one certificate; the same ``external_ref`` again gives the first one (200)."""
    entry, problems = read_issue_input(json_body())
    ref: str | None = None
    if not problems:
        try:
            ref = basics.clean_text(entry.external_ref, field="external_ref", max_length=200, required=False)
        except core_errors.ServiceError:
            ref = None  # reported with every other problem below
    try:
        with session_scope(runtime().sessions) as db:
            org = own_organisation(db)
            if ref is not None and (existing := _by_external_ref(db, org, ref)) is not None:
                return _already_issued(existing)
            person = _check_issue(db, org, entry, problems)
            if problems:
                raise invalid(problems)
            issued_on = parse_issue_date(entry.issued_on)
            cert = cert_services.issue_certificate(
                db, runtime().context, org=org, competence_code=entry.competence or "",
                level=(entry.level or "").strip(), actor=caller().actor, participant=person,
                holder_name=None if person else entry.holder_name, evidence=entry.evidence, issued_on=issued_on,
                shop=person.shop if person else None, external_ref=ref,
            )  # fmt: skip
            data = {**certificate_data(cert, credential=True), "already_issued": False}
    except core_errors.Conflict as exc:
        # Two calls with one external_ref at the same moment: the second finds the first.
        if exc.code != "duplicate" or ref is None:
            raise
        with session_scope(runtime().sessions, reads_only=True) as db:
            existing = _by_external_ref(db, own_organisation(db), ref)
            if existing is None:
                raise
            return _already_issued(existing)
    return _json(data, 201, {"Location": data["links"]["self"]})


@bp.post("/certificates/bulk")
@requires("issue")
def issue_bulk() -> ResponseReturnValue:
    """Issue many: every item is checked first; one bad item and nothing is issued (422)."""
    body = json_body()
    if not isinstance(body, list):
        raise invalid([FieldProblem(None, "not_an_array", "the body must be a JSON array of certificates to issue")])
    if not body:
        raise invalid([FieldProblem(None, "empty", "the array is empty; send at least one certificate")])
    if len(body) > MAX_BULK_ITEMS:
        raise invalid([FieldProblem(None, "too_many_items", f"at most {MAX_BULK_ITEMS:,} items per call; this call "
                                    f"has {len(body):,}: split it into several calls")])  # fmt: skip
    problems: list[FieldProblem] = []
    rows: list[bulk.BulkRow] = []
    for index, item in enumerate(body):
        entry, found = read_issue_input(item, item=index)
        if entry.participant_id is not None:
            found.append(FieldProblem("participant_id", "not_supported", "participant_id cannot be used in a bulk "
                                      "call; give holder_name, or issue a participant's certificate with POST "
                                      "/api/v1/certificates", index))  # fmt: skip
        problems.extend(found)
        if isinstance(item, dict):  # its content is checked too, so every problem comes back at once
            rows.append(bulk.BulkRow(line=index + 1, holder_name=entry.holder_name or "",
                                     competence=entry.competence or "", level=entry.level or "",
                                     evidence=entry.evidence, issued_on=entry.issued_on,
                                     external_ref=entry.external_ref))  # fmt: skip
    with session_scope(runtime().sessions, reads_only=True) as db:
        org = own_organisation(db)
        if org.membership != "active":
            raise core_errors.Forbidden(f"organisation {org.slug} may not issue", code="org_not_active")
        slug = org.slug
        content = [_row_problem(p) for p in bulk.check_rows(db, org, rows)]
    # A field refused for its shape (missing, wrong type) is not reported again for its content.
    reported = {(p.item, p.field) for p in problems}
    problems.extend(p for p in content if (p.item, p.field) not in reported)
    if problems:
        problems.sort(key=lambda p: p.item if p.item is not None else -1)
        raise invalid(problems, f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the items; see "
                      "errors. Nothing was issued: correct them and send the whole array again.")  # fmt: skip
    # The engine commits in batches itself (no transaction of ours is open) and signs in
    # this process: no worker pool inside a web request.
    outcome = bulk.issue_rows(runtime(), slug, rows, actor=caller().actor, workers=0)

    def done(line: int, public_id: str) -> dict[str, Any]:
        settings = runtime().settings
        return {"item": line - 1, "public_id": public_id, "verify_url": identity.verify_url(settings, public_id),
                "links": _links(public_id)}  # fmt: skip

    return _json({
        "issued": [done(line, public_id) for line, public_id in sorted(outcome.issued)],
        "skipped": [done(line, public_id) for line, public_id in sorted(outcome.skipped)],
        "failed": [_row_problem(p).to_json() for _line, p in sorted(outcome.failed, key=lambda f: f[0])],
    })  # fmt: skip


def _row_problem(found: bulk.RowProblem) -> FieldProblem:
    return FieldProblem(found.column or None, found.code, found.message("en"), found.line - 1)


def _page_parameter(name: str, default: int, maximum: int | None, problems: list[FieldProblem]) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    number = int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 0
    if number < 1 or (maximum is not None and number > maximum):
        limit = f"1 to {maximum}" if maximum is not None else "1 or more"
        problems.append(FieldProblem(name, "bad_parameter", f"{name} must be a whole number from {limit}"))
    return number


@bp.get("/certificates")
@requires(None)
def certificates() -> ResponseReturnValue:
    """The organisation's certificates, newest first, a page at a time."""
    problems: list[FieldProblem] = []
    page = _page_parameter("page", 1, None, problems)
    per_page = _page_parameter("per_page", PER_PAGE_DEFAULT, PER_PAGE_MAX, problems)
    if problems:
        raise ApiProblem(400, "bad_parameter", "Bad request", "see errors", errors=problems)
    with session_scope(runtime().sessions, reads_only=True) as db:
        org = own_organisation(db)
        total = int(db.execute(
            select(func.count()).select_from(Certificate).where(Certificate.organisation_id == org.id)
        ).scalar_one())  # fmt: skip
        rows = db.execute(
            _certificate_query(org).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
            .limit(per_page).offset((page - 1) * per_page)
        ).scalars().all()  # fmt: skip
        items = [certificate_data(c) for c in rows]
    pages = max(1, -(-total // per_page))

    def link(number: int) -> str:
        return _url("api_v1.certificates", page=number, per_page=per_page)

    return _json({
        "items": items, "page": page, "per_page": per_page, "total": total, "pages": pages,
        "links": {"self": link(page), "next": link(page + 1) if page < pages else None,
                  "prev": link(min(page - 1, pages)) if page > 1 else None},
    })  # fmt: skip


@bp.get("/certificates/<public_id>")
@requires(None)
def certificate(public_id: str) -> ResponseReturnValue:
    with session_scope(runtime().sessions, reads_only=True) as db:
        data = certificate_data(own_certificate(db, own_organisation(db), public_id), credential=True)
    return _json(data)


@bp.get("/certificates/<public_id>.pdf")
@requires(None)
def certificate_pdf(public_id: str) -> ResponseReturnValue:
    with session_scope(runtime().sessions, reads_only=True) as db:
        cert = own_certificate(db, own_organisation(db), public_id)
        data, name = documents.certificate_pdf(runtime().settings, cert), documents.file_stem(cert) + ".pdf"
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


StatusChange = Callable[..., Certificate]
STATUS_CHANGES: Final[dict[str, StatusChange]] = {
    "revoke": cert_services.revoke,
    "suspend": cert_services.suspend,
    "lift": cert_services.lift_suspension,
}


def change_status(public_id: str, action: str) -> ResponseReturnValue:
    """Revoke, suspend or lift with a reason. Also for a certificate whose holder's data was
    erased: the change still reaches the files the holder keeps."""
    fields = Fields(json_body(), STATUS_FIELDS)
    reason = fields.text("reason", required=True)
    if reason is not None:
        fields.check("reason", lambda: basics.clean_text(reason, field="reason", max_length=basics.MAX_REASON))
    extra: dict[str, str] = {}
    if action == "revoke":  # what the public page says about why; "other" when not given
        category = fields.text("category") or "other"
        fields.check("category", lambda: cert_services.check_revocation_category(category))
        extra["category"] = category
    if fields.problems or reason is None:
        raise invalid(fields.problems)
    with session_scope(runtime().sessions) as db:
        cert = own_certificate(db, own_organisation(db), public_id, shown=False)
        STATUS_CHANGES[action](db, runtime().context, cert=cert, reason=reason, actor=caller().actor, **extra)
        data = certificate_data(cert)
    return _json(data)


@bp.post("/certificates/<public_id>/revoke")
@requires("revoke")
def revoke(public_id: str) -> ResponseReturnValue:
    return change_status(public_id, "revoke")


@bp.post("/certificates/<public_id>/suspend")
@requires("revoke")
def suspend(public_id: str) -> ResponseReturnValue:
    return change_status(public_id, "suspend")


@bp.post("/certificates/<public_id>/lift")
@requires("revoke")
def lift(public_id: str) -> ResponseReturnValue:
    return change_status(public_id, "lift")


@bp.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown_path(path: str) -> ResponseReturnValue:
    """Anything else under /api/v1: a problem, never an HTML page (405 when the path exists
    with another method)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = set()
    for method in ("GET", "POST"):
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != "api_v1.unknown_path":
            allowed.add(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=sorted(allowed | ({"HEAD"} if "GET" in allowed else set())))
    raise NotFound("there is no such API call; see /openapi.json")


# --- OpenAPI ------------------------------------------------------------------------------------

_PROBLEM = {"$ref": "#/components/responses/ApiProblem"}
_INVALID = {"$ref": "#/components/responses/ApiInvalid"}
_UNAUTHORISED = {"$ref": "#/components/responses/ApiUnauthorized"}
_SECURITY: list[dict[str, list[str]]] = [{"apiToken": []}]
_PUBLIC_ID = {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"},
              "description": "the certificate's public id (22 characters)"}  # fmt: skip


def _operation(summary: str, operation_id: str, scope: str | None, responses: dict[str, Any],
               **extra: Any) -> dict[str, Any]:  # fmt: skip
    needs = f" Needs a token with the scope `{scope}`." if scope else " Any token of the organisation."
    common = {"401": _UNAUTHORISED, "429": _PROBLEM, "503": _PROBLEM}
    if scope:
        common["403"] = _PROBLEM
    return {
        "tags": ["integration"], "summary": summary, "operationId": operation_id,
        "description": extra.pop("description", "") + needs, "security": _SECURITY,
        "responses": {**responses, **common}, **extra,
    }  # fmt: skip


def _json_body(schema: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _json_response(description: str, schema: str, **extra: Any) -> dict[str, Any]:
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    return {"description": description, "content": content, **extra}


_BODY_ERRORS = {"400": _PROBLEM, "413": _PROBLEM, "415": _PROBLEM, "422": _INVALID}
_STATUS_CHANGE = {
    "200": _json_response("The new status.", "Certificate"),
    "404": _PROBLEM,
    "409": _PROBLEM,
    **_BODY_ERRORS,
}

OPENAPI_PART: Final[dict[str, Any]] = {
    "title": "Kringloop competence certificates: verifier and integration API",
    "description": (
        "**Integration API** (`/api/v1`): an organisation issues, lists, downloads and revokes its certificates "
        "from its own systems. Authenticate with `Authorization: Bearer <token>`; an organisation admin makes "
        "tokens (scopes `issue` and/or `revoke`) on the organisation page and sees each token once. Each token "
        "sees only its own organisation: another organisation's certificate is 404. Bodies are JSON "
        f"(`application/json`, at most {_mb(MAX_REQUEST_BYTES)}); errors are RFC 9457 problem details, refused "
        "input (422) with an `errors` list of `{field, code, detail}` (bulk: with `item`, the 0-based index). "
        f"A token may make {API_RATE_PER_MINUTE} calls a minute (429 with `Retry-After` beyond). A bulk call "
        f"takes at most {MAX_BULK_ITEMS:,} certificates and checks them all before it issues any."
    ),
    "paths": {
        "/api/v1/participants": {
            "post": _operation(
                "Record a participant", "createParticipant", "issue",
                {"201": _json_response("The participant, with their personal access code (shown only here).",
                                       "ParticipantCreated"), **_BODY_ERRORS},
                description="The access code opens the holder's portfolio; give it to them (it is not stored).",
                requestBody=_json_body("ParticipantRequest"),
            ),
        },
        "/api/v1/certificates": {
            "post": _operation(
                "Issue a certificate", "issueCertificate", "issue",
                {"201": _json_response("Issued.", "IssuedCertificate",
                                       headers={"Location": {"schema": {"type": "string"}}}),
                 "200": _json_response("Issued before with this external_ref (`already_issued: true`); nothing "
                                       "new was issued.", "IssuedCertificate"),
                 "403": _PROBLEM, "409": _PROBLEM, **_BODY_ERRORS},
                description="Idempotent by `external_ref`: the same external_ref again answers 200 with the "
                "certificate issued the first time.",
                requestBody=_json_body("IssueRequest"),
            ),
            "get": _operation(
                "List the organisation's certificates", "listCertificates", None,
                {"200": _json_response("One page, newest first.", "CertificatePage"), "400": _PROBLEM},
                parameters=[
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
                    {"name": "per_page", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX,
                                "default": PER_PAGE_DEFAULT}},
                ],
            ),
        },
        "/api/v1/certificates/bulk": {
            "post": _operation(
                "Issue many certificates", "issueCertificates", "issue",
                {"200": _json_response("What happened to each item.", "BulkResult"), **_BODY_ERRORS},
                description="Every item is checked first; if any is wrong the answer is 422 with every problem "
                "(`item`, `field`, `code`, `detail`) and nothing is issued. Safe to repeat: an item issued before "
                "(same external_ref, or else same holder, competence, level and date) is skipped. In a bulk "
                "call competence may also be the competence's exact Dutch or English name, and level the level's "
                "name. participant_id cannot be used in a bulk call.",
                requestBody={"required": True, "content": {"application/json": {"schema": {
                    "type": "array", "minItems": 1, "maxItems": MAX_BULK_ITEMS,
                    "items": {"$ref": "#/components/schemas/BulkItem"}}}}},
            ),
        },
        "/api/v1/certificates/{public_id}": {
            "get": _operation(
                "A certificate with its signed credential", "getCertificate", None,
                {"200": _json_response("The certificate.", "CertificateWithCredential"), "404": _PROBLEM},
                description="404 also when the holder's data was erased.", parameters=[_PUBLIC_ID],
            ),
        },
        "/api/v1/certificates/{public_id}.pdf": {
            "get": _operation(
                "The certificate as PDF", "getCertificatePdf", None,
                {"200": {"description": "The PDF (QR code; the signed JSON embedded as a file).",
                         "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                 "404": _PROBLEM},
                parameters=[_PUBLIC_ID],
            ),
        },
        **{
            f"/api/v1/certificates/{{public_id}}/{action}": {
                "post": _operation(summary, f"{action}Certificate", "revoke", _STATUS_CHANGE,
                                   parameters=[_PUBLIC_ID], requestBody=_json_body("StatusChange"))
            }
            for action, summary in (("revoke", "Revoke for good"), ("suspend", "Suspend until lifted"),
                                    ("lift", "Lift a suspension"))
        },
    },
    "components": {
        "securitySchemes": {
            "apiToken": {"type": "http", "scheme": "bearer",
                         "description": "An API token of your organisation (`kc_` and 40 characters)."},
        },
        "schemas": {
            "ParticipantRequest": {
                "type": "object", "required": ["name"], "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "maxLength": basics.MAX_NAME},
                    "email": {"type": ["string", "null"], "maxLength": 254},
                    "shop": {"type": ["integer", "string", "null"], "description": "the shop's id or exact name"},
                },
            },
            "ParticipantCreated": {
                "type": "object", "required": ["id", "name", "access_code"],
                "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": ["string", "null"]},
                    "shop": {"type": ["object", "null"]}, "created_at": {"type": "string", "format": "date-time"},
                    "access_code": {"type": "string", "description": "shown only in this answer"},
                    "portfolio_url": {"type": "string"},
                },
            },
            "IssueRequest": {
                "type": "object", "required": ["competence", "level"], "additionalProperties": False,
                "description": "Give holder_name or participant_id (not both).",
                "properties": {
                    "holder_name": {"type": "string", "maxLength": basics.MAX_NAME},
                    "participant_id": {"type": "integer", "description": "from POST /api/v1/participants"},
                    "competence": {"type": "string", "examples": ["CIRC-SORTEREN"]},
                    "level": {"type": ["string", "integer"], "enum": ["1", "2", "3", 1, 2, 3]},
                    "evidence": {"type": "string", "maxLength": basics.MAX_EVIDENCE},
                    "issued_on": {"type": "string", "format": "date", "description": "YYYY-MM-DD; default today"},
                    "external_ref": {"type": "string", "maxLength": 200,
                                     "description": "your reference; makes the call idempotent"},
                },
            },
            "BulkItem": {
                "type": "object", "required": ["holder_name", "competence", "level"], "additionalProperties": False,
                "properties": {
                    "holder_name": {"type": "string", "maxLength": basics.MAX_NAME},
                    "competence": {"type": "string"}, "level": {"type": ["string", "integer"]},
                    "evidence": {"type": "string", "maxLength": basics.MAX_EVIDENCE},
                    "issued_on": {"type": "string", "format": "date"},
                    "external_ref": {"type": "string", "maxLength": 200},
                },
            },
            "Certificate": {
                "type": "object",
                "required": ["public_id", "short_code", "competence", "level", "issued_at", "status", "verify_url"],
                "properties": {
                    "public_id": {"type": "string"}, "short_code": {"type": "string"},
                    "competence": {"type": "string"}, "level": {"type": "string"},
                    "issued_at": {"type": "string", "format": "date-time"},
                    "valid_from": {"type": "string", "format": "date-time"},
                    "status": {"enum": ["valid", "suspended", "revoked"]},
                    "revoked_at": {"type": ["string", "null"]}, "suspended_at": {"type": ["string", "null"]},
                    "external_ref": {"type": ["string", "null"]}, "participant_id": {"type": ["integer", "null"]},
                    "holder_name": {"type": ["string", "null"], "description": "null when the data was erased"},
                    "verify_url": {"type": "string"},
                    "links": {"type": "object", "properties": {"self": {"type": "string"}, "pdf": {"type": "string"}}},
                },
            },
            "CertificateWithCredential": {
                "allOf": [{"$ref": "#/components/schemas/Certificate"}, {
                    "type": "object", "required": ["credential"],
                    "properties": {"credential": {"type": "object",
                                                  "description": "the signed credential, exactly as stored"}}}],
            },
            "IssuedCertificate": {
                "allOf": [{"$ref": "#/components/schemas/CertificateWithCredential"}, {
                    "type": "object", "required": ["already_issued"],
                    "properties": {"already_issued": {"type": "boolean"}}}],
            },
            "CertificatePage": {
                "type": "object", "required": ["items", "page", "per_page", "total", "links"],
                "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Certificate"}},
                    "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"},
                    "pages": {"type": "integer"},
                    "links": {"type": "object", "properties": {
                        "self": {"type": "string"}, "next": {"type": ["string", "null"]},
                        "prev": {"type": ["string", "null"]}}},
                },
            },
            "BulkResult": {
                "type": "object", "required": ["issued", "skipped", "failed"],
                "properties": {
                    "issued": {"type": "array", "items": {"$ref": "#/components/schemas/BulkDone"}},
                    "skipped": {"type": "array", "items": {"$ref": "#/components/schemas/BulkDone"},
                                "description": "issued before; the certificate issued then"},
                    "failed": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
                },
            },
            "BulkDone": {
                "type": "object", "required": ["item", "public_id"],
                "properties": {"item": {"type": "integer"}, "public_id": {"type": "string"},
                               "verify_url": {"type": "string"}, "links": {"type": "object"}},
            },
            "StatusChange": {
                "type": "object", "required": ["reason"], "additionalProperties": False,
                "properties": {
                    "reason": {"type": "string", "maxLength": basics.MAX_REASON,
                               "description": "why, for your organisation only (never shown publicly)"},
                    "category": {"enum": list(cert_services.REVOCATION_CATEGORIES), "default": "other",
                                 "description": "revoke only: why, in the fixed words the public verify page shows"},
                },
            },
            "FieldError": {
                "type": "object", "required": ["field", "code", "detail"],
                "properties": {
                    "item": {"type": "integer", "description": "bulk: the 0-based index of the item"},
                    "field": {"type": ["string", "null"], "description": "null: the whole item or body"},
                    "code": {"type": "string", "examples": ["required", "unknown_competence", "bad_date"]},
                    "detail": {"type": "string"},
                },
            },
            "ApiProblem": {
                "type": "object", "required": ["type", "title", "status", "detail"],
                "description": "RFC 9457 problem details",
                "properties": {
                    "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                    "detail": {"type": "string"},
                    "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
                },
            },
        },
        "responses": {
            "ApiProblem": {
                "description": "Problem details (RFC 9457)",
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ApiProblem"}}},
            },
            "ApiInvalid": {
                "description": "Refused input: every problem in `errors`; nothing was changed",
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ApiProblem"}}},
            },
            "ApiUnauthorized": {
                "description": "No token, or an unknown or revoked one",
                "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ApiProblem"}}},
            },
        },
    },
}  # fmt: skip
