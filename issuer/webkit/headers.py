"""Security headers and session-cookie settings for every response, in one place.

``init_app(app, https=...)`` runs after every blueprint's own ``after_request`` (Flask
calls the app's hooks last), and only fills in what a blueprint left unset, so the
stricter per-blueprint rules (the verifier pages' ``no-referrer``, the staff pages'
``no-store``) stay as they are. Every response gets:

- ``X-Content-Type-Options: nosniff`` (JSON, PDFs, CSV and CSS are never sniffed into HTML);
- ``Referrer-Policy: same-origin`` unless set: paths carry public ids and portfolio
  certificate ids, which must not leak to other sites;
- ``X-Frame-Options: DENY``; HTML also gets the no-script Content-Security-Policy of the
  staff pages (``default-src 'none'`` ... ``frame-ancestors 'none'``), JSON a
  ``default-src 'none'; frame-ancestors 'none'`` policy;
- ``Strict-Transport-Security: max-age=31536000; includeSubDomains`` when the public base
  URL is https, never on http (a browser would then refuse the plain-http service).

The session cookie is ``HttpOnly`` and ``SameSite=Lax``; with an https base URL it is
``Secure`` and named ``__Host-session``: the browser then accepts it only over https,
for the whole host, never set by a sibling subdomain.
"""

from __future__ import annotations

from typing import Final

from flask import Flask, Response

# No scripts, no inline styles, no framing, forms only to this site.
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HSTS: Final = "max-age=31536000; includeSubDomains"
JSON_CONTENT_SECURITY_POLICY: Final = "default-src 'none'; frame-ancestors 'none'"
DEFAULT_REFERRER_POLICY: Final = "same-origin"
HTTPS_SESSION_COOKIE: Final = "__Host-session"


def session_cookie_config(*, https: bool) -> dict[str, object]:
    """Flask settings for the session cookie (``__Host-`` needs Secure, Path=/ and no Domain).

    ``https``: the service's public base URL is https."""
    config: dict[str, object] = {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
    }
    if https:
        config.update(SESSION_COOKIE_NAME=HTTPS_SESSION_COOKIE, SESSION_COOKIE_PATH="/", SESSION_COOKIE_DOMAIN=None)
    return config


def _is_json(mimetype: str) -> bool:
    return mimetype in ("application/json", "application/vc") or mimetype.endswith("+json")


def security_headers(*, https: bool) -> dict[str, str]:
    """The headers every response carries (HTML and JSON get a CSP on top)."""
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": DEFAULT_REFERRER_POLICY,
        "X-Frame-Options": "DENY",
    }
    if https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


def init_app(app: Flask, *, https: bool) -> None:
    """Apply the headers to every response of ``app`` (staff, verifier, portfolio, API, static).

    ``https``: the public base URL is https (then HSTS is sent)."""
    headers = security_headers(https=https)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        elif _is_json(response.mimetype or ""):
            response.headers.setdefault("Content-Security-Policy", JSON_CONTENT_SECURITY_POLICY)
        return response
