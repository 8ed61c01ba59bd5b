"""The integration API's part of ``/openapi.json`` (:data:`OPENAPI_PART`, merged in by
:mod:`verifier.api`)."""

from __future__ import annotations

from typing import Any, Final

from issuer.api.auth import API_RATE_PER_MINUTE
from issuer.api.inputs import MAX_BULK_ITEMS, PER_PAGE_DEFAULT, PER_PAGE_MAX
from issuer.api.problems import mb
from issuer.certificates import services as cert_services
from issuer.core import basics
from issuer.runtime import MAX_REQUEST_BYTES

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
        f"(`application/json`, at most {mb(MAX_REQUEST_BYTES)}); errors are RFC 9457 problem details, refused "
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
