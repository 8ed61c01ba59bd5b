"""Fixtures for the issuer's pages: an app on a real database with two organisations.

``database_url`` names the database (a temporary SQLite file unless overridden);
``world`` fills it through the services: organisations A and B, each with a shop, an
organisation admin, a supervisor, participants and certificates, plus a sector admin.
``login(client, email)`` signs a test client in through the real login form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from issuer.accounts import services as account_services
from issuer.certificates import services as cert_services
from issuer.organisations import services as org_services
from issuer.participants import services as participant_services
from issuer.runtime import runtime
from issuer.store.db import session_scope
from issuer.store.models import AuditEvent, Certificate, Participant

PASSWORD = "Kringloop-test-2026!"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class OrgData:
    slug: str
    name: str
    admin: str
    supervisor: str
    participant_id: int
    other_participant_id: int
    certificate: str
    # Certificates set aside for the routes that change them (one per route).
    spare: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    a: OrgData
    b: OrgData
    sector_admin: str
    competence: str = "CIRC-SORTEREN"


def _make_org(session: Session, key: str, name: str, *, spares: tuple[str, ...]) -> OrgData:
    ctx = runtime().context
    org, _ = org_services.create_organisation(session, ctx, slug=f"kringloop-{key}", name=name, actor="test")
    shop = org_services.add_shop(session, org=org, name=f"Winkel {key.upper()}", actor="test", city="Utrecht")
    admin = f"beheer-{key}@example.org"
    supervisor = f"begeleider-{key}@example.org"
    account_services.add_user(session, email=admin, name=f"Beheerder {key.upper()}", password=PASSWORD,
                              role="org_admin", actor="test", org=org)  # fmt: skip
    sup_user, _ = account_services.add_user(session, email=supervisor, name=f"Begeleider {key.upper()}",
                                            password=PASSWORD, role="supervisor", actor="test", org=org,
                                            shop=shop)  # fmt: skip
    person, _ = participant_services.add_participant(
        session, org=org, name=f"Deelnemer {key.upper()}", actor="test", shop=shop
    )
    other, _ = participant_services.add_participant(
        session, org=org, name=f"Tweede {key.upper()}", actor="test", shop=shop
    )

    def issue() -> str:
        cert = cert_services.issue_certificate(session, ctx, org=org, competence_code="CIRC-SORTEREN", level="2",
                                          actor="test", participant=person, evidence="Sorteert zelfstandig.",
                                          supervisor=sup_user, shop=shop)  # fmt: skip
        return cert.public_id

    data = OrgData(org.slug, org.name, admin, supervisor, person.id, other.id, issue())
    for purpose in spares:
        data.spare[purpose] = issue()
    if "lift" in data.spare:
        cert = cert_services.get_certificate(session, data.spare["lift"])
        cert_services.suspend(session, ctx, cert=cert, reason="Onderzoek", actor="test")
    return data


def build_world(app: Flask, *, spares: tuple[str, ...] = ()) -> World:
    """Fill the database; ``spares`` adds certificates of each organisation set aside for one
    route each ("revoke", "suspend", and "lift", which is suspended already)."""
    with app.app_context(), session_scope(runtime().sessions) as session:
        a = _make_org(session, "a", "Kringloop Alfa", spares=spares)
        b = _make_org(session, "b", "Kringloop Beta", spares=spares)
        account_services.add_user(session, email="sector@example.org", name="Sector Beheer", password=PASSWORD,
                          role="sector_admin", actor="test")  # fmt: skip
    return World(a=a, b=b, sector_admin="sector@example.org")


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient) -> str:
    """The CSRF token of the client's session (a login page visit creates one)."""
    with client.session_transaction() as sess:
        token = sess.get("csrf_token")
    if not token:
        page = client.get("/login")
        match = _CSRF_FIELD.search(page.get_data(as_text=True))
        assert match, "the login page has no CSRF field"
        token = match.group(1)
    assert isinstance(token, str)
    return token


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login form; fails the test when it does not work."""
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)


def post(client: FlaskClient, url: str, data: dict[str, str] | None = None) -> TestResponse:
    """POST a form with the session's CSRF token."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)})


def count_rows(app: Flask) -> dict[str, int]:
    """How many certificates, participants and audit events there are (to prove nothing changed)."""
    with app.app_context(), session_scope(runtime().sessions) as session:
        return {
            model.__tablename__: int(session.execute(select(func.count()).select_from(model)).scalar_one())
            for model in (Certificate, Participant, AuditEvent)
        }
