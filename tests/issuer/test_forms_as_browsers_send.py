"""Every form of the service takes what a browser sends.

A browser sends the line breaks of a ``<textarea>`` as CRLF, whatever the platform, in
``application/x-www-form-urlencoded`` (``%0D%0A``) and in ``multipart/form-data`` bodies.
This test does what a person with each role would do: it signs in, follows every link of
the service's pages, reads every form it finds, fills each textarea with lines joined by
CRLF and every other field with a valid value, and submits the form encoded exactly as a
browser would. No field may be refused for its line breaks, and every form must be
accepted (apart from the few listed in ``REFUSED_ON_PURPOSE``, each with its reason).

The crawl also reads every page it renders for attributes that arrived escaped (the form
macros once printed ``max=&#34;2026-12-02&#34;``), and it must reach every POST route of
the pages, so a new form is covered without a change here.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.test import TestResponse

from issuer.certificates import services as cert_services
from issuer.organisations import services as org_services
from issuer.participants import services as participant_services
from issuer.runtime import runtime
from issuer.sector.framework import services as framework
from issuer.store.db import session_scope
from tests.issuer.conftest import PASSWORD, World, build_world, login

CRLF = "\r\n"
TWO_LINES = f"Regel een.{CRLF}Regel twee."
# A competence has three to five criteria, one per line.
CRITERIA = f"Sorteert de spullen.{CRLF}Werkt veilig.{CRLF}Vraagt hulp als het nodig is."

# POST routes that are not HTML forms: JSON APIs, and the language switch link.
NOT_FORMS = ("api_v1.", "verifier_api.", "static")

# Forms that end the session or take something away for good: submitted last, after every
# other form of the role has been tried, each from a freshly loaded page.
LAST = (
    "framework_pages.adopt",  # after "decline" has had the first proposal
    "portfolio.erase",
    "web.participant_erase",
    "web.certificate_revoke",
    "web.rotate_key",
    "api_tokens.revoke",
    "framework_pages.publish",  # ends the draft that the editing forms work on
    "framework_pages.discard",
    "trust_pages.end",
    "web.login",
    "portfolio.open_portfolio",
    "portfolio.logout",
    "web.logout",
)

# Forms whose refusal is the right answer for the valid values a crawler can know.
REFUSED_ON_PURPOSE: dict[str, str] = {
    # Discarding a draft right after publishing it: there is no draft any more (409).
    "framework_pages.discard": "the draft was published by the form before it",
}

# Routes a crawler cannot reach by following links: they need a state made elsewhere.
REACHED_ELSEWHERE: dict[str, str] = {}


# --- reading forms ---------------------------------------------------------------------------


@dataclass
class Field:
    tag: str  # input, textarea, select
    kind: str  # the input type; "textarea" or "select" for those
    name: str
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[Field] = field(default_factory=list)


class PageReader(HTMLParser):
    """The links, forms and every attribute of a page, as a browser's DOM has them."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.attributes: list[tuple[str, str, str]] = []  # (tag, name, value)
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.attributes.extend((tag, k, v) for k, v in values.items())
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        elif tag == "form":
            self._form = Form(values.get("action", ""), values.get("method", "get").lower(),
                              values.get("enctype", "application/x-www-form-urlencoded"))  # fmt: skip
            self.forms.append(self._form)
        elif self._form is None or "name" not in values:
            if tag == "option" and self._select is not None:
                self._select.options.append(values.get("value", ""))
            return
        elif tag == "input":
            kind = values.get("type", "text").lower()
            self._form.fields.append(Field(tag, kind, values["name"], values.get("value", ""), "checked" in values,
                                           attrs=values))  # fmt: skip
        elif tag == "textarea":
            self._textarea = Field(tag, "textarea", values["name"], attrs=values)
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(tag, "select", values["name"], attrs=values)
            self._form.fields.append(self._select)
        elif tag == "button" and values.get("type", "submit") == "submit":
            self._form.fields.append(Field(tag, "submit", values["name"], values.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


# An attribute whose value is itself an attribute list that was escaped: the DOM then has
# max='"2026-12-02"' or autocapitalize='"characters"' instead of the real attributes.
ESCAPED_ATTRIBUTES = re.compile(r'^"|"$|"\s+[\w:-]+="')


def escaped_attributes(reader: PageReader) -> list[str]:
    # Texts a person reads may hold quotes; attribute lists never belong there either way.
    free_text = ("value", "content", "alt", "title", "aria-label")
    return [f"<{tag} {name}={value!r}>" for tag, name, value in reader.attributes
            if name not in free_text and ESCAPED_ATTRIBUTES.search(value)]  # fmt: skip


def test_the_escaped_attribute_check_finds_what_the_old_macros_printed() -> None:
    old = '<input type="date" name="issued_on" max=&#34;2026-12-02&#34;><input name="code" autocapitalize=&#34;characters&#34; spellcheck=&#34;false&#34;>'  # noqa: E501
    assert len(escaped_attributes(PageReader(old))) == 3
    new = '<input type="date" name="issued_on" max="2026-12-02"><input name="code" autocapitalize="characters">'
    assert escaped_attributes(PageReader(new)) == []


# --- encoding what a browser sends ------------------------------------------------------------


def urlencoded(pairs: list[tuple[str, str]]) -> tuple[bytes, str]:
    return urllib.parse.urlencode(pairs).encode("ascii"), "application/x-www-form-urlencoded"


def multipart(pairs: list[tuple[str, str]], files: list[tuple[str, str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart body as browsers write it: CRLF between the parts, the text as UTF-8."""
    boundary = "----WebKitFormBoundary" + secrets.token_hex(8)
    body = io.BytesIO()
    for name, value in pairs:
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        body.write(value.encode("utf-8") + b"\r\n")
    for name, filename, content, mimetype in files:
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                   f"Content-Type: {mimetype}\r\n\r\n".encode())  # fmt: skip
        body.write(content + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


# --- valid values ---------------------------------------------------------------------------


@dataclass
class Filler:
    """Valid values for a form's fields, the way a careful person would fill them in."""

    world: World
    files: dict[str, Callable[[], tuple[str, bytes, str]]]
    pasted_credential: str
    codes: dict[str, str]  # endpoint -> the code a person would type there
    counter: int = 0

    def unique(self) -> int:
        self.counter += 1
        return self.counter

    def text(self, endpoint: str, item: Field) -> str:
        name = item.name
        n = self.unique()
        if item.kind == "textarea":
            if name.startswith("criteria"):
                return CRITERIA
            if name == "tekst":  # the verifier's "paste the file's text"
                return self.pasted_credential
            return TWO_LINES
        if name == "code" and endpoint in self.codes:
            return self.codes[endpoint]
        if item.kind == "email":
            return self.world.a.admin if endpoint == "web.login" else f"formulier{n}@example.org"
        if item.kind == "password":
            return PASSWORD
        if item.kind == "date":
            return date.today().isoformat()
        if item.kind == "number":
            return item.attrs.get("min") or "1"
        by_name = {
            "holder_name": "Emre Çelik",
            "code": f"CIRC-FORMULIER-{n}",
            "slug": f"kringloop-formulier-{n}",
            "org_name": f"Kringloop Formulier {n}",
            "contact_phone": "030 123 45 67",
            "website": "https://kringloop.example.org",
            "q": "Deelnemer",
            "zoek": "Deelnemer",
        }
        if name in by_name:
            return by_name[name]
        if name.startswith("name"):
            return f"Naam {n}"
        return item.value or f"Tekst {n}"

    def pairs(self, endpoint: str, form: Form) -> tuple[list[tuple[str, str]], list[tuple[str, str, bytes, str]]]:
        pairs: list[tuple[str, str]] = []
        files: list[tuple[str, str, bytes, str]] = []
        radios: set[str] = set()
        submitted = False
        for item in form.fields:
            if item.kind in ("hidden",):
                pairs.append((item.name, item.value))
            elif item.kind == "checkbox":
                # Confirmation boxes are ticked; of a group of choices, the first.
                if item.checked or item.name not in {name for name, _ in pairs}:
                    pairs.append((item.name, item.value or "on"))
            elif item.kind == "radio":
                if item.name not in radios:
                    radios.add(item.name)
                    chosen = next((f for f in form.fields if f.name == item.name and f.checked), item)
                    pairs.append((item.name, chosen.value))
            elif item.kind == "select":
                options = [o for o in item.options if o]
                pairs.append((item.name, options[0] if options else ""))
            elif item.kind == "file":
                maker = self.files.get(endpoint)
                if maker is None:
                    files.append((item.name, "", b"", "application/octet-stream"))  # no file chosen
                else:
                    files.append((item.name, *maker()))
            elif item.kind == "submit":
                if not submitted:
                    submitted = True
                    pairs.append((item.name, item.value))
            elif item.kind in ("button", "reset", "image"):
                continue
            else:
                pairs.append((item.name, self.text(endpoint, item)))
        return pairs, files


# --- crawling --------------------------------------------------------------------------------


@dataclass
class Submission:
    role: str
    endpoint: str
    url: str
    status: int
    problems: list[str]


@dataclass
class Crawl:
    app: Flask
    client: FlaskClient
    filler: Filler
    encoding: str
    role: str
    pages: int = 0
    submissions: list[Submission] = field(default_factory=list)
    escaped: list[str] = field(default_factory=list)
    seen_urls: set[str] = field(default_factory=set)
    seen_endpoints: dict[str, int] = field(default_factory=dict)
    done_forms: set[tuple[str, str, tuple[str, ...]]] = field(default_factory=set)
    last: list[tuple[str, Form]] = field(default_factory=list)
    pages_of: dict[str, list[str]] = field(default_factory=dict)

    def endpoint(self, url: str, method: str) -> str | None:
        path = urllib.parse.urlsplit(url).path
        try:
            endpoint, _ = self.app.url_map.bind("localhost").match(path, method=method.upper())
        except (NotFound, MethodNotAllowed):
            return None
        return str(endpoint)

    def worth_visiting(self, url: str) -> bool:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            return False
        if "lang=" in parts.query or parts.path.startswith("/static"):
            return False
        endpoint = self.endpoint(url, "GET")
        if endpoint is None or url in self.seen_urls:
            return False
        # Two pages of one kind are enough (a certificate, a participant, ...).
        return self.seen_endpoints.get(endpoint, 0) < 2

    def visit(self, url: str, queue: list[str], *, again: bool = False) -> None:
        """Read a page: its links go on the queue, its forms are tried. ``again``: a page seen
        before, read once more after a form changed what it shows (a lift after a suspend)."""
        endpoint = self.endpoint(url, "GET")
        assert endpoint is not None
        if not again:
            self.seen_urls.add(url)
            self.seen_endpoints[endpoint] = self.seen_endpoints.get(endpoint, 0) + 1
            self.pages_of.setdefault(endpoint, []).append(url)
        response = self.client.get(url)
        if response.status_code in (301, 302, 303):
            target = response.headers["Location"]
            if self.worth_visiting(target):
                queue.append(target)
            return
        if response.mimetype != "text/html":
            return
        self.pages += 1
        reader = PageReader(response.get_data(as_text=True))
        self.escaped.extend(f"{url}: {item}" for item in escaped_attributes(reader))
        queue.extend(link for link in reader.links if self.worth_visiting(link))
        for form in reader.forms:
            self.consider(url, form, queue)

    def consider(self, page_url: str, form: Form, queue: list[str]) -> None:
        action = form.action or page_url
        endpoint = self.endpoint(action, form.method)
        assert endpoint is not None, f"{page_url}: a form posts to {action}, which is no route"
        key = (endpoint, form.method, tuple(sorted({f.name for f in form.fields if f.kind != "hidden"})))
        if key in self.done_forms:
            return
        self.done_forms.add(key)
        if endpoint in LAST:
            self.last.append((page_url, form))
            return
        self.submit(page_url, form, queue)

    def submit(self, page_url: str, form: Form, queue: list[str]) -> None:
        action = urllib.parse.urljoin(page_url, form.action or page_url)
        endpoint = self.endpoint(action, form.method)
        assert endpoint is not None
        pairs, files = self.filler.pairs(endpoint, form)
        if form.method == "get":
            query = urllib.parse.urlencode(pairs)
            response = self.client.get(f"{urllib.parse.urlsplit(action).path}?{query}")
        else:
            as_multipart = files or self.encoding == "multipart" or form.enctype == "multipart/form-data"
            body, content_type = multipart(pairs, files) if as_multipart else urlencoded(pairs)
            response = self.client.post(action, data=body, content_type=content_type)
        textareas = [f.name for f in form.fields if f.kind == "textarea"]
        self.submissions.append(Submission(self.role, endpoint, action, response.status_code,
                                           refusals(response, textareas)))  # fmt: skip
        if response.status_code in (301, 302, 303):
            target = response.headers["Location"]
            if self.worth_visiting(target):
                queue.append(target)
            elif target in self.seen_urls and queue is not None:
                self.visit(target, queue, again=True)
        elif response.mimetype == "text/html":
            reader = PageReader(response.get_data(as_text=True))
            queue.extend(link for link in reader.links if self.worth_visiting(link))

    def run(self, start: list[str]) -> None:
        queue = list(start)
        while queue:
            url = queue.pop(0)
            if url not in self.seen_urls:
                self.visit(url, queue)
        # The forms that end something, each from a page loaded afresh: the page it was found
        # on, or another page of the same kind that still has such a form.
        for page_url, form in sorted(self.last, key=lambda item: LAST.index(self.form_endpoint(*item))):
            self.submit(*self.fresh(page_url, form), [])

    def form_endpoint(self, page_url: str, form: Form) -> str:
        endpoint = self.endpoint(urllib.parse.urljoin(page_url, form.action or page_url), form.method)
        assert endpoint is not None
        return endpoint

    def fresh(self, page_url: str, form: Form) -> tuple[str, Form]:
        endpoint = self.endpoint(urllib.parse.urljoin(page_url, form.action or page_url), form.method)
        kind = self.endpoint(page_url, "GET")
        for url in [page_url, *self.pages_of.get(kind or "", [])]:
            for candidate in PageReader(self.client.get(url).get_data(as_text=True)).forms:
                if self.endpoint(urllib.parse.urljoin(url, candidate.action or url), candidate.method) == endpoint:
                    return url, candidate
        return page_url, form


def refusals(response: TestResponse, textareas: list[str]) -> list[str]:
    """What the answer refuses: the error summary's lines, and any word about bad characters."""
    if response.status_code in (301, 302, 303):
        return []
    source = response.get_data(as_text=True)
    problems: list[str] = []
    if "onzichtbaar teken" in source or "invisible character" in source:
        problems.append("a field was refused for an invisible character")
    for name in textareas:
        if re.search(rf'id="f-{re.escape(name)}[\w-]*-error"', source):
            problems.append(f"the textarea {name!r} was refused")
    summary = re.search(r'<div class="error-summary".*?</div>', source, re.S)
    if summary:
        problems.append("refused: " + " ".join(re.sub(r"<[^>]+>", " ", summary.group(0)).split()))
    if response.status_code >= 400 and not problems:
        problems.append(f"HTTP {response.status_code}")
    return problems


# --- the journeys ------------------------------------------------------------------------------


@dataclass
class Setting:
    world: World
    holder_code: str
    short_code: str
    credential_text: str


def _setting(app: Flask) -> Setting:
    world = build_world(app)
    with app.app_context(), session_scope(runtime().sessions) as db:
        org = org_services.get_org(db, world.a.slug)
        person, code = participant_services.add_participant(db, org=org, name="Sanne de Vries", actor="test")
        cert = cert_services.issue_certificate(db, runtime().context, org=org, competence_code="CIRC-SORTEREN",
                                          level="1", actor="test", participant=person,
                                          evidence=f"Regel een.{CRLF}Regel twee.")  # fmt: skip
        credential = json.loads(cert.credential_json)
        short_code = cert.short_code or ""
        # A second proposal, so that one can be declined and the other adopted.
        framework.propose(db, org=org, actor="test", fields={
            "group": "circular", "name_nl": "Fietsen herstellen", "name_en": "Repairing bicycles",
            "description_nl": f"Herstelt fietsen.{CRLF}Veilig.", "description_en": "Repairs bicycles.",
            "criteria_nl": CRITERIA, "criteria_en": f"Fixes tyres{CRLF}Adjusts brakes{CRLF}Checks lights",
            "esco": "http://data.europa.eu/esco/skill/58c089ab-338b-4e4c-8117-7c1fcc89af69",
        })  # fmt: skip
    # Pasted the way a text editor on Windows saves it: indented, with CRLF line breaks.
    text = json.dumps(credential, indent=2, ensure_ascii=False).replace("\n", CRLF)
    return Setting(world, code, short_code, text)


def bulk_file(world: World) -> Callable[[], tuple[str, bytes, str]]:
    def make() -> tuple[str, bytes, str]:
        # As Excel saves a CSV: CRLF between rows, a note of two lines inside quotes.
        rows = [
            "holder_name,competence,level,evidence,issued_on,external_ref",
            f'Fatima El Amrani,CIRC-SORTEREN,2,"Sorteert zelfstandig.{CRLF}Helpt nieuwe collega\'s.",,',
            "Piotr Nowak,DIG-KASSA,1,,,",
        ]
        return "cohort.csv", (CRLF.join(rows) + CRLF).encode("utf-8"), "text/csv"

    return make


def regions_file(client: FlaskClient) -> Callable[[], tuple[str, bytes, str]]:
    def make() -> tuple[str, bytes, str]:
        # The sector's own download, saved again by a spreadsheet with CRLF line breaks.
        data = client.get("/sector/regios.csv").get_data(as_text=True)
        return "regios.csv", CRLF.join(data.splitlines()).encode("utf-8"), "text/csv"

    return make


def crawl_every_role(app: Flask, encoding: str) -> Iterator[Crawl]:
    setting = _setting(app)
    world = setting.world
    roles: list[tuple[str, str | None, list[str]]] = [
        ("anonymous", None, ["/", "/login", "/portfolio", "/verify", "/controleren", "/competentiekader"]),
        ("holder", None, ["/portfolio"]),
        ("supervisor", world.a.supervisor, ["/"]),
        ("organisation admin", world.a.admin, ["/"]),
        ("sector admin", world.sector_admin, ["/", "/sector/regios"]),
    ]
    for role, email, start in roles:
        client = app.test_client()
        files = {"bulk_pages.upload": bulk_file(world), "regions.region_import": regions_file(client)}
        codes = {"portfolio.open_portfolio": setting.holder_code, "verifier_pages.check_code": setting.short_code}
        crawl = Crawl(app, client, Filler(world, files, setting.credential_text, codes), encoding, role)
        if email:
            login(client, email)
        if role == "holder":
            page = client.get("/portfolio")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
            assert token
            opened = client.post("/portfolio", data={"code": setting.holder_code, "csrf_token": token.group(1)})
            assert opened.status_code == 302, opened.get_data(as_text=True)
        crawl.run(start)
        yield crawl


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_every_form_takes_what_a_browser_sends(app: Flask, encoding: str) -> None:
    crawls = list(crawl_every_role(app, encoding))
    submissions = [s for crawl in crawls for s in crawl.submissions]

    escaped = [item for crawl in crawls for item in crawl.escaped]
    assert escaped == [], "attributes arrived escaped:\n" + "\n".join(escaped)

    refused = [f"{s.role}: {s.endpoint} ({s.url}) -> {s.status}: {'; '.join(s.problems)}"
               for s in submissions if s.problems and s.endpoint not in REFUSED_ON_PURPOSE]  # fmt: skip
    assert refused == [], "forms refused what a browser sent:\n" + "\n".join(refused)

    # Every POST route of the pages was reached through a form.
    posted = {s.endpoint for s in submissions}
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    pages = {e for e in routes if not e.startswith(NOT_FORMS)}
    missing = sorted(pages - posted - set(REACHED_ELSEWHERE))
    assert missing == [], f"no form of the pages posts to {missing}"
    assert not set(REACHED_ELSEWHERE) & posted, "a route said to be unreachable was reached: update REACHED_ELSEWHERE"


# --- attributes passed to the form macros arrive as attributes -------------------------------


def _input(source: str, name: str) -> dict[str, str]:
    reader = PageReader(source)
    found = [attrs for tag, attrs in _elements(reader) if tag == "input" and attrs.get("name") == name]
    assert len(found) == 1, f"expected one input named {name!r}, found {len(found)}"
    return found[0]


def _elements(reader: PageReader) -> Iterator[tuple[str, dict[str, str]]]:
    # PageReader keeps attributes as a flat list; rebuild per element from the forms' fields.
    for form in reader.forms:
        for item in form.fields:
            yield item.tag, item.attrs


def test_the_date_and_code_inputs_carry_their_attributes(app: Flask) -> None:
    world = build_world(app)
    client = app.test_client()
    login(client, world.a.supervisor)
    with app.test_request_context():
        from issuer.webkit.pages import today_local

        today = today_local().isoformat()
    issued_on = _input(client.get("/certificaten/nieuw").get_data(as_text=True), "issued_on")
    assert issued_on["type"] == "date"
    assert issued_on["max"] == today  # the date picker offers no day after today

    anonymous = app.test_client()
    for url in ("/portfolio", "/controleren"):
        code = _input(anonymous.get(url).get_data(as_text=True), "code")
        assert code["autocapitalize"] == "characters", url  # phones do not "correct" the code
        assert code["spellcheck"] == "false", url
    login_email = _input(anonymous.get("/login").get_data(as_text=True), "email")
    assert login_email["spellcheck"] == "false"
    assert all(not value.startswith('"') for value in login_email.values())


def test_the_form_macro_refuses_an_attribute_name_that_would_break_out(app: Flask) -> None:
    with app.test_request_context():
        from flask import render_template_string

        safe = render_template_string(
            "{% import '_macros.html' as ui %}{{ ui.input('x', 'X', form, attrs={'data-x': '\"><script>'}) }}",
            form=_EmptyForm(),
        )
        assert "<script>" not in safe and 'data-x="&#34;&gt;&lt;script&gt;"' in safe
        with pytest.raises(ValueError, match="Invalid character in attribute name"):
            render_template_string(
                "{% import '_macros.html' as ui %}{{ ui.input('x', 'X', form, attrs={'a\"><script>': '1'}) }}",
                form=_EmptyForm(),
            )


@dataclass
class _EmptyForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
