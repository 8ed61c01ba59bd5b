"""The Flask application factory.

``create_app()`` reads the settings from the environment (or takes them), opens the
database and the key store (:func:`issuer.runtime.build_runtime`), and wires the
blueprints. Only the entry points (the WSGI module, the command line's ``serve``, the
tests) import this module; a request takes what it needs from :mod:`issuer.runtime`.
Importing it has no side effects. ``verifier_only=True`` builds an app without a key store and without
the staff pages: it can show and verify, never sign.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, g

from issuer import staff_user, web
from issuer.accounts import views as account_pages
from issuer.api import v1 as api_v1
from issuer.bulk import views as bulk_pages
from issuer.certificates import views as certificate_pages
from issuer.core.keystore import readiness_check
from issuer.organisations import token_pages
from issuer.organisations import views as organisation_pages
from issuer.participants import views as participant_pages
from issuer.portfolio import views as portfolio
from issuer.runtime import EXTENSION, MAX_REQUEST_BYTES, Runtime, build_runtime
from issuer.sector.framework import views as framework_pages
from issuer.sector.regions import views as region_pages
from issuer.sector.trust import views as trust_pages
from issuer.store.db import DatabaseUnavailable
from issuer.store.settings import Settings
from issuer.webkit import headers, pages, requestlog
from templates import TEMPLATES_DIR
from verifier.app import init_verifier

log = logging.getLogger(__name__)


def create_app(
    test_config: Mapping[str, Any] | None = None,
    *,
    settings: Settings | None = None,
    verifier_only: bool = False,
) -> Flask:
    settings = settings or Settings.from_env(verifier_only=verifier_only)
    if settings.log_format:
        requestlog.configure_logging(settings.log_format)
    https = settings.base_url.startswith("https://")
    app = requestlog.CredentialsFlask(
        __name__, instance_path=str(settings.instance_dir), template_folder=TEMPLATES_DIR
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        JSON_SORT_KEYS=False,
        **headers.session_cookie_config(https=https),  # HttpOnly, SameSite=Lax; Secure and __Host- on https
    )
    if test_config:
        app.config.update(test_config)
    app.extensions[EXTENSION] = build_runtime(settings, verifier_only=verifier_only)

    requestlog.init_app(app)  # first: the request id is set before any other hook logs
    headers.init_app(app, https=https)
    web.init_common(app)
    rt: Runtime = app.extensions[EXTENSION]
    keystore = rt.context.keystore
    init_verifier(
        app,
        settings=settings,
        sessions=rt.sessions,
        trust_list=None if verifier_only else trust_pages.signed_trust_list,
        readiness={"keys": readiness_check(keystore)} if keystore is not None else None,
    )
    if not verifier_only:
        staff_user.init_app(app, account_pages, organisation_pages, participant_pages, certificate_pages)
        token_pages.init_app(app)
        api_v1.init_app(app)
        portfolio.init_app(app)
        bulk_pages.init_app(app)
        framework_pages.init_app(app)
        region_pages.init_app(app)
        trust_pages.init_staff(app)

    app.register_error_handler(DatabaseUnavailable, pages.unavailable_page)

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    return app
