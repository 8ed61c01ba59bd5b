"""The CI dependency audit (.ci/audit.py) reads pip-audit's and npm's reports correctly:
a known vulnerability fails the run, an unreachable database is reported as not done."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

from tests.support import ROOT


@pytest.fixture(scope="module")
def audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ci_audit", ROOT / ".ci" / "audit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["ci_audit"] = module
    spec.loader.exec_module(module)
    return module


PIP_REPORT = {
    "dependencies": [
        {"name": "flask", "version": "3.1.3", "vulns": []},
        {"name": "jinja2", "version": "2.10", "vulns": [{"id": "GHSA-462w-v97r-4m45", "fix_versions": ["2.10.1"]}]},
        {"name": "ours", "skip_reason": "Dependency not found on PyPI and could not be audited: ours (0.1)"},
    ],
    "fixes": [],
}
NPM_REPORT = {
    "auditReportVersion": 2,
    "vulnerabilities": {"jsonld": {"severity": "high", "range": "<8.3.3"}},
    "metadata": {"dependencies": {"total": 40}},
}
NPM_UNREACHABLE = {"message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk"}


def test_a_known_vulnerability_fails_the_audit(audit: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    pip = audit.read_pip_audit(PIP_REPORT)
    assert (pip.checked, len(pip.findings), len(pip.unchecked)) == (2, 1, 1)
    npm = audit.read_npm_audit("tests/interop/js", NPM_REPORT)
    assert npm.checked == 40 and npm.findings == ["jsonld: high (<8.3.3)"]
    assert audit.verdict([pip, npm], strict=False) == 1
    out = capsys.readouterr().out
    assert "VULNERABLE jinja2 2.10: GHSA-462w-v97r-4m45 (fixed in 2.10.1)" in out


def test_a_clean_report_passes(audit: ModuleType) -> None:
    clean = audit.read_pip_audit({"dependencies": [{"name": "flask", "version": "3.1.3", "vulns": []}]})
    npm = audit.read_npm_audit("x", {"auditReportVersion": 2, "vulnerabilities": {}, "metadata": {}})
    assert audit.verdict([clean, npm], strict=True) == 0


def test_an_unreachable_database_is_said_plainly_and_fails_only_when_strict(
    audit: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    npm = audit.read_npm_audit("tests/a11y/js", NPM_UNREACHABLE)
    assert npm.checked == 0 and npm.unchecked
    assert audit.verdict([npm], strict=False) == 0
    assert "AUDIT NOT DONE" in capsys.readouterr().out
    assert audit.verdict([npm], strict=True) == 1
