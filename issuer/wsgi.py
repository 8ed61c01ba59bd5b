"""The WSGI entry point for gunicorn (``credentials serve --production`` uses it).

Run directly with an app factory, so nothing happens at import time::

    gunicorn --workers 2 'issuer.wsgi:create()'
    gunicorn --workers 2 'issuer.wsgi:create(verifier_only=True)'

Settings come from the ``CREDENTIALS_*`` environment variables only. Each worker
builds its own app (database engine, key store) after the fork and warms the
per-process caches (bundled contexts, the OB 3.0 schema validator, processed
JSON-LD contexts) before it takes its first request, so the first verifications
are not several times slower than the rest.
"""

from __future__ import annotations

import logging

from flask import Flask

from issuer.store.settings import Settings
from verifier.wsgi import overrides, warm_up

log = logging.getLogger(__name__)

def create(*, verifier_only: bool = False, settings: Settings | None = None) -> Flask:
    """The app for one worker process (a gunicorn app factory)."""
    from issuer.app import create_app  # noqa: PLC0415 - keep importing this module cheap

    app = create_app(
        overrides() or None,
        settings=settings or Settings.from_env(verifier_only=verifier_only),
        verifier_only=verifier_only,
    )
    try:
        warm_up()
    except Exception:  # a failed warm-up only costs speed, never availability
        log.exception("warm-up failed; the first requests will be slower")
    return app
