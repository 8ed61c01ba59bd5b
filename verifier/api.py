"""``POST /credentials/verify``: the W3C VC-API verify call, and its OpenAPI description.

Request: ``{"verifiableCredential": {...}, "options": {...}}`` (``application/json``
or ``application/ld+json``; at most 256 KB). Response 200:
``{"verified": bool, "verdict": ..., "checks": [...], "problems": [...], ...}``
(for a credential that does not verify too: the answer is the result). Errors are
RFC 9457 problem details: 400 (not JSON, too deep, missing field), 413 (too large),
415 (wrong content type), 429 (too many requests).
"""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from issuer.store.db import DatabaseUnavailable, session_scope
from issuer.webkit.problems import problem
from issuer.webkit.throttle import RateLimiter
from verifier.context import verifier_context
from verifier.service import MAX_JSON_BYTES, InputRejected, parse_credential_json, verify_for_reader

log = logging.getLogger(__name__)

bp = Blueprint("verifier_api", __name__)

JSON_TYPES = ("application/json", "application/ld+json", "application/vc", "application/vc+ld+json")
API_RATE_PER_MINUTE = 600


def _limiter() -> RateLimiter:
    limiter: RateLimiter | None = current_app.extensions.get("verifier_api_limiter")
    if limiter is None:
        limiter = RateLimiter(per_minute=int(current_app.config.get("VERIFY_API_PER_MINUTE", API_RATE_PER_MINUTE)))
        current_app.extensions["verifier_api_limiter"] = limiter
    return limiter


@bp.errorhandler(HTTPException)
def _http_problem(exc: HTTPException) -> Response:
    status = exc.code or 500
    if isinstance(exc, RequestEntityTooLarge):
        return problem(413, "too_large", "Request too large", f"the body is larger than {MAX_JSON_BYTES // 1024} KB")
    return problem(status, "http_" + str(status), exc.name, exc.description or exc.name)


@bp.errorhandler(DatabaseUnavailable)
def _database_down(_exc: DatabaseUnavailable) -> Response:
    return problem(503, "unavailable", "Service unavailable", "the database cannot be reached; try again later")


@bp.post("/credentials/verify")
def verify() -> Response:
    if not _limiter().allow(request.remote_addr or "?"):
        response = problem(429, "rate_limited", "Too many requests", "slow down and try again in a minute")
        response.headers["Retry-After"] = str(_limiter().retry_after())
        return response
    mimetype = (request.mimetype or "").lower()
    if mimetype not in JSON_TYPES:
        return problem(
            415,
            "unsupported_media_type",
            "Unsupported media type",
            "send the request as application/json",
            accepted=list(JSON_TYPES),
        )
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        return problem(413, "too_large", "Request too large", f"the body is larger than {MAX_JSON_BYTES // 1024} KB")
    raw = request.get_data(cache=False)
    if len(raw) > MAX_JSON_BYTES:
        return problem(413, "too_large", "Request too large", f"the body is larger than {MAX_JSON_BYTES // 1024} KB")
    try:
        body = parse_credential_json(raw)
    except InputRejected as exc:
        return problem(400, exc.code, "Bad request", exc.message)
    if not isinstance(body, dict) or "verifiableCredential" not in body:
        return problem(
            400,
            "missing_field",
            "Bad request",
            "the body must be an object with 'verifiableCredential'",
            errors=[{"field": "verifiableCredential", "message": "required"}],
        )
    with session_scope(verifier_context().sessions, reads_only=True) as session:
        outcome = verify_for_reader(session, verifier_context().settings, body["verifiableCredential"])
    result = outcome.result
    payload = {
        "verified": result.verified,
        "verdict": outcome.verdict,
        "checks": [c.to_json() for c in result.checks],
        "problems": list(result.fatal),
        "issuer": result.issuer,
        "verificationMethod": result.verification_method,
        "contact": outcome.contact.__dict__ if outcome.contact else None,
    }
    response = Response(json.dumps(payload, ensure_ascii=False), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Kringloop competence certificates: verifier",
        "version": "1.0.0",
        "description": (
            "Verify a competence certificate (W3C Verifiable Credential 2.0 / Open Badges 3.0). "
            "The call follows the W3C VC-API 'verify credential' shape. The verifier never fetches "
            f"anything from the network. Limits: request body at most {MAX_JSON_BYTES // 1024} KB, "
            "JSON nested at most 32 levels, at most 2,000 values and lists of at most 100; a client may make "
            f"{API_RATE_PER_MINUTE} calls a minute."
        ),
    },
    "paths": {
        "/credentials/verify": {
            "post": {
                "summary": "Verify a credential",
                "operationId": "verifyCredential",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["verifiableCredential"],
                                "properties": {
                                    "verifiableCredential": {"type": "object", "description": "the signed credential"},
                                    "options": {"type": "object", "description": "accepted and ignored"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "The verification result (also when the credential does not verify).",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Result"}}},
                    },
                    "400": {"$ref": "#/components/responses/Problem"},
                    "413": {"$ref": "#/components/responses/Problem"},
                    "415": {"$ref": "#/components/responses/Problem"},
                    "429": {"$ref": "#/components/responses/Problem"},
                    "503": {"$ref": "#/components/responses/Problem"},
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Check": {
                "type": "object",
                "required": ["id", "outcome", "reason"],
                "properties": {
                    "id": {
                        "enum": [
                            "structure",
                            "valid_signature",
                            "issuer_key",
                            "registered_issuer",
                            "validity_period",
                            "status",
                        ]
                    },
                    "outcome": {"enum": ["passed", "failed", "skipped"]},
                    "code": {"type": "string", "description": "stable code of a failure (e.g. revoked, expired)"},
                    "reason": {"type": "string"},
                    "details": {"type": "object"},
                },
            },
            "Result": {
                "type": "object",
                "required": ["verified", "verdict", "checks"],
                "properties": {
                    "verified": {"type": "boolean"},
                    "verdict": {"enum": ["valid", "revoked", "suspended", "expired", "invalid"]},
                    "checks": {"type": "array", "items": {"$ref": "#/components/schemas/Check"}},
                    "problems": {"type": "array", "items": {"type": "string"}},
                    "issuer": {"type": ["string", "null"]},
                    "verificationMethod": {"type": ["string", "null"]},
                    "contact": {"type": ["object", "null"], "description": "the issuing member organisation"},
                },
            },
            "ProblemDetails": {
                "type": "object",
                "description": "RFC 9457 problem details",
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                    "errors": {"type": "array", "items": {"type": "object"}},
                },
            },
        },
        "responses": {
            "Problem": {
                "description": "Problem details (RFC 9457)",
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}},
            }
        },
    },
}


def openapi_document() -> dict[str, Any]:
    """:data:`OPENAPI` plus what other blueprints of this app contribute through
    ``app.extensions["openapi_parts"]`` (``title``, ``description``, ``paths``,
    ``components``): the integration API in the full service, nothing in verifier-only mode."""
    document = copy.deepcopy(OPENAPI)
    for part in current_app.extensions.get("openapi_parts", ()):
        document["info"]["title"] = part.get("title", document["info"]["title"])
        if part.get("description"):
            document["info"]["description"] += "\n\n" + part["description"]
        document["paths"].update(part.get("paths", {}))
        for section, entries in part.get("components", {}).items():
            document["components"].setdefault(section, {}).update(entries)
    return document


@bp.get("/openapi.json")
def openapi() -> Response:
    response = Response(json.dumps(openapi_document(), ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
