"""Reading the integration API's requests: the JSON body, its fields one by one (every problem
collected for one answer), an issue request's shape, and the limits of a call."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from credentials import strictjson
from issuer.api.problems import DETAILS, ApiProblem, FieldProblem, field_problem
from issuer.core import errors as core_errors
from issuer.runtime import MAX_REQUEST_BYTES

MAX_BULK_ITEMS: Final = 1000
# A bulk body holds at most MAX_BULK_ITEMS certificates of a dozen values each; the list
# limit leaves room for the API's own, clearer refusal of a list that is too long.
# A NUL in a name or note is refused by the field checks (clean_text names the position).
BODY_LIMITS: Final = strictjson.JsonLimits(max_bytes=MAX_REQUEST_BYTES, max_depth=32, max_values=100_000,
                                           max_list=10 * MAX_BULK_ITEMS, refuse_nul=False)  # fmt: skip
PER_PAGE_DEFAULT: Final = 25
PER_PAGE_MAX: Final = 100
ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISSUE_FIELDS: Final = ("holder_name", "participant_id", "competence", "level", "evidence", "issued_on", "external_ref")
PARTICIPANT_FIELDS: Final = ("name", "email", "shop")
STATUS_FIELDS: Final = ("reason", "category")


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
        return strictjson.loads(raw, BODY_LIMITS)
    except strictjson.StrictJsonError as exc:
        # One reader for everything that comes in (credentials/strictjson.py): a name given
        # twice, NaN, a lone surrogate or nesting too deep is refused, never half-read.
        raise ApiProblem(400, "bad_json", "Bad request", f"the body is not acceptable JSON: {exc.message}") from None


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
