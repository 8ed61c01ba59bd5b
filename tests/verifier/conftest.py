"""Fixtures for the public verifier: the full app and a verifier-only app on one database.

``database_url`` runs every test on a temporary SQLite file and on a fresh PostgreSQL
schema. ``app`` is the full application (migrated, catalogue loaded); ``verifier_app``
is ``create_app(verifier_only=True)`` on the same database (no key store, no staff
pages). ``issued`` fills the database through the services and returns plain data:

* ``organisation``: slug, name, did and the public contact details (e-mail, phone, website)
* ``shop``: name
* ``participant``: name, email, id (the e-mail and id must never appear on public pages)
* ``supervisor``: name, email (never on public pages either)
* ``certificates``: ``valid``, ``dated`` (issued 14 March 2025, valid until
  31 December 2099), ``revoked``, ``suspended``, ``expired`` (valid until 30 days
  ago), ``withdrawn`` (public page switched off) and ``erased`` (its holder's data was
  erased), each ``{"public_id": ..., "credential": <the parsed stored JSON>}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from issuer.accounts import services as account_services
from issuer.app import create_app
from issuer.certificates import services as cert_services
from issuer.organisations import services as org_services
from issuer.participants import services as participant_services
from issuer.runtime import runtime
from issuer.store.db import session_scope
from tests.support import make_settings

ORG = {
    "slug": "kringloop-delta",
    "name": "Kringloop Delta",
    "contact_email": "info@kringloop-delta.example",
    "contact_phone": "030 123 45 67",
    "website": "https://kringloop-delta.example",
}
SHOP = "Winkel Centrum"
PARTICIPANT = {"name": "Sanne de Vries", "email": "sanne.devries@example.net"}
SUPERVISOR = {"name": "Begeleider Delta", "email": "begeleider-delta@example.org"}
DATED_ISSUED_ON = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
DATED_VALID_UNTIL = datetime(2099, 12, 31, 12, 0, tzinfo=UTC)


@pytest.fixture
def verifier_app(app: Flask, tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """A verifier-only application (no key store, no staff pages) on the same database."""
    application = create_app({"TESTING": True}, settings=make_settings(tmp_path, database_url), verifier_only=True)
    yield application
    application.extensions["credentials"].engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def verifier_client(verifier_app: Flask) -> FlaskClient:
    return verifier_app.test_client()


def _entry(cert: Any) -> dict[str, Any]:
    return {"public_id": cert.public_id, "credential": json.loads(cert.credential_json)}


@pytest.fixture
def issued(app: Flask) -> dict[str, Any]:
    """One member organisation with a shop, a participant and one certificate per verdict."""
    with app.app_context(), session_scope(runtime().sessions) as session:
        ctx = runtime().context
        org, _ = org_services.create_organisation(
            session,
            ctx,
            slug=ORG["slug"],
            name=ORG["name"],
            actor="test",
            contact_email=ORG["contact_email"],
            contact_phone=ORG["contact_phone"],
            website=ORG["website"],
        )
        shop = org_services.add_shop(session, org=org, name=SHOP, actor="test", city="Utrecht")
        supervisor, _ = account_services.add_user(session, email=SUPERVISOR["email"], name=SUPERVISOR["name"],
                                          password="Kringloop-test-2026!", role="supervisor", actor="test",
                                          org=org, shop=shop)  # fmt: skip
        person, _ = participant_services.add_participant(
            session, org=org, name=PARTICIPANT["name"], actor="test", email=PARTICIPANT["email"], shop=shop
        )
        leaver, _ = participant_services.add_participant(
            session, org=org, name="Erik Verwijderd", actor="test", shop=shop
        )

        def issue(participant: Any = person, **kwargs: Any) -> Any:
            return cert_services.issue_certificate(session, ctx, org=org, competence_code="CIRC-SORTEREN", level="2",
                                              actor="test", participant=participant,
                                              evidence="Sorteert zelfstandig.", supervisor=supervisor, shop=shop,
                                              **kwargs)  # fmt: skip

        now = datetime.now(UTC)
        valid = issue()
        dated = issue(issued_on=DATED_ISSUED_ON, valid_until=DATED_VALID_UNTIL)
        revoked = issue()
        cert_services.revoke(session, ctx, cert=revoked, reason="Ten onrechte uitgegeven", actor="test")
        suspended = issue()
        cert_services.suspend(session, ctx, cert=suspended, reason="Onderzoek", actor="test")
        expired = issue(issued_on=now - timedelta(days=400), valid_until=now - timedelta(days=30))
        withdrawn = issue()
        withdrawn.public_page = False
        erased = issue(participant=leaver)
        erased_entry = _entry(erased)  # the file the holder keeps (before the erasure)
        participant_services.erase_participant(session, participant=leaver, actor="test")
        session.flush()
        data: dict[str, Any] = {
            "organisation": {**ORG, "did": org.did},
            "shop": {"name": SHOP},
            "participant": {**PARTICIPANT, "id": person.id},
            "supervisor": dict(SUPERVISOR),
            "certificates": {
                "valid": _entry(valid),
                "dated": _entry(dated),
                "revoked": _entry(revoked),
                "suspended": _entry(suspended),
                "expired": _entry(expired),
                "withdrawn": _entry(withdrawn),
                "erased": erased_entry,
            },
        }
    return data
