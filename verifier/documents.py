"""The service's public documents and probes, served from the verifier side so that a
verifier-only process has them too:

* each member organisation's DID document and its status list credentials (read-only,
  cacheable, from the records: no keys needed);
* the sector's DID document, the signed trust list and the DCC registry document;
* ``/healthz`` (liveness) and ``/readyz`` (readiness), never cached.

The trust list is signed with the sector key, which only the full service holds: the app
hands in a ``trust_list`` source (see :func:`verifier.app.init_verifier`). Without one
the route answers 404.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, Final

from flask import Blueprint, Response, abort, request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from credentials.did import build_did_document, did_web_from_url
from credentials.keys import Ed25519Multikey
from issuer.store.db import DatabaseUnavailable, code_revisions, schema_revisions, session_scope
from issuer.store.settings import Settings
from verifier.context import verifier_context
from verifier.registry import DCC_REGISTRY_PATH, TRUST_LIST_DOCUMENT, TRUST_LIST_PATH, KeyRecord
from verifier.sql_records import SqlRecords

log = logging.getLogger(__name__)

bp = Blueprint("public", __name__)
trust_bp = Blueprint("trust_public", __name__)

CACHE_SECONDS: Final = 300
MAX_STATUS_SEQUENCE: Final = 999_999  # as in the status URLs the verifier accepts (verifier.service)


def _json(document: dict[str, Any], media_type: str) -> Response:
    response = Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype=media_type)
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.add_etag()
    response.make_conditional(request)
    return response


def did_document_of(did: str, keys: tuple[KeyRecord, ...]) -> dict[str, Any]:
    """A DID document with every key that is not compromised (retired keys stay, so earlier
    certificates keep verifying)."""
    methods = [
        Ed25519Multikey.from_multikey({"id": k.id, "controller": did, "publicKeyMultibase": k.public_key_multibase})
        for k in keys
        if k.compromised is None
    ]
    return build_did_document(did, methods)


def sector_did_document(session: Session, settings: Settings) -> dict[str, Any]:
    """The sector's DID document (the did:web of the service's host): every key that is not
    compromised."""
    return did_document_of(did_web_from_url(settings.base_url), SqlRecords(session).sector_keys())


# --- an organisation's documents ---------------------------------------------------------


@bp.get("/orgs/<slug>/did.json")
def did_document(slug: str) -> Response:
    with session_scope(verifier_context().sessions, reads_only=True) as session:
        found = SqlRecords(session).member_by_slug(slug)
        if found is None:
            abort(404)
    return _json(did_document_of(found.member.did, found.member.keys), "application/did+json")


@bp.get("/orgs/<slug>/status/<int:sequence>")
@bp.get("/orgs/<slug>/status/<int:sequence>/<purpose>")
def status_list(slug: str, sequence: int, purpose: str = "revocation") -> Response:
    if purpose not in ("revocation", "suspension") or not 0 < sequence <= MAX_STATUS_SEQUENCE:
        abort(404)  # a number no database column holds is simply no list of ours
    with session_scope(verifier_context().sessions, reads_only=True) as session:
        found = SqlRecords(session).status_list(slug, sequence, purpose)
    if found is None or found.credential_json is None:
        abort(404)
    document: dict[str, Any] = json.loads(found.credential_json)
    return _json(document, "application/vc")


# --- probes ------------------------------------------------------------------------------


@bp.get("/healthz")
def health() -> Response:
    """Liveness: the process answers. Touches nothing else (no database, no disk)."""
    response = Response("ok\n", mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/readyz")
def ready() -> Response:
    """Readiness: 200 when the database answers at this code's migration head and every
    further check of the app passes (the full service: the current signing key files);
    otherwise 503 naming the failed checks. No secrets, no file paths."""
    context = verifier_context()
    checks: dict[str, dict[str, Any]] = {}
    try:
        with session_scope(context.sessions, reads_only=True) as session:
            current, expected = schema_revisions(session), code_revisions()
            checks["database"] = {"ok": True}
            migrations: dict[str, Any] = {"ok": current == expected, "database_revision": sorted(current),
                                          "code_revision": sorted(expected)}  # fmt: skip
            if current != expected:
                migrations["detail"] = "the database schema is not at this code's revision (run credentials init)"
            checks["migrations"] = migrations
            for name, check in context.readiness.items():
                checks[name] = check(session)
    except (DatabaseUnavailable, SQLAlchemyError) as exc:
        log.warning("readiness: database check failed: %s", type(exc).__name__)
        checks["database"] = {"ok": False, "detail": "the database does not answer"}
    failed = [name for name, check in checks.items() if not check["ok"]]
    body = {"status": "not ready" if failed else "ready", "failed": failed, "checks": checks}
    response = Response(json.dumps(body, indent=2) + "\n", status=503 if failed else 200, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the sector's documents --------------------------------------------------------------


@trust_bp.get("/.well-known/did.json", endpoint="did_document")
def sector_did() -> Response:
    """The sector's own DID document (did:web of the service's host)."""
    context = verifier_context()
    with session_scope(context.sessions, reads_only=True) as session:
        document = sector_did_document(session, context.settings)
    if not document["verificationMethod"]:
        abort(404)  # no sector key yet (credentials sector key init)
    return _json(document, "application/did+json")


@trust_bp.get(TRUST_LIST_PATH)
def trust_list() -> Response:
    """The member organisations with their membership periods, signed by the sector key."""
    context = verifier_context()
    with session_scope(context.sessions, reads_only=True) as session:
        if context.trust_list is not None:  # the full service: signed now (and published)
            document = context.trust_list(session)
        else:  # a verifier-only process cannot sign: the copy the full service published
            document = _published_trust_list(SqlRecords(session))
    if document is None:
        abort(503)
    return _json(document, "application/vc")


def _published_trust_list(records: SqlRecords) -> dict[str, Any] | None:
    published = records.published(TRUST_LIST_DOCUMENT)
    if published is None:
        abort(404)  # never published: the full service publishes it when it first signs one
    if published.valid_until is not None and published.valid_until <= datetime.now(UTC):
        log.error("the published trust list expired at %s: the full service must publish it again",
                  published.valid_until.isoformat())  # fmt: skip
        return None
    document: dict[str, Any] = json.loads(published.document_json)
    return document


@trust_bp.get(DCC_REGISTRY_PATH)
def dcc_registry() -> Response:
    """The active members in the DCC issuer registry format ("dcc-legacy")."""
    context = verifier_context()
    with session_scope(context.sessions, reads_only=True) as session:
        document = SqlRecords(session).dcc_registry(context.settings.base_url)
    return _json(document, "application/json")
