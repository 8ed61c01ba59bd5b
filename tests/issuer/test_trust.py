"""The sector's trust registry (issue 9, part A): membership as periods, the sector's own
key and DID document, the signed trust list, and the sector admin's pages.

Real databases (SQLite and PostgreSQL), real keys and signatures, the project's own
verifier; time is moved by replacing ``basics.now`` (every record's clock)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from credentials import proofs
from credentials.did import StaticDidResolver
from credentials.jsonld import default_document_loader
from credentials.proofs import add_proof
from credentials.verify import REGISTERED_ISSUER, verify_credential
from issuer.bulk import services as bulk
from issuer.certificates import services as cert_services
from issuer.core import basics, errors
from issuer.organisations import services as org_services
from issuer.runtime import runtime
from issuer.sector.trust import services as trust
from issuer.store.db import alembic_config, aware_utc, session_scope
from issuer.store.models import AuditEvent, Certificate, MembershipPeriod, Organisation
from tests.issuer.conftest import World, csrf_token, login, post
from verifier.documents import sector_did_document
from verifier.registry import DCC_REGISTRY_PATH, TRUST_LIST_PATH, TrustListError, TrustListRegistry, verify_trust_list
from verifier.service import verify_for_reader
from verifier.sql_records import periods_of

DAY = timedelta(days=1)


class Clock:
    """``basics.now`` for the test: a moment that the test moves on."""

    def __init__(self, start: datetime):
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    start = datetime.now(UTC).replace(microsecond=0) - 20 * DAY
    clock = Clock(start)
    monkeypatch.setattr(basics, "now", clock)
    monkeypatch.setattr(proofs, "utcnow", clock)  # the proofs' "created" too
    return clock


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    with app.app_context(), session_scope(runtime().sessions) as session:
        yield session


def _issue(session: Session, org: Organisation, holder: str) -> Certificate:
    return cert_services.issue_certificate(session, runtime().context, org=org, competence_code="CIRC-SORTEREN",
                                      level="2", actor="test", holder_name=holder)  # fmt: skip


def _signed_later(session: Session, cert: Certificate, moment: datetime) -> dict[str, Any]:
    """What someone holding the organisation's key could sign at ``moment`` (not in our records)."""
    document = json.loads(cert.credential_json)
    del document["proof"]
    document["id"] = document["id"][:-4] + "beef"
    key = org_services.load_signing_key(
        runtime().context, cert.organisation, org_services.current_key(session, cert.organisation)
    )
    return add_proof(document, key=key, document_loader=default_document_loader(), created=moment)


def _registered(session: Session, credential: dict[str, Any], now: datetime) -> tuple[str, str]:
    check = verify_for_reader(session, runtime().settings, credential, now=now).result.check(REGISTERED_ISSUER)
    return check.outcome.value, check.code


def _published_decision(
    session: Session, credential: dict[str, Any], org: Organisation, now: datetime
) -> tuple[str, str]:
    """The same question answered from the signed trust list only (no database)."""
    trust.ensure_sector_key(session, runtime().context, actor="test")
    published = json.loads(json.dumps(trust.sign_trust_list(session, runtime().context, now=now)))
    sector = sector_did_document(session, runtime().settings)
    verified = verify_trust_list(published, sector_did_document=sector, now=now)
    result = verify_credential(credential, resolver=StaticDidResolver([org_services.did_document(session, org)]),
                               trust_registry=TrustListRegistry(verified.members), now=now)  # fmt: skip
    check = result.check(REGISTERED_ISSUER)
    return check.outcome.value, check.code


def test_suspension_and_end_judge_each_signature_by_its_own_moment(app: Flask, clock: Clock, db: Session) -> None:
    ctx = runtime().context
    org, _ = org_services.create_organisation(db, ctx, slug="kringloop-periode", name="Kringloop Periode", actor="test")
    clock.moment += DAY
    before = _issue(db, org, "Sam de Vries")
    before_json = json.loads(before.credential_json)

    clock.moment += DAY
    trust.change_membership(db, org=org, action="suspend", reason="Keurmerk verlopen", actor="sector")
    with pytest.raises(errors.Forbidden) as refused:
        _issue(db, org, "Iemand Anders")
    assert refused.value.code == "org_not_active"
    clock.moment += DAY
    during = _signed_later(db, before, clock.moment)

    now = clock.moment + DAY
    assert _registered(db, before_json, now) == ("passed", "")
    assert _registered(db, during, now) == ("failed", "membership_suspended")
    assert _published_decision(db, before_json, org, now) == ("passed", "")
    assert _published_decision(db, during, org, now) == ("failed", "membership_suspended")

    clock.moment += DAY
    trust.change_membership(db, org=org, action="reinstate", reason="Keurmerk weer in orde", actor="sector")
    clock.moment += DAY
    after = _issue(db, org, "Sam de Vries")
    after_json = json.loads(after.credential_json)
    now = clock.moment + DAY
    # A lifted suspension is remembered: what was signed during it stays refused.
    assert _registered(db, during, now) == ("failed", "membership_suspended")
    assert _published_decision(db, during, org, now) == ("failed", "membership_suspended")
    assert _registered(db, after_json, now) == ("passed", "")

    clock.moment += DAY
    trust.change_membership(db, org=org, action="end", reason="Opgezegd", actor="sector")
    clock.moment += DAY
    after_end = _signed_later(db, after, clock.moment)
    now = clock.moment + DAY
    for issued in (before_json, after_json):
        assert _registered(db, issued, now) == ("passed", "")
        assert _published_decision(db, issued, org, now) == ("passed", "")
    assert _registered(db, after_end, now) == ("failed", "membership_ended")
    assert _published_decision(db, after_end, org, now) == ("failed", "membership_ended")
    assert _registered(db, during, now) == ("failed", "membership_suspended")

    statuses = [p.status for p in periods_of(db, org)]
    assert statuses == ["active", "suspended", "active", "ended"]
    actions = db.execute(select(AuditEvent.action).where(AuditEvent.organisation_id == org.id)).scalars().all()
    assert [a for a in actions if a.startswith("org.membership.")] == [
        "org.membership.suspend", "org.membership.reinstate", "org.membership.end"]  # fmt: skip


def test_the_verify_page_says_in_plain_words_why_a_signature_does_not_count(
    app: Flask, clock: Clock, world: World
) -> None:
    with app.app_context(), session_scope(runtime().sessions) as db:
        org = org_services.get_org(db, world.a.slug)
        cert = cert_services.get_certificate(db, world.a.certificate)
        clock.moment = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
        trust.change_membership(db, org=org, action="suspend", reason="Onderzoek", actor="sector")
        clock.moment += timedelta(minutes=10)
        forged = _signed_later(db, cert, clock.moment)
    client = app.test_client()
    for lang, sentence in (("nl", "was tijdelijk geen lid van de kringloopsector"),
                           ("en", "was temporarily not a member of the kringloop sector")):  # fmt: skip
        response = client.post(f"/verify?lang={lang}", data={"tekst": json.dumps(forged),
                                                              "csrf_token": csrf_token(client)})  # fmt: skip
        body = " ".join(response.get_data(as_text=True).split())
        assert sentence in body, body[:2000]


def test_a_running_bulk_job_stops_storing_when_the_membership_is_suspended(tmp_path: Any) -> None:
    from tests.support import make_settings, migrated_app

    app = migrated_app(make_settings(tmp_path, f"sqlite:///{tmp_path / 'bulk.db'}"))
    with app.app_context():
        rt = runtime()
        with session_scope(rt.sessions) as db:
            org_services.create_organisation(db, rt.context, slug="kringloop-bulk", name="Kringloop Bulk", actor="test")
        rows = bulk.parse_csv(("holder_name,competence,level\n" + "".join(
            f"Deelnemer {i},CIRC-SORTEREN,1\n" for i in range(bulk.BATCH + 20))).encode()).rows  # fmt: skip

        def progress(done: int, _total: int) -> None:
            if done >= bulk.BATCH:  # after the first batch was stored: the sector suspends
                with session_scope(rt.sessions) as db:
                    org = org_services.get_org(db, "kringloop-bulk")
                    if org.membership == "active":
                        trust.change_membership(db, org=org, action="suspend", reason="Test", actor="sector")

        with pytest.raises(errors.Forbidden) as stopped:
            bulk.issue_rows(rt, "kringloop-bulk", rows, actor="test", progress=progress, workers=0)
        assert stopped.value.code == "org_not_active"
        with session_scope(rt.sessions) as db:
            assert db.execute(select(func.count()).select_from(Certificate)).scalar_one() == bulk.BATCH
    rt.engine.dispose()


# --- the sector key, DID document and trust list ------------------------------------------------


def test_trust_list_verifies_and_any_tampering_breaks_its_signature(app: Flask, world: World, db: Session) -> None:
    ctx = runtime().context
    key, created = trust.ensure_sector_key(db, ctx, actor="test")
    assert created and trust.ensure_sector_key(db, ctx, actor="test") == (key, False)
    trust.change_membership(db, org=org_services.get_org(db, world.b.slug), action="suspend", reason="x", actor="s")
    signed = trust.sign_trust_list(db, ctx)
    sector = sector_did_document(db, runtime().settings)
    assert sector["id"] == "did:web:certificaten.test" == signed["issuer"]
    verified = verify_trust_list(signed, sector_did_document=sector)
    a, b = (org_services.get_org(db, s).did for s in (world.a.slug, world.b.slug))
    assert verified.members[a].current_status == "active"
    assert [p.status for p in verified.members[b].periods] == ["active", "suspended"]
    assert "Deelnemer" not in json.dumps(signed) and "@example.org" not in json.dumps(signed)

    def tampered(change: Any) -> dict[str, Any]:
        copied = copy.deepcopy(signed)
        change(copied["credentialSubject"]["members"])
        return copied

    for change in (
        lambda m: m[0].update(id=m[0]["id"] + "-nep"),
        lambda m: m[1]["membershipPeriods"][1].update(periodStart="2020-01-01T00:00:00Z"),
        lambda m: m[0].update(name="Kringloop Nep"),
        lambda m: m.pop(1),
    ):
        with pytest.raises(TrustListError) as broken:
            verify_trust_list(tampered(change), sector_did_document=sector)
        assert broken.value.code == "valid_signature:invalid_signature"
    # Another key than the sector's: refused, even with a good signature.
    other = org_services.did_document(db, org_services.get_org(db, world.a.slug))
    with pytest.raises(TrustListError):
        verify_trust_list(signed, sector_did_document=other)
    # After rotation the old list still verifies (the old key stays in the DID document).
    trust.rotate_sector_key(db, ctx, actor="test")
    sector = sector_did_document(db, runtime().settings)
    assert len(sector["verificationMethod"]) == 2
    verify_trust_list(signed, sector_did_document=sector)
    verify_trust_list(trust.sign_trust_list(db, ctx), sector_did_document=sector)


def test_the_public_documents_are_served_with_short_caching(app: Flask, world: World) -> None:
    with app.app_context(), session_scope(runtime().sessions) as db:
        trust.ensure_sector_key(db, runtime().context, actor="test")
        trust.change_membership(db, org=org_services.get_org(db, world.b.slug), action="end", reason="x", actor="s")
        a_did = org_services.get_org(db, world.a.slug).did
    client = app.test_client()
    did = client.get("/.well-known/did.json")
    assert did.status_code == 200 and did.json is not None and did.json["id"] == "did:web:certificaten.test"
    listed = client.get(TRUST_LIST_PATH)
    assert listed.status_code == 200 and "max-age=300" in listed.headers["Cache-Control"]
    verify_trust_list(json.loads(listed.get_data()), sector_did_document=did.json)
    registry = client.get(DCC_REGISTRY_PATH).json
    assert registry is not None and set(registry) == {"meta", "registry"}
    assert list(registry["registry"]) == [a_did]
    assert registry["registry"][a_did]["name"] == "Kringloop Alfa"
    assert registry["registry"][a_did]["location"] == "Utrecht, Nederland"


def test_migration_0004_backfills_the_periods_from_the_old_columns(app: Flask, world: World) -> None:
    engine = app.extensions["credentials"].engine
    since = datetime(2025, 1, 1, tzinfo=UTC)
    changed = datetime(2026, 6, 1, tzinfo=UTC)
    for revision in ("0003", "head"):
        with engine.begin() as connection:
            config = alembic_config(str(engine.url))
            config.attributes["connection"] = connection
            (command.downgrade if revision == "0003" else command.upgrade)(config, revision)
            if revision == "0003":
                connection.execute(text("UPDATE organisations SET member_since = :s"), {"s": since})
                connection.execute(text("UPDATE organisations SET membership = 'suspended', membership_changed_at = :c "
                                        "WHERE slug = :slug"), {"c": changed, "slug": world.b.slug})  # fmt: skip
    with app.app_context(), session_scope(runtime().sessions) as db:
        a, b = (org_services.get_org(db, s) for s in (world.a.slug, world.b.slug))
        assert a.quality_mark == b.quality_mark == "geen"
        periods = [(p.status, aware_utc(p.started_at), aware_utc(p.ended_at))
                   for p in periods_of(db, b)]  # fmt: skip
        assert periods == [("active", since, changed), ("suspended", changed, None)]
        assert [(p.status, p.ended_at) for p in periods_of(db, a)] == [("active", None)]


# --- the sector admin's pages -------------------------------------------------------------------


def _counts(app: Flask) -> tuple[int, int, int, tuple[str, ...]]:
    with app.app_context(), session_scope(runtime().sessions) as db:
        return (
            db.execute(select(func.count()).select_from(Organisation)).scalar_one(),
            db.execute(select(func.count()).select_from(MembershipPeriod)).scalar_one(),
            db.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
            tuple(db.execute(select(Organisation.membership).order_by(Organisation.slug)).scalars()),
        )


ADMIT = {"org_name": "Kringloop Gamma", "slug": "kringloop-gamma", "contact_email": "info@gamma.example",
         "contact_phone": "030 123 45 67", "website": "https://gamma.example", "quality_mark": "erkend"}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        ({"slug": "kringloop-a"}, "slug", (409, "Er is al een organisatie met deze korte naam.")),
        ({"org_name": "  "}, "org_name", (400, "Vul de naam van de organisatie in.")),
        ({"slug": "Kringloop Gamma"}, "slug", (400, "Gebruik voor de korte naam alleen kleine letters")),
        ({"website": "gamma.example"}, "website", (400, "begint met https:// of http://")),
        ({"quality_mark": "super"}, "quality_mark", (400, "Kies een keurmerk uit de lijst.")),
        ({"contact_email": "geen-adres"}, "contact_email", (400, "Dit is geen goed e-mailadres")),
    ],
)  # fmt: skip
def test_admitting_with_bad_input_says_what_is_wrong_and_changes_nothing(
    app: Flask, world: World, change: dict[str, str], field: str, expected: tuple[int, str]
) -> None:
    status, message = expected
    client = app.test_client()
    login(client, world.sector_admin)
    before = _counts(app)
    response = post(client, "/sector/organisaties/nieuw", {**ADMIT, **change})
    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert f'id="f-{field}-error"' in body and f'aria-describedby="f-{field}' in body
    assert message in " ".join(body.split()) or message.lower() in body.lower()
    assert _counts(app) == before


def test_admit_suspend_reinstate_and_end_through_the_pages(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.sector_admin)
    response = post(client, "/sector/organisaties/nieuw", ADMIT)
    assert response.status_code == 302 and response.headers["Location"] == "/sector/organisaties/kringloop-gamma"
    with app.app_context(), session_scope(runtime().sessions) as db:
        gamma = org_services.get_org(db, "kringloop-gamma")
        assert (gamma.quality_mark, gamma.membership) == ("erkend", "active")
        assert gamma.did == "did:web:certificaten.test:orgs:kringloop-gamma"
        assert len(org_services.org_keys(db, gamma)) == 1
    page = client.get("/sector/organisaties/kringloop-gamma").get_data(as_text=True)
    assert "Erkend" in page and "Lidmaatschap schorsen" in page and "key-" in page

    url = "/sector/organisaties/kringloop-gamma"
    before = _counts(app)
    for data, field in (({"confirm_membership": "yes"}, "reason"), ({"reason": "Onderzoek"}, "confirm_membership")):
        refused = post(client, f"{url}/schorsen", data)
        assert refused.status_code == 400
        assert f'id="f-{field}-suspend-error"' in refused.get_data(as_text=True)
    assert post(client, f"{url}/herstellen", {"reason": "x", "confirm_membership": "yes"}).status_code == 409
    assert client.get("/sector/organisaties/bestaat-niet").status_code == 404
    assert post(client, "/sector/organisaties/bestaat-niet/schorsen",
                {"reason": "x", "confirm_membership": "yes"}).status_code == 404  # fmt: skip
    assert _counts(app) == before

    for path, state in (("schorsen", "suspended"), ("herstellen", "active"), ("beeindigen", "ended")):
        done = post(client, f"{url}/{path}", {"reason": "Besluit bestuur", "confirm_membership": "yes"})
        assert done.status_code == 302
        with app.app_context(), session_scope(runtime().sessions) as db:
            assert org_services.get_org(db, "kringloop-gamma").membership == state
    history = client.get(f"{url}?lang=en").get_data(as_text=True)
    assert history.count("Besluit bestuur") == 3 and "Reinstate the membership" in history
    assert post(client, f"{url}/keurmerk", {"quality_mark": "in_aanvraag"}).status_code == 302
    # Organisation staff and anonymous visitors get nowhere.
    staff = app.test_client()
    login(staff, world.a.admin)
    assert post(staff, f"{url}/herstellen", {"reason": "x", "confirm_membership": "yes"}).status_code == 403


def test_a_verifier_alone_serves_the_trust_list_the_full_service_published(app: Flask, world: World) -> None:
    from verifier.app import create_verifier_app

    verifier = create_verifier_app({"TESTING": True}, settings=runtime_settings(app))
    try:
        alone = verifier.test_client()
        assert alone.get(TRUST_LIST_PATH).status_code == 404  # nothing published yet
        with app.app_context(), session_scope(runtime().sessions) as db:
            trust.ensure_sector_key(db, runtime().context, actor="test")
        signed = app.test_client().get(TRUST_LIST_PATH)
        assert signed.status_code == 200
        served = alone.get(TRUST_LIST_PATH)
        assert served.status_code == 200 and json.loads(served.get_data()) == json.loads(signed.get_data())
        sector = alone.get("/.well-known/did.json").json
        assert sector is not None and sector["verificationMethod"]
        assert verify_trust_list(json.loads(served.get_data()), sector_did_document=sector).members
        # The full service stores a list once per signing, not once per request.
        with app.app_context(), session_scope(runtime().sessions) as db:
            before = db.execute(text("SELECT published_at FROM published_documents")).scalar_one()
        assert app.test_client().get(TRUST_LIST_PATH).get_data() == signed.get_data()
        with app.app_context(), session_scope(runtime().sessions) as db:
            assert db.execute(text("SELECT published_at FROM published_documents")).scalar_one() == before
            db.execute(text("UPDATE published_documents SET valid_until = :past"),
                       {"past": datetime(2020, 1, 1)})  # fmt: skip
        assert alone.get(TRUST_LIST_PATH).status_code == 503  # expired: the full service must publish again
    finally:
        verifier.extensions["verifier"].sessions.kw["bind"].dispose()


def runtime_settings(app: Flask) -> Any:
    return app.extensions["credentials"].settings
