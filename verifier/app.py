"""The public verifier as part of an app (:func:`init_verifier`) or on its own
(:func:`create_verifier_app`, what ``credentials serve --verifier-only`` runs).

On its own it stands on the core (``credentials``), the data layer (``issuer.store``,
opened read-only) and the web toolkit (``issuer.webkit``): no key store, no staff pages,
no other issuer module is loaded (a test reads a serving process's ``sys.modules``).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any, Final

from flask import Flask, url_for
from sqlalchemy.orm import Session, sessionmaker

from issuer.store.db import DatabaseUnavailable, make_engine, make_sessionmaker
from issuer.store.settings import Settings
from issuer.webkit import headers, pages, requestlog
from templates import TEMPLATES_DIR
from verifier import api, documents
from verifier import pages as verifier_pages
from verifier.context import EXTENSION, ReadinessCheck, TrustListSource, VerifierContext

MAX_REQUEST_BYTES: Final = 2 * 1024 * 1024
JSON_BLUEPRINTS: Final = frozenset({"verifier_api"})


def init_verifier(
    app: Flask,
    *,
    settings: Settings,
    sessions: sessionmaker[Session],
    trust_list: TrustListSource | None = None,
    readiness: Mapping[str, ReadinessCheck] | None = None,
) -> None:
    """Register the verifier's pages, API, public documents and probes on ``app``."""
    app.extensions[EXTENSION] = VerifierContext(settings, sessions, trust_list, dict(readiness or {}))
    app.register_blueprint(documents.bp)
    app.register_blueprint(verifier_pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(documents.trust_bp)


def _verify_form_url() -> str:
    return url_for("verifier_pages.verify_form")


def create_verifier_app(test_config: Mapping[str, Any] | None = None, *, settings: Settings | None = None) -> Flask:
    """The verifier alone: read-only database, no keys."""
    settings = settings or Settings.from_env(verifier_only=True)
    if settings.log_format:
        requestlog.configure_logging(settings.log_format)
    https = settings.base_url.startswith("https://")
    static = resources.files("issuer") / "static"  # the shared stylesheet (data, not code)
    app = requestlog.CredentialsFlask(
        __name__, instance_path=str(settings.instance_dir), template_folder=TEMPLATES_DIR, static_folder=str(static)
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        JSON_SORT_KEYS=False,
        **headers.session_cookie_config(https=https),
    )
    if test_config:
        app.config.update(test_config)
    requestlog.init_app(app)  # first: the request id is set before any other hook logs
    headers.init_app(app, https=https)
    pages.init_app(app, home_url=_verify_form_url, json_blueprints=JSON_BLUEPRINTS)
    engine = make_engine(settings.database_url, read_only=True)
    init_verifier(app, settings=settings, sessions=make_sessionmaker(engine))
    app.register_error_handler(DatabaseUnavailable, pages.unavailable_page)
    return app
