"""What the people in the journeys do, step by step, through the pages only (imported as
``tests.e2e.steps``).

Fields and buttons are found the way a person finds them: by their label or their
visible name, in the service's own words (``issuer.webkit.i18n``), so a test breaks when a
label goes missing, not when a sentence is reworded. Nothing here reads the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from issuer.ops.demo import DEMO_PASSWORD
from issuer.webkit import i18n

if TYPE_CHECKING:
    from playwright.sync_api import Page

ACCESS_CODE = re.compile(r"\b[2-9A-HJ-NP-Z]{4}(?:-[2-9A-HJ-NP-Z]{4}){3}\b")


def say(key: str, language: str = "nl", **params: Any) -> str:
    """The service's text for ``key`` (what a person reads on the screen)."""
    return i18n.translate(key, language, **params)


def say_count(one: str, other: str, number: int, language: str = "nl", **params: Any) -> str:
    """The service's singular or plural text for ``number`` (``{count}`` filled in)."""
    return i18n.translate_plural(one, other, number, language, **params)


def exact(key: str, language: str = "nl", **params: Any) -> re.Pattern[str]:
    """A pattern matching the whole of the service's text for ``key`` (for accessible names)."""
    return re.compile("^" + re.escape(say(key, language, **params)) + "$")


def log_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label(say("field.email")).fill(email)
    page.get_by_label(say("field.password")).fill(password)
    page.get_by_role("button", name=say("login.submit")).click()
    page.wait_for_url(re.compile(r"/$"))


def add_participant(page: Page, name: str, language: str = "nl") -> str:
    """Add a participant through the form; the personal code shown once afterwards."""
    page.get_by_role("navigation").get_by_role("link", name=say("nav.participants", language)).click()
    page.get_by_role("link", name=say("action.add_participant", language)).click()
    page.get_by_label(say("field.holder_name", language)).fill(name)
    page.get_by_role("button", name=say("participant_new.submit", language)).click()
    page.wait_for_url(re.compile(r"/toegangscode$"))
    match = ACCESS_CODE.search(page.locator("main").inner_text())
    assert match, "the access code page shows no code"
    return match.group(0)


def fill_issue_form(page: Page, *, participant: str, competence: str, level: str, evidence: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name=say("nav.issue")).click()
    people = page.get_by_label(say("field.participant"), exact=True)
    value = people.locator("option", has_text=participant).first.get_attribute("value")
    people.select_option(value=value)
    page.get_by_label(say("field.competence"), exact=True).select_option(label=competence)
    page.get_by_label(re.compile("^" + re.escape(say("field.level.option", code=level, name="")))).check()
    page.get_by_label(say("field.evidence")).fill(evidence)


@dataclass(frozen=True)
class Issued:
    public_id: str
    page_url: str  # the supervisor's page of the certificate


def issue(page: Page) -> Issued:
    """Submit the filled-in issue form; the certificate's page opens."""
    page.get_by_role("button", name=say("issue.submit")).click()
    page.wait_for_url(re.compile(r"/certificaten/[A-Za-z0-9_-]+$"))
    return Issued(public_id=page.url.rsplit("/", 1)[1], page_url=page.url)


def download(page: Page, link_name: str | re.Pattern[str], target: Path) -> Path:
    """Click a download link; the file saved at ``target``."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).first.click()
    info.value.save_as(target)
    return target


def open_portfolio(page: Page, code: str) -> None:
    page.goto("/portfolio")
    page.get_by_label(say("portfolio.field.code")).fill(code)
    page.get_by_role("button", name=say("portfolio.login.submit")).click()
    page.wait_for_url(re.compile(r"/portfolio$"))


def upload_on_verify_page(page: Page, file: Path) -> None:
    page.goto("/verify")
    page.get_by_label(say("verify.form.file_label")).set_input_files(str(file))
    page.get_by_role("button", name=say("verify.form.submit"), exact=True).click()
    page.wait_for_load_state()
