"""axe-core on every page of the running service, in Dutch and in English.

The page list comes from the application's own routes (``url_map``): every GET route is
either scanned or listed in ``NOT_HTML`` with the reason it is no page (JSON, PDF, ZIP,
CSV). A route someone adds later is scanned without a change here; one that needs a
value this file does not know (a new ``<argument>``) or answers something other than
HTML fails the test with a message saying what to add. Each page is opened by the
first visitor who may see it (anonymous, the holder with the personal code, supervisor,
organisation admin, sector admin); ``STATES`` adds what a route alone does not show:
forms with errors, every verdict of the public page, the holder's portfolio, the
personal code shown once, a bulk upload and its result.

On each page, at desktop width and at 360 px: no serious or critical axe finding (WCAG
2.1 A/AA: contrast, names, labels, structure), a label on every field, and every error
message tied to its field (``aria-describedby``). axe is injected into the page, which
needs a context made with ``bypass_csp=True``; the journeys run under the real CSP.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from issuer.app import create_app
from issuer.ops.demo import DEMO_ADMIN, DEMO_HOLDER_CODE, DEMO_ORG, DEMO_SECTOR_ADMIN, DEMO_SUPERVISOR
from tests.e2e.browser import axe_findings, errors_not_tied_to_fields, require_axe, unlabelled_fields
from tests.e2e.conftest import new_context
from tests.e2e.paper import altered_pdf
from tests.e2e.steps import add_participant, download, log_in, open_portfolio, say, say_count
from tests.support import cli, make_settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.e2e.conftest import Service

ROLES = ("anonymous", "holder", "supervisor", "org_admin", "sector_admin")
LOGINS = {"supervisor": DEMO_SUPERVISOR, "org_admin": DEMO_ADMIN, "sector_admin": DEMO_SECTOR_ADMIN}

# GET routes that are no page for people, each with the reason.
NOT_HTML: dict[str, str] = {
    "static": "the stylesheet",
    "public.did_document": "JSON: the organisation's DID document, for verifiers",
    "public.status_list": "JSON: a signed status list, for verifiers",
    "public.health": "JSON health check for the load balancer",
    "public.ready": "JSON readiness check for the load balancer",
    "verifier_api.openapi": "JSON: the verifier API's description",
    "web.certificate_json": "download: the signed certificate (JSON)",
    "web.certificate_pdf": "download: the certificate (PDF)",
    "web.participant_data": "download: a participant's data (JSON)",
    "web.participant_portfolio": "download: a participant's portfolio (PDF)",
    "bulk_pages.template": "download: the CSV template",
    "bulk_pages.job_pdf": "download: the certificates of an upload (PDF)",
    "bulk_pages.job_report": "download: the report of an upload (CSV)",
    "portfolio.certificate_pdf": "download: the holder's certificate (PDF)",
    "portfolio.certificate_json": "download: the holder's certificate (JSON)",
    "portfolio.portfolio_pdf": "download: the holder's portfolio (PDF)",
    "portfolio.portfolio_zip": "download: everything of the holder (ZIP)",
    "portfolio.my_data": "download: the holder's data (JSON)",
}
NOT_HTML_BLUEPRINTS = {"api_v1": "the integration API: JSON for machines, with a bearer token"}
# A route whose path ends in a file extension is a file (JSON for machines, a CSV or PDF
# download), never a page: the sector layer's trust lists and exports are such routes.
FILE_EXTENSIONS = (".json", ".jsonld", ".csv", ".pdf", ".zip")
# Values for the arguments of pages other people add while this scan is in use (the
# sector layer of issue 9): the demo data's codes where they exist. A page that needs
# an argument not known here, or that nobody may open with these values, is reported
# as a warning (not scanned) instead of failing the scan; pages of the blueprints in
# SCAN_MUST_REACH must always be reached.
GUESSED_VALUES = {"competence_code": "CIRC-SORTEREN", "version_number": 1, "region_code": "Rijnmond", "shop_id": 1}
SCAN_MUST_REACH = ("web", "verifier_pages", "portfolio", "bulk_pages", "api_tokens", "framework_pages", "trust_pages",
                   "regions")

CSV = "naam,competentie,niveau\nLotte Jansen,CIRC-SORTEREN,1\nRik de Boer,DIG-KASSA,2\n"
BAD_CSV = "naam,competentie,niveau\n,CIRC-SORTEREN,7\n"


@dataclass
class World:
    """The visitors, each in a context of their own, and the ids the routes need."""

    pages: dict[str, Page]
    values: dict[str, Any]
    files: dict[str, Path]
    language: str = "nl"  # of the pages being scanned: the visitors read their labels in it


def route_list(tmp_path: Path) -> list[tuple[str, str, list[str]]]:
    """(endpoint, rule, arguments) of every GET route of the full application."""
    app = create_app({"TESTING": True}, settings=make_settings(tmp_path, f"sqlite:///{tmp_path}/routes.db"))
    return sorted(
        (rule.endpoint, rule.rule, sorted(rule.arguments))
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
    )


def _fill(rule: str, values: dict[str, Any]) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule)


@pytest.fixture(scope="module")
def world(browser: Browser, service: Service, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    require_axe()
    files = tmp_path_factory.mktemp("scan")
    pages: dict[str, Page] = {}
    for role in ROLES:
        page = new_context(browser, service, bypass_csp=True).new_page()
        if role == "holder":
            open_portfolio(page, DEMO_HOLDER_CODE)
        elif role in LOGINS:
            log_in(page, LOGINS[role])
        pages[role] = page
    supervisor, holder = pages["supervisor"], pages["holder"]

    # Certificates in every state a public page can show (revoked and suspended ones
    # through the supervisor's forms, withdrawn by the holder, who switches it back after).
    ids: dict[str, str] = {}
    for state in ("valid", "revoked", "suspended"):
        url = cli(service.env, "issue", "--org", DEMO_ORG, "--holder", f"Scan {state}", "--competence", "DIG-KASSA")
        ids[state] = url.strip().rsplit("/", 1)[1]
    cli(service.env, "revoke", "--reason", "Scan", "--", ids["revoked"])  # older ids may start with "-"
    supervisor.goto(f"/certificaten/{ids['suspended']}")
    supervisor.get_by_label(say("field.reason")).first.fill("Even nakijken")
    supervisor.get_by_role("button", name=say("suspend.submit")).click()
    withdrawn = (holder.locator("li.card").last.get_attribute("id") or "").removeprefix("c-")
    holder.goto("/portfolio")
    holder.locator(f"#c-{withdrawn}").get_by_role("button", name=re.compile(say("portfolio.public.turn_off"))).click()
    ids["withdrawn"] = withdrawn

    files_made = {
        "pdf": download(holder, re.compile("^" + re.escape(say("portfolio.download.pdf"))), files / "c.pdf"),
        "portfolio": download(holder, say("portfolio.all.pdf"), files / "portfolio.pdf"),
        "csv": files / "cohort.csv",
        "bad_csv": files / "fouten.csv",
    }
    files_made["csv"].write_text(CSV, "utf-8")
    files_made["bad_csv"].write_text(BAD_CSV, "utf-8")
    files_made["forged"] = files / "aangepast.pdf"
    files_made["forged"].write_bytes(altered_pdf(files_made["pdf"].read_bytes(),
                                                 lambda c: c.update(name="Iemand Anders")))  # fmt: skip

    supervisor.goto("/deelnemers")
    participant_href = supervisor.locator("main table a").first.get_attribute("href") or ""
    admin = pages["org_admin"]
    admin.goto("/organisatie/api-tokens/nieuw")
    admin.get_by_label(re.compile("^" + say("field.token_name"))).fill("Koppeling scan")
    admin.get_by_label(re.compile(say("api_tokens.scope.issue"))).check()
    admin.get_by_role("button", name=say("api_token_new.submit")).click()
    token_id = admin.url.rstrip("/").rsplit("/", 1)[1]
    supervisor.goto("/meerdere-certificaten")
    supervisor.get_by_label(re.compile(say("bulk.field.file"))).set_input_files(str(files_made["csv"]))
    supervisor.get_by_role("button", name=say("bulk.submit")).click()
    supervisor.get_by_role("button", name=say_count("bulk.preview.confirm.one", "bulk.preview.confirm", 2)).click()
    supervisor.wait_for_url(re.compile(r"/meerdere-certificaten/[^/]+$"))
    job_id = supervisor.url.rsplit("/", 1)[1]
    # The framework's draft editor and a proposal (the demo organisation proposes one):
    # a draft of the next version, thrown away afterwards (issuing keeps the published one).
    cli(service.env, "framework", "draft")
    sector = pages["sector_admin"]
    sector.goto("/sector/voorstellen")
    proposal_href = sector.locator("main a[href*='/sector/voorstellen/']").first.get_attribute("href") or ""

    values = {"public_id": ids["valid"], "participant_id": participant_href.rsplit("/", 1)[1], "slug": DEMO_ORG,
              "token_id": token_id, "job_id": job_id, "proposal_id": proposal_href.rsplit("/", 1)[1],
              **{f"id_{k}": v for k, v in ids.items()}}  # fmt: skip
    yield World(pages=pages, values=values, files=files_made)

    cli(service.env, "framework", "discard")

    holder.goto("/portfolio?lang=nl")  # the demo holder's page is public again for the other tests
    holder.locator(f"#c-{withdrawn}").get_by_role("button", name=re.compile(say("portfolio.public.turn_on"))).click()
    for page in pages.values():
        page.context.close()


def _submit(page: Page, button: str, language: str) -> None:
    page.get_by_role("button", name=say(button, language), exact=True).first.click()
    page.wait_for_load_state()


def _upload(name: str) -> Callable[[World], None]:
    def act(world: World) -> None:
        page = world.pages["anonymous"]
        page.get_by_label(say("verify.form.file_label", world.language)).set_input_files(str(world.files[name]))
        _submit(page, "verify.form.submit", world.language)

    return act


def _portfolio_code(code: str) -> Callable[[World], None]:
    def act(world: World) -> None:
        world.pages["anonymous"].get_by_label(say("portfolio.field.code", world.language)).fill(code)
        _submit(world.pages["anonymous"], "portfolio.login.submit", world.language)

    return act


def _press(role: str, button: str) -> Callable[[World], None]:
    return lambda world: _submit(world.pages[role], button, world.language)


def _new_participant(world: World) -> None:
    add_participant(world.pages["supervisor"], "Scan Deelnemer", world.language)


def _bad_bulk(world: World) -> None:
    page = world.pages["supervisor"]
    page.get_by_label(re.compile(say("bulk.field.file", world.language))).set_input_files(str(world.files["bad_csv"]))
    _submit(page, "bulk.submit", world.language)


# name: (visitor, path to open, what they do there, or None to only look)
STATES: dict[str, tuple[str, str, Callable[[World], None] | None]] = {
    "verify: valid PDF": ("anonymous", "/verify", _upload("pdf")),
    "verify: altered PDF": ("anonymous", "/verify", _upload("forged")),
    "verify: portfolio PDF": ("anonymous", "/verify", _upload("portfolio")),
    "verify: nothing chosen": ("anonymous", "/verify", _press("anonymous", "verify.form.submit")),
    "public page: revoked": ("anonymous", "/c/{id_revoked}", None),
    "public page: suspended": ("anonymous", "/c/{id_suspended}", None),
    "public page: withdrawn": ("anonymous", "/c/{id_withdrawn}", None),
    "public page: not found": ("anonymous", "/c/" + "Z" * 22, None),
    "code form: malformed": ("anonymous", "/controleren?code=1234", None),
    "portfolio: wrong code": ("anonymous", "/portfolio", _portfolio_code("AAAA-BBBB")),
    "portfolio: the holder's page": ("holder", "/portfolio", None),
    "portfolio: erase not confirmed": ("holder", "/portfolio/wissen", _press("holder", "portfolio.erase.submit")),
    "login: empty": ("anonymous", "/login", _press("anonymous", "login.submit")),
    "issue: empty": ("supervisor", "/certificaten/nieuw", _press("supervisor", "issue.submit")),
    "participant: empty": ("supervisor", "/deelnemers/nieuw", _press("supervisor", "participant_new.submit")),
    "participant: code shown once": ("supervisor", "/deelnemers/nieuw", _new_participant),
    "certificate: revoke not confirmed": (
        "supervisor", "/certificaten/{public_id}", _press("supervisor", "revoke.submit")
    ),
    "certificate: revoked": ("supervisor", "/certificaten/{id_revoked}", None),
    "certificate: suspended": ("supervisor", "/certificaten/{id_suspended}", None),
    "bulk: problems in the file": ("supervisor", "/meerdere-certificaten", _bad_bulk),
    "bulk: nothing chosen": ("supervisor", "/meerdere-certificaten", _press("supervisor", "bulk.submit")),
    "api token: empty": ("org_admin", "/organisatie/api-tokens/nieuw", _press("org_admin", "api_token_new.submit")),
    "dashboard: organisation admin": ("org_admin", "/", None),
    "dashboard: sector admin": ("sector_admin", "/", None),
}


def _open_as_first_allowed(world: World, path: str) -> Page | None:
    """The page of the first visitor who may see ``path`` (200, no redirect), or None."""
    for role in ROLES:
        page = world.pages[role]
        response = page.goto(path)
        assert response is not None
        if response.status == 200 and response.request.redirected_from is None:
            kind = response.headers.get("content-type", "")
            assert kind.startswith("text/html"), f"{path} answers {kind}: add it to NOT_HTML with the reason"
            return page
    return None


def _check(page: Page, name: str) -> list[str]:
    problems = axe_findings(page, name)
    problems += [f"{name}: field without a label: {field}" for field in unlabelled_fields(page)]
    problems += [f"{name}: error not tied to its field: {field}" for field in errors_not_tied_to_fields(page)]
    return problems


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_page_has_no_serious_or_critical_accessibility_findings(
    world: World, language: str, tmp_path: Path
) -> None:
    findings: list[str] = []
    scanned: list[str] = []
    unreached: list[str] = []
    values = {**GUESSED_VALUES, **world.values}
    for endpoint, rule, arguments in route_list(tmp_path):
        blueprint = endpoint.split(".")[0]
        if endpoint in NOT_HTML or blueprint in NOT_HTML_BLUEPRINTS or rule.endswith(FILE_EXTENSIONS):
            continue
        unknown = [name for name in arguments if name not in values]
        if unknown:
            assert blueprint not in SCAN_MUST_REACH, f"{endpoint} ({rule}) needs a value for {unknown} in the world"
            unreached.append(f"{endpoint} ({rule}): no value for {unknown}")
            continue
        path = _fill(rule, values)
        page = _open_as_first_allowed(world, f"{path}?lang={language}")
        if page is None:
            assert blueprint not in SCAN_MUST_REACH, f"nobody may open {path}: give the scan a visitor who may"
            unreached.append(f"{endpoint} ({path}): no visitor may open it")
            continue
        assert page.locator("html").get_attribute("lang") == language
        findings += _check(page, f"{endpoint} {path} [{language}]")
        scanned.append(endpoint)
    world.language = language
    for name, (role, path, act) in STATES.items():
        page = world.pages[role]
        target = path.format(**world.values)
        page.goto(target + ("&" if "?" in target else "?") + f"lang={language}")
        if act is not None:
            act(world)
        assert page.locator("html").get_attribute("lang") == language, name
        findings += _check(page, f"{name} [{language}]")
    assert len(scanned) >= 20, scanned  # 23 pages when issue 8 was built
    if unreached:
        warnings.warn("pages the scan could not open: " + "; ".join(unreached), stacklevel=1)
    assert findings == []


def test_the_scan_finds_what_it_looks_for(browser: Browser, service: Service) -> None:
    """The scan can fail: a field without a label, grey text on white and an error
    message not tied to its field are each reported."""
    context = new_context(browser, service, bypass_csp=True)
    try:
        page = context.new_page()
        page.set_content(
            "<html lang='nl'><title>Test</title><main><h1>Test</h1>"
            "<p class='faint'>Lichtgrijze tekst die bijna niemand kan lezen.</p>"
            "<input type='text' name='naam' aria-invalid='true'><p class='error-message'>Vul uw naam in.</p>"
            "</main></html>"
        )
        page.add_style_tag(content=".faint { color: #d0d0d0; }")
        problems = " | ".join(_check(page, "test"))
        assert "color-contrast" in problems and "label" in problems
        assert "field without a label: naam" in problems and "error not tied to its field: naam" in problems
    finally:
        context.close()
