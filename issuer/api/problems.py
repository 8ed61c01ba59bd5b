"""Problem details (RFC 9457) for the integration API: the refusals, the English details per
error code, and the blueprint's error handlers (:func:`register_handlers`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from flask import Blueprint, Response
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from issuer.core import errors as core_errors
from issuer.core.keystore import KeyStoreError
from issuer.runtime import MAX_REQUEST_BYTES
from issuer.store.db import DatabaseUnavailable
from issuer.webkit.problems import problem


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


def _api_problem(exc: ApiProblem) -> Response:
    return exc.response()


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


def _http_problem(exc: HTTPException) -> Response:
    if isinstance(exc, RequestEntityTooLarge):
        return problem(413, "too_large", "Request too large", f"the body is larger than {mb(MAX_REQUEST_BYTES)}")
    status = exc.code or 500
    answer = problem(status, f"http_{status}", exc.name, exc.description or exc.name)
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        answer.headers["Allow"] = ", ".join(exc.valid_methods)
    return answer


def _database_down(_exc: DatabaseUnavailable) -> Response:
    return problem(503, "unavailable", "Service unavailable", "the database cannot be reached; nothing was changed; "
                   "try again in a few minutes")  # fmt: skip


def _keystore_down(_exc: KeyStoreError) -> Response:
    return problem(503, "signing_unavailable", "Signing not possible",
                   "your organisation's signing key cannot be used now; nothing was changed; contact the "
                   "service's administrator")  # fmt: skip


def mb(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def _no_store(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def register_handlers(bp: Blueprint) -> None:
    """Answer every error of the blueprint ``bp`` with problem details, and mark every answer
    not to be stored."""
    bp.register_error_handler(ApiProblem, _api_problem)
    bp.register_error_handler(core_errors.ServiceError, _service_problem)
    bp.register_error_handler(HTTPException, _http_problem)
    bp.register_error_handler(DatabaseUnavailable, _database_down)
    bp.register_error_handler(KeyStoreError, _keystore_down)
    bp.after_request(_no_store)
