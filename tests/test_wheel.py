"""The wheel carries everything the service needs: built, installed in a clean virtualenv
and run from a folder outside the repository, it serves its pages.

A template, a migration, a context, a font, the catalogue or the stylesheet left out of
the package data shows here, and nowhere else: every other test runs from the checkout.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support import ROOT, free_port, service_env


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)  # fmt: skip
    assert done.returncode == 0, f"{args}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback test server
        return response.status, response.read().decode("utf-8")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with nothing but the project's wheel and its dependencies."""
    home = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", home / "dist", ROOT, cwd=home)
    wheels = list((home / "dist").glob("kringloop_credentials-*.whl"))
    assert len(wheels) == 1, wheels
    _run(sys.executable, "-m", "venv", home / "venv", cwd=home)
    _run(home / "venv" / "bin" / "pip", "install", "--quiet", wheels[0], cwd=home)
    return home


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Path) -> None:
    python = installed / "venv" / "bin" / "python"
    where = _run(python, "-c", "import issuer, credentials, verifier; print(issuer.__file__)", cwd=installed)
    assert str(installed / "venv") in where and str(ROOT) not in where


def test_the_wheel_serves_the_pages(installed: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in service_env(installed / "home", base).items() if k != "PYTHONPATH"}
    credentials = installed / "venv" / "bin" / "credentials"
    work = installed / "elsewhere"  # not the repository: nothing may be read from the checkout
    work.mkdir()
    _run(credentials, "init", "--demo", cwd=work, env=env)
    issued = _run(credentials, "issue", "--org", "kringloop-demo", "--holder", "Noor Bakker",
                  "--competence", "CIRC-SORTEREN", cwd=work, env=env).strip()  # fmt: skip
    server = subprocess.Popen([str(credentials), "serve", "--port", str(port)], cwd=work, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the installed service did not start"
                time.sleep(0.2)
        status, login = _get(f"{base}/login")
        assert status == 200 and 'lang="nl"' in login and "Inloggen" in login
        status, verify = _get(f"{base}/verify")
        assert status == 200 and "Certificaat controleren" in verify
        status, certificate = _get(issued)  # the public page of the certificate just issued
        assert status == 200 and "Noor Bakker" in certificate
        status, css = _get(f"{base}/static/style.css")
        assert status == 200 and ".prewrap" in css
    finally:
        server.terminate()
        server.wait(timeout=10)
