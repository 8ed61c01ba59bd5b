"""The verifier alone as a WSGI app for gunicorn (``credentials serve --verifier-only
--production`` runs it through ``python -m verifier``)::

    gunicorn --workers 2 'verifier.wsgi:create()'

Settings come from the ``CREDENTIALS_*`` environment variables (the verifier's: no key
passphrase). Each worker builds its own app after the fork and warms the per-process
caches before its first request (:func:`warm_up`); the full service's workers do the same.
"""

from __future__ import annotations

import logging
import os

from flask import Flask

from issuer.store.settings import Settings, SettingsError
from verifier.app import create_verifier_app

log = logging.getLogger(__name__)


#: Calls a minute a client may make to ``POST /credentials/verify`` (per worker process).
RATE_ENV = "CREDENTIALS_VERIFY_API_PER_MINUTE"
#: Public verifier pages (``/c/...``, ``/verify``, ``/controleren``) a client may open a minute.
PAGE_RATE_ENV = "CREDENTIALS_VERIFY_PAGE_PER_MINUTE"


def overrides(env: os._Environ[str] | dict[str, str] | None = None) -> dict[str, object]:
    env = os.environ if env is None else env
    config: dict[str, object] = {}
    for name, key in ((RATE_ENV, "VERIFY_API_PER_MINUTE"), (PAGE_RATE_ENV, "VERIFY_PAGE_PER_MINUTE")):
        raw = env.get(name, "").strip()
        if not raw:
            continue
        try:
            per_minute = int(raw)
        except ValueError:
            raise SettingsError(f"{name} must be a whole number") from None
        if per_minute < 1:
            raise SettingsError(f"{name} must be at least 1")
        config[key] = per_minute
    return config


def warm_up() -> None:
    """Build what every verification needs and does not depend on the request.

    Verifies the bundled sample certificate (did:key issuer, no database) once; that
    loads the contexts, compiles the schema validator and fills pyld's context cache.
    """
    from credentials.did import StaticDidResolver  # noqa: PLC0415 - only at worker start
    from credentials.jsonld import default_document_loader  # noqa: PLC0415
    from credentials.keys import Ed25519Multikey  # noqa: PLC0415
    from credentials.proofs import add_proof  # noqa: PLC0415
    from credentials.sample import sample_credential  # noqa: PLC0415
    from credentials.verify import verify_credential  # noqa: PLC0415

    loader = default_document_loader()
    key = Ed25519Multikey.from_seed(bytes(32))
    signed = add_proof(sample_credential(issuer_did=key.controller), key=key, document_loader=loader)
    result = verify_credential(signed, document_loader=loader, resolver=StaticDidResolver())
    if not result.verified:  # pragma: no cover - would mean the core itself is broken
        log.warning("warm-up: the sample certificate did not verify: %s", [c.code for c in result.failed])


def create(*, settings: Settings | None = None) -> Flask:
    """The verifier app for one worker process (a gunicorn app factory)."""
    app = create_verifier_app(overrides() or None, settings=settings or Settings.from_env(verifier_only=True))
    try:
        warm_up()
    except Exception:  # a failed warm-up only costs speed, never availability
        log.exception("warm-up failed; the first requests will be slower")
    return app
