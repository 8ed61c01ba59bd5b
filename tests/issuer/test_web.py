"""The staff pages: who may use which route, CSRF, login safety, issuing through the
form (and the result verifies), refused input with a clear message that changes
nothing, the language switch, and a database that is down."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from credentials.did import StaticDidResolver
from credentials.verify import StaticStatusLookup, verify_credential
from issuer import staff_user
from issuer.accounts import services as account_services
from issuer.accounts import views as account_views
from issuer.app import create_app
from issuer.certificates import services as cert_services
from issuer.core import basics
from issuer.organisations import services as org_services
from issuer.participants import services as participant_services
from issuer.runtime import runtime
from issuer.store.db import session_scope
from issuer.store.models import AuditEvent, BulkJob, Certificate, Participant, User
from issuer.webkit import i18n
from templates import TEMPLATES_DIR
from tests.issuer.conftest import (
    PASSWORD,
    World,
    build_world,
    count_rows,
    csrf_token,
    login,
    post,
)
from tests.support import make_settings

ISSUER = Path(__file__).resolve().parents[2] / "issuer"
ACCESS_CODE = re.compile(r"\b[2-9A-HJ-NP-Z]{4}(?:-[2-9A-HJ-NP-Z]{4}){3}\b")


# --- a small HTML reader -------------------------------------------------------------------

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Html(HTMLParser):
    """Elements with their attributes and text, enough to check labels and messages."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict[str, Any]] = []
        self._open: list[dict[str, Any]] = []
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = {"tag": tag, "attrs": {k: v or "" for k, v in attrs}, "text": []}
        self.elements.append(element)
        if tag not in _VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index]["tag"] == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element["text"].append(data)

    def by_id(self, element_id: str) -> dict[str, Any]:
        found = [e for e in self.elements if e["attrs"].get("id") == element_id]
        assert len(found) == 1, f"expected one element #{element_id}, found {len(found)}"
        return found[0]

    def text(self, element_id: str) -> str:
        return " ".join("".join(self.by_id(element_id)["text"]).split())

    def tags(self, name: str) -> list[dict[str, Any]]:
        return [e for e in self.elements if e["tag"] == name]


def page(response: TestResponse) -> Html:
    return Html(response.get_data(as_text=True))


def text_of(response: TestResponse) -> str:
    return " ".join(response.get_data(as_text=True).split())


# --- the authorization matrix -------------------------------------------------------------

ANON, SUP_A, ADMIN_A, SUP_B, SECTOR = "anonymous", "supervisor A", "org admin A", "supervisor B", "sector admin"
ROLES = (ANON, SUP_A, ADMIN_A, SUP_B, SECTOR)
LOGIN = "to login"  # a redirect to the login page
SPARES = ("revoke", "suspend", "lift")


def everyone(expected: int | str) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, expected)


def org_a_staff(allowed: int | str, *, supervisor_b: int | str = 404, sector: int | str = 403) -> dict[str, int | str]:
    """A route about organisation A's data: A's staff may, B's supervisor gets ``supervisor_b``."""
    return {ANON: LOGIN, SUP_A: allowed, ADMIN_A: allowed, SUP_B: supervisor_b, SECTOR: sector}


def only(role: str, allowed: int | str) -> dict[str, int | str]:
    return {**everyone(403), ANON: LOGIN, role: allowed}


# Every (endpoint, method) of the app. The target of a route is always organisation A's.
EXPECTED: dict[tuple[str, str], dict[str, int | str]] = {
    ("static", "GET"): everyone(200),
    ("public.did_document", "GET"): everyone(200),
    ("public.status_list", "GET"): everyone(200),
    ("public.health", "GET"): everyone(200),
    ("public.ready", "GET"): everyone(200),
    ("web.login", "GET"): {**everyone(302), ANON: 200},
    ("web.login", "POST"): everyone(400),  # posted without credentials
    ("web.logout", "POST"): everyone(LOGIN),  # staff: logged out and sent there; see test_logout_...
    ("web.dashboard", "GET"): {**everyone(200), ANON: LOGIN},
    ("web.participants", "GET"): org_a_staff(200, supervisor_b=200),  # B sees B's own list
    ("web.participant_new", "GET"): org_a_staff(200, supervisor_b=200),
    ("web.participant_new", "POST"): org_a_staff(302, supervisor_b=302),  # B adds to B
    ("web.participant", "GET"): org_a_staff(200),
    ("web.participant_new_code", "POST"): org_a_staff(302),
    ("web.access_code", "GET"): org_a_staff(200),
    ("web.certificates", "GET"): org_a_staff(200, supervisor_b=200),
    ("web.certificate_new", "GET"): org_a_staff(200, supervisor_b=200),
    ("web.certificate_new", "POST"): org_a_staff(302),  # for A's participant: B is refused
    ("web.certificate", "GET"): org_a_staff(200),
    ("web.certificate_json", "GET"): org_a_staff(200),
    ("web.certificate_pdf", "GET"): org_a_staff(200),
    ("web.participant_data", "GET"): org_a_staff(200),
    ("web.participant_portfolio", "GET"): org_a_staff(200),
    ("web.participant_erase", "POST"): org_a_staff(400),  # posted without the confirmation box
    ("web.certificate_revoke", "POST"): org_a_staff(302),
    ("web.certificate_suspend", "POST"): org_a_staff(302),
    ("web.certificate_lift", "POST"): org_a_staff(302),
    ("web.organisation", "GET"): only(ADMIN_A, 200),
    ("web.rotate_key", "POST"): only(ADMIN_A, 302),
    ("web.sector", "GET"): only(SECTOR, 200),
    # --- sector layer (issue 9): trust registry and membership ---
    # Public documents; the test world has no sector key (credentials init makes it): no DID
    # document yet (404) and no signed trust list (503). tests/issuer/test_trust.py has them with.
    ("trust_public.did_document", "GET"): everyone(404),
    ("trust_public.trust_list", "GET"): everyone(503),
    ("trust_public.dcc_registry", "GET"): everyone(200),
    # Sector admin only; the POSTs carry no reason or choice: refused (400), nothing changes.
    ("trust_pages.admit", "GET"): only(SECTOR, 200),
    ("trust_pages.admit", "POST"): only(SECTOR, 400),
    ("trust_pages.organisation", "GET"): only(SECTOR, 200),
    ("trust_pages.suspend", "POST"): only(SECTOR, 400),
    ("trust_pages.end", "POST"): only(SECTOR, 400),
    ("trust_pages.reinstate", "POST"): only(SECTOR, 400),
    ("trust_pages.quality_mark", "POST"): only(SECTOR, 400),
    ("trust_pages.overview", "GET"): only(SECTOR, 200),
    # --- sector layer (issue 9): competence framework governance ---
    # The public framework page and JSON answer everyone. The sector admin's routes run in
    # this order: start a draft (v2), add and reword a competence, retire and undo, publish
    # (302); throwing away a draft then finds none (409). The world has no proposal (404).
    ("framework_pages.public", "GET"): everyone(200),
    ("framework_pages.public_json", "GET"): everyone(200),
    ("framework_pages.overview", "GET"): only(SECTOR, 200),
    ("framework_pages.version", "GET"): only(SECTOR, 200),
    ("framework_pages.start_draft", "POST"): only(SECTOR, 302),
    ("framework_pages.draft", "GET"): only(SECTOR, 200),
    ("framework_pages.competence_new", "GET"): only(SECTOR, 200),
    ("framework_pages.competence_new", "POST"): only(SECTOR, 302),
    ("framework_pages.competence_edit", "GET"): only(SECTOR, 200),
    ("framework_pages.competence_edit", "POST"): only(SECTOR, 302),
    ("framework_pages.competence_retire", "POST"): only(SECTOR, 302),
    ("framework_pages.competence_undo", "POST"): only(SECTOR, 302),
    ("framework_pages.publish", "GET"): only(SECTOR, 200),
    ("framework_pages.publish", "POST"): only(SECTOR, 302),
    ("framework_pages.discard", "POST"): only(SECTOR, 409),
    ("framework_pages.proposals", "GET"): only(SECTOR, 200),
    ("framework_pages.proposal", "GET"): only(SECTOR, 404),
    ("framework_pages.adopt", "POST"): only(SECTOR, 404),
    ("framework_pages.decline", "POST"): only(SECTOR, 404),
    ("framework_pages.my_proposals", "GET"): only(ADMIN_A, 200),
    ("framework_pages.propose", "GET"): only(ADMIN_A, 200),
    ("framework_pages.propose", "POST"): only(ADMIN_A, 302),
    # --- sector layer (issue 9): regional figures ---
    ("regions.figures", "GET"): only(SECTOR, 200),
    ("regions.figures_csv", "GET"): only(SECTOR, 200),
    ("regions.region_list", "GET"): only(SECTOR, 200),
    ("regions.region_file", "GET"): only(SECTOR, 200),
    ("regions.region_add", "POST"): only(SECTOR, 302),
    ("regions.region_update", "POST"): only(SECTOR, 302),  # Achterhoek, no shops
    ("regions.region_delete", "POST"): only(SECTOR, 302),  # idem: removed
    ("regions.region_import", "POST"): only(SECTOR, 400),  # posted without a file
    ("regions.sector_shop_region", "POST"): only(SECTOR, 302),  # shop 1 is A's
    ("regions.org_shops", "GET"): only(ADMIN_A, 200),
    ("regions.org_shop_region", "POST"): only(ADMIN_A, 302),
    # Several certificates at once (CSV upload): organisation staff; the job is A's finished one.
    ("bulk_pages.upload_form", "GET"): org_a_staff(200, supervisor_b=200),
    ("bulk_pages.upload", "POST"): org_a_staff(400, supervisor_b=400),  # posted without a file
    ("bulk_pages.template", "GET"): org_a_staff(200, supervisor_b=200),
    ("bulk_pages.competences", "GET"): org_a_staff(200, supervisor_b=200),
    ("bulk_pages.jobs", "GET"): org_a_staff(200, supervisor_b=200),
    ("bulk_pages.job", "GET"): org_a_staff(200),
    ("bulk_pages.confirm", "POST"): org_a_staff(302),  # finished already: back to its page, nothing starts
    ("bulk_pages.cancel", "POST"): org_a_staff(302),  # idem
    ("bulk_pages.job_pdf", "GET"): org_a_staff(200),
    ("bulk_pages.job_report", "GET"): org_a_staff(200),
    # API tokens: the organisation admin only. Routes run in registration order, so admin A
    # makes token 1 (a fresh database) through api_tokens.new before its page and revoke.
    ("api_tokens.index", "GET"): only(ADMIN_A, 200),
    ("api_tokens.new", "GET"): only(ADMIN_A, 200),
    ("api_tokens.new", "POST"): only(ADMIN_A, 302),
    ("api_tokens.token", "GET"): only(ADMIN_A, 200),
    ("api_tokens.revoke", "POST"): only(ADMIN_A, 302),
    # The integration API wants a bearer token; a staff login opens nothing (401 for everyone).
    ("api_v1.create_participant", "POST"): everyone(401),
    ("api_v1.issue", "POST"): everyone(401),
    ("api_v1.issue_bulk", "POST"): everyone(401),
    ("api_v1.certificates", "GET"): everyone(401),
    ("api_v1.certificate", "GET"): everyone(401),
    ("api_v1.certificate_pdf", "GET"): everyone(401),
    ("api_v1.revoke", "POST"): everyone(401),
    ("api_v1.suspend", "POST"): everyone(401),
    ("api_v1.lift", "POST"): everyone(401),
    ("api_v1.unknown_path", "GET"): everyone(404),  # a problem-details 404, not an HTML page
    ("api_v1.unknown_path", "POST"): everyone(404),
    # The public verifier: the same answer for everyone (the matrix posts a form: 415 for the JSON API).
    ("verifier_api.verify", "POST"): everyone(415),
    ("verifier_api.openapi", "GET"): everyone(200),
    ("verifier_pages.certificate", "GET"): everyone(200),
    ("verifier_pages.verify_form", "GET"): everyone(200),
    ("verifier_pages.verify_upload", "POST"): everyone(400),  # posted empty: the form again
    ("verifier_pages.check_code", "GET"): everyone(200),
    # The holder's portfolio: a staff login opens nothing; without the holder's code every
    # page leads back to the code form (302), which itself answers everyone alike.
    ("portfolio.home", "GET"): everyone(200),
    ("portfolio.open_portfolio", "POST"): everyone(400),  # posted without a code
    ("portfolio.logout", "POST"): everyone(302),
    ("portfolio.certificate_pdf", "GET"): everyone(302),
    ("portfolio.certificate_json", "GET"): everyone(302),
    ("portfolio.portfolio_pdf", "GET"): everyone(302),
    ("portfolio.portfolio_zip", "GET"): everyone(302),
    ("portfolio.public_page", "POST"): everyone(302),
    ("portfolio.my_data", "GET"): everyone(302),
    ("portfolio.erase_form", "GET"): everyone(302),
    ("portfolio.erase", "POST"): everyone(302),
}


def role_email(role: str, world: World) -> str:
    return {SUP_A: world.a.supervisor, ADMIN_A: world.a.admin, SUP_B: world.b.supervisor,
            SECTOR: world.sector_admin}[role]  # fmt: skip


def finished_bulk_job(app: Flask, world: World) -> str:
    """A finished CSV upload of organisation A: row 2 issued A's certificate, row 3 failed."""
    with app.app_context(), session_scope(runtime().sessions) as db:
        org = org_services.get_org(db, world.a.slug)
        moment = basics.now()
        result = {"issued": [[2, world.a.certificate]], "skipped": [],
                  "failed": [[3, "level", "bad_level", "Gebruik 1, 2 of 3.", "Use 1, 2 or 3."]], "error": None}
        db.add(BulkJob(public_id="klaar-" + world.a.certificate[:8], organisation_id=org.id, user_id=None,
                       filename="cohort.csv", source=None, state="done", total=2, done=2, result=result,
                       created_at=moment, updated_at=moment))  # fmt: skip
    return "klaar-" + world.a.certificate[:8]


def route_values(rule: Rule, world: World) -> dict[str, Any]:
    spare = {"web.certificate_revoke": "revoke", "web.certificate_suspend": "suspend", "web.certificate_lift": "lift"}
    values = {
        "filename": "style.css",
        "slug": world.a.slug,
        "sequence": 1,
        "purpose": "suspension",
        "participant_id": world.a.participant_id,
        "token_id": 1,  # made by admin A through api_tokens.new (see EXPECTED)
        "path": "bestaat-niet",
        "job_id": world.a.spare.get("bulk_job", ""),  # see finished_bulk_job
        "version_number": 1,  # framework version 1 (the shipped catalogue)
        "competence_code": "CIRC-SORTEREN",
        "proposal_id": 1,  # none exists in this world
        "region_code": "achterhoek",  # a seeded region without shops
        "shop_id": 1,  # organisation A's shop (made first)
        "public_id": world.a.spare[spare[rule.endpoint]] if rule.endpoint in spare else world.a.certificate,
    }
    return {name: values[name] for name in rule.arguments}


FRAMEWORK_TEXTS = {
    "name_nl": "Kleding herstellen", "name_en": "Mending clothes", "description_nl": "Herstelt kleding.",
    "description_en": "Mends clothes.", "criteria_nl": "Naait\nStrijkt\nControleert",
    "criteria_en": "Sews\nIrons\nChecks",
    "esco": "http://data.europa.eu/esco/skill/58c089ab-338b-4e4c-8117-7c1fcc89af69",
}  # fmt: skip


def post_body(endpoint: str, world: World) -> dict[str, str]:
    return {
        "web.participant_new": {"holder_name": "Nieuwe Deelnemer"},
        "web.certificate_new": {
            "participant": str(world.a.participant_id),
            "competence": "CIRC-SORTEREN",
            "level": "1",
        },
        "web.certificate_revoke": {"reason": "Fout gegeven", "category": "issued_in_error", "confirm": "yes"},
        "web.certificate_suspend": {"reason": "Even nakijken"},
        "web.certificate_lift": {"reason": "Nagekeken"},
        "api_tokens.new": {"name": "Koppeling", "scopes": "issue"},
        "api_tokens.revoke": {"confirm": "yes"},
        "regions.region_add": {"name": "Nieuwe Regio", "in_partnership": "no"},
        "regions.region_update": {"name": "Achterhoek", "in_partnership": "yes"},
        "regions.sector_shop_region": {"region": "rijnmond"},
        "regions.org_shop_region": {"region": "midden-utrecht"},
        "framework_pages.competence_new": {"code": "CIRC-TEST-NIEUW", "group": "circular", **FRAMEWORK_TEXTS},
        "framework_pages.competence_edit": {**FRAMEWORK_TEXTS, "name_nl": "Spullen sorteren (nieuw)"},
        "framework_pages.publish": {"note": "Nieuwe competentie", "confirm": "yes"},
        "framework_pages.discard": {"confirm": "yes"},
        "framework_pages.propose": {"group": "circular", **FRAMEWORK_TEXTS},
    }.get(endpoint, {})


def app_routes(app: Flask) -> list[tuple[Rule, str]]:
    """Every rule with each of its methods that matter (GET, POST); logout last."""
    routes = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        for method in ("GET", "POST")
        if method in (rule.methods or ())
    ]
    return sorted(routes, key=lambda item: item[0].endpoint == "web.logout")


def outcome(response: TestResponse) -> int | str:
    if response.status_code == 302 and response.headers["Location"].startswith("/login"):
        return LOGIN
    return response.status_code


def test_every_route_of_the_app_has_an_expectation(app: Flask) -> None:
    routes = {(rule.endpoint, method) for rule, method in app_routes(app)}
    assert routes - EXPECTED.keys() == set(), "a new route needs a line in EXPECTED"
    assert EXPECTED.keys() - routes == set(), "EXPECTED lists a route the app does not have"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_expected(app: Flask, role: str) -> None:
    world = build_world(app, spares=SPARES)
    world.a.spare["bulk_job"] = finished_bulk_job(app, world)
    client = app.test_client()
    if role != ANON:
        login(client, role_email(role, world))
    adapter = app.url_map.bind("localhost")
    mismatches = []
    for rule, method in app_routes(app):
        expected = EXPECTED[(rule.endpoint, method)][role]
        url = adapter.build(rule.endpoint, route_values(rule, world))
        before = count_rows(app)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={**post_body(rule.endpoint, world), "csrf_token": csrf_token(client)})
        got = outcome(response)
        if got != expected:
            mismatches.append(f"{method} {url} as {role}: expected {expected}, got {got}")
        if expected in (LOGIN, 400, 403, 404):
            assert count_rows(app) == before, f"{method} {url} as {role} was refused but changed data"
        assert response.mimetype in ("application/pdf", "application/zip") or "Traceback" not in response.get_data(
            as_text=True
        )
        if rule.endpoint == "web.logout" and role != ANON:
            login(client, role_email(role, world))
    assert mismatches == []


def test_other_organisations_data_never_shows(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.b.supervisor)
    for url in ("/", "/deelnemers", "/certificaten", "/certificaten/nieuw", "/deelnemers?q=Deelnemer"):
        body = client.get(url).get_data(as_text=True)
        assert "Deelnemer A" not in body and "Tweede A" not in body, url
        assert world.a.certificate not in body, url
    assert "Deelnemer B" in client.get("/deelnemers").get_data(as_text=True)


def test_sector_admin_sees_organisations_but_no_personal_data(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.sector_admin)
    body = client.get("/sector").get_data(as_text=True)
    assert "Kringloop Alfa" in body and "Kringloop Beta" in body
    for personal in ("Deelnemer A", "Deelnemer B", world.a.supervisor, world.a.certificate):
        assert personal not in body


# --- CSRF ----------------------------------------------------------------------------


ISSUE_FORM = {"participant": "", "holder_name": "Sam de Vries", "competence": "CIRC-SORTEREN", "level": "2",
              "evidence": "Sorteert de kleding zelfstandig.", "issued_on": ""}  # fmt: skip


@pytest.mark.parametrize("token", [None, "", "wrong-token", "tökén", "other-session"])
def test_post_without_the_sessions_csrf_token_is_refused(app: Flask, world: World, token: str | None) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    if token == "other-session":
        other = app.test_client()
        token = csrf_token(other)
    data = dict(ISSUE_FORM)
    if token is not None:
        data["csrf_token"] = token
    before = count_rows(app)
    response = client.post("/certificaten/nieuw", data=data)
    assert response.status_code == 400
    assert "Het formulier is verlopen" in text_of(response)
    assert "Traceback" not in response.get_data(as_text=True)
    assert count_rows(app) == before


def test_login_form_needs_a_csrf_token_too(app: Flask, world: World) -> None:
    client = app.test_client()
    response = client.post("/login", data={"email": world.a.supervisor, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


# --- login --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["//evil.example/", "https://evil.example/", "http:evil.example", "/\\evil.example", "\\\\evil.example",
     "javascript:alert(1)", "/\t/evil.example", "evil.example", "/%0a/evil.example\n", "////evil.example"],
)  # fmt: skip
def test_login_never_redirects_off_site(app: Flask, world: World, target: str) -> None:
    client = app.test_client()
    data = {"email": world.a.supervisor, "password": PASSWORD, "next": target, "csrf_token": csrf_token(client)}
    response = client.post("/login", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_returns_to_the_page_asked_for(app: Flask, world: World) -> None:
    client = app.test_client()
    first = client.get("/certificaten?pagina=2")
    assert first.headers["Location"] == "/login?next=/certificaten?pagina%3D2"
    form = page(client.get(first.headers["Location"]))
    next_field = [e for e in form.tags("input") if e["attrs"].get("name") == "next"]
    assert next_field[0]["attrs"]["value"] == "/certificaten?pagina=2"
    data = {"email": world.a.supervisor, "password": PASSWORD, "next": "/certificaten?pagina=2",
            "csrf_token": csrf_token(client)}  # fmt: skip
    assert client.post("/login", data=data).headers["Location"] == "/certificaten?pagina=2"


def test_login_starts_a_new_session(app: Flask, world: World) -> None:
    client = app.test_client()
    token_before = csrf_token(client)
    with client.session_transaction() as sess:
        sess["planted"] = "by someone else"
    cookie_before = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie_before is not None
    login(client, world.a.supervisor)
    cookie_after = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie_after is not None and cookie_after.value != cookie_before.value
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["csrf_token"] != token_before
    # The cookie from before the login does not give access.
    stranger = app.test_client()
    stranger.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie_before.value)
    assert outcome(stranger.get("/certificaten")) == LOGIN


def test_logout_ends_the_session(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    response = post(client, "/logout")
    assert response.headers["Location"] == "/login"
    assert outcome(client.get("/")) == LOGIN
    assert "U bent uitgelogd" in text_of(client.get("/login"))


def _failed_login(client: FlaskClient, email: str, password: str) -> str:
    response = post(client, "/login", {"email": email, "password": password})
    assert response.status_code == 400
    return page(response).text("error-summary-title") + " " + text_of(response)


def test_unknown_user_and_wrong_password_get_the_same_answer(app: Flask, world: World) -> None:
    client = app.test_client()
    wrong_password = _failed_login(client, world.a.supervisor, "not the password")
    unknown_user = _failed_login(client, "nobody@example.org", "not the password")
    assert "Het e-mailadres of het wachtwoord klopt niet" in wrong_password
    assert re.sub(r'value="[^"]*"', "", wrong_password) == re.sub(r'value="[^"]*"', "", unknown_user)


def test_five_failures_lock_the_account_for_fifteen_minutes(app: Flask, world: World) -> None:
    client = app.test_client()
    email = world.a.supervisor
    for _ in range(account_views.MAX_FAILED_LOGINS):
        message = _failed_login(client, email, "wrong password!")
    # Locked: the right password is refused with the same message, and not counted.
    assert _failed_login(client, email, PASSWORD) == message
    with app.app_context(), session_scope(runtime().sessions) as db:
        user = db.execute(select(User).where(User.email == email)).scalar_one()
        locked_until = user.locked_until
        assert locked_until is not None
        if locked_until.tzinfo is None:
            locked_until = locked_until.replace(tzinfo=UTC)
        assert timedelta(minutes=14) < locked_until - datetime.now(UTC) <= timedelta(minutes=15)
        assert db.execute(select(AuditEvent).where(AuditEvent.action == "user.locked")).scalar_one().subject == str(
            user.id
        )
        user.locked_until = datetime.now(UTC) - timedelta(seconds=1)  # fifteen minutes later
    login(client, email)
    with app.app_context(), session_scope(runtime().sessions) as db:
        user = db.execute(select(User).where(User.email == email)).scalar_one()
        assert (user.failed_logins, user.locked_until) == (0, None)


def test_a_good_login_resets_the_failure_count(app: Flask, world: World) -> None:
    client = app.test_client()
    for _ in range(account_views.MAX_FAILED_LOGINS - 1):
        _failed_login(client, world.a.supervisor, "wrong password!")
    login(client, world.a.supervisor)
    post(client, "/logout")
    for _ in range(account_views.MAX_FAILED_LOGINS - 1):
        _failed_login(client, world.a.supervisor, "wrong password!")
    login(client, world.a.supervisor)


def test_a_password_change_or_an_old_session_ends_access(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    with client.session_transaction() as sess:
        sess["login_at"] -= int(staff_user.SESSION_MAX_AGE.total_seconds()) + 1
    assert outcome(client.get("/")) == LOGIN
    login(client, world.a.supervisor)
    with app.app_context(), session_scope(runtime().sessions) as db:
        user = db.execute(select(User).where(User.email == world.a.supervisor)).scalar_one()
        user.password_hash = account_services._password_hasher.hash("Een-ander-wachtwoord-2026")
    assert outcome(client.get("/")) == LOGIN


# --- issuing, and what the supervisor sees ------------------------------------------------


def _verify(app: Flask, world: World, signed: dict[str, Any]) -> Any:
    with app.app_context(), session_scope(runtime().sessions) as db:
        org = org_services.get_org(db, world.a.slug)
        did_document = org_services.did_document(db, org)
        lists = [org_services.status_list_document(db, slug=org.slug, sequence=1, purpose=purpose)
                 for purpose in ("revocation", "suspension")]  # fmt: skip
    return verify_credential(
        signed, resolver=StaticDidResolver([did_document]), status_lookup=StaticStatusLookup(lists)
    )


def test_a_certificate_issued_through_the_form_verifies(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    form = page(client.get(f"/certificaten/nieuw?deelnemer={world.a.participant_id}"))
    optgroups = [e["attrs"]["label"] for e in form.tags("optgroup")]
    assert optgroups == ["Circulair werken", "Digitale vaardigheden", "Vakmanschap en werkhouding"]
    assert [e["attrs"]["value"] for e in form.tags("input") if e["attrs"].get("name") == "level"] == ["1", "2", "3"]
    selected = [e for e in form.tags("option") if "selected" in e["attrs"]]
    assert selected[0]["attrs"]["value"] == str(world.a.participant_id)

    data = {**ISSUE_FORM, "participant": str(world.a.participant_id), "level": "3"}
    response = post(client, "/certificaten/nieuw", data)
    assert response.status_code == 302, text_of(response)
    public_id = response.headers["Location"].rsplit("/", 1)[1]
    detail = client.get(response.headers["Location"])
    assert detail.status_code == 200
    body = text_of(detail)
    assert "Het certificaat is ondertekend en opgeslagen." in body
    assert "Geschonken spullen sorteren" in body and "Deelnemer A" in body and "Kan anderen instrueren" in body
    assert f"{runtime_base(app)}/c/{public_id}" in body

    download = client.get(f"/certificaten/{public_id}.json")
    assert download.mimetype == "application/json"
    assert download.headers["Content-Disposition"] == f'attachment; filename="certificaat-{public_id}.json"'
    with app.app_context(), session_scope(runtime().sessions) as db:
        stored = db.execute(select(Certificate).where(Certificate.public_id == public_id)).scalar_one()
        assert download.get_data(as_text=True) == stored.credential_json  # verbatim
        assert stored.supervisor is not None and stored.supervisor.email == world.a.supervisor
    signed = download.get_json()
    assert _verify(app, world, signed).verified

    revoked = post(client, f"/certificaten/{public_id}/intrekken",
                   {"reason": "Verkeerde deelnemer", "category": "details_wrong", "confirm": "yes"})  # fmt: skip
    assert revoked.status_code == 302
    staff_page = text_of(client.get(revoked.headers["Location"]))
    assert "Ingetrokken" in staff_page and "Verkeerde deelnemer" in staff_page
    assert "Op de controlepagina: Er stond iets verkeerd op het certificaat" in staff_page
    result = _verify(app, world, signed)
    assert not result.verified
    assert result.check("status").code == "revoked"
    # The public page gives the category, never the supervisor's own words.
    public = text_of(app.test_client().get(f"/c/{public_id}"))
    assert "Reden: Er stond iets verkeerd op het certificaat." in public
    assert "Verkeerde deelnemer" not in public


def runtime_base(app: Flask) -> str:
    with app.app_context():
        return runtime().settings.base_url


def test_a_new_name_and_an_earlier_date_go_into_the_certificate(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    response = post(client, "/certificaten/nieuw", {**ISSUE_FORM, "issued_on": "02-03-2025"})
    assert response.status_code == 302, text_of(response)
    signed = client.get(response.headers["Location"] + ".json").get_json()
    assert signed["credentialSubject"]["identifier"][0]["identityHash"] == "Sam de Vries"
    assert signed["validFrom"].startswith("2025-03-02T11:00:00")  # noon in Amsterdam (UTC+1 in March)
    assert "2 maart 2025" in text_of(client.get(response.headers["Location"]))


def test_suspend_and_lift_through_the_forms(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.admin)
    url = f"/certificaten/{world.a.certificate}"
    assert post(client, url + "/schorsen", {"reason": "Even nakijken"}).status_code == 302
    body = text_of(client.get(url))
    assert "Geschorst sinds" in body and "Even nakijken" in body and "Schorsing opheffen" in body
    assert post(client, url + "/opheffen", {"reason": "Klopt toch"}).status_code == 302
    assert "Geldig" in text_of(client.get(url))


# --- refused input: a clear message next to the field, nothing changed ------------------


def assert_field_error(response: TestResponse, field_id: str, message: str) -> None:
    html = page(response)
    assert message in html.text(f"{field_id}-error"), html.text(f"{field_id}-error")
    control = html.by_id(field_id)
    if control["attrs"].get("type") == "radio":  # a radio group: the fieldset carries the description
        described = [e for e in html.tags("fieldset") if f"{field_id}-error" in e["attrs"].get("aria-describedby", "")]
        assert described, "the radio group's fieldset does not point to the error"
    else:
        assert f"{field_id}-error" in control["attrs"].get("aria-describedby", "").split()
        assert control["attrs"].get("aria-invalid") == "true"
    summary_links = [e["attrs"]["href"] for e in html.tags("a") if e["attrs"].get("href", "").startswith("#f-")]
    assert f"#{field_id}" in summary_links
    assert "Traceback" not in response.get_data(as_text=True)


class Refused(NamedTuple):
    """A refused form input: what is sent, the status, the field that shows the message, and the message."""

    data: dict[str, str]
    status: int
    field_id: str
    message: str


OTHER_ORG = "<an id from organisation B>"

BAD_ISSUE_INPUT = {
    "unknown competence": Refused({"competence": "CIRC-BESTAAT-NIET"}, 404, "f-competence",
                                  "Kies een competentie uit de lijst."),
    "no competence": Refused({"competence": ""}, 400, "f-competence", "Kies een competentie uit de lijst."),
    "empty holder name": Refused({"holder_name": "   "}, 400, "f-holder_name", "Vul de naam van de deelnemer in"),
    "level 4": Refused({"level": "4"}, 400, "f-level", "Kies niveau 1, 2 of 3."),
    "no level": Refused({"level": ""}, 400, "f-level", "Kies niveau 1, 2 of 3."),
    "other organisation's participant": Refused({"participant": OTHER_ORG}, 404, "f-participant",
                                                "Kies een deelnemer uit de lijst."),
    "unknown participant": Refused({"participant": "999999"}, 404, "f-participant",
                                   "Kies een deelnemer uit de lijst."),
    "participant not a number": Refused({"participant": "abc"}, 404, "f-participant",
                                        "Kies een deelnemer uit de lijst."),
    "date in the future": Refused({"issued_on": "2999-01-01"}, 400, "f-issued_on",
                                  "De datum mag niet in de toekomst liggen."),
    "impossible date": Refused({"issued_on": "31-02-2026"}, 400, "f-issued_on", "Dit is geen goede datum."),
    "evidence too long": Refused({"evidence": "x" * 2001}, 400, "f-evidence", "Gebruik hoogstens 2000 tekens."),
    "control character": Refused({"holder_name": "Sam\x07"}, 400, "f-holder_name",
                                 "Op plek 4 staat een onzichtbaar teken dat niet mag."),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_ISSUE_INPUT.values(), ids=BAD_ISSUE_INPUT.keys())
def test_bad_issue_input_is_refused_next_to_its_field(app: Flask, world: World, case: Refused) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    data = {**ISSUE_FORM, **case.data}
    if data["participant"] == OTHER_ORG:
        data["participant"] = str(world.b.participant_id)
    before = count_rows(app)
    response = post(client, "/certificaten/nieuw", data)
    assert response.status_code == case.status
    assert_field_error(response, case.field_id, case.message)
    assert count_rows(app) == before
    assert data["evidence"] in response.get_data(as_text=True)  # what was typed is still there


def test_every_problem_of_the_issue_form_is_shown_at_once(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    before = count_rows(app)
    response = post(client, "/certificaten/nieuw", {"holder_name": "", "competence": "NOPE", "level": "9",
                                                    "issued_on": "morgen"})  # fmt: skip
    assert response.status_code == 400  # the first problem's status (the holder name)
    for field_id in ("f-holder_name", "f-competence", "f-level", "f-issued_on"):
        page(response).by_id(f"{field_id}-error")
    assert count_rows(app) == before


def test_english_messages_for_refused_input(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    client.get("/?lang=en")
    response = post(client, "/certificaten/nieuw", {**ISSUE_FORM, "level": "4"})
    assert_field_error(response, "f-level", "Choose level 1, 2 or 3.")


def test_revoking_an_unknown_certificate_says_so_and_changes_nothing(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    before = count_rows(app)
    for public_id in ("bestaat-niet", world.b.certificate):  # unknown, and another organisation's
        response = post(client, f"/certificaten/{public_id}/intrekken",
                        {"reason": "Test", "category": "other", "confirm": "yes"})  # fmt: skip
        assert response.status_code == 404
        assert "Dit certificaat bestaat niet, of hoort niet bij uw organisatie." in text_of(response)
    assert count_rows(app) == before
    with app.app_context(), session_scope(runtime().sessions) as db:
        assert cert_services.get_certificate(db, world.b.certificate).revoked_at is None


@pytest.mark.parametrize(
    ("data", "field_id", "message"),
    [
        ({"reason": "", "category": "other", "confirm": "yes"}, "f-reason-revoke", "Vul een reden in."),
        ({"reason": "Fout", "category": "other", "confirm": ""}, "f-confirm-revoke", "Zet een vinkje"),
        ({"reason": "Fout", "confirm": "yes"}, "f-category-revoke", "Kies waarom u het certificaat intrekt."),
        ({"reason": "Fout", "category": "key_compromised", "confirm": "yes"}, "f-category-revoke",
         "Kies een van de redenen uit de lijst."),
    ],
)
def test_revoking_needs_a_reason_a_category_and_the_confirmation(
    app: Flask, world: World, data: dict[str, str], field_id: str, message: str
) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    before = count_rows(app)
    response = post(client, f"/certificaten/{world.a.certificate}/intrekken", data)
    assert response.status_code == 400
    assert_field_error(response, field_id, message)
    assert count_rows(app) == before


def test_status_changes_that_do_not_fit_get_a_conflict(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    url = f"/certificaten/{world.a.certificate}"
    before = count_rows(app)
    response = post(client, url + "/opheffen", {"reason": "Klaar"})
    assert response.status_code == 409
    assert "Dit certificaat is niet geschorst." in text_of(response)
    assert count_rows(app) == before
    post(client, url + "/schorsen", {"reason": "Nakijken"})
    before = count_rows(app)
    response = post(client, url + "/schorsen", {"reason": "Nog een keer"})
    assert response.status_code == 409
    assert "Dit certificaat is al geschorst." in text_of(response)
    assert count_rows(app) == before


BAD_PARTICIPANT_INPUT = {
    "empty name": Refused({"holder_name": ""}, 400, "f-holder_name", "Vul de naam van de deelnemer in"),
    "bad e-mail": Refused({"holder_name": "Sam", "email": "geen-adres"}, 400, "f-email",
                          "Dit is geen goed e-mailadres."),
    "e-mail too long": Refused({"holder_name": "Sam", "email": "a@" + "b" * 260 + ".nl"}, 400, "f-email",
                               "Gebruik hoogstens 254 tekens."),
    "other organisation's shop": Refused({"holder_name": "Sam", "shop": OTHER_ORG}, 404, "f-shop",
                                         "Kies een winkel uit de lijst."),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_PARTICIPANT_INPUT.values(), ids=BAD_PARTICIPANT_INPUT.keys())
def test_bad_participant_input_is_refused_next_to_its_field(app: Flask, world: World, case: Refused) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    data = dict(case.data)
    if data.get("shop") == OTHER_ORG:
        with app.app_context(), session_scope(runtime().sessions) as db:
            data["shop"] = str(org_services.get_org(db, world.b.slug).shops[0].id)
    before = count_rows(app)
    response = post(client, "/deelnemers/nieuw", data)
    assert response.status_code == case.status
    assert_field_error(response, case.field_id, case.message)
    assert count_rows(app) == before


def test_an_unknown_organisation_is_not_found(app: Flask, world: World) -> None:
    before = count_rows(app)
    response = app.test_client().get("/orgs/bestaat-niet/did.json")
    assert response.status_code == 404
    assert count_rows(app) == before


# --- participants and their access code ---------------------------------------------------


def test_a_new_participants_code_is_shown_once_with_a_letter(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    response = post(client, "/deelnemers/nieuw", {"holder_name": "Fatima El Amrani", "email": "", "shop": ""})
    assert response.status_code == 302
    first = client.get(response.headers["Location"])
    assert first.headers["Cache-Control"] == "no-store"
    html = first.get_data(as_text=True)
    codes = set(ACCESS_CODE.findall(html))
    assert len(codes) == 1
    code = codes.pop()
    assert f"{runtime_base(app)}/portfolio" in html
    assert "Zo bekijk je jouw certificaten" in html and "How to see your certificates" in html
    assert 'lang="en"' in html
    participant_id = int(response.headers["Location"].split("/")[2])
    with app.app_context(), session_scope(runtime().sessions) as db:
        person = db.get(Participant, participant_id)
        assert person is not None and person.access_code_digest == participant_services.access_code_digest(code)
    again = client.get(response.headers["Location"])
    assert not ACCESS_CODE.search(again.get_data(as_text=True))
    assert "De code is al een keer getoond" in text_of(again)

    renewed = post(client, f"/deelnemers/{participant_id}/nieuwe-code")
    new_code = ACCESS_CODE.findall(client.get(renewed.headers["Location"]).get_data(as_text=True))[0]
    assert new_code != code
    with app.app_context(), session_scope(runtime().sessions) as db:
        person = db.get(Participant, participant_id)
        assert person is not None and person.access_code_digest == participant_services.access_code_digest(new_code)


def test_participant_search_and_paging(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    body = text_of(client.get("/deelnemers?q=tweede"))
    assert "Tweede A" in body and "Deelnemer A" not in body
    assert client.get("/deelnemers?q=%25").status_code == 200  # LIKE wildcards are plain text
    assert client.get("/certificaten?pagina=abc").status_code == 200
    assert client.get("/certificaten?pagina=999").status_code == 200
    assert client.get("/certificaten?pagina=%C2%B2").status_code == 200  # a superscript two
    assert client.get("/deelnemers/99999999999999999999999").status_code == 404
    before = count_rows(app)
    for participant in ("1" * 30, "\u00b2", "-1"):
        response = post(client, "/certificaten/nieuw", {**ISSUE_FORM, "participant": participant})
        assert response.status_code == 404, participant
    assert count_rows(app) == before


def test_org_admin_rotates_the_key(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.admin)
    before = count_rows(app)
    response = post(client, "/organisatie/sleutels/vernieuwen")
    assert response.headers["Location"] == "/organisatie"
    body = text_of(client.get("/organisatie"))
    assert "Er is een nieuwe sleutel in gebruik." in body and "In gebruik" in body and "Oud, sinds" in body
    assert count_rows(app)["audit_events"] == before["audit_events"] + 1


# --- language -------------------------------------------------------------------------------


def test_language_switch_is_remembered(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    dutch = page(client.get("/"))
    assert dutch.tags("html")[0]["attrs"]["lang"] == "nl"
    switch = next(e for e in dutch.tags("a") if e["attrs"].get("hreflang") == "en")
    assert switch["attrs"]["href"] == "/?lang=en"
    english = client.get(switch["attrs"]["href"])
    assert page(english).tags("html")[0]["attrs"]["lang"] == "en"
    assert "Latest certificates" in text_of(english)
    assert "Issue a certificate" in text_of(client.get("/certificaten/nieuw"))  # remembered
    assert "Laatste certificaten" in text_of(client.get("/?lang=nl"))
    assert page(client.get("/")).tags("html")[0]["attrs"]["lang"] == "nl"


def test_language_switch_on_a_refused_status_change_points_to_the_certificate(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    response = post(client, f"/certificaten/{world.a.certificate}/schorsen", {"reason": ""})
    switch = next(e for e in page(response).tags("a") if e["attrs"].get("hreflang") == "en")
    assert switch["attrs"]["href"] == f"/certificaten/{world.a.certificate}?lang=en"


def test_every_text_exists_in_both_languages() -> None:
    for key, texts in i18n.MESSAGES.items():
        assert set(texts) == {"nl", "en"} and all(texts.values()), key
    used = set()
    for source in [*TEMPLATES_DIR.rglob("*.html"), ISSUER / "web.py"]:
        text = source.read_text("utf-8")
        used |= set(re.findall(r"""\bt\(\s*['"]([a-z0-9_.]+)['"]\s*[,)]""", text))
        used |= set(re.findall(r"""\bt_in\(\s*\w+,\s*['"]([a-z0-9_.]+)['"]\s*[,)]""", text))
        used |= set(re.findall(r"""flash\(\s*['"]([a-z0-9_.]+)['"]\s*\)""", text))
    assert used, "the scan found no texts"
    assert sorted(key for key in used if key not in i18n.MESSAGES) == []


def test_every_service_error_code_has_a_translation() -> None:
    # The services (the core and each domain's) and the staff pages, as before they were split up.
    modules = [*sorted((ISSUER / "core").glob("*.py")), ISSUER / "web.py", ISSUER / "staff_user.py",
               ISSUER / "sector" / "framework" / "competences.py"]
    for domain in ("accounts", "organisations", "participants", "certificates"):
        modules += [ISSUER / domain / name for name in ("services.py", "views.py", "access.py")]
    source = "".join(path.read_text("utf-8") for path in modules if path.exists())
    codes = set(re.findall(r'code="([a-z_]+)"', source)) - {"form_invalid"}
    assert codes, "the scan found no error codes"
    assert sorted(code for code in codes if f"error.{code}" not in i18n.MESSAGES) == []


# --- the pages as HTML ----------------------------------------------------------------------


def _get_pages(client: FlaskClient, world: World) -> list[str]:
    return ["/", "/deelnemers", "/deelnemers/nieuw", f"/deelnemers/{world.a.participant_id}",
            f"/deelnemers/{world.a.participant_id}/toegangscode", "/certificaten", "/certificaten/nieuw",
            f"/certificaten/{world.a.certificate}", "/organisatie", "/bestaat-niet"]  # fmt: skip


@pytest.mark.parametrize("language", ["nl", "en"])
def test_pages_have_landmarks_labels_and_a_language(app: Flask, world: World, language: str) -> None:
    client = app.test_client()
    assert page(client.get(f"/login?lang={language}")).tags("main")
    login(client, world.a.admin)
    for url in _get_pages(client, world):
        response = client.get(f"{url}?lang={language}")
        html = page(response)
        assert html.tags("html")[0]["attrs"]["lang"] == language, url
        assert len(html.tags("main")) == 1 and html.tags("header") and html.tags("footer"), url
        assert len(html.tags("h1")) == 1, url
        labelled = {e["attrs"].get("for") for e in html.tags("label")}
        for control in html.tags("input") + html.tags("select") + html.tags("textarea"):
            if control["attrs"].get("type") == "hidden":
                continue
            assert control["attrs"].get("id") in labelled, f"{url}: {control['attrs']} has no label"
        for element in html.elements:
            for ref in element["attrs"].get("aria-describedby", "").split():
                html.by_id(ref)
        assert "<script" not in response.get_data(as_text=True)
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert response.headers["X-Frame-Options"] == "DENY"


# --- the database is down ----------------------------------------------------------------


@pytest.mark.parametrize(
    "down_url",
    ["sqlite:////nonexistent-dir/certificates/credentials.db", "postgresql+psycopg://x@127.0.0.1:1/none"],
)
def test_a_database_that_is_down_gives_a_clear_page(app: Flask, world: World, tmp_path: Path, down_url: str) -> None:
    signed_in = app.test_client()
    login(signed_in, world.a.supervisor)
    cookie = signed_in.get_cookie(app.config["SESSION_COOKIE_NAME"])  # __Host-session on https
    assert cookie is not None
    down = create_app({"TESTING": True}, settings=make_settings(tmp_path / "down", down_url))

    anonymous = down.test_client()
    assert anonymous.get("/login").status_code == 200  # the login page needs no database
    response = post(anonymous, "/login", {"email": world.a.supervisor, "password": PASSWORD})
    assert response.status_code == 503
    assert "De dienst is even niet beschikbaar" in text_of(response)

    client = down.test_client()
    # Same secret key: a session from before the outage.
    client.set_cookie(down.config["SESSION_COOKIE_NAME"], cookie.value)
    for method, url in (("GET", "/certificaten"), ("GET", f"/certificaten/{world.a.certificate}"),
                        ("POST", "/certificaten/nieuw")):  # fmt: skip
        if method == "GET":
            response = client.get(url)
        else:
            with signed_in.session_transaction() as sess:
                token = sess["csrf_token"]
            response = client.post(url, data={**ISSUE_FORM, "csrf_token": token})
        assert response.status_code == 503, url
        body = response.get_data(as_text=True)
        assert "niet beschikbaar" in body and "Traceback" not in body
    down.extensions["credentials"].engine.dispose()


def test_an_unusable_signing_key_gives_a_clear_page_and_changes_nothing(
    app: Flask, world: World, tmp_path: Path, database_url: str
) -> None:
    # The same database, but a key store without the organisation's keys (a lost volume).
    settings = make_settings(tmp_path / "elsewhere", database_url)
    other = create_app({"TESTING": True}, settings=settings)
    client = other.test_client()
    login(client, world.a.supervisor)
    before = count_rows(app)
    response = post(client, "/certificaten/nieuw", {**ISSUE_FORM, "participant": str(world.a.participant_id)})
    assert response.status_code == 503
    assert "Ondertekenen lukt nu niet" in text_of(response) and "Er is niets veranderd." in text_of(response)
    assert count_rows(app) == before
    other.extensions["credentials"].engine.dispose()


def test_a_pdf_made_after_revocation_carries_the_stamp_and_the_date(app: Flask, world: World) -> None:
    import io

    import pypdf

    from issuer.certificates import services as cert_services
    from issuer.webkit.pages import today_local

    client = app.test_client()
    login(client, world.a.supervisor)
    url = f"/certificaten/{world.a.certificate}.pdf"
    before = client.get(url)
    assert before.status_code == 200
    assert "INGETROKKEN" not in pypdf.PdfReader(io.BytesIO(before.data)).pages[0].extract_text()
    with app.app_context(), session_scope(runtime().sessions) as db:
        cert = cert_services.get_certificate(db, world.a.certificate)
        cert_services.revoke(db, runtime().context, cert=cert, reason="Vergissing", actor="test")
    after = client.get(url)
    assert after.status_code == 200 and after.data != before.data
    text = pypdf.PdfReader(io.BytesIO(after.data)).pages[0].extract_text()
    today = today_local()
    assert "INGETROKKEN op" in text and f"{today.day} " in text and str(today.year) in text
