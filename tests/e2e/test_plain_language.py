"""The pages holders and employers read speak plain language (B1), as a browser shows them.

The word list in docs/taalgids-b1.md ("Woordenlijst: niet gebruiken") names the words
to avoid (proof, DID, hash, credential, verify, ...); it is read by the same function
as the page tests (tests/verifier/test_pages.py). Here the text is what the browser
renders (the title and ``innerText``, so hidden text and markup do not count), on the
running service, for every public page and state, in Dutch and in English; only the
folded-away "Technische details" block may use those words.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from issuer.ops.demo import DEMO_HOLDER_CODE, DEMO_ORG
from tests.e2e.browser import visible_text
from tests.e2e.conftest import new_context
from tests.e2e.steps import say
from tests.support import cli
from tests.verifier.test_pages import avoided_terms

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.e2e.conftest import Service


@pytest.fixture(scope="module")
def public_ids(service: Service) -> Iterator[dict[str, str]]:
    ids = {}
    for state, holder in (("valid", "Lieke Smit"), ("revoked", "Daan Visser")):  # names free of listed words
        url = cli(service.env, "issue", "--org", DEMO_ORG, "--holder", holder, "--competence", "VAK-TILLEN")
        ids[state] = url.strip().rsplit("/", 1)[1]
    cli(service.env, "revoke", "--reason", "Taal", "--", ids["revoked"])  # older ids may start with "-"
    yield ids


def _pages(page: Page, ids: dict[str, str], language: str, tmp_path: Path) -> Iterator[str]:
    """Open each public page in turn; yields its name while it is open."""
    for path in ("/verify", "/controleren", "/controleren?code=1234", f"/c/{ids['valid']}",
                 f"/c/{ids['revoked']}", "/c/" + "Z" * 22, "/portfolio"):  # fmt: skip
        page.goto(path + ("&" if "?" in path else "?") + f"lang={language}")
        yield path
    empty = tmp_path / "leeg.json"
    empty.write_text("{}", "utf-8")
    page.goto(f"/verify?lang={language}")
    page.get_by_label(say("verify.form.file_label", language)).set_input_files(str(empty))
    page.get_by_role("button", name=say("verify.form.submit", language), exact=True).click()
    yield "/verify: not a certificate"
    page.goto(f"/portfolio?lang={language}")
    page.get_by_label(say("portfolio.field.code", language)).fill(DEMO_HOLDER_CODE)
    page.get_by_role("button", name=say("portfolio.login.submit", language)).click()
    yield "/portfolio: the holder's page"
    page.goto(f"/portfolio/wissen?lang={language}")
    yield "/portfolio/wissen"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_public_pages_use_no_word_from_the_word_list(
    browser: Browser, service: Service, public_ids: dict[str, str], language: str, tmp_path: Path
) -> None:
    terms = avoided_terms()
    assert len(terms) > 30, "the word list was not read"
    context = new_context(browser, service)
    found: list[str] = []
    try:
        page = context.new_page()
        for name in _pages(page, public_ids, language, tmp_path):
            text = visible_text(page)
            assert len(text) > 100, name
            found += [f"{name} [{language}]: {term}" for term, pattern in terms if pattern.search(text)]
    finally:
        context.close()
    assert found == []


def test_the_word_list_catches_jargon(browser: Browser, service: Service) -> None:
    """The check can fail: a page saying "proof" and "DID" is caught, and words inside
    the folded-away "Technische details" block are not."""
    context = new_context(browser, service)
    try:
        page = context.new_page()
        tech = "<details class='tech'><summary>Technische details</summary>hash revocation</details>"
        page.set_content(f"<title>Test</title><main><p>De proof van deze DID klopt.</p>{tech}</main>")
        text = visible_text(page)
        caught = {term for term, pattern in avoided_terms() if pattern.search(text)}
        assert {"proof*", "DID"} <= caught and not caught & {"hash*", "revocation"}
    finally:
        context.close()
