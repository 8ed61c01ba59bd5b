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

Each token may make :data:`issuer.api.auth.API_RATE_PER_MINUTE` calls a minute per process (429 with
``Retry-After`` beyond). The OpenAPI description (:data:`issuer.api.openapi.OPENAPI_PART`) is merged into
``/openapi.json`` by :mod:`verifier.api`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from flask import Blueprint, Flask, Response, current_app, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from credentials.timeutil import format_datetime
from issuer.api.auth import authenticate, caller, certificate_query, own_certificate, own_organisation, requires
from issuer.api.inputs import (
    ISO_DATE,
    MAX_BULK_ITEMS,
    PARTICIPANT_FIELDS,
    PER_PAGE_DEFAULT,
    PER_PAGE_MAX,
    STATUS_FIELDS,
    Fields,
    IssueInput,
    json_body,
    read_issue_input,
)
from issuer.api.openapi import OPENAPI_PART
from issuer.api.problems import DETAILS, ApiProblem, FieldProblem, invalid, register_handlers
from issuer.bulk import services as bulk
from issuer.certificates import documents
from issuer.certificates import services as cert_services
from issuer.certificates.views import parse_issue_date
from issuer.core import basics, identity
from issuer.core import errors as core_errors
from issuer.participants import services as participant_services
from issuer.runtime import runtime
from issuer.sector.framework import competences
from issuer.store.db import aware_utc, session_scope
from issuer.store.models import Certificate, Organisation, Participant, Shop

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    """Register the API and contribute its paths to ``/openapi.json`` (full service only)."""
    app.register_blueprint(bp)
    app.extensions.setdefault("openapi_parts", []).append(OPENAPI_PART)


# Every answer is problem details, never an HTML page; every call but an unknown path needs a token.
register_handlers(bp)
bp.before_request(authenticate)


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
    return db.execute(certificate_query(org).where(Certificate.external_ref == ref)).scalar_one_or_none()


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
            certificate_query(org).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
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
