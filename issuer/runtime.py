"""What a request needs: the runtime (settings, database, key store) and the request limit.

The blueprints and the services' callers take the runtime from here, never from
:mod:`issuer.app`, which only builds the application. ``build_runtime`` is shared by the
app and the command line; ``runtime()`` reads the one ``create_app`` stored on the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from issuer.core.basics import Context
from issuer.core.keystore import KeyStore
from issuer.store.db import make_engine, make_sessionmaker
from issuer.store.settings import Settings

MAX_REQUEST_BYTES: Final = 2 * 1024 * 1024
EXTENSION: Final = "credentials"  # the key of the runtime in ``app.extensions``


@dataclass(frozen=True)
class Runtime:
    """What a request needs: settings, database and (unless verifier-only) the key store."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    context: Context
    verifier_only: bool


def runtime() -> Runtime:
    rt: Runtime = current_app.extensions[EXTENSION]
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
