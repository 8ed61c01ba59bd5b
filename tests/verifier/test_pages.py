"""The public verifier pages: the QR landing page ``/c/<id>`` and the upload form ``/verify``.

Every verdict page carries its verdict in ``<main data-verification-status>``, says it
in one plain sentence, names whom to contact, shows only what the certificate says,
and uses none of the words of the B1 word list (docs/taalgids-b1.md) outside the
"Technische details" block. Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import copy
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from credentials.verify import CHECK_IDS, Check, Outcome
from issuer.webkit import i18n
from verifier.pages import check_sentence_key, credentials_from_upload
from verifier.service import MAX_JSON_BYTES, InputRejected

ROOT = Path(__file__).resolve().parents[2]
WORD_LIST = ROOT / "docs" / "taalgids-b1.md"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


# --- reading the pages ------------------------------------------------------------------------


@dataclass
class Page:
    """What a person and assistive technology get from an HTML page."""

    status: str | None = None
    lang: str | None = None
    h1: int = 0
    text: list[str] = field(default_factory=list)  # visible text, outside <details>
    details_text: list[str] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)
    fields: list[tuple[str, str]] = field(default_factory=list)  # (tag, id) of inputs a person fills in
    links: list[str] = field(default_factory=list)
    meta_robots: str | None = None
    invalid_fields: set[str] = field(default_factory=set)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


class _Reader(HTMLParser):
    _SKIP = frozenset({"script", "style", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.skip = 0
        self.details = 0
        self.title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.page.lang = attr.get("lang")
        elif tag == "main":
            self.page.status = attr.get("data-verification-status")
        elif tag == "h1":
            self.page.h1 += 1
        elif tag == "details":
            self.details += 1
        elif tag == "title":
            self.title = True
        elif tag == "label" and "for" in attr:
            self.page.labels.add(attr["for"])
        elif tag in ("input", "textarea", "select") and attr.get("type") not in ("hidden", "submit"):
            self.page.fields.append((tag, attr.get("id", "")))
            if attr.get("aria-invalid") == "true":
                self.page.invalid_fields.add(attr.get("id", ""))
        elif tag == "a" and "href" in attr:
            self.page.links.append(attr["href"])
        elif tag == "meta" and attr.get("name") == "robots":
            self.page.meta_robots = attr.get("content")
        if tag in self._SKIP:
            self.skip += 1
        for name in ("aria-label", "placeholder", "alt", "title"):
            if attr.get(name):
                self._add(attr[name])

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skip -= 1
        elif tag == "details":
            self.details -= 1
        elif tag == "title":
            self.title = False

    def handle_data(self, data: str) -> None:
        if self.title:
            self.page.text.append(data)  # the browser tab shows the title
        elif not self.skip:
            self._add(data)

    def _add(self, text: str) -> None:
        (self.page.details_text if self.details else self.page.text).append(text)


def read(response: TestResponse) -> Page:
    reader = _Reader()
    reader.feed(response.get_data(as_text=True))
    return reader.page


def avoided_terms() -> list[tuple[str, re.Pattern[str]]]:
    """The words of the word list's first column, as patterns (see the rules in the document)."""
    section = WORD_LIST.read_text("utf-8").split("## Woordenlijst", 1)[1].split("\n## ", 1)[0]
    terms: list[tuple[str, re.Pattern[str]]] = []
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        for term in re.findall(r"`([^`]+)`", line.split("|")[1]):
            stem = term.removesuffix("*")
            pattern = r"(?<![\w-])" + re.escape(stem) + (r"" if term.endswith("*") else r"(?![\w-])")
            flags = 0 if any(ch.isupper() for ch in stem) else re.IGNORECASE
            terms.append((term, re.compile(pattern, flags)))
    return terms


def jargon_in(page: Page) -> list[str]:
    return [term for term, pattern in avoided_terms() if pattern.search(page.visible)]


# --- helpers --------------------------------------------------------------------------------------


def csrf(client: FlaskClient) -> str:
    match = _CSRF_FIELD.search(client.get("/verify").get_data(as_text=True))
    assert match, "the form has no CSRF field"
    return match.group(1)


def upload(client: FlaskClient, content: bytes, filename: str = "certificaat.json", **extra: str) -> TestResponse:
    data: dict[str, Any] = {"csrf_token": csrf(client), "bestand": (io.BytesIO(content), filename), **extra}
    return client.post("/verify", data=data, content_type="multipart/form-data")


def paste(client: FlaskClient, text: str) -> TestResponse:
    return client.post("/verify", data={"csrf_token": csrf(client), "tekst": text})


def as_file(credential: Any) -> bytes:
    return json.dumps(credential, ensure_ascii=False, indent=2).encode("utf-8")


def tampered(credential: dict[str, Any]) -> dict[str, Any]:
    forged = copy.deepcopy(credential)
    forged["credentialSubject"]["identifier"][0]["identityHash"] = "Iemand Anders"
    return forged


def contact_shown(page: Page, org: dict[str, str]) -> bool:
    return (
        f"mailto:{org['contact_email']}" in page.links
        and org["contact_phone"] in page.visible
        and org["website"] in page.links
    )


# --- the verdict pages ------------------------------------------------------------------------------

VERDICT_SENTENCES = {
    "valid": ("Dit certificaat is echt en geldig.", "This certificate is genuine and valid."),
    "revoked": (
        "De organisatie heeft dit certificaat ingetrokken. Het geldt niet meer.",
        "The organisation has cancelled this certificate. It is no longer valid.",
    ),
    "suspended": ("De organisatie heeft dit certificaat tijdelijk stopgezet.", "put this certificate on hold"),
    "expired": ("Dit certificaat is echt, maar het is verlopen.", "This certificate is genuine, but it has expired."),
}


@pytest.mark.parametrize("verdict", ["valid", "revoked", "suspended", "expired"])
def test_qr_page_says_the_verdict_first_then_what_the_certificate_says(
    client: FlaskClient, issued: dict[str, Any], verdict: str
) -> None:
    response = client.get(f"/c/{issued['certificates'][verdict]['public_id']}")
    assert response.status_code == 200
    page = read(response)
    assert page.status == verdict
    dutch, _ = VERDICT_SENTENCES[verdict]
    assert dutch in page.visible
    # The verdict comes before the holder's name and the competence.
    assert page.visible.index(dutch) < page.visible.index(issued["participant"]["name"])
    for fact in ("Geschonken spullen sorteren", "Zelfstandig (niveau 2 van 3)", "Kringloop Delta, Winkel Centrum"):
        assert fact in page.visible
    assert "Wat er op het certificaat staat" in page.visible
    assert "niet te vertrouwen" not in page.visible
    assert contact_shown(page, issued["organisation"])
    if verdict != "valid":
        assert f"Vragen? Neem contact op met {issued['organisation']['name']}." in page.visible
        assert "Niet in orde:" in page.visible
    else:
        assert "Niet in orde:" not in page.visible


def test_dates_are_in_dutch_and_in_english(client: FlaskClient, issued: dict[str, Any]) -> None:
    url = f"/c/{issued['certificates']['dated']['public_id']}"
    dutch = read(client.get(url))
    assert "14 maart 2025" in dutch.visible and "31 december 2099" in dutch.visible
    english = read(client.get(url + "?lang=en"))
    assert english.lang == "en" and english.status == "valid"
    assert "14 March 2025" in english.visible and "31 December 2099" in english.visible
    assert VERDICT_SENTENCES["valid"][1] in english.visible
    # The competence and the level in English, as on the PDF (issue 16), not in Dutch.
    assert "Independently (level 2 of 3)" in english.visible and "Zelfstandig" not in english.visible
    assert "Sorting donated goods" in english.visible and "Geschonken spullen sorteren" not in english.visible
    # The choice is remembered; the switch leads back to this page in Dutch.
    assert f"{url}?lang=nl" in english.links
    assert read(client.get(url)).lang == "en"


def test_expired_page_says_until_when(client: FlaskClient, issued: dict[str, Any]) -> None:
    page = read(client.get(f"/c/{issued['certificates']['expired']['public_id']}"))
    assert "Het certificaat is verlopen. De einddatum is voorbij." in page.visible
    assert "Geen einddatum" not in page.visible


def test_unknown_and_malformed_ids_get_the_same_not_found_page(client: FlaskClient, issued: dict[str, Any]) -> None:
    real = issued["certificates"]["valid"]["public_id"]
    bodies = []
    for public_id in ("A" * 22, real[:-1] + ("A" if real[-1] != "A" else "B"), "1", "x" * 200, "%C3%A9%27%3B--"):
        response = client.get(f"/c/{public_id}")
        assert response.status_code == 404
        page = read(response)
        assert page.status == "not-found"
        assert "Bij deze link hoort geen certificaat." in page.visible
        assert "/verify" in page.links
        bodies.append(page.visible)
    assert len(set(bodies)) == 1  # nothing tells an almost-right id from a wrong one
    assert issued["participant"]["name"] not in bodies[0]


@pytest.mark.parametrize("which", ["withdrawn", "erased"])
def test_withdrawn_page_hides_the_certificate_but_the_file_still_verifies(
    client: FlaskClient, issued: dict[str, Any], which: str
) -> None:
    entry = issued["certificates"][which]
    response = client.get(f"/c/{entry['public_id']}")
    assert response.status_code == 404
    page = read(response)
    assert page.status == "withdrawn"
    assert "Deze persoon deelt dit certificaat niet openbaar." in page.visible
    assert "/verify" in page.links
    holder = entry["credential"]["credentialSubject"]["identifier"][0]["identityHash"]
    body = response.get_data(as_text=True)
    assert holder not in body and "Geschonken spullen sorteren" not in body
    assert issued["organisation"]["contact_email"] not in body
    # The holder still has the file: it checks out as genuine and valid.
    checked = read(upload(client, as_file(entry["credential"])))
    assert checked.status == "valid"
    assert holder in checked.visible


def test_tampered_file_is_not_genuine_and_its_content_is_not_presented_as_fact(
    client: FlaskClient, issued: dict[str, Any]
) -> None:
    response = upload(client, as_file(tampered(issued["certificates"]["valid"]["credential"])))
    assert response.status_code == 200
    page = read(response)
    assert page.status == "invalid"
    assert "Dit certificaat is niet echt of is veranderd." in page.visible
    assert "Wat er in het bestand staat (niet te vertrouwen)" in page.visible
    assert "Wat er op het certificaat staat" not in page.visible
    assert "De digitale handtekening klopt niet." in page.visible
    # The organisation the file names is a member: the reader can ask it.
    assert contact_shown(page, issued["organisation"])
    assert "Vragen? Neem contact op met Kringloop Delta." in page.visible
    # Codes only under "Technische details".
    assert "invalid_signature" not in page.visible
    assert "invalid_signature" in " ".join(page.details_text)


def test_file_from_an_unknown_organisation_names_no_contact(client: FlaskClient, issued: dict[str, Any]) -> None:
    forged = copy.deepcopy(issued["certificates"]["valid"]["credential"])
    forged["issuer"]["id"] = "did:web:nep-kringloop.example"
    forged["issuer"]["email"] = "oplichter@nep-kringloop.example"
    page = read(upload(client, as_file(forged)))
    assert page.status == "invalid"
    assert "niet bekend in de kringloopsector" in page.visible
    assert "Vertrouw dit certificaat niet." in page.visible
    assert not any(link.startswith(("mailto:", "tel:")) for link in page.links)
    assert "oplichter@nep-kringloop.example" not in page.visible


def test_something_that_is_not_a_certificate(client: FlaskClient, issued: dict[str, Any]) -> None:
    page = read(paste(client, "[1, 2, 3]"))
    assert page.status == "invalid"
    assert "Dit is geen certificaat dat we kunnen lezen." in page.visible
    assert "Wat er in het bestand staat" not in page.visible


# --- the upload form ------------------------------------------------------------------------------


def test_form_has_labelled_fields_and_works_without_javascript(client: FlaskClient) -> None:
    response = client.get("/verify")
    assert response.status_code == 200
    page = read(response)
    assert page.status is None and page.h1 == 1 and page.lang == "nl"
    assert {tag for tag, _ in page.fields} == {"input", "textarea"}
    assert all(field_id in page.labels for _, field_id in page.fields)
    body = response.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in body and 'accept=".json' in body and "<script" not in body


def test_upload_of_a_json_file_and_pasted_json(client: FlaskClient, issued: dict[str, Any]) -> None:
    credential = issued["certificates"]["revoked"]["credential"]
    from_file = upload(client, b"\xef\xbb\xbf" + as_file(credential))  # with a byte order mark
    assert from_file.status_code == 200 and read(from_file).status == "revoked"
    pasted = paste(client, json.dumps(credential))
    assert pasted.status_code == 200 and read(pasted).status == "revoked"
    assert pasted.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("content", "filename", "status", "message"),
    [
        (b"{ dit is geen json", "certificaat.json", 400, "Dit is geen certificaat dat we kunnen lezen."),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "certificaat.pdf", 400, "Deze PDF is beschadigd"),
        (b"%PDF-1.4\n", "scan.json", 400, "Deze PDF is beschadigd"),
        (b"[" * 40 + b"]" * 40, "diep.json", 400, "Dit is geen certificaat dat we kunnen lezen."),
        (b'{"a": "' + b"x" * MAX_JSON_BYTES + b'"}', "groot.json", 413, "Dit is te groot voor een certificaat."),
        (b"", "leeg.json", 400, "Dit bestand is leeg."),
    ],
)
def test_refused_upload_shows_the_form_with_the_message_at_the_field(
    client: FlaskClient, content: bytes, filename: str, status: int, message: str
) -> None:
    response = upload(client, content, filename)
    assert response.status_code == status
    page = read(response)
    assert page.status is None and page.h1 == 1
    assert message in page.visible
    assert "f-bestand" in page.invalid_fields


def test_bad_pasted_text_is_marked_at_the_text_field(client: FlaskClient) -> None:
    response = paste(client, "hallo")
    assert response.status_code == 400
    page = read(response)
    assert page.invalid_fields == {"f-tekst"}
    assert "Dit is geen certificaat dat we kunnen lezen." in page.visible
    assert "hallo" in response.get_data(as_text=True)  # what was pasted stays in the field


def test_empty_form_and_both_inputs_are_refused(client: FlaskClient, issued: dict[str, Any]) -> None:
    empty = client.post("/verify", data={"csrf_token": csrf(client)})
    assert empty.status_code == 400
    assert "Kies een bestand of plak de tekst van het certificaat." in read(empty).visible
    both = upload(client, as_file(issued["certificates"]["valid"]["credential"]), tekst="{}")
    assert both.status_code == 400
    assert "Gebruik er maar één van." in read(both).visible


def test_request_over_the_size_limit_gets_the_form_back(app: Flask, client: FlaskClient) -> None:
    too_big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = upload(client, too_big, "enorm.json")
    assert response.status_code == 413
    page = read(response)
    assert "Dit is te groot voor een certificaat." in page.visible and page.h1 == 1


def test_post_without_the_form_token_is_refused(client: FlaskClient, issued: dict[str, Any]) -> None:
    client.get("/verify")
    response = client.post("/verify", data={"tekst": json.dumps(issued["certificates"]["valid"]["credential"])})
    assert response.status_code == 400
    assert read(response).status is None


def test_uploads_are_json_or_pdf_with_clear_refusals() -> None:
    with pytest.raises(InputRejected) as broken:
        credentials_from_upload("certificaat.pdf", b"%PDF-1.7 ...")
    assert broken.value.code == "pdf_unreadable"
    with pytest.raises(InputRejected) as named:
        credentials_from_upload("certificaat.pdf", b'{"a": 1}')  # named .pdf, but no PDF inside
    assert named.value.code == "pdf_not_a_pdf"
    with pytest.raises(InputRejected) as empty:
        credentials_from_upload("leeg.json", b"  \n")
    assert empty.value.code == "empty"
    assert credentials_from_upload(None, b'\xef\xbb\xbf{"a": 1}') == [{"a": 1}]


# --- privacy, headers, language ---------------------------------------------------------------------


def test_pages_show_nothing_beyond_the_certificate_and_the_organisations_contact(
    client: FlaskClient, issued: dict[str, Any]
) -> None:
    entry = issued["certificates"]["valid"]
    credential = entry["credential"]
    never = [
        issued["participant"]["email"],
        issued["supervisor"]["email"],
        issued["supervisor"]["name"],
        f"/deelnemers/{issued['participant']['id']}",
        "/winkels/",  # the shop's internal id in the certificate
        credential["id"],
        credential["credentialStatus"]["id"],
    ]
    responses = [
        client.get(f"/c/{entry['public_id']}"),
        client.get(f"/c/{issued['certificates']['revoked']['public_id']}"),
        upload(client, as_file(credential)),
        upload(client, as_file(tampered(credential))),
    ]
    for response in responses:
        body = response.get_data(as_text=True)
        assert [item for item in never if item in body] == []


def public_pages(client: FlaskClient, issued: dict[str, Any], language: str) -> dict[str, TestResponse]:
    """Every kind of public page, in ``language`` (remembered in the session for the POSTs)."""
    client.get(f"/verify?lang={language}")
    certificates = issued["certificates"]
    unknown = copy.deepcopy(certificates["valid"]["credential"])
    unknown["issuer"]["id"] = "did:web:nep-kringloop.example"
    pages = {verdict: client.get(f"/c/{certificates[verdict]['public_id']}") for verdict in VERDICT_SENTENCES}
    pages |= {
        "withdrawn": client.get(f"/c/{certificates['withdrawn']['public_id']}"),
        "not-found": client.get("/c/" + "Z" * 22),
        "form": client.get("/verify"),
        "form refused": upload(client, b"%PDF-1.7", "certificaat.pdf"),
        "invalid": upload(client, as_file(tampered(certificates["valid"]["credential"]))),
        "unknown organisation": upload(client, as_file(unknown)),
        "not a certificate": paste(client, "42"),
    }
    return pages


@pytest.mark.parametrize("language", ["nl", "en"])
def test_public_pages_use_plain_words_one_h1_labels_and_a_language(
    client: FlaskClient, issued: dict[str, Any], language: str
) -> None:
    problems = {}
    for name, response in public_pages(client, issued, language).items():
        page = read(response)
        found = jargon_in(page)
        if found:
            problems[name] = found
        assert page.lang == language, name
        assert page.h1 == 1, name
        assert all(field_id in page.labels for _, field_id in page.fields), name
        expected = name if name in (*VERDICT_SENTENCES, "withdrawn", "not-found") else None
        if name in ("invalid", "unknown organisation", "not a certificate"):
            expected = "invalid"
        assert page.status == expected, name
        # No staff navigation for an anonymous visitor.
        assert not any(link.startswith(("/login", "/deelnemers", "/certificaten")) for link in page.links), name
    assert problems == {}


def test_word_list_is_read_and_catches_jargon() -> None:
    terms = dict(avoided_terms())
    assert len(terms) > 30
    assert terms["DID"].search("de DID klopt") and not terms["DID"].search("It did not work")
    assert terms["verif*"].search("Verificatie mislukt") and terms["verif*"].search("verify it")
    assert terms["proof*"].search("the Proof failed") and not terms["hash*"].search("washing")
    assert terms["JSON-LD"].search("JSON-LD context") and not terms["JSON-LD"].search("certificaat.json")


def test_every_check_outcome_has_a_plain_sentence_in_both_languages() -> None:
    codes = {
        "structure": ["not_an_object", "unprocessable", "schema", "bad_context"],
        "valid_signature": ["missing_proof", "invalid_signature", "unresolvable_key", "proof_expired", "data_loss"],
        "issuer_key": ["missing_issuer", "key_not_issuers"],
        "registered_issuer": ["not_a_member", "unknown_key", "key_compromised", "key_retired", "key_not_yet_valid",
                              "no_signing_time", "not_yet_member", "membership_suspended", "membership_ended"],
        "validity_period": ["expired", "not_yet_valid", "bad_date"],
        "status": ["revoked", "suspended", "status_unavailable", "status_list_invalid"],
    }  # fmt: skip
    assert set(codes) == set(CHECK_IDS)
    for check_id, failures in codes.items():
        checks = [Check(check_id, Outcome.PASSED), Check(check_id, Outcome.SKIPPED)]
        checks += [Check(check_id, Outcome.FAILED, code) for code in failures]
        for check in checks:
            key = check_sentence_key(check)
            # A skipped check may say the general "an earlier check did not go well".
            assert check.outcome is Outcome.SKIPPED or not key.startswith("verify.check.any."), check
            assert set(i18n.MESSAGES[key]) == {"nl", "en"}


def test_result_pages_are_private_to_the_reader(client: FlaskClient, issued: dict[str, Any]) -> None:
    response = client.get(f"/c/{issued['certificates']['valid']['public_id']}")
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert read(response).meta_robots is not None and "noindex" in (read(response).meta_robots or "")


def test_too_many_requests_get_a_plain_429(app: Flask, issued: dict[str, Any]) -> None:
    app.config["VERIFY_PAGE_PER_MINUTE"] = 3
    client = app.test_client()
    url = f"/c/{issued['certificates']['valid']['public_id']}"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get(url)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert "Wacht een minuut." in read(limited).visible
    assert paste(client, "{}").status_code == 429  # the upload counts too
    assert client.get("/verify").status_code == 200  # the empty form does not


def test_verifier_only_app_serves_the_pages_without_staff_routes(
    verifier_client: FlaskClient, issued: dict[str, Any]
) -> None:
    response = verifier_client.get(f"/c/{issued['certificates']['valid']['public_id']}")
    assert response.status_code == 200
    page = read(response)
    assert page.status == "valid" and issued["participant"]["name"] in page.visible
    assert read(verifier_client.get(f"/c/{issued['certificates']['withdrawn']['public_id']}")).status == "withdrawn"
    assert read(upload(verifier_client, as_file(issued["certificates"]["suspended"]["credential"]))).status == (
        "suspended"
    )
    missing = verifier_client.get("/bestaat-niet")
    assert missing.status_code == 404 and read(missing).h1 == 1
    assert not any(link.startswith(("/login", "/certificaten", "/deelnemers")) for link in page.links)


# --- every sentence on the page agrees with the verdict ---------------------------------------------

_CHECK_LINE = re.compile(r'<li class="check check--(?P<outcome>\w+)">(?P<body>.*?)</li>', re.S)
# What a sentence may only say of a certificate that stands (in either language).
STANDS_NOW = ("geldt op dit moment", "geldt nu", "is geldig", "valid at this moment", "is valid now")


def check_sentences(response: TestResponse) -> list[tuple[str, str]]:
    html = response.get_data(as_text=True)
    return [(m["outcome"], " ".join(re.sub(r"<[^>]+>", " ", m["body"]).split())) for m in _CHECK_LINE.finditer(html)]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("verdict", ["valid", "revoked", "suspended", "expired", "invalid"])
def test_every_check_sentence_agrees_with_the_verdict(
    client: FlaskClient, issued: dict[str, Any], verdict: str, language: str
) -> None:
    if verdict == "invalid":  # an employer's upload of an altered copy
        client.get(f"/verify?lang={language}")
        response = paste(client, json.dumps(tampered(issued["certificates"]["valid"]["credential"])))
    else:
        response = client.get(f"/c/{issued['certificates'][verdict]['public_id']}?lang={language}")
    page = read(response)
    assert page.status == verdict
    sentences = check_sentences(response)
    assert len(sentences) >= 5, sentences
    failed = [text for outcome, text in sentences if outcome == "failed"]
    if verdict == "valid":
        assert failed == [] and all(outcome == "passed" for outcome, _ in sentences)
        return
    assert failed, f"{verdict}: no check says what is wrong"
    for _, text in sentences:
        assert not any(claim in text for claim in STANDS_NOW), f"{verdict}: {text!r} says it stands"
    words = {("revoked", "nl"): "ingetrokken", ("revoked", "en"): "cancelled",
             ("suspended", "nl"): "stopgezet", ("suspended", "en"): "on hold",
             ("expired", "nl"): "verlopen", ("expired", "en"): "expired"}  # fmt: skip
    if (verdict, language) in words:
        assert any(words[verdict, language] in text for text in failed), failed
    if verdict in ("revoked", "suspended"):  # no end date to speak of for what does not stand
        assert "Geldig tot" not in page.visible and "Valid until" not in page.visible


def test_the_revoked_page_says_when_and_why(client: FlaskClient, issued: dict[str, Any]) -> None:
    page = read(client.get(f"/c/{issued['certificates']['revoked']['public_id']}"))
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    assert f"Ingetrokken op {today.day} " in page.visible and str(today.year) in page.visible
    assert "Reden: Een andere reden." in page.visible
    assert page.visible.index("Ingetrokken op") < page.visible.index(issued["participant"]["name"])
    suspended = read(client.get(f"/c/{issued['certificates']['suspended']['public_id']}"))
    assert f"Stopgezet sinds {today.day} " in suspended.visible


def test_a_certificate_dated_before_its_signing_says_both_days(client: FlaskClient, issued: dict[str, Any]) -> None:
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    dated = read(client.get(f"/c/{issued['certificates']['dated']['public_id']}"))
    assert "14 maart 2025" in dated.visible
    assert f"Ondertekend op {today.day} " in dated.visible
    same_day = read(client.get(f"/c/{issued['certificates']['valid']['public_id']}"))
    assert "Ondertekend op" not in same_day.visible
    english = read(client.get(f"/c/{issued['certificates']['dated']['public_id']}?lang=en"))
    assert "Signed on" in english.visible


@pytest.mark.parametrize("sequence", ["99999999999999999999999", "0", "1000000"])
def test_a_status_list_number_out_of_range_is_not_found(
    client: FlaskClient, issued: dict[str, Any], sequence: str
) -> None:
    slug = issued["organisation"]["slug"]
    assert client.get(f"/orgs/{slug}/status/1").status_code == 200
    for path in (f"/orgs/{slug}/status/{sequence}", f"/orgs/{slug}/status/{sequence}/suspension"):
        assert client.get(path).status_code == 404, path
