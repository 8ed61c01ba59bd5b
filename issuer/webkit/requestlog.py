"""Logs without personal data: one line per request, request ids, JSON in production.

``init_app(app)`` (every app) gives each request an id: the caller's ``X-Request-Id``
when it is short and plain (``[A-Za-z0-9._-]``, at most 64 characters), otherwise a new
random one; it is echoed in the response's ``X-Request-Id`` and attached to every log
record written while the request runs (a :class:`contextvars.ContextVar`, read by
:class:`RequestIdFilter`). At the end of the request one line goes to the
``issuer.access`` logger: method, the route *rule* (``/c/<public_id>``, never the path:
paths carry public ids, portfolio certificate ids and short codes), endpoint, status,
duration and response size. Query strings, form fields, headers (Authorization,
Cookie), client addresses and user agents are never logged.

``configure_logging(fmt)`` installs one handler on the root logger, ``json`` (one JSON
object per line: ``ts``, ``level``, ``logger``, ``message``, ``request_id`` and the
access fields) or ``text``; ``create_app`` calls it when ``Settings.log_format`` is set
(``credentials serve`` sets it: json with ``--production``, text otherwise). Werkzeug's
own request lines (raw paths with query strings) are switched off, and Flask's
"Exception on <path>" names the endpoint instead. In JSON, an exception is written as
its type and stack frames without its message: messages of database errors carry the
statement's parameters (names, e-mail addresses).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
import traceback
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from types import TracebackType
from typing import IO, Any, Final

from flask import Flask, Response, g, request

LOG_FORMATS: Final = ("json", "text")
REQUEST_ID_HEADER: Final = "X-Request-Id"
ACCESS_LOGGER: Final = "issuer.access"
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_METHOD = re.compile(r"[A-Z]{1,10}")
_NO_REQUEST = "-"

request_id_var: ContextVar[str | None] = ContextVar("credentials_request_id", default=None)
log = logging.getLogger(ACCESS_LOGGER)

ExcInfo = tuple[type, BaseException, TracebackType] | tuple[None, None, None]


def request_id_from(header: str | None) -> str:
    """The caller's request id when it is short and plain, else a new random one (128 bits)."""
    if header is not None and _VALID_REQUEST_ID.fullmatch(header):
        return header
    return secrets.token_hex(16)


def current_request_id() -> str | None:
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    """Attach ``record.request_id`` (``-`` outside a request, e.g. gunicorn's master)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or _NO_REQUEST
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get() or _NO_REQUEST,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _exc, tb = record.exc_info
            # The type and where, not the message (it may hold a statement's parameters).
            entry["exc_type"] = f"{exc_type.__module__}.{exc_type.__qualname__}"
            entry["stack"] = "".join(traceback.format_tb(tb))
        return json.dumps(entry, ensure_ascii=False, default=str)


def formatter(fmt: str) -> logging.Formatter:
    if fmt not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}")
    return JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT)


def configure_logging(fmt: str, *, stream: IO[str] | None = None, level: int = logging.INFO) -> logging.Handler:
    """Send every log record (app and libraries) through one handler on the root logger.

    Idempotent: a handler installed by an earlier call is replaced, not added to.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(fmt))
    handler.addFilter(RequestIdFilter())
    handler.credentials_handler = True  # type: ignore[attr-defined]  # marks ours for the next call
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "credentials_handler", False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Werkzeug's development server logs each request with its raw path and query string.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    return handler


def route_of_request() -> tuple[str | None, str | None]:
    """The matched rule (``/c/<public_id>``) and endpoint; never the path itself."""
    rule = request.url_rule
    return (rule.rule if rule is not None else None), request.endpoint


def _method() -> str:
    return request.method if _METHOD.fullmatch(request.method) else "OTHER"


def init_app(app: Flask) -> None:
    """Request ids and the access line for every request of ``app``; register this first."""

    @app.before_request
    def _start_request() -> None:
        g.request_started = time.perf_counter()
        g.request_id_token = request_id_var.set(request_id_from(request.headers.get(REQUEST_ID_HEADER)))

    @app.after_request
    def _access_line(response: Response) -> Response:
        request_id = request_id_var.get() or request_id_from(None)
        response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
        route, endpoint = route_of_request()
        size = response.content_length
        fields = {
            "method": _method(),
            "route": route,
            "endpoint": endpoint,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "size": size,
        }
        log.info(
            "%s %s %s %sms %sB", fields["method"], route or "-", response.status_code, duration_ms, size,
            extra={"fields": fields},
        )  # fmt: skip
        return response

    @app.teardown_request
    def _end_request(_exc: BaseException | None) -> None:
        token: Token[str | None] | None = g.pop("request_id_token", None)
        if token is not None:
            request_id_var.reset(token)


def log_exception_without_path(app: Flask, exc_info: ExcInfo) -> None:
    """Flask's unhandled-exception record, naming the endpoint instead of the path."""
    route, endpoint = route_of_request()
    app.logger.error("Exception on %s (%s) [%s]", route or "-", endpoint or "-", _method(), exc_info=exc_info)


class CredentialsFlask(Flask):
    """Flask, but its unhandled-exception log line does not carry the raw path."""

    def log_exception(self, exc_info: ExcInfo) -> None:
        log_exception_without_path(self, exc_info)


def gunicorn_logger_class(fmt: str) -> type:
    """A gunicorn logger class whose error log uses ``fmt`` (its access log is off)."""
    from gunicorn.glogging import Logger  # type: ignore[import-untyped]  # noqa: PLC0415 - only for --production

    chosen = formatter(fmt)

    class CredentialsGunicornLogger(Logger):  # type: ignore[misc]  # gunicorn has no type hints
        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            for handler in self.error_log.handlers:
                handler.setFormatter(chosen)
                handler.addFilter(RequestIdFilter())

    return CredentialsGunicornLogger
