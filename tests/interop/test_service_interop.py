"""A certificate issued by the running service verifies in Digital Bazaar's verifier,
which fetches the organisation's DID document and status list from the service over
HTTP (loopback only); after ``credentials revoke`` the same check reports it revoked.

Everything runs as real processes: ``credentials init``, ``org add``, ``issue`` and
``serve`` on a free port, with the embedded default (SQLite, local key store).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dbjs import require_node, run_jobs

pytestmark = pytest.mark.interop

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _cli(env: dict[str, str], *args: str) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "issuer.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    require_node()
    home = tmp_path_factory.mktemp("service")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "CREDENTIALS_BASE_URL": base,
        "CREDENTIALS_INSTANCE_DIR": str(home / "instance"),
        "CREDENTIALS_KEYS_DIR": str(home / "keys"),
        "CREDENTIALS_KEY_PASSPHRASE": "interop-passphrase-0123456789",
        "CREDENTIALS_SECRET_KEY": "interop-secret-key-abcdefghij",
    }
    _cli(env, "init")
    _cli(env, "org", "add", "interop", "--name", "Kringloop Interop", "--email", "info@interop.example")
    server = subprocess.Popen(
        [sys.executable, "-m", "issuer.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):  # noqa: S310 - loopback test server
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the service did not start") from None
                time.sleep(0.2)
        yield {"env": env, "base": base, "home": home}
    finally:
        server.terminate()
        server.wait(timeout=10)


def _js_verify(service: dict[str, Any], credential: dict[str, Any]) -> dict[str, Any]:
    (result,) = run_jobs(
        [{"op": "verify", "credential": credential, "checkStatus": True, "httpAllow": [service["base"] + "/"]}]
    )
    assert result["ok"], result
    return result


def _status_flag(result: dict[str, Any]) -> bool:
    status = result["statusResult"]
    entries = status.get("results") or [status]
    return any(bool(entry.get("status")) for entry in entries)


def test_service_certificate_verifies_in_digital_bazaar_over_http_and_then_shows_revoked(
    service: dict[str, Any],
) -> None:
    out = service["home"] / "out"
    url = _cli(
        service["env"],
        "issue",
        "--org",
        "interop",
        "--holder",
        "Sara Ødegård",
        "--competence",
        "DIG-KASSA",
        "--level",
        "2",
        "--evidence",
        "Werkt zelfstandig aan de kassa.",
        "--out",
        str(out),
    )
    public_id = url.strip().rsplit("/", 1)[1]
    credential = json.loads((out / f"{public_id}.json").read_text("utf-8"))
    assert credential["issuer"]["id"].startswith("did:web:127.0.0.1%3A")

    before = _js_verify(service, credential)
    assert before["verified"], before
    assert _status_flag(before) is False

    _cli(service["env"], "revoke", public_id, "--reason", "Per vergissing uitgegeven")
    after = _js_verify(service, credential)
    assert _status_flag(after) is True


def test_did_document_and_status_list_are_served_cacheable(service: dict[str, Any]) -> None:
    with urllib.request.urlopen(f"{service['base']}/orgs/interop/did.json", timeout=5) as response:  # noqa: S310
        assert response.headers["Content-Type"].startswith("application/did+json")
        assert "max-age" in response.headers["Cache-Control"]
        assert response.headers["ETag"]
        document = json.loads(response.read())
    assert document["id"].endswith(":orgs:interop")
    with urllib.request.urlopen(f"{service['base']}/orgs/interop/status/1", timeout=5) as response:  # noqa: S310
        status = json.loads(response.read())
    assert "BitstringStatusListCredential" in status["type"]
