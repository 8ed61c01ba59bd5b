"""The integration API (/api/v1) and the organisation admin's token pages.

What it proves: a token sees only its own organisation (another's certificate is 404,
exactly like a missing one) and cannot issue for another; revoked, missing and garbled
tokens get 401 and a token without the scope 403; each call works and its result
verifies; issuing is idempotent by external_ref; a bulk call with one bad item issues
nothing and a repeated bulk call issues nothing twice; paging; the PDF carries the
stored credential; bad bodies get problem details, never HTML; tokens are shown once
and stored only as a hash; the OpenAPI document describes it all.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from credentials.pdf import extract_credentials
from issuer.app import create_app
from issuer.certificates import services as cert_services
from issuer.core import audit_log
from issuer.organisations import services as org_services
from issuer.organisations import tokens
from issuer.participants import services as participant_services
from issuer.runtime import runtime
from issuer.store.db import session_scope
from issuer.store.models import ApiToken, AuditEvent, Base, Certificate, Organisation
from issuer.webkit.pages import today_local
from tests.issuer.conftest import World, count_rows, csrf_token, login
from tests.issuer.test_web import page, text_of
from tests.support import make_settings

TOKEN = re.compile(r"(?<![\w-])kc_[\w-]{40}(?![\w-])", re.ASCII)  # may end in "-": no \b
ISSUE = {"holder_name": "Sam de Vries", "competence": "CIRC-SORTEREN", "level": "2",
         "evidence": "Sorteert de kleding zelfstandig."}  # fmt: skip


def make_token(app: Flask, slug: str, scopes: tuple[str, ...] = ("issue", "revoke")) -> str:
    with app.app_context(), session_scope(runtime().sessions) as db:
        _, plaintext = tokens.create_token(db, org_services.get_org(db, slug), "Koppeling", scopes, actor="test")
    return plaintext


@dataclass
class Api:
    """A client that sends one organisation's token."""

    client: FlaskClient
    token: str

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, url: str) -> TestResponse:
        return self.client.get(url, headers=self.headers())

    def post(self, url: str, body: Any = None) -> TestResponse:
        return self.client.post(url, json=body, headers=self.headers())


@pytest.fixture
def api(app: Flask, world: World) -> Api:
    return Api(app.test_client(), make_token(app, world.a.slug))


def problem(response: TestResponse, status: int, code: str | None = None) -> dict[str, Any]:
    """The problem-details body, after checking the status, media type and members."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert {"type", "title", "status", "detail"} <= body.keys() and body["status"] == status
    if code is not None:
        assert body["type"].endswith("/" + code), body
    return body


def errors(body: dict[str, Any]) -> set[tuple[Any, ...]]:
    """(item, field, code) of each error (item None outside bulk calls); every one explains itself."""
    assert all(e["detail"] for e in body["errors"])
    return {(e.get("item"), e["field"], e["code"]) for e in body["errors"]}


def stored(app: Flask, public_id: str) -> Certificate:
    with app.app_context(), session_scope(runtime().sessions) as db:
        cert = cert_services.get_certificate(db, public_id)
        cert.organisation.slug  # load what the tests read  # noqa: B018
        return cert


# --- authentication, scopes, organisations --------------------------------------------------


GARBLED = [None, "", "Bearer", "Bearer ", "Basic a2M6eA==", "Token kc_x", "Bearer kc_short", "Bearer kc_" + "A" * 40,
           "Bearer " + "x" * 5000, "bearer kc_" + "é" * 40]  # fmt: skip


def test_missing_or_garbled_authorization_is_401(app: Flask, world: World) -> None:
    client = app.test_client()
    before = count_rows(app)
    for header in GARBLED:
        headers = {"Authorization": header} if header is not None else {}
        for response in (client.get("/api/v1/certificates", headers=headers),
                         client.post("/api/v1/certificates", json=ISSUE, headers=headers)):  # fmt: skip
            problem(response, 401)
            assert response.headers["WWW-Authenticate"].startswith("Bearer"), header
    assert count_rows(app) == before


def test_a_revoked_token_is_refused(app: Flask, world: World, api: Api) -> None:
    assert api.get("/api/v1/certificates").status_code == 200
    with app.app_context(), session_scope(runtime().sessions) as db:
        org = org_services.get_org(db, world.a.slug)
        token_id = db.execute(select(ApiToken.id).where(ApiToken.organisation_id == org.id)).scalar_one()
        tokens.revoke_token(db, org, token_id, actor="test")
    response = api.get("/api/v1/certificates")
    problem(response, 401, "invalid_token")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    problem(api.post("/api/v1/certificates", ISSUE), 401)


def test_scopes_are_enforced(app: Flask, world: World) -> None:
    client = app.test_client()
    issue_only = Api(client, make_token(app, world.a.slug, ("issue",)))
    revoke_only = Api(client, make_token(app, world.a.slug, ("revoke",)))
    before = count_rows(app)
    for action in ("revoke", "suspend", "lift"):
        response = issue_only.post(f"/api/v1/certificates/{world.a.certificate}/{action}", {"reason": "Fout"})
        problem(response, 403, "insufficient_scope")
        assert 'scope="revoke"' in response.headers["WWW-Authenticate"]
    problem(revoke_only.post("/api/v1/certificates", ISSUE), 403, "insufficient_scope")
    problem(revoke_only.post("/api/v1/certificates/bulk", [ISSUE]), 403, "insufficient_scope")
    problem(revoke_only.post("/api/v1/participants", {"name": "Piet"}), 403, "insufficient_scope")
    assert count_rows(app) == before
    for reader in (issue_only, revoke_only):  # reading needs no particular scope
        assert reader.get("/api/v1/certificates").status_code == 200
        assert reader.get(f"/api/v1/certificates/{world.a.certificate}").status_code == 200


def test_another_organisations_certificates_are_not_found(app: Flask, world: World, api: Api) -> None:
    missing = problem(api.get("/api/v1/certificates/bestaat-niet-1234567890"), 404)
    before = count_rows(app)
    for url in (f"/api/v1/certificates/{world.b.certificate}", f"/api/v1/certificates/{world.b.certificate}.pdf"):
        assert problem(api.get(url), 404) == missing  # the same answer: nothing tells that it exists
    for action in ("revoke", "suspend"):
        response = api.post(f"/api/v1/certificates/{world.b.certificate}/{action}", {"reason": "Fout"})
        assert problem(response, 404) == missing
    assert stored(app, world.b.certificate).revoked_at is None
    assert stored(app, world.b.certificate).suspended_at is None
    listed = api.get("/api/v1/certificates?per_page=100").get_json()
    assert world.b.certificate not in {item["public_id"] for item in listed["items"]}
    assert count_rows(app) == before


def test_a_token_cannot_issue_for_another_organisation(app: Flask, world: World, api: Api) -> None:
    before = count_rows(app)
    body = problem(api.post("/api/v1/certificates", {**ISSUE, "holder_name": None,
                                                       "participant_id": world.b.participant_id}), 422)  # fmt: skip
    assert errors(body) == {(None, "participant_id", "unknown_participant")}
    assert count_rows(app) == before
    cert = stored(app, api.post("/api/v1/certificates", ISSUE).get_json()["public_id"])
    assert cert.organisation.slug == world.a.slug
    assert json.loads(cert.credential_json)["issuer"]["id"] == cert.organisation.did


def test_an_organisation_that_is_not_an_active_member_may_not_issue(app: Flask, world: World, api: Api) -> None:
    with app.app_context(), session_scope(runtime().sessions) as db:
        org_services.get_org(db, world.a.slug).membership = "suspended"
    before = count_rows(app)
    problem(api.post("/api/v1/certificates", ISSUE), 403, "org_not_active")
    problem(api.post("/api/v1/certificates/bulk", [ISSUE]), 403, "org_not_active")
    assert count_rows(app) == before
    assert api.get("/api/v1/certificates").status_code == 200  # reading still works


def test_each_token_has_its_own_rate_limit(app: Flask, world: World) -> None:
    app.config["API_V1_PER_MINUTE"] = 3
    client = app.test_client()
    first, second = Api(client, make_token(app, world.a.slug)), Api(client, make_token(app, world.a.slug))
    assert [first.get("/api/v1/certificates").status_code for _ in range(3)] == [200, 200, 200]
    response = first.get("/api/v1/certificates")
    problem(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert second.get("/api/v1/certificates").status_code == 200


# --- issuing ------------------------------------------------------------------------------------


def test_issue_one_certificate_that_verifies(app: Flask, world: World, api: Api) -> None:
    day = (today_local() - timedelta(days=30)).isoformat()
    response = api.post("/api/v1/certificates", {**ISSUE, "level": 2, "issued_on": day})
    assert response.status_code == 201, response.get_data(as_text=True)
    data = response.get_json()
    assert data["already_issued"] is False and data["status"] == "valid"
    assert data["holder_name"] == "Sam de Vries" and data["competence"] == "CIRC-SORTEREN" and data["level"] == "2"
    assert data["valid_from"].startswith(day)
    assert response.headers["Location"] == data["links"]["self"]
    assert data["verify_url"].endswith("/c/" + data["public_id"])
    assert data["links"]["pdf"] == data["links"]["self"] + ".pdf"
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){2}", data["short_code"])
    cert = stored(app, data["public_id"])
    assert data["credential"] == json.loads(cert.credential_json)
    verdict = app.test_client().post("/credentials/verify", json={"verifiableCredential": data["credential"]})
    assert verdict.get_json()["verified"] is True, verdict.get_json()
    with app.app_context(), session_scope(runtime().sessions) as db:
        event = db.execute(select(AuditEvent).where(AuditEvent.subject == data["public_id"])).scalar_one()
        assert event.action == "certificate.issue" and event.actor.startswith("api-token:kc_")
        assert api.token not in json.dumps(event.details) and api.token not in event.actor


def test_crlf_in_the_evidence_is_signed_as_lf_and_a_control_character_is_pointed_at(
    app: Flask, world: World, api: Api
) -> None:
    response = api.post("/api/v1/certificates", {**ISSUE, "evidence": "Regel een.\r\nRegel twee.\rRegel drie."})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["credential"]["evidence"][0]["narrative"] == "Regel een.\nRegel twee.\nRegel drie."
    body = problem(api.post("/api/v1/certificates", {**ISSUE, "evidence": "Regel\u0007 een."}), 422)
    assert body["errors"][0]["detail"].startswith("evidence contains a control character (U+0007) at position 6")


def test_issue_for_a_participant_made_through_the_api(app: Flask, world: World, api: Api) -> None:
    response = api.post("/api/v1/participants", {"name": "Nguyễn Thị Lan", "email": "lan@example.org",
                                                 "shop": "Winkel A"})  # fmt: skip
    assert response.status_code == 201, response.get_data(as_text=True)
    person = response.get_json()
    assert person["shop"]["name"] == "Winkel A" and person["portfolio_url"].endswith("/portfolio")
    with app.app_context(), session_scope(runtime().sessions) as db:
        found = participant_services.participant_by_code(db, person["access_code"])
        assert found is not None and found.id == person["id"] and found.name == "Nguyễn Thị Lan"
    response = api.post("/api/v1/certificates", {"participant_id": person["id"], "competence": "DIG-KASSA",
                                                 "level": "1"})  # fmt: skip
    assert response.status_code == 201, response.get_data(as_text=True)
    data = response.get_json()
    assert data["participant_id"] == person["id"] and data["holder_name"] == "Nguyễn Thị Lan"
    assert stored(app, data["public_id"]).shop_id == person["shop"]["id"]


def test_participant_input_is_refused_field_by_field(app: Flask, world: World, api: Api) -> None:
    before = count_rows(app)
    body = problem(api.post("/api/v1/participants", {"name": " ", "email": "geen-adres", "shop": "Winkel B",
                                                     "phone": "06"}), 422)  # fmt: skip
    assert errors(body) == {(None, "name", "required"), (None, "email", "bad_email"),
                            (None, "shop", "unknown_shop"), (None, "phone", "unknown_field")}  # fmt: skip
    assert "Winkel A" in next(e["detail"] for e in body["errors"] if e["field"] == "shop")  # says what to use
    assert errors(problem(api.post("/api/v1/participants", ["Piet"]), 422)) == {(None, None, "not_an_object")}
    assert count_rows(app) == before


def test_issuing_is_idempotent_by_external_ref(app: Flask, world: World, api: Api) -> None:
    before = count_rows(app)["certificates"]
    first = api.post("/api/v1/certificates", {**ISSUE, "external_ref": "HR-2026-0001"})
    assert first.status_code == 201
    again = api.post("/api/v1/certificates", {**ISSUE, "external_ref": " HR-2026-0001 "})
    assert again.status_code == 200
    assert again.get_json()["already_issued"] is True
    assert again.get_json()["public_id"] == first.get_json()["public_id"]
    assert again.get_json()["credential"] == first.get_json()["credential"]
    assert count_rows(app)["certificates"] == before + 1
    # A bulk call with the same reference recognises it too (nothing is issued twice).
    outcome = api.post("/api/v1/certificates/bulk", [{**ISSUE, "external_ref": "HR-2026-0001"}]).get_json()
    assert outcome["issued"] == [] and [s["public_id"] for s in outcome["skipped"]] == [first.get_json()["public_id"]]
    assert count_rows(app)["certificates"] == before + 1


def test_issue_input_is_refused_with_every_problem_at_once(app: Flask, world: World, api: Api) -> None:
    before = count_rows(app)
    tomorrow = (today_local() + timedelta(days=1)).isoformat()
    body = problem(api.post("/api/v1/certificates", {"holder_name": "", "competence": "SORTEREN", "level": 5,
                                                     "issued_on": "14-03-2026", "colour": "rood"}), 422)  # fmt: skip
    assert errors(body) == {
        (None, "holder_name", "required"), (None, "competence", "unknown_competence"), (None, "level", "bad_level"),
        (None, "issued_on", "bad_date"), (None, "colour", "unknown_field"),
    }  # fmt: skip
    cases: list[tuple[dict[str, Any], set[tuple[Any, ...]]]] = [
        ({}, {(None, "holder_name", "required"), (None, "competence", "required"), (None, "level", "required")}),
        ({**ISSUE, "issued_on": tomorrow}, {(None, "issued_on", "future_date")}),
        ({**ISSUE, "participant_id": world.a.participant_id}, {(None, "participant_id", "conflict")}),
        ({**ISSUE, "level": True, "evidence": 7}, {(None, "level", "type"), (None, "evidence", "type")}),
        ({**ISSUE, "evidence": "x" * 2001}, {(None, "evidence", "too_long")}),
        ({**ISSUE, "holder_name": "Sam\x00"}, {(None, "holder_name", "control_chars")}),
    ]
    for sent, expected in cases:
        assert errors(problem(api.post("/api/v1/certificates", sent), 422)) == expected, sent
    assert count_rows(app) == before


# --- bulk ------------------------------------------------------------------------------------


def cohort(size: int, ref: str = "") -> list[dict[str, Any]]:
    return [{"holder_name": f"Deelnemer {n}", "competence": "CIRC-SORTEREN", "level": str(1 + n % 3),
             **({"external_ref": f"{ref}{n}"} if ref else {})} for n in range(size)]  # fmt: skip


def test_bulk_with_one_bad_item_issues_nothing(app: Flask, world: World, api: Api) -> None:
    items = cohort(4)
    items[1]["level"] = "7"
    items[3] = {**items[3], "competence": "CIRC-SORTEREM", "issued_on": "2026-02-30", "shoe_size": 42}
    before = count_rows(app)
    body = problem(api.post("/api/v1/certificates/bulk", items), 422)
    assert errors(body) == {(1, "level", "bad_level"), (3, "competence", "unknown_competence"),
                            (3, "issued_on", "bad_date"), (3, "shoe_size", "unknown_field")}  # fmt: skip
    body = problem(api.post("/api/v1/certificates/bulk", [*cohort(2), {**items[3], "shoe_size": None}]), 422)
    found = errors(body)
    assert (2, "competence", "unknown_competence") in found and (2, "issued_on", "bad_date") in found
    assert "Nothing was issued" in body["detail"]
    assert count_rows(app) == before


def test_bulk_issues_once_and_a_repeat_skips_everything(app: Flask, world: World, api: Api) -> None:
    items = [*cohort(3), *cohort(2, ref="HR-")]
    before = count_rows(app)["certificates"]
    first = api.post("/api/v1/certificates/bulk", items)
    assert first.status_code == 200, first.get_data(as_text=True)
    outcome = first.get_json()
    assert [i["item"] for i in outcome["issued"]] == [0, 1, 2, 3, 4]
    assert outcome["skipped"] == [] and outcome["failed"] == []
    assert count_rows(app)["certificates"] == before + 5
    again = api.post("/api/v1/certificates/bulk", items).get_json()
    assert again["issued"] == [] and again["failed"] == []
    assert [(s["item"], s["public_id"]) for s in again["skipped"]] == [
        (i["item"], i["public_id"]) for i in outcome["issued"]
    ]
    assert count_rows(app)["certificates"] == before + 5
    cert = stored(app, outcome["issued"][4]["public_id"])
    assert cert.external_ref == "HR-1" and cert.organisation.slug == world.a.slug
    listed = api.get(outcome["issued"][0]["links"]["self"].removeprefix("https://certificaten.test")).get_json()
    assert listed["holder_name"] == "Deelnemer 0" and listed["level"] == "1"


def test_bulk_refuses_what_is_not_a_list_of_certificates(app: Flask, world: World, api: Api) -> None:
    before = count_rows(app)
    assert errors(problem(api.post("/api/v1/certificates/bulk", ISSUE), 422)) == {(None, None, "not_an_array")}
    assert errors(problem(api.post("/api/v1/certificates/bulk", []), 422)) == {(None, None, "empty")}
    assert errors(problem(api.post("/api/v1/certificates/bulk", cohort(1001)), 422)) == {(None, None, "too_many_items")}
    body = problem(api.post("/api/v1/certificates/bulk", [ISSUE, "Sam", {**ISSUE, "holder_name": None,
                                                                          "participant_id": 1}]), 422)  # fmt: skip
    assert errors(body) == {(1, None, "not_an_object"), (2, "participant_id", "not_supported"),
                            (2, "holder_name", "required")}  # fmt: skip
    assert count_rows(app) == before


# --- reading -------------------------------------------------------------------------------------


def test_list_pages_newest_first(app: Flask, world: World, api: Api) -> None:
    assert api.post("/api/v1/certificates/bulk", cohort(4)).status_code == 200
    everything = api.get("/api/v1/certificates?per_page=100").get_json()
    assert everything["total"] == 5 and everything["pages"] == 1 and everything["links"]["next"] is None
    order = [item["public_id"] for item in everything["items"]]
    assert order[-1] == world.a.certificate  # the oldest last
    stamps = [item["issued_at"] for item in everything["items"]]
    assert stamps == sorted(stamps, reverse=True)
    first = api.get("/api/v1/certificates?per_page=2").get_json()
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 2, 5, 3)
    assert first["links"]["prev"] is None
    seen = [item["public_id"] for item in first["items"]]
    link = first["links"]["next"]
    while link:
        current = api.get(link.removeprefix("https://certificaten.test")).get_json()
        assert current["links"]["prev"] is not None
        seen += [item["public_id"] for item in current["items"]]
        link = current["links"]["next"]
    assert seen == order
    item = everything["items"][0]
    assert set(item) >= {"public_id", "short_code", "competence", "level", "issued_at", "status", "external_ref",
                         "verify_url", "holder_name"} and "credential" not in item  # fmt: skip
    beyond = api.get("/api/v1/certificates?page=9&per_page=2").get_json()
    assert beyond["items"] == [] and beyond["links"]["prev"].endswith("page=3&per_page=2")
    for query in ("page=0", "per_page=101", "page=abc", "per_page=-1", "page=1.5"):
        body = problem(api.get(f"/api/v1/certificates?{query}"), 400, "bad_parameter")
        assert body["errors"][0]["field"] == query.split("=")[0]


def test_certificate_and_pdf_carry_the_stored_credential(app: Flask, world: World, api: Api) -> None:
    data = api.get(f"/api/v1/certificates/{world.a.certificate}").get_json()
    cert = stored(app, world.a.certificate)
    assert data["credential"] == json.loads(cert.credential_json)
    assert data["holder_name"] == "Deelnemer A" and data["participant_id"] == world.a.participant_id
    response = api.get(f"/api/v1/certificates/{world.a.certificate}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert extract_credentials(response.data) == [cert.credential_json.encode("utf-8")]


def test_an_erased_holders_certificates_are_listed_without_the_name_and_not_shown(
    app: Flask, world: World, api: Api
) -> None:
    with app.app_context(), session_scope(runtime().sessions) as db:
        person = participant_services.get_participant(db, world.a.participant_id)
        participant_services.erase_participant(db, participant=person, actor="test")
    for url in (f"/api/v1/certificates/{world.a.certificate}", f"/api/v1/certificates/{world.a.certificate}.pdf"):
        problem(api.get(url), 404, "unknown_certificate")
    listed = api.get("/api/v1/certificates").get_json()["items"]
    entry = next(item for item in listed if item["public_id"] == world.a.certificate)
    assert entry["holder_name"] is None and "Deelnemer A" not in json.dumps(listed)
    # Its status can still change: that reaches the files the holder keeps.
    response = api.post(f"/api/v1/certificates/{world.a.certificate}/revoke", {"reason": "Fout gegeven"})
    assert response.status_code == 200 and response.get_json()["holder_name"] is None


# --- status changes ----------------------------------------------------------------------------


def test_suspend_lift_and_revoke(app: Flask, world: World, api: Api) -> None:
    url = f"/api/v1/certificates/{world.a.certificate}"
    assert api.post(url + "/suspend", {"reason": "Even nakijken"}).get_json()["status"] == "suspended"
    problem(api.post(url + "/suspend", {"reason": "Nog eens"}), 409, "already_suspended")
    assert api.post(url + "/lift", {"reason": "Nagekeken"}).get_json()["status"] == "valid"
    problem(api.post(url + "/lift", {"reason": "Nog eens"}), 409, "not_suspended")
    before = count_rows(app)
    assert errors(problem(api.post(url + "/revoke", {}), 422)) == {(None, "reason", "required")}
    assert errors(problem(api.post(url + "/revoke", {"reason": "  "}), 422)) == {(None, "reason", "required")}
    bad = api.post(url + "/revoke", {"reason": "Fout", "category": "key_compromised"})  # set by the service only
    assert errors(problem(bad, 422)) == {(None, "category", "bad_category")}
    assert count_rows(app) == before
    revoked = api.post(url + "/revoke", {"reason": "Fout gegeven", "category": "issued_in_error"})
    assert revoked.status_code == 200 and revoked.get_json()["status"] == "revoked"
    assert revoked.get_json()["revoked_at"] is not None
    problem(api.post(url + "/revoke", {"reason": "Nog eens"}), 409, "already_revoked")
    assert api.get(url).get_json()["status"] == "revoked"
    with app.app_context(), session_scope(runtime().sessions) as db:
        actions = db.execute(
            select(AuditEvent.action).where(AuditEvent.subject == world.a.certificate,
                                            AuditEvent.actor.startswith("api-token:"))
            .order_by(AuditEvent.sequence)
        ).scalars().all()  # fmt: skip
        assert actions == ["certificate.suspend", "certificate.unsuspend", "certificate.revoke"]
        assert audit_log.verify_audit_chain(db) == []
        assert cert_services.get_certificate(db, world.a.certificate).revocation_category == "issued_in_error"


# --- bodies and unknown calls ------------------------------------------------------------------


def test_json_that_parsers_read_differently_is_refused_and_nothing_changes(app: Flask, world: World, api: Api) -> None:
    client, headers = api.client, {**api.headers(), "Content-Type": "application/json"}
    before = count_rows(app)
    cases = {
        '{"holder_name": "Sam", "holder_name": "Piet", "competence": "CIRC-SORTEREN", "level": 1}': "appears twice",
        '{"holder_name": "Sam\\ud800", "competence": "CIRC-SORTEREN", "level": 1}': "not valid Unicode",
        '{"holder_name": "Sam", "competence": "CIRC-SORTEREN", "level": Infinity}': "not a JSON number",
    }
    for body, reason in cases.items():
        refused = problem(client.post("/api/v1/certificates", data=body, headers=headers), 400, "bad_json")
        assert reason in refused["detail"], (body, refused)
    assert count_rows(app) == before


def test_bodies_must_be_json_of_at_most_two_megabytes(app: Flask, world: World, api: Api) -> None:
    client, headers = api.client, api.headers()
    before = count_rows(app)
    problem(client.post("/api/v1/certificates", data=ISSUE, headers=headers), 415, "unsupported_media_type")
    problem(client.post("/api/v1/certificates", data="{}", headers={**headers, "Content-Type": "text/plain"}), 415)
    body = problem(client.post("/api/v1/certificates", data='{"holder_name": "Sam",}',
                               headers={**headers, "Content-Type": "application/json"}), 400, "bad_json")  # fmt: skip
    assert "line 1, column" in body["detail"]
    for raw in (b"\xff\xfe", b"NaN", b"[" * 100_000):
        problem(client.post("/api/v1/certificates/bulk", data=raw,
                            headers={**headers, "Content-Type": "application/json"}), 400, "bad_json")  # fmt: skip
    large = json.dumps([{**ISSUE, "evidence": "x" * 2000}] * 1100)
    assert len(large) > 2 * 1024 * 1024
    problem(client.post("/api/v1/certificates/bulk", data=large,
                        headers={**headers, "Content-Type": "application/json"}), 413, "too_large")  # fmt: skip
    assert count_rows(app) == before


def test_unknown_calls_get_problem_details_not_html(app: Flask, world: World, api: Api) -> None:
    problem(api.get("/api/v1/bestaat-niet"), 404)
    problem(app.test_client().get("/api/v1/"), 404)
    response = api.client.put("/api/v1/certificates", headers=api.headers())
    problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    problem(api.client.delete(f"/api/v1/certificates/{world.a.certificate}", headers=api.headers()), 405)
    assert "<html" not in api.get("/api/v1/certificates/x/y/z").get_data(as_text=True)
    response = api.get("/api/v1/certificates")
    assert response.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in response.headers


# --- OpenAPI ----------------------------------------------------------------------------------


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [node["$ref"]] if "$ref" in node else [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_openapi_describes_the_api_only_where_it_exists(app: Flask, world: World, tmp_path: Path,
                                                        database_url: str) -> None:  # fmt: skip
    document = json.loads(app.test_client().get("/openapi.json").get_data(as_text=True))
    paths = document["paths"]
    assert {"/api/v1/participants", "/api/v1/certificates", "/api/v1/certificates/bulk",
            "/api/v1/certificates/{public_id}", "/api/v1/certificates/{public_id}.pdf",
            "/api/v1/certificates/{public_id}/revoke", "/api/v1/certificates/{public_id}/suspend",
            "/api/v1/certificates/{public_id}/lift", "/credentials/verify"} <= paths.keys()  # fmt: skip
    scheme = document["components"]["securitySchemes"]["apiToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for path, operations in paths.items():
        if path.startswith("/api/v1/"):
            for operation in operations.values():
                assert operation["security"] == [{"apiToken": []}]
                assert {"401", "429"} <= operation["responses"].keys()
    assert "requestBody" in paths["/api/v1/certificates"]["post"]
    for ref in _refs(document):
        section, name = ref.removeprefix("#/components/").split("/")
        assert name in document["components"][section], ref
    # The verifier on its own has no integration API, and says so.
    alone = create_app({"TESTING": True}, settings=make_settings(tmp_path / "alone", database_url),
                       verifier_only=True)  # fmt: skip
    try:
        client = alone.test_client()
        described = client.get("/openapi.json").get_json()
        assert not any(p.startswith("/api/") for p in described["paths"])
        assert "integration" not in described["info"]["title"]
        assert client.get("/api/v1/certificates").status_code == 404
    finally:
        alone.extensions["credentials"].engine.dispose()


# --- the token pages --------------------------------------------------------------------------


def _database_text(app: Flask) -> str:
    """Every row of every table, as text (to prove what is not stored)."""
    with app.app_context(), session_scope(runtime().sessions) as db:
        return "\n".join(repr(row) for table in Base.metadata.sorted_tables for row in db.execute(table.select()))


def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.admin)
    organisation = client.get("/organisatie")
    assert any(a["attrs"].get("href") == "/organisatie/api-tokens" for a in page(organisation).tags("a"))
    form = {"name": "Deelnemersadministratie", "scopes": ["issue", "revoke"], "csrf_token": csrf_token(client)}
    response = client.post("/organisatie/api-tokens/nieuw", data=form)
    assert response.status_code == 302
    shown = client.get(response.headers["Location"])
    found = TOKEN.findall(shown.get_data(as_text=True))
    assert len(set(found)) == 1, shown.get_data(as_text=True)
    plaintext = found[0]
    assert shown.headers["Cache-Control"] == "no-store"
    again = client.get(response.headers["Location"])
    assert not TOKEN.search(again.get_data(as_text=True)) and "niet meer zien" in text_of(again)
    database = _database_text(app)
    assert plaintext not in database and plaintext[len("kc_") + 8 :] not in database
    with app.app_context(), session_scope(runtime().sessions) as db:
        row = db.execute(select(ApiToken)).scalar_one()
        assert row.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
        assert plaintext.startswith(row.prefix) and len(row.prefix) == 11 and row.scopes == "issue,revoke"
        event = db.execute(select(AuditEvent).where(AuditEvent.action == "api_token.create")).scalar_one()
        assert event.subject == row.prefix and event.actor == world.a.admin
    listing = text_of(client.get("/organisatie/api-tokens"))
    assert "Deelnemersadministratie" in listing and row.prefix in listing and "nog niet gebruikt" in listing
    assert Api(app.test_client(), plaintext).get("/api/v1/certificates").status_code == 200
    assert "nog niet gebruikt" not in text_of(client.get("/organisatie/api-tokens"))  # last used is shown


def test_the_new_token_form_refuses_input_next_to_its_field(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.admin)
    before = _database_text(app)
    response = client.post("/organisatie/api-tokens/nieuw", data={"name": "", "csrf_token": csrf_token(client)})
    assert response.status_code == 400
    html = page(response)
    assert html.text("f-name-error") == "Fout: Vul een naam in."
    assert "Kies minstens één ding" in html.text("f-scopes-error")
    response = client.post("/organisatie/api-tokens/nieuw?lang=en", data={
        "name": "Koppeling", "scopes": "everything", "csrf_token": csrf_token(client)})  # fmt: skip
    assert response.status_code == 400 and "Choose from the list" in text_of(response)
    assert _database_text(app) == before
    client.post("/organisatie/api-tokens/nieuw", data={"name": "x", "scopes": "issue"})  # no CSRF token
    assert _database_text(app) == before


def test_revoking_a_token_needs_the_confirmation_and_ends_it(app: Flask, world: World) -> None:
    plaintext = make_token(app, world.a.slug)
    with app.app_context(), session_scope(runtime().sessions) as db:
        token_id = db.execute(select(ApiToken.id)).scalar_one()
    client = app.test_client()
    login(client, world.a.admin)
    url = f"/organisatie/api-tokens/{token_id}/intrekken"
    response = client.post(url, data={"csrf_token": csrf_token(client)})
    assert response.status_code == 400 and "Zet een vinkje" in text_of(response)
    assert Api(app.test_client(), plaintext).get("/api/v1/certificates").status_code == 200
    response = client.post(url, data={"confirm": "yes", "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/organisatie/api-tokens"
    assert "Ingetrokken op" in text_of(client.get("/organisatie/api-tokens"))
    problem(Api(app.test_client(), plaintext).get("/api/v1/certificates"), 401)
    again = client.post(url, data={"confirm": "yes", "csrf_token": csrf_token(client)})
    assert again.status_code == 302 and "al ingetrokken" in text_of(client.get(again.headers["Location"]))
    with app.app_context(), session_scope(runtime().sessions) as db:
        revocations = db.execute(select(AuditEvent).where(AuditEvent.action == "api_token.revoke")).scalars().all()
        assert [(e.subject, e.actor) for e in revocations] == [(plaintext[:11], world.a.admin)]


def test_only_the_organisations_own_admin_manages_its_tokens(app: Flask, world: World) -> None:
    make_token(app, world.a.slug)
    with app.app_context(), session_scope(runtime().sessions) as db:
        token_id = db.execute(select(ApiToken.id)).scalar_one()
    pages = ["/organisatie/api-tokens", "/organisatie/api-tokens/nieuw", f"/organisatie/api-tokens/{token_id}"]
    supervisor = app.test_client()
    login(supervisor, world.a.supervisor)
    for url in pages:
        assert supervisor.get(url).status_code == 403, url
    admin_b = app.test_client()
    login(admin_b, world.b.admin)
    assert admin_b.get(f"/organisatie/api-tokens/{token_id}").status_code == 404
    for data in ({"confirm": "yes"}, {}):
        response = admin_b.post(f"/organisatie/api-tokens/{token_id}/intrekken",
                                data={**data, "csrf_token": csrf_token(admin_b)})  # fmt: skip
        assert response.status_code == 404
    assert "Koppeling" not in text_of(admin_b.get("/organisatie/api-tokens"))
    with app.app_context(), session_scope(runtime().sessions) as db:
        assert db.execute(select(func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None))).scalar() == 1
        assert db.execute(select(Organisation.slug).join(ApiToken)).scalar_one() == world.a.slug


@pytest.mark.parametrize("language", ["nl", "en"])
def test_token_pages_have_landmarks_labels_and_a_language(app: Flask, world: World, language: str) -> None:
    make_token(app, world.a.slug)
    with app.app_context(), session_scope(runtime().sessions) as db:
        token_id = db.execute(select(ApiToken.id)).scalar_one()
    client = app.test_client()
    login(client, world.a.admin)
    for url in ("/organisatie/api-tokens", "/organisatie/api-tokens/nieuw", f"/organisatie/api-tokens/{token_id}"):
        response = client.get(f"{url}?lang={language}")
        assert response.status_code == 200, url
        html = page(response)
        assert html.tags("html")[0]["attrs"]["lang"] == language, url
        assert len(html.tags("main")) == 1 and len(html.tags("h1")) == 1, url
        labelled = {e["attrs"].get("for") for e in html.tags("label")}
        for control in html.tags("input"):
            if control["attrs"].get("type") != "hidden":
                assert control["attrs"].get("id") in labelled, f"{url}: {control['attrs']} has no label"
        for element in html.elements:
            for ref in element["attrs"].get("aria-describedby", "").split():
                html.by_id(ref)
        assert "<script" not in response.get_data(as_text=True)
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
