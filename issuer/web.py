"""Staff pages: log in, participants, certificates, the organisation and the sector.

Rules every view follows:

- ``roles_required`` checks the role; an anonymous visitor is sent to the login page.
- Data is looked up only inside the signed-in user's organisation. Another
  organisation's certificate or participant is "not found" (404), so ids cannot be
  probed. A sector admin sees no participants or certificates at all (403).
- Every POST carries the session's CSRF token (checked before the view runs).
- A request that changes data is one ``session_scope`` transaction. Refused input
  (:class:`issuer.core.errors.ServiceError`) rolls it back and comes back on the form,
  the message next to its field, with the error's HTTP status.
"""

from __future__ import annotations

import hmac
import logging
import math
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Final, TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session
from werkzeug.exceptions import BadRequest, HTTPException, MethodNotAllowed

from issuer import i18n, staff_user
from issuer.core import errors as core_errors
from issuer.core.keystore import KeyStoreError
from issuer.runtime import runtime
from issuer.store.db import session_scope
from issuer.webkit.headers import CONTENT_SECURITY_POLICY

log = logging.getLogger(__name__)
LOCAL_TIME: Final = ZoneInfo("Europe/Amsterdam")
CSRF_FIELD: Final = "csrf_token"
UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
T = TypeVar("T")



def guard(blueprint: Blueprint, *, csrf: bool = True) -> None:
    """Give ``blueprint`` what the staff pages have: this session's CSRF token on every
    state-changing request (``csrf=False`` when the blueprint checks it itself) and the
    response protection (no caching, no framing, the CSP)."""
    if csrf:
        blueprint.before_request(check_csrf)
    blueprint.after_request(protect_response)


def init_common(app: Flask) -> None:
    """Language handling, template helpers, CSRF helpers and HTML error pages: for the staff
    pages and the public verifier pages alike (also in verifier-only mode)."""
    i18n.init_app(app)  # Flask-Babel and the ?lang= hook
    app.jinja_env.globals.update(
        t=i18n.t,
        tn=i18n.tn,
        t_choice=i18n.t_choice,
        t_in=i18n.t_in,
        lang=i18n.current_language,
        other_lang=i18n.other_language,
        csrf_token=csrf_token,
        csrf_field=CSRF_FIELD,
        lang_switch_url=lang_switch_url,
        signed_in_user=staff_user.signed_in_user,
        has_endpoint=has_endpoint,
        home_url=home_url,
    )
    app.jinja_env.filters.update(local_date=local_date, local_datetime=local_datetime)
    app.register_error_handler(PageError, _page_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(KeyStoreError, _keystore_error)


# --- errors ---------------------------------------------------------------------------


# Blueprints that answer in JSON; their errors are not turned into HTML pages.
API_BLUEPRINTS = frozenset({"verifier_api", "api_v1"})



class PageError(Exception):
    """Stop the request with an error page: ``status`` and an optional i18n key for the text."""

    def __init__(self, status: int, text_key: str | None = None):
        super().__init__(status)
        self.status = status
        self.text_key = text_key


class CsrfRefused(BadRequest):
    """A POST without this session's CSRF token."""


class FormInvalid(core_errors.ServiceError):
    """Several refused fields of one form at once (the status is the first one's)."""

    def __init__(self, problems: Sequence[core_errors.ServiceError]):
        super().__init__("; ".join(p.message for p in problems), code="form_invalid")
        self.problems = list(problems)
        self.status = problems[0].status


def problems_of(exc: core_errors.ServiceError) -> list[core_errors.ServiceError]:
    return exc.problems if isinstance(exc, FormInvalid) else [exc]


def error_page(status: int, text_key: str | None = None, title_key: str | None = None) -> tuple[str, int]:
    """A plain-language error page in the current language."""
    title = title_key or i18n.key_of("error.*", f"{status}.title") or "error.500.title"
    text = text_key or i18n.key_of("error.*", f"{status}.text") or "error.500.text"
    return render_template("error.html", status=status, title_key=title, text_key=text), status


def _page_error(exc: PageError) -> ResponseReturnValue:
    return error_page(exc.status, exc.text_key)


def _http_error(exc: HTTPException) -> ResponseReturnValue:
    # JSON APIs keep their own error format (problem details).
    if request.blueprint in API_BLUEPRINTS:
        return exc
    status = exc.code or 500
    body, _ = error_page(status, i18n.N_("error.csrf.text") if isinstance(exc, CsrfRefused) else None)
    response = Response(body, status=status, mimetype="text/html")
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return protect_response(response)


def _keystore_error(exc: KeyStoreError) -> ResponseReturnValue:
    log.error("signing key unusable: %s", exc)
    return error_page(503, "error.keystore.text", i18n.N_("error.keystore.title"))


@dataclass
class FormState:
    """What a form shows: the values as typed, messages per field and messages for the whole form."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    @classmethod
    def refused(cls, values: dict[str, str], problems: Sequence[core_errors.ServiceError]) -> FormState:
        state = cls(values)
        for problem in problems:
            message = i18n.error_message(problem.code, problem.field, problem.params)
            if problem.field in values and problem.field not in state.errors:
                state.errors[problem.field] = message
            else:
                state.general.append(message)
        return state


def form_values(*names: str) -> dict[str, str]:
    return {name: str(request.form.get(name, "")) for name in names}


def attempt(problems: list[core_errors.ServiceError], check: Callable[[], T]) -> T | None:
    """Run one input check; collect its ServiceError so a form can show every problem at once."""
    try:
        return check()
    except core_errors.ServiceError as exc:
        problems.extend(problems_of(exc))
        return None


def raise_problems(problems: Sequence[core_errors.ServiceError]) -> None:
    if problems:
        raise FormInvalid(problems)


# --- CSRF -----------------------------------------------------------------------------


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


@staff_user.bp.before_request
def check_csrf() -> None:
    """Refuse a state-changing request whose form does not carry this session's token."""
    if request.method not in UNSAFE_METHODS:
        return
    expected = session.get(CSRF_FIELD)
    supplied = request.form.get(CSRF_FIELD, "")
    if not isinstance(expected, str) or not expected:
        raise CsrfRefused()
    # Constant-time comparison on bytes (compare_digest refuses non-ASCII str).
    if not hmac.compare_digest(expected.encode("utf-8"), str(supplied).encode("utf-8")):
        raise CsrfRefused()


@staff_user.bp.after_request
def protect_response(response: Response) -> Response:
    """Staff pages hold personal data: never cached, never framed, no foreign resources."""
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


# --- language and formatting ------------------------------------------------------------


def lang_switch_url() -> str:
    """This page in the other language (a page reached by POST switches on its own GET page)."""
    other = i18n.other_language()
    path: str | None = g.get("page_path")
    args: list[tuple[str, str]] = []
    rule = request.url_rule
    if path is None:
        if rule is not None and rule.methods is not None and "GET" in rule.methods:
            path = request.path
            args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
        else:
            path = home_url()
    return f"{path}?{urlencode([*args, ('lang', other)])}"


def has_endpoint(endpoint: str) -> bool:
    """Whether this app has ``endpoint`` (the staff pages are missing in verifier-only mode)."""
    return endpoint in current_app.view_functions


def home_url() -> str:
    """The start page: the staff dashboard for staff (and on the staff pages), else the public verifier."""
    staff_page = request.blueprint == staff_user.bp.name
    if has_endpoint("web.dashboard") and (staff_page or staff_user.signed_in_user() is not None):
        return url_for("web.dashboard")
    return url_for("verifier_pages.verify_form")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite gives naive UTC


def _local(moment: datetime) -> datetime:
    return _aware(moment).astimezone(LOCAL_TIME)


def local_date(moment: datetime | date | None) -> str:
    if moment is None:
        return ""
    return i18n.format_date(_local(moment) if isinstance(moment, datetime) else moment)


def local_datetime(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = _local(moment)
    return f"{i18n.format_date(local)}, {local:%H:%M}"


def today_local() -> date:
    return datetime.now(LOCAL_TIME).date()


# --- small database helpers ----------------------------------------------------------------


@contextmanager
def transaction() -> Iterator[Session]:
    with session_scope(runtime().sessions) as db:
        yield db


def parse_id(raw: str) -> int | None:
    """A database id typed or posted as text (ASCII digits that fit a 64-bit column), else None."""
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


@dataclass(frozen=True)
class Page:
    number: int
    pages: int
    total: int

    @classmethod
    def of(cls, total: int, per_page: int) -> Page:
        pages = max(1, math.ceil(total / per_page))
        number = parse_id(request.args.get("pagina", "")) or 1
        return cls(number=min(max(number, 1), pages), pages=pages, total=total)

    def start(self, per_page: int) -> int:
        return (self.number - 1) * per_page


def download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
