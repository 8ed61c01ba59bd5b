"""Public identity documents: organisation DID documents and status list credentials.

Both are read-only, cacheable and served from the service's own records (no keys
needed), so they work in verifier-only mode too.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort

from issuer import services
from issuer.app import runtime
from issuer.db import session_scope

bp = Blueprint("public", __name__)

CACHE_SECONDS = 300


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
            org = services.get_org(session, slug)
        except services.NotFound:
            abort(404)
        document = services.did_document(session, org)
    return _json(document, "application/did+json")


@bp.get("/orgs/<slug>/status/<int:sequence>")
@bp.get("/orgs/<slug>/status/<int:sequence>/<purpose>")
def status_list(slug: str, sequence: int, purpose: str = "revocation") -> Response:
    if purpose not in ("revocation", "suspension"):
        abort(404)
    with session_scope(runtime().sessions, reads_only=True) as session:
        try:
            document = services.status_list_document(session, slug=slug, sequence=sequence, purpose=purpose)
        except services.NotFound:
            abort(404)
    return _json(document, "application/vc")


@bp.get("/healthz")
def health() -> Response:
    return Response("ok\n", mimetype="text/plain")
