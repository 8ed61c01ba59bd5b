"""Public identity documents: organisation DID documents and status list credentials;
and the probes ``/healthz`` (liveness) and ``/readyz`` (readiness).

The documents are read-only, cacheable and served from the service's own records (no
keys needed), so they work in verifier-only mode too. The probes are never cached.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from typing import Any

from alembic.script import ScriptDirectory
from flask import Blueprint, Response, abort
from sqlalchemy import and_, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from issuer.core import errors
from issuer.core.keystore import KeyStore, KeyStoreError
from issuer.organisations import services as org_services
from issuer.runtime import Runtime, runtime
from issuer.store.db import DatabaseUnavailable, alembic_config, session_scope
from issuer.store.models import Organisation, SigningKey

log = logging.getLogger(__name__)

bp = Blueprint("public", __name__)

CACHE_SECONDS = 300
ALEMBIC_VERSION_TABLE = "alembic_version"


def _json(document: dict[str, Any], media_type: str) -> Response:
    response = Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype=media_type)
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.add_etag()
    return response


@bp.get("/orgs/<slug>/did.json")
def did_document(slug: str) -> Response:
    with session_scope(runtime().sessions, reads_only=True) as session:
        try:
            org = org_services.get_org(session, slug)
        except errors.NotFound:
            abort(404)
        document = org_services.did_document(session, org)
    return _json(document, "application/did+json")


@bp.get("/orgs/<slug>/status/<int:sequence>")
@bp.get("/orgs/<slug>/status/<int:sequence>/<purpose>")
def status_list(slug: str, sequence: int, purpose: str = "revocation") -> Response:
    if purpose not in ("revocation", "suspension"):
        abort(404)
    with session_scope(runtime().sessions, reads_only=True) as session:
        try:
            document = org_services.status_list_document(session, slug=slug, sequence=sequence, purpose=purpose)
        except errors.NotFound:
            abort(404)
    return _json(document, "application/vc")


@bp.get("/healthz")
def health() -> Response:
    """Liveness: the process answers. Touches nothing else (no database, no disk)."""
    response = Response("ok\n", mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


@functools.cache
def code_heads() -> frozenset[str]:
    """The Alembic head revision(s) of this code (read once per process)."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def _database_checks(rt: Runtime) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str]]]:
    """The database and migration checks, and (slug, key fragment) of each active organisation's
    current key (fragment empty when it has none)."""
    checks: dict[str, dict[str, Any]] = {}
    keys: list[tuple[str, str]] = []
    try:
        with session_scope(rt.sessions, reads_only=True) as session:
            current = _database_heads(session)
            checks["database"] = {"ok": True}
            expected = code_heads()
            migrations: dict[str, Any] = {"ok": current == expected, "database_revision": sorted(current),
                                          "code_revision": sorted(expected)}  # fmt: skip
            if current != expected:
                migrations["detail"] = "the database schema is not at this code's revision (run credentials init)"
            checks["migrations"] = migrations
            if not rt.verifier_only:
                keys = _current_keys(session)
    except (DatabaseUnavailable, SQLAlchemyError) as exc:
        log.warning("readiness: database check failed: %s", type(exc).__name__)
        checks["database"] = {"ok": False, "detail": "the database does not answer"}
    return checks, keys


def _database_heads(session: Session) -> frozenset[str]:
    """The revision(s) in ``alembic_version`` (read directly: Alembic's MigrationContext logs
    two lines each time, which would fill the log at every probe)."""
    if not inspect(session.connection()).has_table(ALEMBIC_VERSION_TABLE):
        return frozenset()
    return frozenset(session.execute(text(f"SELECT version_num FROM {ALEMBIC_VERSION_TABLE}")).scalars())  # noqa: S608 - a constant


def _current_keys(session: Session) -> list[tuple[str, str]]:
    """For every active organisation its newest usable key's fragment, in one query."""
    usable = and_(
        SigningKey.organisation_id == Organisation.id,
        SigningKey.retired_at.is_(None),
        SigningKey.compromised_at.is_(None),
    )
    rows = session.execute(
        select(Organisation.slug, SigningKey.fragment)
        .outerjoin(SigningKey, usable)
        .where(Organisation.membership == "active")
        .order_by(Organisation.slug, SigningKey.id)
    ).all()
    newest: dict[str, str] = {}
    for slug, fragment in rows:
        newest[slug] = fragment or newest.get(slug, "")
    return sorted(newest.items())


def _key_check(keystore: KeyStore, keys: list[tuple[str, str]]) -> dict[str, Any]:
    """The key store directory is readable and holds each current key file (not decrypted here)."""
    directory = keystore.directory
    if not keys and not directory.exists():
        return {"ok": True, "organisations": 0}  # nothing to sign with yet: the first key creates it
    if not (directory.is_dir() and os.access(directory, os.R_OK | os.X_OK)):
        return {"ok": False, "detail": "the key store directory (CREDENTIALS_KEYS_DIR) is not a readable directory"}
    missing = []
    for slug, fragment in keys:
        try:
            present = bool(fragment) and keystore.exists(org_slug=slug, fragment=fragment)
        except KeyStoreError:
            present = False
        if not present:
            missing.append(slug)
    if missing:
        return {"ok": False, "detail": "the current signing key file is missing", "organisations": missing}
    return {"ok": True, "organisations": len(keys)}


@bp.get("/readyz")
def ready() -> Response:
    """Readiness: 200 when the database answers at this code's migration head and (full
    service) every active organisation's current key file is in a readable key store;
    otherwise 503 naming the failed checks. No secrets, no file paths."""
    rt = runtime()
    checks, keys = _database_checks(rt)
    keystore = rt.context.keystore
    if keystore is not None and checks["database"]["ok"]:
        checks["keys"] = _key_check(keystore, keys)
    failed = [name for name, check in checks.items() if not check["ok"]]
    body = {"status": "not ready" if failed else "ready", "failed": failed, "checks": checks}
    response = Response(json.dumps(body, indent=2) + "\n", status=503 if failed else 200, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response
