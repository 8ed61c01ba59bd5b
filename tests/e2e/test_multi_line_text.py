"""Multi-line text typed in Chromium: the browser sends the textarea's line breaks as CRLF.

A supervisor types a note of two lines on the issue form and sees it as two lines on the
certificate's page; the sector admin rewords a competence in the framework editor with
texts of several lines and finds them kept. (The draft is thrown away afterwards, so the
other browser tests keep the published framework.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from issuer.ops.demo import DEMO_SECTOR_ADMIN, DEMO_SUPERVISOR
from tests.e2e.steps import add_participant, fill_issue_form, issue, log_in, say
from tests.support import cli

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import Service

NOTE = ["Sorteert de kleding zelfstandig.", "Legt nieuwe collega's uit hoe het werkt."]


def test_a_note_of_two_lines_is_issued_and_shown_as_two_lines(page: Page) -> None:
    log_in(page, DEMO_SUPERVISOR)
    add_participant(page, "Lotte Visser")
    fill_issue_form(page, participant="Lotte Visser", competence="Geschonken spullen sorteren", level="1",
                    evidence="\n".join(NOTE))  # fmt: skip
    issued = issue(page)
    assert page.get_by_role("status").inner_text().strip() == say("flash.issued")
    # innerText follows the rendering: the line break shows only if the page keeps it.
    note = page.locator("dt", has_text=say("certificate.evidence")).locator("xpath=following-sibling::dd[1]")
    assert note.inner_text().splitlines() == NOTE
    assert issued.public_id in page.url


def test_the_framework_editor_takes_texts_of_several_lines(page: Page, service: Service) -> None:
    description = ["Sorteert geschonken spullen.", "Let op wat nog verkocht kan worden."]
    criteria = ["Sorteert per soort", "Haalt kapotte spullen eruit", "Werkt volgens de afspraken"]
    log_in(page, DEMO_SECTOR_ADMIN)
    try:
        page.goto("/sector/competentiekader")
        page.get_by_role("button", name=say("framework.draft_start")).click()
        page.goto("/sector/competentiekader/concept/CIRC-SORTEREN")
        page.get_by_label(say("framework.field.description_nl"), exact=True).fill("\n".join(description))
        page.get_by_label(say("framework.field.criteria_nl"), exact=True).fill("\n".join(criteria))
        page.get_by_role("button", name=say("framework.save")).click()
        assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()

        page.goto("/sector/competentiekader/concept/CIRC-SORTEREN")
        kept = page.get_by_label(say("framework.field.description_nl"), exact=True).input_value()
        assert kept.splitlines() == description
        assert page.get_by_label(say("framework.field.criteria_nl"), exact=True).input_value().splitlines() == criteria
    finally:
        cli(service.env, "framework", "discard")
