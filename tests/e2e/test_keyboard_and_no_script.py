"""Without a mouse, and without JavaScript.

Keyboard only: a supervisor fills in and signs the issue form with Tab, typing, Space
and arrow keys; an employer chooses a file on the check page and sends it the same way.
Every element that takes the focus shows it (an outline or a ring), and the skip link
appears when it has the focus.

No JavaScript (``java_script_enabled=False``): issuing, checking an uploaded file and
the portfolio's downloads work; scripts may only improve a page, never carry it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from credentials.pdf import extract_credentials
from issuer.ops.demo import DEMO_HOLDER_CODE, DEMO_ORG, DEMO_SUPERVISOR
from tests.e2e.browser import verdict
from tests.e2e.conftest import new_context
from tests.e2e.steps import download, exact, fill_issue_form, issue, log_in, open_portfolio, say, upload_on_verify_page
from tests.support import cli

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.e2e.conftest import Service

_FOCUSED = """() => { const el = document.activeElement; const s = getComputedStyle(el);
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow || 'none') !== 'none';
  return {id: el.id, tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '',
          text: (el.textContent || '').trim().slice(0, 40), ring: ring}; }"""


def _tab_to(page: Page, wanted: str, seen: list[dict[str, str]], limit: int = 60) -> None:
    """Press Tab until the element matching the CSS selector ``wanted`` has the focus;
    every element passed on the way is kept in ``seen``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(_FOCUSED))
        if page.evaluate("(css) => document.activeElement.matches(css)", wanted):
            return
    raise AssertionError(f"{wanted} never got the focus by Tab; passed {[s['id'] or s['text'] for s in seen]}")


def _without_ring(seen: list[dict[str, str]]) -> list[str]:
    return [f"{s['tag']}#{s['id']} {s['text']!r}" for s in seen if not s["ring"]]


def _certificate_pdf(service: Service, tmp_path: Path, holder: str) -> Path:
    url = cli(service.env, "issue", "--org", DEMO_ORG, "--holder", holder, "--competence", "DIG-KASSA")
    pdf = tmp_path / "certificaat.pdf"
    cli(service.env, "pdf", "--out", str(pdf), "--", url.strip().rsplit("/", 1)[1])  # older ids may start with "-"
    return pdf


def test_the_issue_form_works_with_the_keyboard_alone(page: Page) -> None:
    log_in(page, DEMO_SUPERVISOR)
    page.goto("/certificaten/nieuw")
    seen: list[dict[str, str]] = []
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')"), "the skip link comes first"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0, "the focused skip link is on the screen"  # type: ignore[index]
    page.keyboard.press("Enter")  # skip the header and the menu

    _tab_to(page, "#f-participant", seen)
    page.keyboard.type("Mehmet")  # a closed list chooses by typing, as on any computer
    _tab_to(page, "#f-competence", seen)
    page.keyboard.type("Geschonken spullen s")
    _tab_to(page, "input[name=level]", seen)
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # level 2
    _tab_to(page, "#f-evidence", seen)
    page.keyboard.type("Sorteert zelfstandig.")
    _tab_to(page, "button[type=submit]:not(.link-button)", seen)
    assert page.evaluate("document.activeElement.textContent.trim()") == say("issue.submit")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/certificaten/[A-Za-z0-9_-]+$"))
    assert page.get_by_role("status").inner_text().strip() == say("flash.issued")
    details = page.locator("dl.details").inner_text()
    assert "Mehmet" in details and "Geschonken spullen sorteren" in details and "Zelfstandig" in details
    assert _without_ring(seen) == [], "every focused element shows the focus"


def test_the_issue_form_errors_are_reached_from_the_summary(page: Page) -> None:
    log_in(page, DEMO_SUPERVISOR)
    page.goto("/certificaten/nieuw")
    page.get_by_role("button", name=say("issue.submit")).press("Enter")  # nothing filled in
    summary = page.get_by_role("alert")
    assert summary.is_visible()
    first = summary.get_by_role("link").first
    target = (first.get_attribute("href") or "").removeprefix("#")
    first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == target, "the summary's link leads to the field"
    field = page.locator(f"#{target}")
    assert field.get_attribute("aria-invalid") == "true"
    described = (field.get_attribute("aria-describedby") or "").split()
    assert f"{target}-error" in described, "the message is read with the field"


def test_the_check_page_works_with_the_keyboard_alone(
    page: Page, service: Service, tmp_path: Path
) -> None:
    pdf = _certificate_pdf(service, tmp_path, "Toetsenbord Test")
    page.goto("/verify")
    seen: list[dict[str, str]] = []
    _tab_to(page, "input[type=file]", seen)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(pdf))
    _tab_to(page, "form.verify-form button[type=submit]", seen)
    with page.expect_navigation():  # the upload is a real form post: wait for its answer
        page.keyboard.press("Enter")
    assert verdict(page) == "valid", page.locator("main").inner_text()[:500]
    _tab_to(page, "a[href='#contact'], details.tech summary", seen)  # the result can be read on by keyboard
    assert _without_ring(seen) == []


def test_issuing_checking_and_downloading_work_without_javascript(
    browser: Browser, service: Service, tmp_path: Path
) -> None:
    context = new_context(browser, service, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, DEMO_SUPERVISOR)
        fill_issue_form(page, participant="Sara", competence="Geschonken spullen sorteren", level="1",
                        evidence="Zonder scripts gegeven.")  # fmt: skip
        issued = issue(page)
        assert page.get_by_role("status").inner_text().strip() == say("flash.issued")
        pdf = download(page, say("certificate.download_pdf"), tmp_path / "zonder-scripts.pdf")
        assert len(extract_credentials(pdf.read_bytes())) == 1

        upload_on_verify_page(page, pdf)
        assert verdict(page) == "valid"
        page.goto(f"/c/{issued.public_id}")
        assert verdict(page) == "valid"

        open_portfolio(page, DEMO_HOLDER_CODE)
        portfolio = download(page, say("portfolio.all.pdf"), tmp_path / "portfolio.pdf")
        assert len(extract_credentials(portfolio.read_bytes())) >= 2
        archive = download(page, exact("portfolio.all.zip"), tmp_path / "certificaten.zip")
        assert archive.read_bytes().startswith(b"PK")
    finally:
        context.close()
