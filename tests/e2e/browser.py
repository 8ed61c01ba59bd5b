"""A real browser for the tests (imported as ``tests.e2e.browser``).

Playwright for Python drives Debian's Chromium (``/usr/bin/chromium``, which ``.ci/run``
installs); the wheel carries its own driver, so nothing is downloaded (never run
``playwright install``). Locally a test skips, saying what is missing, when Chromium,
axe-core (``make node``) or the playwright package is absent; under CI=true it fails.

Also here: screenshots a person can review (desktop and a 360 px phone), the axe-core
accessibility scan (WCAG 2.1 A/AA, injected into the page: only in a context made with
``bypass_csp=True``, since the CSP forbids scripts we did not ship), and the visible
text of a page as a reader gets it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "a11y" / "js" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS_ENV = "CREDENTIALS_SCREENSHOTS"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def missing(message: str) -> None:
    """Skip locally; fail under CI=true, where every browser test must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: the browser tests must run)")
    pytest.skip(message)


def chromium_path() -> str:
    """Chromium's path, or skip/fail (see :func:`missing`)."""
    found = next((path for name in ("chromium", "chromium-browser") if (path := shutil.which(name))), None)
    if found is None:
        missing("Chromium is not installed (apt-get install chromium; .ci/run installs it)")
    assert found is not None
    return found


def require_axe() -> Path:
    if not AXE.exists():
        missing("axe-core is not installed (make node, or npm ci --prefix tests/a11y/js)")
    return AXE


@contextmanager
def launched() -> Iterator[Browser]:
    """One headless Chromium (Debian's), for a whole test session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright package is not installed (pip install -e '.[dev]', as make setup does)")
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# --- screenshots ------------------------------------------------------------------------------


def screenshot_root() -> Path:
    """Where screenshots go: $CREDENTIALS_SCREENSHOTS, else build/screenshots (git-ignored)."""
    return Path(os.environ.get(SCREENSHOTS_ENV) or ROOT / "build" / "screenshots")


@dataclass
class Screens:
    """Numbered screenshots of one journey: ``<root>/<journey>/<nn>-<step>-<desktop|phone>.png``.

    Each step is taken at desktop width and again at 360 px (the same page, the viewport
    narrowed and widened again), so a reviewer reads them in order, side by side.
    """

    root: Path
    journey: str
    taken: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        folder = self.root / self.journey
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):  # a reviewer must not mix runs
            old.unlink()

    def shot(self, page: Page, step: str) -> None:
        number = len(self.taken) // 2 + 1
        for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            path = self.root / self.journey / f"{number:02d}-{step}-{name}.png"
            page.screenshot(path=str(path), full_page=True)
            self.taken.append(path)
        page.set_viewport_size(DESKTOP)


# --- accessibility ----------------------------------------------------------------------------


_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def axe_findings(page: Page, name: str) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA findings on ``page``, at desktop
    width and at 360 px; one readable line each (the page's context needs bypass_csp)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(require_axe()))
    findings: list[str] = []
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        violations: list[dict[str, Any]] = page.evaluate(_AXE_RUN, AXE_TAGS)
        findings += [f"{name} ({label}): {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
                     for v in violations if v["impact"] in BLOCKING]  # fmt: skip
    page.set_viewport_size(DESKTOP)
    return findings


_UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.type !== 'submit')
  .filter(el => el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id)"""

_UNTIED_ERRORS = """() => [...document.querySelectorAll('[aria-invalid="true"]')]
  .filter(el => !(el.getAttribute('aria-describedby') || '').split(' ')
                 .some(id => document.getElementById(id)?.classList.contains('error-message')))
  .map(el => el.name || el.id)"""


def unlabelled_fields(page: Page) -> list[str]:
    """Form fields (not hidden) without a label of their own."""
    names: list[str] = page.evaluate(_UNLABELLED)
    return names


def errors_not_tied_to_fields(page: Page) -> list[str]:
    """Fields marked invalid whose error message is not in their aria-describedby."""
    names: list[str] = page.evaluate(_UNTIED_ERRORS)
    return names


# --- reading ----------------------------------------------------------------------------------


def visible_text(page: Page) -> str:
    """What a reader sees: the title and the rendered text, without the folded-away
    "Technische details" block (where technical words may appear, see the word list)."""
    text: str = page.evaluate(
        """() => { const tech = [...document.querySelectorAll('details.tech')];
                   tech.forEach(e => { e.style.display = 'none'; });
                   const text = document.title + '\\n' + document.body.innerText;
                   tech.forEach(e => { e.style.display = ''; });
                   return text; }"""
    )
    return " ".join(text.split())


def verdict(page: Page) -> str | None:
    """The verdict the page carries (``<main data-verification-status>``), if any."""
    value: str | None = page.get_attribute("main", "data-verification-status")
    return value


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
