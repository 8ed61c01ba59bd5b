"""The five journeys of issue 8, in a real browser on the running service.

1. A supervisor logs in, adds a participant, issues a certificate and downloads its PDF;
   the QR code decoded from the rendered PDF opens the public page, which says valid.
2. The supervisor revokes a certificate; the page behind the same QR code now says
   revoked, why (in plain words, without the supervisor's own note) and whom to contact.
3. A jobseeker opens the portfolio with the personal code, downloads the portfolio PDF
   and the ZIP, and switches one public page off; that page now says so.
4. An employer uploads the PDF on the check page and gets valid; a copy whose signed
   certificate inside was changed gets "cannot be trusted".
5. The supervisor switches the interface to English and back.

Every step is photographed at desktop width and at 360 px (see tests/README.md for where
the screenshots go). Real parts only: the service runs as a process, the PDFs are
rendered by pdfium, the QR codes decoded by zxing-cpp, and the pages run under the
service's own Content Security Policy (a violation fails the test).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credentials.pdf import extract_credentials
from issuer.ops.demo import DEMO_HOLDER_CODE, DEMO_SUPERVISOR
from tests.e2e.browser import Screens, verdict
from tests.e2e.paper import altered_pdf, qr_text, render_page
from tests.e2e.steps import (
    add_participant,
    download,
    exact,
    fill_issue_form,
    issue,
    log_in,
    open_portfolio,
    say,
    upload_on_verify_page,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.e2e.conftest import Service

DEMO_CONTACT = ("certificaten@kringloop-demo.example", "010 123 45 67")


def _issue_and_scan(page: Page, screens: Screens | None, tmp_path: Path, name: str, competence: str) -> str:
    """Add ``name``, issue a certificate for ``competence``, download its PDF and read
    the QR code printed on it; the URL in the code."""
    add_participant(page, name)
    if screens:
        screens.shot(page, "personal-code-shown-once")
    fill_issue_form(page, participant=name, competence=competence, level="2",
                    evidence="Sorteert de kleding zelfstandig en netjes.")  # fmt: skip
    if screens:
        screens.shot(page, "issue-form-filled-in")
    issued = issue(page)
    assert page.get_by_role("status").inner_text().strip() == say("flash.issued")
    if screens:
        screens.shot(page, "certificate-issued")
    pdf = download(page, say("certificate.download_pdf"), tmp_path / f"{issued.public_id}.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    url = qr_text(render_page(pdf, tmp_path))
    assert url.endswith(f"/c/{issued.public_id}")
    return url


def test_journey_1_supervisor_issues_and_the_qr_code_says_valid(
    page: Page, phone: Page, screens: Screens, service: Service, tmp_path: Path
) -> None:
    page.goto("/login")
    screens.shot(page, "login")
    log_in(page, DEMO_SUPERVISOR)
    screens.shot(page, "dashboard")

    url = _issue_and_scan(page, screens, tmp_path, "Amina Yusuf", "Geschonken spullen sorteren")
    assert url.startswith(service.base)

    phone.goto(url)  # what an employer's phone does with the QR code
    assert verdict(phone) == "valid"
    assert phone.get_by_role("heading", level=1).inner_text().strip().endswith(say("verify.verdict.valid.title"))
    assert "Amina Yusuf" in phone.locator(".facts__holder").inner_text()
    screens.shot(phone, "qr-code-opens-valid")


def test_journey_2_supervisor_revokes_and_the_same_qr_code_says_revoked(
    page: Page, phone: Page, screens: Screens, tmp_path: Path
) -> None:
    log_in(page, DEMO_SUPERVISOR)
    url = _issue_and_scan(page, None, tmp_path, "Joost Bakker", "Geschonken spullen sorteren")
    certificate_page = page.url
    phone.goto(url)
    assert verdict(phone) == "valid"
    screens.shot(phone, "before-revoking-valid")

    page.goto(certificate_page)
    revoke = page.get_by_role("region", name=say("revoke.title"))
    revoke.get_by_role("button", name=say("revoke.submit")).click()  # without the box ticked: refused
    assert page.locator("#f-confirm-revoke").get_attribute("aria-invalid") == "true"
    screens.shot(page, "revoke-needs-the-box-ticked")
    revoke = page.get_by_role("region", name=say("revoke.title"))
    revoke.get_by_label(say("field.reason"), exact=True).fill("Per ongeluk aan de verkeerde deelnemer gegeven.")
    revoke.get_by_label(say("revocation.category.issued_in_error")).check()
    revoke.get_by_label(say("revoke.confirm")).check()
    revoke.get_by_role("button", name=say("revoke.submit")).click()
    assert page.get_by_role("status").inner_text().strip() == say("flash.revoke")
    screens.shot(page, "revoked-by-the-supervisor")

    phone.goto(url)  # the same QR code
    assert verdict(phone) == "revoked"
    assert say("verify.verdict.revoked.text") in phone.locator(".verdict").inner_text()
    reason = say("verify.revoked.category", category=say("revocation.category.issued_in_error"))
    assert reason in phone.locator(".verdict").inner_text()  # the category, in plain words
    contact = phone.locator("#contact").inner_text()
    assert "Kringloop Demo" in contact and all(detail in contact for detail in DEMO_CONTACT)
    assert "verkeerde deelnemer" not in phone.locator("main").inner_text(), "the supervisor's note is not public"
    screens.shot(phone, "qr-code-opens-revoked")


def test_journey_3_jobseeker_downloads_the_portfolio_and_withdraws_a_public_page(
    page: Page, screens: Screens, tmp_path: Path
) -> None:
    page.goto("/portfolio")
    screens.shot(page, "code-form")
    open_portfolio(page, DEMO_HOLDER_CODE)
    screens.shot(page, "portfolio")
    cards = page.locator("li.card")
    assert cards.count() >= 2

    pdf = download(page, say("portfolio.all.pdf"), tmp_path / "portfolio.pdf")
    inside = extract_credentials(pdf.read_bytes())
    assert len(inside) == cards.count(), "one signed certificate inside the PDF per certificate on the page"
    archive = download(page, say("portfolio.all.zip"), tmp_path / "certificaten.zip")
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        assert "portfolio.pdf" in names and "LEESMIJ-README.txt" in names
        assert sum(n.endswith(".json") for n in names) == cards.count()
        assert opened.read("portfolio.pdf").startswith(b"%PDF-")

    card = cards.first
    public_id = (card.get_attribute("id") or "").removeprefix("c-")
    public_url = card.get_by_role("link", name=say("portfolio.public.look")).get_attribute("href")
    assert public_url and public_url.endswith(f"/c/{public_id}")
    page.goto(public_url)
    assert verdict(page) == "valid"
    page.go_back()

    page.locator(f"#c-{public_id}").get_by_role("button", name=re.compile(say("portfolio.public.turn_off"))).click()
    assert page.get_by_role("status").inner_text().strip() == say("portfolio.flash.hidden")
    assert say("portfolio.public.off") in page.locator(f"#c-{public_id}").inner_text()
    screens.shot(page, "public-page-switched-off")

    page.goto(public_url)
    assert verdict(page) == "withdrawn"
    assert say("verify.verdict.withdrawn.title") in page.get_by_role("heading", level=1).inner_text()
    assert page.locator(".facts").count() == 0, "a withdrawn page shows nothing of the certificate"
    screens.shot(page, "public-page-says-withdrawn")


def test_journey_4_employer_uploads_the_pdf_and_an_altered_copy(
    browser: Browser, page: Page, screens: Screens, service: Service, tmp_path: Path
) -> None:
    # The jobseeker sends the employer a certificate PDF from the portfolio.
    holder = browser.new_context(base_url=service.base, accept_downloads=True)
    try:
        holder_page = holder.new_page()
        open_portfolio(holder_page, DEMO_HOLDER_CODE)
        pdf = download(holder_page, re.compile("^" + re.escape(say("portfolio.download.pdf"))), tmp_path / "cert.pdf")
    finally:
        holder.close()

    page.goto("/verify")
    screens.shot(page, "check-page")
    upload_on_verify_page(page, pdf)
    assert verdict(page) == "valid"
    screens.shot(page, "pdf-is-valid")

    def rename(credential: dict[str, Any]) -> None:
        subject = credential["credentialSubject"]
        for entry in subject.get("identifier", []):
            entry["identityHash"] = "Iemand Anders"

    forged = tmp_path / "aangepast.pdf"
    forged.write_bytes(altered_pdf(pdf.read_bytes(), rename))
    assert extract_credentials(forged.read_bytes()) != extract_credentials(pdf.read_bytes())
    upload_on_verify_page(page, forged)
    assert verdict(page) == "invalid"
    assert page.get_by_role("heading", level=1).inner_text().strip().endswith(say("verify.verdict.invalid.title"))
    screens.shot(page, "altered-pdf-is-not-genuine")

    page.goto("/verify")  # not a certificate at all: the form says what is wrong, at the field
    not_a_pdf = tmp_path / "foto.pdf"
    not_a_pdf.write_bytes(b"%PDF-1.4 this is no certificate")
    page.get_by_label(say("verify.form.file_label")).set_input_files(str(not_a_pdf))
    page.get_by_role("button", name=say("verify.form.submit"), exact=True).click()
    field = page.get_by_label(say("verify.form.file_label"))
    assert field.get_attribute("aria-invalid") == "true"
    screens.shot(page, "damaged-file-explained")


def test_journey_5_supervisor_switches_to_english_and_back(page: Page, screens: Screens) -> None:
    log_in(page, DEMO_SUPERVISOR)
    page.get_by_role("navigation").get_by_role("link", name=say("nav.issue")).click()
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_label(say("field.competence"), exact=True).is_visible()
    screens.shot(page, "issue-form-in-dutch")

    page.get_by_role("link", name=say("lang.other_name")).click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_label(say("field.competence", "en"), exact=True).is_visible()
    screens.shot(page, "issue-form-in-english")
    page.get_by_role("navigation").get_by_role("link", name=exact("nav.dashboard", "en")).click()
    assert page.locator("html").get_attribute("lang") == "en", "the choice stays while moving on"
    assert page.get_by_role("link", name=say("lang.other_name", "en")).is_visible()
    screens.shot(page, "dashboard-in-english")

    page.get_by_role("link", name=say("lang.other_name", "en")).click()
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("navigation").get_by_role("link", name=exact("nav.issue")).is_visible()
    screens.shot(page, "back-in-dutch")
