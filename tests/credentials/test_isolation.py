"""The core imports no web framework and does no file or network I/O while it signs or verifies."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import credentials

PACKAGE = Path(credentials.__file__).parent
WEB_FRAMEWORKS = ("flask", "werkzeug", "jinja2", "quart", "django", "fastapi", "starlette")


def _run(code: str) -> subprocess.CompletedProcess[str]:
    # -I: a clean interpreter (no user site, no PYTHON* variables); the package comes from the venv.
    return subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=120, check=False, cwd=PACKAGE.parent
    )


def test_importing_the_core_and_its_cli_does_not_import_flask() -> None:
    result = _run("import credentials, credentials.cli, sys; print('flask' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_importing_every_core_module_loads_no_web_framework() -> None:
    code = (
        "import importlib, pkgutil, sys, credentials\n"
        "for m in pkgutil.walk_packages(credentials.__path__, 'credentials.'):\n"
        "    importlib.import_module(m.name)\n"
        f"print(sorted(n for n in sys.modules if n.split('.')[0] in {WEB_FRAMEWORKS!r}))\n"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_no_core_module_imports_flask() -> None:
    sources = sorted(PACKAGE.rglob("*.py"))
    assert len(sources) >= 13
    for source in sources:
        text = source.read_text("utf-8")
        assert "import flask" not in text, source
        assert "from flask" not in text, source
        for node in ast.walk(ast.parse(text)):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in WEB_FRAMEWORKS, f"{source}: imports {name}"


def test_importing_the_core_opens_no_connection_and_starts_no_process() -> None:
    code = """
import sys
events = []
WATCHED = {"socket.connect", "socket.getaddrinfo", "socket.bind", "urllib.Request", "subprocess.Popen", "os.system"}
sys.addaudithook(lambda event, args: events.append(event) if event in WATCHED else None)
import credentials, credentials.cli, credentials.sample
print(events)
"""
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


SIGN_AND_VERIFY_WITHOUT_IO = """
import json, sys

WATCHED = {"open", "socket.connect", "socket.getaddrinfo", "urllib.Request", "os.listdir", "subprocess.Popen"}
armed = False
events = []


def audit(event, args):
    if armed and event in WATCHED:
        events.append([event, repr(args)[:200]])


sys.addaudithook(audit)

from datetime import UTC, datetime

from credentials.did import StaticDidResolver, build_did_document
from credentials.jsonld import default_document_loader
from credentials.keys import Ed25519Multikey
from credentials.model import Holder
from credentials.proofs import EDDSA_JCS_2022, EDDSA_RDFC_2022, add_proof
from credentials.sample import sample_request
from credentials.model import build_competency_credential
from credentials.statuslist import Bitstring, build_status_list_credential
from credentials.verify import StaticStatusLookup, verify_credential
import dataclasses

DID = "did:web:certificaten.kringloop.example:orgs:voorbeeld"
STATUS_URL = "https://certificaten.kringloop.example/orgs/voorbeeld/status/1"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
CREATED = "2026-03-02T09:00:00Z"


def setting(seed, holder):
    key = Ed25519Multikey.from_seed(bytes([seed]) * 32, controller=DID, fragment=f"key-{seed}")
    resolver = StaticDidResolver([build_did_document(DID, [key])])
    bits = Bitstring()
    bits.set(1)
    status_list = add_proof(
        build_status_list_credential(
            list_url=STATUS_URL, issuer=DID, purpose="revocation", bitstring=bits, valid_from="2026-01-01T00:00:00Z"
        ),
        key=key,
        document_loader=default_document_loader(),
    )
    request = dataclasses.replace(sample_request(issuer_did=DID, status_url=STATUS_URL), holder=Holder(holder))
    return key, resolver, StaticStatusLookup([status_list]), build_competency_credential(request)


def sign_and_verify(key, resolver, lookup, unsigned):
    outcomes = []
    for suite in (EDDSA_RDFC_2022, EDDSA_JCS_2022):
        signed = add_proof(
            unsigned, key=key, document_loader=default_document_loader(), cryptosuite=suite, created=CREATED
        )
        result = verify_credential(
            signed, document_loader=default_document_loader(), resolver=resolver, status_lookup=lookup, now=NOW
        )
        outcomes.append([suite, result.verified, [c.outcome.value for c in result.checks]])
        # The default collaborators too (loader from the cached store, empty resolver).
        verify_credential(signed, now=NOW)
    return outcomes


# Warm-up: the context store and the OB schema are read from disk on first use (allowed).
warm = sign_and_verify(*setting(1, "Warm Up"))

# A different key, holder and status list, made before the flag is set.
second = setting(2, "Åse Ødegård")
armed = True
measured = sign_and_verify(*second)
armed = False

# Control: the hook does see I/O when it happens.
seen = len(events)
armed = True
with open(sys.executable, "rb"):
    pass
armed = False
control = events[seen:]
del events[seen:]

print(json.dumps({"warm": warm, "measured": measured, "events": events, "control": control}))
"""


def test_signing_and_verifying_do_no_file_or_network_io() -> None:
    result = _run(SIGN_AND_VERIFY_WITHOUT_IO)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    all_checks_pass = ["passed", "passed", "passed", "skipped", "passed", "passed"]
    for outcomes in (report["warm"], report["measured"]):
        assert [suite for suite, _, _ in outcomes] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
        for _, verified, checks in outcomes:
            assert verified
            assert checks == all_checks_pass  # the status list was really read
    assert report["control"] and report["control"][0][0] == "open", "the audit hook saw nothing: the test is blind"
    assert report["events"] == []
