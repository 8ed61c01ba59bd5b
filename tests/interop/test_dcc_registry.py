"""The DCC registry document of a running service, read by the Digital Credentials
Consortium's own client (@digitalcredentials/issuer-registry-client, tests/interop/js):
an active member's DID is found with its name, a suspended member's is not."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from dbjs import JS_DIR, require_node

from tests.support import cli, free_port, service_env, serving

SCRIPT = JS_DIR / "dcc_registry.mjs"


def test_the_dcc_client_finds_active_members_and_not_suspended_ones(tmp_path: Path) -> None:
    require_node()
    port = free_port()
    env = service_env(tmp_path, f"http://127.0.0.1:{port}")
    cli(env, "init")
    cli(env, "org", "add", "kringloop-actief", "--name", "Kringloop Actief", "--website", "https://actief.example")
    cli(env, "org", "add", "kringloop-geschorst", "--name", "Kringloop Geschorst")
    cli(env, "org", "suspend", "kringloop-geschorst", "--reason", "Keurmerk verlopen")
    port_part = f"127.0.0.1%3A{port}"
    active, suspended = (f"did:web:{port_part}:orgs:kringloop-{s}" for s in ("actief", "geschorst"))
    node = shutil.which("node")
    assert node is not None
    with serving(env, port) as base:
        job = {"url": f"{base}/.well-known/dcc-issuer-registry.json", "dids": [active, suspended]}
        run = subprocess.run([node, str(SCRIPT)], input=json.dumps(job), capture_output=True, text=True,
                             timeout=120, cwd=JS_DIR, check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["loaded"][0]["loaded"] is True, answer
    assert answer["found"][active] == {"name": "Kringloop Actief", "location": "Nederland",
                                       "url": "https://actief.example"}  # fmt: skip
    assert answer["found"][suspended] is None
