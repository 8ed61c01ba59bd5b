"""Automated accessibility check of every public page, in both languages.

The verifier's pages (QR landing page in every state, the upload form, the code form,
results for one and for several certificates) and the holder's portfolio pages.

Each page is rendered by the app (real data, SQLite), written to a file with its
stylesheet inlined and axe-core (npm, tests/a11y/js) injected, and opened in Debian's
Chromium, headless, at desktop width and at 360 px. axe's WCAG 2.1 A/AA rules must find
nothing serious or critical. Locally the test skips when Chromium or axe-core is
missing (with a message); under CI=true it fails instead.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "a11y" / "js" / "node_modules" / "axe-core" / "axe.min.js"
CSS = ROOT / "issuer" / "static" / "style.css"
RUNNER = """<script>%s</script><script>
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(function (r) {
  var out = document.createElement('pre'); out.id = 'axe-result';
  out.textContent = JSON.stringify(r.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) { return n.target.join(' '); })};
  }));
  document.body.appendChild(out);
});
</script>"""


def _missing(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: the accessibility check must run)")
    pytest.skip(message)


def _tools() -> str:
    """Chromium's path; skips (locally) or fails (CI) when Chromium or axe-core is missing."""
    browser = next((found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None)
    if browser is None:
        _missing("Chromium is not installed (apt-get install chromium)")
    if not AXE.exists():
        _missing("axe-core is not installed (npm ci --prefix tests/a11y/js)")
    assert browser is not None
    return browser


def _holder_code(app: Flask) -> str:
    """A holder of the organisation in ``issued``, with two certificates; their personal code."""
    from issuer.certificates import services as cert_services
    from issuer.organisations import services as org_services
    from issuer.participants import services as participant_services
    from issuer.runtime import runtime
    from issuer.store.db import session_scope

    with app.app_context(), session_scope(runtime().sessions) as session:
        org = org_services.get_org(session, "kringloop-delta")
        person, code = participant_services.add_participant(session, org=org, name="Çelik Ødegård", actor="test")
        for competence in ("DIG-KASSA", "VAK-TILLEN"):
            cert_services.issue_certificate(session, runtime().context, org=org, competence_code=competence, level="1",
                                       actor="test", participant=person)  # fmt: skip
        return code


def _portfolio_pdf(app: Flask, issued: dict[str, Any]) -> bytes:
    from credentials.pdf import render_portfolio_pdf
    from issuer.certificates import documents
    from issuer.certificates import services as cert_services
    from issuer.runtime import runtime
    from issuer.store.db import session_scope

    with app.app_context(), session_scope(runtime().sessions) as session:
        sheets = [
            documents.sheet_for(
                runtime().settings, cert_services.get_certificate(session, issued["certificates"][n]["public_id"])
            )
            for n in ("valid", "revoked", "expired")
        ]
    return render_portfolio_pdf("Sanne de Vries", sheets)


def _pages(app: Flask, issued: dict[str, Any]) -> dict[str, str]:
    """Every public page state, in Dutch and English: name -> HTML."""
    app.config["VERIFY_PAGE_PER_MINUTE"] = 100_000
    pages: dict[str, str] = {}
    code = _holder_code(app)
    portfolio_pdf = _portfolio_pdf(app, issued)
    for lang in ("nl", "en"):
        client = app.test_client()
        form = client.get(f"/verify?lang={lang}").get_data(as_text=True)
        token_match = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token_match
        token = token_match.group(1)
        pages[f"{lang}-form"] = form
        for name, entry in issued["certificates"].items():
            pages[f"{lang}-{name}"] = client.get(f"/c/{entry['public_id']}").get_data(as_text=True)
        pages[f"{lang}-not-found"] = client.get("/c/" + "Z" * 22).get_data(as_text=True)
        forged = copy.deepcopy(issued["certificates"]["valid"]["credential"])
        forged["credentialSubject"]["identifier"][0]["identityHash"] = "Iemand Anders"
        pages[f"{lang}-invalid"] = client.post(
            "/verify", data={"csrf_token": token, "tekst": json.dumps(forged)}
        ).get_data(as_text=True)
        pages[f"{lang}-form-error"] = client.post(
            "/verify",
            data={"csrf_token": token, "bestand": (io.BytesIO(b"%PDF-1.4"), "x.pdf")},
            content_type="multipart/form-data",
        ).get_data(as_text=True)
        pages[f"{lang}-several"] = client.post(
            "/verify",
            data={"csrf_token": token, "bestand": (io.BytesIO(portfolio_pdf), "portfolio.pdf")},
            content_type="multipart/form-data",
        ).get_data(as_text=True)
        pages[f"{lang}-code"] = client.get("/controleren").get_data(as_text=True)
        pages[f"{lang}-code-error"] = client.get("/controleren?code=1234").get_data(as_text=True)
        pages[f"{lang}-portfolio-login"] = client.get("/portfolio").get_data(as_text=True)
        pages[f"{lang}-portfolio-wrong"] = client.post(
            "/portfolio", data={"csrf_token": token, "code": "AAAA"}
        ).get_data(as_text=True)
        assert client.post("/portfolio", data={"csrf_token": token, "code": code}).status_code == 302
        pages[f"{lang}-portfolio"] = client.get("/portfolio").get_data(as_text=True)
        pages[f"{lang}-portfolio-erase"] = client.get("/portfolio/wissen").get_data(as_text=True)
        fresh = re.search(r'name="csrf_token" value="([^"]+)"', pages[f"{lang}-portfolio"])  # a new session
        assert fresh
        pages[f"{lang}-portfolio-erase-error"] = client.post(
            "/portfolio/wissen", data={"csrf_token": fresh.group(1)}
        ).get_data(as_text=True)
    return pages


def _axe(browser: str, page: Path, width: int, profile: Path) -> list[dict[str, Any]]:
    run = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--window-size={width},1200",
            "--virtual-time-budget=10000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    match = re.search(r'<pre id="axe-result">(.*?)</pre>', run.stdout, re.S)
    assert match, f"axe did not report for {page.name}: {run.stderr[-500:]}"
    text = match.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    violations: list[dict[str, Any]] = json.loads(text)
    return violations


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_public_pages_have_no_serious_or_critical_accessibility_findings(
    app: Flask, issued: dict[str, Any], tmp_path: Path
) -> None:
    browser = _tools()
    css = CSS.read_text("utf-8")
    runner = RUNNER % AXE.read_text("utf-8")
    findings: list[str] = []
    pages = _pages(app, issued)
    assert len(pages) >= 32
    for name, rendered in pages.items():
        html = re.sub(r'<link rel="stylesheet"[^>]*>', f"<style>{css}</style>", rendered)
        file = tmp_path / f"{name}.html"
        file.write_text(html.replace("</body>", runner + "</body>"), "utf-8")
        for width in (1280, 360):
            for violation in _axe(browser, file, width, tmp_path / "profile"):
                if violation["impact"] in ("serious", "critical"):
                    findings.append(
                        f"{name} @{width}px: {violation['id']} ({violation['impact']}): "
                        f"{violation['help']} at {violation['nodes'][:3]}"
                    )
    assert findings == []
