"""The Flask application factory.

``create_app()`` reads the settings from the environment (or takes them), opens the
database and the key store, and wires the blueprints. Importing this module has no
side effects. ``verifier_only=True`` builds an app without a key store and without
the staff pages: it can show and verify, never sign.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from issuer import logging_setup, security
from issuer.config import Settings
from issuer.db import DatabaseUnavailable, make_engine, make_sessionmaker
from issuer.keystore import KeyStore
from issuer.services import Context
from templates import TEMPLATES_DIR

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Runtime:
    """What a request needs: settings, database and (unless verifier-only) the key store."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    context: Context
    verifier_only: bool


def runtime() -> Runtime:
    rt: Runtime = current_app.extensions["credentials"]
    return rt


def build_runtime(settings: Settings, *, verifier_only: bool = False) -> Runtime:
    """Database and (unless verifier-only) key store for ``settings``; used by the app and the CLI.

    ``verifier_only``: no key store at all, and the database is opened read-only.
    """
    engine = make_engine(settings.database_url, read_only=verifier_only)
    keystore = None if verifier_only else KeyStore(settings.keys_dir, settings.key_passphrase)
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        context=Context(settings=settings, keystore=keystore),
        verifier_only=verifier_only,
    )


def create_app(
    test_config: Mapping[str, Any] | None = None,
    *,
    settings: Settings | None = None,
    verifier_only: bool = False,
) -> Flask:
    settings = settings or Settings.from_env(verifier_only=verifier_only)
    if settings.log_format:
        logging_setup.configure_logging(settings.log_format)
    app = logging_setup.CredentialsFlask(
        __name__, instance_path=str(settings.instance_dir), template_folder=TEMPLATES_DIR
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        JSON_SORT_KEYS=False,
        **security.session_cookie_config(settings),  # HttpOnly, SameSite=Lax; Secure and __Host- on https
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["credentials"] = build_runtime(settings, verifier_only=verifier_only)

    from issuer import (  # noqa: PLC0415 - they import this module
        api_v1,
        bulk_pages,
        framework_pages,
        portfolio,
        public,
        region_pages,
        token_pages,
        trust_pages,
        web,
    )
    from verifier import api as verifier_api  # noqa: PLC0415
    from verifier import pages as verifier_pages  # noqa: PLC0415

    logging_setup.init_app(app)  # first: the request id is set before any other hook logs
    security.init_app(app, settings)
    web.init_common(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(verifier_pages.bp)
    app.register_blueprint(verifier_api.bp)
    trust_pages.init_app(app)
    if not verifier_only:
        web.init_app(app)
        token_pages.init_app(app)
        api_v1.init_app(app)
        portfolio.init_app(app)
        bulk_pages.init_app(app)
        framework_pages.init_app(app)
        region_pages.init_app(app)
        trust_pages.init_staff(app)

    @app.errorhandler(DatabaseUnavailable)
    def _database_down(exc: DatabaseUnavailable) -> tuple[str, int]:
        log.error("database unavailable: %s", type(exc).__name__)
        return (
            "<!doctype html><html lang=nl><title>Even niet beschikbaar</title>"
            "<h1>De dienst is even niet beschikbaar</h1>"
            "<p>De database is niet bereikbaar. Er is niets opgeslagen of veranderd. "
            "Probeer het over een paar minuten opnieuw.</p>"
            "<p lang=en>The service is temporarily unavailable (database down). Nothing was changed.</p>",
            503,
        )

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    return app
