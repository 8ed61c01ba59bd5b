"""The holder's portfolio: opened with the personal code, on SQLite and PostgreSQL.

What a holder can do (downloads, the public page switch, their data, erasure), and what
nobody can: reach another holder's certificates, learn which codes exist, or guess on.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from credentials.pdf import extract_credentials
from issuer.certificates import services as cert_services
from issuer.organisations import services as org_services
from issuer.participants import services as participant_services
from issuer.runtime import runtime
from issuer.store.db import session_scope
from issuer.store.models import AuditEvent, Certificate, Participant
from tests.issuer.conftest import World, count_rows, csrf_token, login, post
from verifier.service import verify_for_reader


@dataclass
class Holder:
    id: int
    name: str
    code: str
    certificates: list[str]


def _holder(app: Flask, world: World, name: str, competences: tuple[str, ...], *, org: str = "a") -> Holder:
    slug = world.a.slug if org == "a" else world.b.slug
    with app.app_context(), session_scope(runtime().sessions) as session:
        organisation = org_services.get_org(session, slug)
        person, code = participant_services.add_participant(session, org=organisation, name=name, actor="test")
        issued = [
            cert_services.issue_certificate(
                session, runtime().context, org=organisation, competence_code=competence, level="2",
                actor="test", participant=person, evidence=f"{name} deed het goed.",
            ).public_id
            for competence in competences
        ]  # fmt: skip
        return Holder(person.id, name, code, issued)


@pytest.fixture
def holders(app: Flask, world: World) -> tuple[Holder, Holder]:
    first = _holder(app, world, "Nguyễn Thị Ánh", ("CIRC-SORTEREN", "CIRC-INNAME", "DIG-KASSA"))
    second = _holder(app, world, "Ilić Ødegård", ("CIRC-SORTEREN",), org="b")
    return first, second


def open_portfolio(client: FlaskClient, code: str) -> None:
    response = post(client, "/portfolio", {"code": code})
    assert response.status_code == 302, response.get_data(as_text=True)


def body(response: object) -> str:
    return " ".join(response.get_data(as_text=True).split())  # type: ignore[attr-defined]


def test_the_code_opens_the_holders_own_certificates(app: Flask, holders: tuple[Holder, Holder]) -> None:
    first, second = holders
    client = app.test_client()
    assert "Persoonlijke code" in body(client.get("/portfolio"))
    # Typed the way people type: lower case, spaces instead of dashes.
    open_portfolio(client, first.code.lower().replace("-", " "))
    page = body(client.get("/portfolio"))
    assert f"Certificaten van {first.name}" in page
    for public_id in first.certificates:
        assert f"/portfolio/certificaat/{public_id}.pdf" in page
    assert second.certificates[0] not in page and second.name not in page


def test_wrong_unknown_and_erased_codes_get_one_and_the_same_answer(
    app: Flask, world: World, holders: tuple[Holder, Holder]
) -> None:
    first, second = holders
    with app.app_context(), session_scope(runtime().sessions) as session:
        participant_services.erase_participant(session, participant=session.get(Participant, second.id), actor="test")
    answers = set()
    near_miss = first.code[:-1] + ("Z" if first.code[-1] != "Z" else "Y")  # one character off
    for code in ("AAAA-BBBB-CCCC-DDDD", near_miss, second.code, "x" * 200, "' OR 1=1 --"):
        client = app.test_client()
        response = post(client, "/portfolio", {"code": code})
        assert response.status_code == 400
        answers.add(re.sub(r'value="[^"]+"', "", response.get_data(as_text=True)))  # minus the CSRF token
        assert "Certificaten van" not in body(client.get("/portfolio"))
    assert len(answers) == 1
    assert "Deze code klopt niet" in answers.pop()


def test_code_attempts_are_rate_limited_even_for_the_right_code(app: Flask, holders: tuple[Holder, Holder]) -> None:
    first, _ = holders
    client = app.test_client()
    for _ in range(10):
        assert post(client, "/portfolio", {"code": "AAAA-BBBB-CCCC-DDDD"}).status_code == 400
    limited = post(client, "/portfolio", {"code": first.code})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert "Certificaten van" not in body(client.get("/portfolio"))


def test_a_holder_never_reaches_another_holders_certificates(app: Flask, holders: tuple[Holder, Holder]) -> None:
    first, second = holders
    client = app.test_client()
    open_portfolio(client, first.code)
    theirs = second.certificates[0]
    for url in (f"/portfolio/certificaat/{theirs}.pdf", f"/portfolio/certificaat/{theirs}.json"):
        response = client.get(url)
        assert response.status_code == 404 and response.mimetype == "text/html"
        assert second.name not in response.get_data(as_text=True)
    before = count_rows(app)
    assert post(client, f"/portfolio/certificaat/{theirs}/openbaar", {"shown": "0"}).status_code == 404
    assert count_rows(app) == before
    with app.app_context(), session_scope(runtime().sessions) as session:
        assert cert_services.get_certificate(session, theirs).public_page is True


def test_pages_without_a_portfolio_session_lead_to_the_code_form(app: Flask, holders: tuple[Holder, Holder]) -> None:
    first, _ = holders
    client = app.test_client()
    own = first.certificates[0]
    for url in (f"/portfolio/certificaat/{own}.pdf", "/portfolio/portfolio.pdf", "/portfolio/certificaten.zip",
                "/portfolio/mijn-gegevens.json", "/portfolio/wissen"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/portfolio", url


def test_a_staff_login_opens_no_portfolio(app: Flask, world: World, holders: tuple[Holder, Holder]) -> None:
    first, _ = holders
    client = app.test_client()
    login(client, world.a.supervisor)
    assert client.get(f"/portfolio/certificaat/{first.certificates[0]}.json").status_code == 302
    # And opening a portfolio ends the staff session in that browser.
    open_portfolio(client, first.code)
    assert client.get("/deelnemers").status_code == 302


def test_a_new_code_ends_sessions_opened_with_the_old_one(
    app: Flask, world: World, holders: tuple[Holder, Holder]
) -> None:
    first, _ = holders
    client = app.test_client()
    open_portfolio(client, first.code)
    assert client.get("/portfolio/mijn-gegevens.json").status_code == 200
    staff = app.test_client()
    login(staff, world.a.supervisor)
    assert post(staff, f"/deelnemers/{first.id}/nieuwe-code").status_code == 302
    response = client.get("/portfolio/mijn-gegevens.json")
    assert response.status_code == 302 and response.headers["Location"] == "/portfolio"
    assert post(app.test_client(), "/portfolio", {"code": first.code}).status_code == 400


def test_downloads_are_the_stored_certificates(app: Flask, holders: tuple[Holder, Holder]) -> None:
    first, _ = holders
    client = app.test_client()
    open_portfolio(client, first.code)
    public_id = first.certificates[0]
    with app.app_context(), session_scope(runtime().sessions) as session:
        stored = {c.public_id: c.credential_json.encode() for c in session.execute(select(Certificate)).scalars()}
    as_json = client.get(f"/portfolio/certificaat/{public_id}.json")
    assert as_json.status_code == 200 and as_json.data == stored[public_id]
    assert "attachment" in as_json.headers["Content-Disposition"]
    assert as_json.headers["Cache-Control"] == "no-store"
    as_pdf = client.get(f"/portfolio/certificaat/{public_id}.pdf")
    assert as_pdf.mimetype == "application/pdf" and extract_credentials(as_pdf.data) == [stored[public_id]]
    assert client.get(f"/portfolio/certificaat/{public_id}.pdf").data == as_pdf.data  # deterministic

    portfolio = client.get("/portfolio/portfolio.pdf")
    assert sorted(extract_credentials(portfolio.data)) == sorted(stored[p] for p in first.certificates)

    archive = zipfile.ZipFile(io.BytesIO(client.get("/portfolio/certificaten.zip").data))
    names = archive.namelist()
    assert names[:2] == ["LEESMIJ-README.txt", "portfolio.pdf"]
    assert len([n for n in names if n.endswith(".json")]) == len([n for n in names if n.endswith(".pdf")]) - 1 == 3
    readme = archive.read("LEESMIJ-README.txt").decode()
    assert "Zo controleert u als werkgever" in readme and "How an employer checks" in readme
    for name in names:
        if name.endswith(".json"):
            assert archive.read(name) in stored.values()
    assert client.get("/portfolio/certificaten.zip").data == archive.fp.getvalue()  # type: ignore[union-attr]


def test_revoked_certificates_are_listed_but_left_out_of_the_bundles(
    app: Flask, holders: tuple[Holder, Holder]
) -> None:
    first, _ = holders
    revoked = first.certificates[1]
    with app.app_context(), session_scope(runtime().sessions) as session:
        cert = cert_services.get_certificate(session, revoked)
        cert_services.revoke(session, runtime().context, cert=cert, reason="Verkeerd niveau", actor="test")
    client = app.test_client()
    open_portfolio(client, first.code)
    page = body(client.get("/portfolio"))
    assert "Dit certificaat is ingetrokken" in page
    assert f"/portfolio/certificaat/{revoked}.pdf" not in page
    embedded = extract_credentials(client.get("/portfolio/portfolio.pdf").data)
    assert len(embedded) == 2 and all(revoked not in e.decode() for e in embedded)


def test_the_public_page_switch(app: Flask, holders: tuple[Holder, Holder]) -> None:
    first, _ = holders
    client = app.test_client()
    open_portfolio(client, first.code)
    public_id = first.certificates[0]
    reader = app.test_client()
    assert 'data-verification-status="valid"' in reader.get(f"/c/{public_id}").get_data(as_text=True)
    assert post(client, f"/portfolio/certificaat/{public_id}/openbaar", {"shown": "0"}).status_code == 302
    hidden = reader.get(f"/c/{public_id}")
    assert hidden.status_code == 404 and 'data-verification-status="withdrawn"' in hidden.get_data(as_text=True)
    assert first.name not in hidden.get_data(as_text=True)
    assert post(client, f"/portfolio/certificaat/{public_id}/openbaar", {"shown": "1"}).status_code == 302
    assert 'data-verification-status="valid"' in reader.get(f"/c/{public_id}").get_data(as_text=True)
    with app.app_context(), session_scope(runtime().sessions) as session:
        actions = session.execute(
            select(AuditEvent.action).where(AuditEvent.subject == public_id).order_by(AuditEvent.sequence)
        ).scalars().all()  # fmt: skip
    assert actions[-2:] == ["certificate.public_page_off", "certificate.public_page_on"]


def test_the_holder_downloads_all_their_data(app: Flask, holders: tuple[Holder, Holder]) -> None:
    first, second = holders
    client = app.test_client()
    open_portfolio(client, first.code)
    response = client.get("/portfolio/mijn-gegevens.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["person"]["name"] == first.name and data["person"]["organisation"] == "Kringloop Alfa"
    assert [c["public_id"] for c in data["certificates"]] == first.certificates
    assert all(c["credential"]["credentialSubject"]["identifier"][0]["identityHash"] == first.name
               for c in data["certificates"])  # fmt: skip
    assert {"participant.create", "certificate.issue"} <= {e["action"] for e in data["events"]}
    text = response.data.decode()
    assert second.name not in text and second.certificates[0] not in text
    assert first.code not in text  # only a one-way hash is stored, and not exported either


def test_erasure_by_the_holder(app: Flask, holders: tuple[Holder, Holder]) -> None:
    first, _ = holders
    client = app.test_client()
    open_portfolio(client, first.code)
    pdf = client.get(f"/portfolio/certificaat/{first.certificates[0]}.pdf").data
    held = [json.loads(client.get(f"/portfolio/certificaat/{p}.json").data) for p in first.certificates]
    before = count_rows(app)
    refused = post(client, "/portfolio/wissen", {})
    assert refused.status_code == 400 and "Zet een vinkje" in body(refused)
    assert count_rows(app) == before
    done = post(client, "/portfolio/wissen", {"confirm": "yes"})
    assert done.status_code == 200 and "Je gegevens zijn gewist" in body(done)
    _assert_erased(app, first, held, pdf)
    assert client.get("/portfolio/mijn-gegevens.json").status_code == 302  # the session ended


def test_erasure_by_the_supervisor_on_the_holders_behalf(
    app: Flask, world: World, holders: tuple[Holder, Holder]
) -> None:
    first, _ = holders
    staff = app.test_client()
    login(staff, world.a.supervisor)
    page = staff.get(f"/deelnemers/{first.id}").get_data(as_text=True)
    assert re.search(rf"<title>Deelnemer: {first.name} \u2013 [^<]+</title>", page)
    data = json.loads(staff.get(f"/deelnemers/{first.id}/gegevens.json").data)
    assert data["person"]["name"] == first.name
    held = [c["credential"] for c in data["certificates"]]
    assert post(staff, f"/deelnemers/{first.id}/wissen", {}).status_code == 400
    assert post(staff, f"/deelnemers/{first.id}/wissen", {"confirm": "yes"}).status_code == 302
    _assert_erased(app, first, held, None)
    assert staff.get(f"/deelnemers/{first.id}").status_code == 404
    for suffix in (".pdf", ".json"):
        assert staff.get(f"/certificaten/{first.certificates[0]}{suffix}").status_code == 404
    assert first.name not in staff.get("/certificaten").get_data(as_text=True)


def _assert_erased(app: Flask, holder: Holder, held: list[dict[str, object]], pdf: bytes | None) -> None:
    with app.app_context(), session_scope(runtime().sessions) as session:
        person = session.get(Participant, holder.id)
        assert person is not None and person.erased_at is not None
        assert person.name is None and person.email is None and person.access_code_digest is None
        certificates = session.execute(select(Certificate).where(Certificate.participant_id == holder.id)).scalars()
        for cert in certificates:
            assert holder.name not in cert.credential_json and "deed het goed" not in cert.credential_json
            assert cert.public_page is False
        # The files the holder kept still verify: signature, status list, our record.
        for credential in held:
            outcome = verify_for_reader(session, runtime().settings, credential)
            assert outcome.verdict == "valid", outcome.result.to_json()
            assert outcome.certificate is not None
    reader = app.test_client()
    for public_id in holder.certificates:
        page = reader.get(f"/c/{public_id}")
        assert page.status_code == 404 and 'data-verification-status="withdrawn"' in page.get_data(as_text=True)
    if pdf is not None:
        response = reader.post(
            "/verify",
            data={"bestand": (io.BytesIO(pdf), "certificaat.pdf"), "csrf_token": csrf_token(reader)},
            content_type="multipart/form-data",
        )
        assert 'data-verification-status="valid"' in response.get_data(as_text=True)
    assert post(app.test_client(), "/portfolio", {"code": holder.code}).status_code == 400
