"""Run Digital Bazaar's VC libraries (tests/interop/js/dbvc.mjs) from tests.

One node process per `run_jobs` call; jobs and results are plain JSON
objects, described in tests/interop/README.md. Standard library only
(pytest is imported lazily by `require_node`).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

JS_DIR: Path = Path(__file__).resolve().parent / "js"
DBVC: Path = JS_DIR / "dbvc.mjs"
TIMEOUT_S: float = 300.0
MIN_NODE_MAJOR: int = 20
INSTALL_HINT: str = "run `npm ci --prefix tests/interop/js`"

Job = dict[str, Any]
Result = dict[str, Any]


@functools.cache
def _node_major(node: str) -> int | None:
    """Major version of the node binary at `node`, or None if unknown."""
    try:
        proc = subprocess.run(
            [node, "--version"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    version = proc.stdout.strip().lstrip("v")
    major = version.split(".", 1)[0]
    return int(major) if proc.returncode == 0 and major.isdigit() else None


def node_available() -> str | None:
    """None when the harness can run, else a message saying what is missing."""
    node = shutil.which("node")
    if node is None:
        return (
            f"node is not on PATH (Node.js {MIN_NODE_MAJOR}+ is needed for "
            f"the Digital Bazaar interop tests), then {INSTALL_HINT}"
        )
    major = _node_major(node)
    if major is None or major < MIN_NODE_MAJOR:
        found = "an unknown version" if major is None else f"v{major}"
        return f"node at {node} is {found}; Node.js {MIN_NODE_MAJOR}+ is needed"
    if not (JS_DIR / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        return f"tests/interop/js/node_modules is missing: {INSTALL_HINT}"
    return None


def run_jobs(jobs: list[Job]) -> list[Result]:
    """Run `jobs` in order in one node process; one result per job.

    A job that fails gives {"ok": False, "error": ...}; RuntimeError is
    raised only when the harness itself fails (node missing, non-zero exit,
    timeout, unreadable output).
    """
    if not jobs:
        return []
    node = shutil.which("node")
    if node is None:
        raise RuntimeError(node_available() or "node is not on PATH")
    try:
        proc = subprocess.run(
            [node, str(DBVC)],
            input=json.dumps({"jobs": jobs}),
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=JS_DIR,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(
            f"dbvc.mjs did not finish within {TIMEOUT_S:.0f} s ({len(jobs)} jobs); stderr:\n{_text(exc.stderr)}"
        ) from exc
    if proc.stderr:
        # library warnings; pytest shows captured stderr on failure
        sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        raise RuntimeError(
            f"dbvc.mjs exited with code {proc.returncode}; stderr:\n{proc.stderr}\nstdout:\n{proc.stdout[:2000]}"
        )
    try:
        document = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise RuntimeError(
            f"dbvc.mjs printed no JSON document ({exc}); stdout:\n{proc.stdout[:2000]}\nstderr:\n{proc.stderr}"
        ) from exc
    results = document.get("results") if isinstance(document, dict) else None
    if not isinstance(results, list) or len(results) != len(jobs):
        raise RuntimeError(
            f'dbvc.mjs returned {proc.stdout[:2000]!r}, expected {{"results": [...]}} with {len(jobs)} entries'
        )
    return [dict(result) for result in results]


def run_job(job: Job) -> Result:
    """Run one job; see `run_jobs`."""
    return run_jobs([job])[0]


def require_node() -> None:
    """Skip the calling test when the harness cannot run; fail it in CI.

    With the environment variable CI set to "true" these tests must never
    skip, so a missing node or node_modules is a failure there.
    """
    message = node_available()
    if message is None:
        return
    # imported here so that this module itself needs only the standard library
    import pytest

    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _text(data: str | bytes | None) -> str:
    if data is None:
        return ""
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return data
