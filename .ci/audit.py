#!/usr/bin/env python3
"""Dependency vulnerability audit for CI: the Python packages in .venv and the npm packages
of the test harnesses, checked against the public advisory databases.

    python3 .ci/audit.py --pip-audit PATH/TO/pip-audit [--strict]

- Python: ``pip-audit`` (PyPA) over the virtualenv's site-packages (our own editable
  package is skipped); it asks PyPI's JSON API, which carries the OSV advisories.
- npm: ``npm audit --omit=dev`` in every folder under tests/ that has a package-lock.json.

Exit status: 1 when any known vulnerability is found. When the advisory databases cannot be
reached (a closed network: PyPI's per-version JSON answers 404, npm's bulk advisory endpoint
405), nothing was checked, and the script says so in capitals; that is a failure only with
``--strict`` (or CREDENTIALS_AUDIT_STRICT=1), so that CI on a machine without that access
stays usable while saying plainly that the audit did not happen.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Outcome:
    """What one ecosystem's audit found."""

    ecosystem: str
    checked: int = 0
    unchecked: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        line = f"{self.ecosystem}: {self.checked} packages checked, {len(self.findings)} known vulnerabilities"
        if self.unchecked:
            line += f", {len(self.unchecked)} could not be checked"
        return line


def read_pip_audit(report: dict[str, Any]) -> Outcome:
    """Classify pip-audit's JSON (``-f json``): checked, skipped, vulnerable."""
    outcome = Outcome("Python (pip-audit)")
    for dependency in report.get("dependencies", []):
        name = f"{dependency.get('name')} {dependency.get('version', '')}".strip()
        if "skip_reason" in dependency:
            outcome.unchecked.append(f"{name}: {dependency['skip_reason']}")
            continue
        outcome.checked += 1
        for vuln in dependency.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            outcome.findings.append(f"{name}: {vuln.get('id')} (fixed in {fixed})")
    return outcome


def read_npm_audit(folder: str, report: dict[str, Any]) -> Outcome:
    """Classify ``npm audit --json`` (report version 2), or its error answer."""
    outcome = Outcome(f"npm ({folder})")
    if "auditReportVersion" not in report:
        outcome.unchecked.append(f"{folder}: {report.get('message') or report.get('error') or 'no audit report'}")
        return outcome
    metadata = report.get("metadata", {})
    outcome.checked = int(metadata.get("dependencies", {}).get("total", 0))
    for name, vuln in sorted(report.get("vulnerabilities", {}).items()):
        outcome.findings.append(f"{name}: {vuln.get('severity')} ({vuln.get('range', '')})")
    return outcome


def run_pip_audit(pip_audit: str) -> Outcome:
    site = next((ROOT / ".venv" / "lib").glob("python3*/site-packages"), None)
    if site is None:
        return Outcome("Python (pip-audit)", unchecked=[".venv is missing: run make setup first"])
    done = subprocess.run(  # noqa: S603 (our own tool, fixed arguments)
        [pip_audit, "--path", str(site), "--progress-spinner", "off", "-f", "json", "--skip-editable"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return read_pip_audit(json.loads(done.stdout))
    except json.JSONDecodeError:
        return Outcome("Python (pip-audit)", unchecked=[f"pip-audit failed: {done.stderr.strip()[-500:]}"])


def run_npm_audit(folder: Path) -> Outcome:
    done = subprocess.run(
        ["npm", "audit", "--json", "--omit=dev"],  # noqa: S607 (npm from PATH, as make node uses it)
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    name = str(folder.relative_to(ROOT))
    try:
        return read_npm_audit(name, json.loads(done.stdout))
    except json.JSONDecodeError:
        return Outcome(f"npm ({name})", unchecked=[f"npm audit failed: {done.stderr.strip()[-500:]}"])


def verdict(outcomes: list[Outcome], *, strict: bool) -> int:
    """Print the outcomes; 1 on findings (or, when strict, on anything unchecked)."""
    for outcome in outcomes:
        print(outcome.summary())
        for finding in outcome.findings:
            print(f"  VULNERABLE {finding}")
    unchecked = [item for outcome in outcomes for item in outcome.unchecked]
    if any(outcome.findings for outcome in outcomes):
        print("audit: known vulnerabilities found; upgrade the packages above")
        return 1
    if unchecked:
        print(f"AUDIT NOT DONE for {len(unchecked)} packages or folders: the advisory databases could not be reached")
        for item in unchecked[:5]:
            print(f"  {item}")
        return 1 if strict else 0
    print("audit: no known vulnerabilities")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pip-audit", required=True, help="the pip-audit executable")
    parser.add_argument("--strict", action="store_true", default=os.environ.get("CREDENTIALS_AUDIT_STRICT") == "1")
    args = parser.parse_args(argv)
    outcomes = [run_pip_audit(args.pip_audit)]
    for lock in sorted(ROOT.glob("tests/*/js/package-lock.json")):
        outcomes.append(run_npm_audit(lock.parent))
    return verdict(outcomes, strict=args.strict)


if __name__ == "__main__":
    sys.exit(main())
