"""HTML pages: error pages, form state, the CSRF check, response protection, the language
switch and local dates, for the staff pages and the public verifier alike.

Nothing here knows a domain: an app says what it needs through :func:`init_app` (which
blueprints answer in JSON, who is signed in, where "home" is). Texts come from
:mod:`issuer.webkit.i18n`.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Final, Protocol
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, Response, current_app, g, render_template, request, session
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest, HTTPException, MethodNotAllowed

from issuer.webkit import i18n
from issuer.webkit.headers import CONTENT_SECURITY_POLICY

log = logging.getLogger(__name__)

LOCAL_TIME: Final = ZoneInfo("Europe/Amsterdam")
CSRF_FIELD: Final = "csrf_token"
UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
EXTENSION: Final = "webkit.pages"


@dataclass(frozen=True)
class PagesConfig:
    """What the app tells the toolkit: blueprints that answer in JSON (their errors stay
    JSON), who is signed in (for the page header), and the start page."""

    json_blueprints: frozenset[str]
    signed_in_user: Callable[[], Any]
    home_url: Callable[[], str]


def init_app(
    app: Flask,
    *,
    home_url: Callable[[], str],
    json_blueprints: frozenset[str] = frozenset(),
    signed_in_user: Callable[[], Any] = lambda: None,
) -> None:
    """Languages, template helpers, the CSRF helpers and plain-language error pages."""
    app.extensions[EXTENSION] = PagesConfig(json_blueprints, signed_in_user, home_url)
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
        signed_in_user=signed_in_user,
        has_endpoint=has_endpoint,
        home_url=_home_url,
    )
    app.jinja_env.filters.update(local_date=local_date, local_datetime=local_datetime)
    app.register_error_handler(PageError, _page_error)
    app.register_error_handler(HTTPException, _http_error)


def _config() -> PagesConfig:
    config: PagesConfig = current_app.extensions[EXTENSION]
    return config


def _home_url() -> str:
    return _config().home_url()


# --- errors ------------------------------------------------------------------------------


class PageError(Exception):
    """Stop the request with an error page: ``status`` and an optional i18n key for the text."""

    def __init__(self, status: int, text_key: str | None = None):
        super().__init__(status)
        self.status = status
        self.text_key = text_key


class CsrfRefused(BadRequest):
    """A POST without this session's CSRF token."""


def error_page(status: int, text_key: str | None = None, title_key: str | None = None) -> tuple[str, int]:
    """A plain-language error page in the current language."""
    title = title_key or i18n.key_of("error.*", f"{status}.title") or "error.500.title"
    text = text_key or i18n.key_of("error.*", f"{status}.text") or "error.500.text"
    return render_template("error.html", status=status, title_key=title, text_key=text), status


def _page_error(exc: PageError) -> ResponseReturnValue:
    return error_page(exc.status, exc.text_key)


def _http_error(exc: HTTPException) -> ResponseReturnValue:
    # JSON APIs keep their own error format (problem details).
    if request.blueprint in _config().json_blueprints:
        return exc
    status = exc.code or 500
    body, _ = error_page(status, i18n.N_("error.csrf.text") if isinstance(exc, CsrfRefused) else None)
    response = Response(body, status=status, mimetype="text/html")
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return protect_response(response)


def unavailable_page(exc: Exception) -> tuple[str, int]:
    """The page for a database that does not answer (nothing was stored or changed)."""
    log.error("database unavailable: %s", type(exc).__name__)
    return (
        "<!doctype html><html lang=nl><title>Even niet beschikbaar</title>"
        "<h1>De dienst is even niet beschikbaar</h1>"
        "<p>De database is niet bereikbaar. Er is niets opgeslagen of veranderd. "
        "Probeer het over een paar minuten opnieuw.</p>"
        "<p lang=en>The service is temporarily unavailable (database down). Nothing was changed.</p>",
        503,
    )


# --- forms -------------------------------------------------------------------------------


class Problem(Protocol):
    """A refused input as the services report it: a stable code, the field, its details."""

    @property
    def code(self) -> str: ...

    @property
    def field(self) -> str | None: ...

    @property
    def params(self) -> Mapping[str, Any]: ...


@dataclass
class FormState:
    """What a form shows: the values as typed, messages per field and messages for the whole form."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    @classmethod
    def refused(cls, values: dict[str, str], problems: Sequence[Problem]) -> FormState:
        state = cls(values)
        for problem in problems:
            message = i18n.error_message(problem.code, problem.field, dict(problem.params))
            if problem.field in values and problem.field not in state.errors:
                state.errors[problem.field] = message
            else:
                state.general.append(message)
        return state


def form_values(*names: str) -> dict[str, str]:
    return {name: str(request.form.get(name, "")) for name in names}


# --- CSRF and response protection --------------------------------------------------------


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


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


def protect_response(response: Response) -> Response:
    """Pages with personal data: never cached, never framed, no foreign resources."""
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def guard(blueprint: Blueprint, *, csrf: bool = True) -> None:
    """This session's CSRF token on every state-changing request of ``blueprint``
    (``csrf=False`` when it checks the token itself) and the response protection."""
    if csrf:
        blueprint.before_request(check_csrf)
    blueprint.after_request(protect_response)


def download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- who, where, which language ------------------------------------------------------------


def signed_in_user() -> Any:
    """The signed-in staff user as the app knows it (None for the public pages)."""
    return _config().signed_in_user()


def has_endpoint(endpoint: str) -> bool:
    """Whether this app has ``endpoint`` (the staff pages are missing in verifier-only mode)."""
    return endpoint in current_app.view_functions


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
            path = _home_url()
    return f"{path}?{urlencode([*args, ('lang', other)])}"


def _local(moment: datetime) -> datetime:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite gives naive UTC
    return aware.astimezone(LOCAL_TIME)


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
