"""Fixtures of the browser tests: one running service and one Chromium per session.

``service``: ``credentials init --demo`` and ``credentials serve`` as real processes in
a temporary folder, on the embedded default (SQLite, local keys), with the demo logins
and the demo holder's code. ``browser``: Debian's Chromium through Playwright (see
tests/e2e/browser.py: skipped locally when something is missing, failed under CI=true).
``page``: a fresh context under the service's real CSP that fails the test when the
browser reports a CSP violation or a script error. ``scan_page``: a context that may
inject axe-core (``bypass_csp=True``; only for the accessibility scan).

The tests share the service: each journey makes its own participants and certificates,
so they run in any order and one at a time (``-k``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.browser import DESKTOP, Screens, launched, screenshot_root
from tests.support import cli, free_port, service_env, serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page


@dataclass(frozen=True)
class Service:
    base: str
    env: dict[str, str]
    home: Path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with launched() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def service(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The embedded default with its demo data, served on a free port (the browser first:
    without one there is nothing to start)."""
    home = tmp_path_factory.mktemp("e2e")
    port = free_port()
    env = service_env(home, f"http://127.0.0.1:{port}")
    cli(env, "init", "--demo")
    with serving(env, port) as base:
        yield Service(base=base, env=env, home=home)


def new_context(browser: Browser, service: Service, **options: Any) -> BrowserContext:
    return browser.new_context(base_url=service.base, viewport=DESKTOP, accept_downloads=True, locale="nl-NL",
                               **options)  # fmt: skip


class BrowserProblems:
    """CSP violations and script errors the browser reports while a test runs."""

    def __init__(self, page: Page) -> None:
        self.seen: list[str] = []
        page.on("console", lambda message: self._console(message.type, message.text))
        page.on("pageerror", lambda error: self.seen.append(f"script error: {error}"))

    def _console(self, kind: str, text: str) -> None:
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.seen.append(f"CSP: {text}")


@pytest.fixture
def context(browser: Browser, service: Service) -> Iterator[BrowserContext]:
    made = new_context(browser, service)
    yield made
    made.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    opened = context.new_page()
    problems = BrowserProblems(opened)
    yield opened
    assert problems.seen == [], "the browser reported problems"


@pytest.fixture
def phone(browser: Browser, service: Service) -> Iterator[Page]:
    """Someone else's phone (an employer scanning the QR code): a context of its own."""
    made = new_context(browser, service)
    opened = made.new_page()
    problems = BrowserProblems(opened)
    yield opened
    made.close()
    assert problems.seen == [], "the browser reported problems"


@pytest.fixture
def screens(request: pytest.FixtureRequest) -> Screens:
    """Screenshots for the current test, in a folder named after it (without ``test_``)."""
    name = request.node.name.removeprefix("test_").split("[")[0]
    made = Screens(root=screenshot_root(), journey=name)
    request.config.stash.setdefault(_TAKEN, []).append(made)
    return made


_TAKEN = pytest.StashKey[list[Screens]]()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    taken = config.stash.get(_TAKEN, [])
    files = sum(len(s.taken) for s in taken)
    if files:
        where = screenshot_root()
        terminalreporter.write_line(f"browser tests: {files} screenshots in {where} (one folder per journey)")
