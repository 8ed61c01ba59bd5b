"""A certificate issued by the running service verifies in Digital Bazaar's verifier,
which fetches the organisation's DID document and status list from the service over
HTTP (loopback only); after ``credentials revoke`` the same check reports it revoked.

Everything runs as real processes: ``credentials init``, ``org add``, ``issue`` and
``serve`` on a free port, with the embedded default (SQLite, local key store).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from dbjs import require_node, run_jobs

from tests.support import cli, free_port, service_env, serving

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    require_node()
    home = tmp_path_factory.mktemp("service")
    port = free_port()
    env = service_env(home, f"http://127.0.0.1:{port}")
    cli(env, "init")
    cli(env, "org", "add", "interop", "--name", "Kringloop Interop", "--email", "info@interop.example")
    with serving(env, port) as base:
        yield {"env": env, "base": base, "home": home}


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
    url = cli(
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

    cli(service["env"], "revoke", public_id, "--reason", "Per vergissing uitgegeven")
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
