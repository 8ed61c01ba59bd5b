"""The verifier never reaches out: credentials naming outside hosts (a did:web, a status
list, a context, a verification method URL) are judged locally, and no socket is opened.

Runs in a subprocess with an audit hook that records every socket connect and name
lookup while the service verifies (SQLite, so the database needs no socket either).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import copy, json, sys, tempfile
    from pathlib import Path
    from issuer.certificates import services as cert_services
    from issuer.organisations import services as org_services
    from issuer.sector.framework import competences
    from issuer.runtime import build_runtime
    from issuer.store.settings import Settings
    from issuer.store.db import session_scope, upgrade
    from verifier.service import verify_for_reader

    tmp = Path(tempfile.mkdtemp())
    settings = Settings(base_url="https://certificaten.test", database_url=f"sqlite:///{tmp}/c.db",
                        keys_dir=tmp / "keys", key_passphrase="p" * 20, secret_key="s" * 20, instance_dir=tmp)
    rt = build_runtime(settings)
    upgrade(rt.engine)
    with session_scope(rt.sessions) as session:
        competences.sync_catalogue(session)
        org, _ = org_services.create_organisation(session, rt.context, slug="a", name="A", actor="t")
        cert = cert_services.issue_certificate(session, rt.context, org=org, competence_code="CIRC-SORTEREN",
                                          level="1", holder_name="X", actor="t")
        genuine = json.loads(cert.credential_json)

    outside = []
    c = copy.deepcopy(genuine); c["issuer"]["id"] = "did:web:evil.example"; outside.append(c)
    c = copy.deepcopy(genuine); c["credentialStatus"]["statusListCredential"] = "https://evil.example/s"
    outside.append(c)
    c = copy.deepcopy(genuine); c["@context"].append("https://evil.example/context.jsonld"); outside.append(c)
    c = copy.deepcopy(genuine); c["proof"]["verificationMethod"] = "https://evil.example/keys#1"; outside.append(c)
    c = copy.deepcopy(genuine); c["proof"]["verificationMethod"] = "did:web:evil.example#key-1"; outside.append(c)

    events = []
    watching = False
    def hook(event, args):
        if watching and event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request"):
            events.append((event, repr(args)[:80]))
    sys.addaudithook(hook)
    watching = True
    verdicts = []
    with session_scope(rt.sessions) as session:
        for credential in [genuine, *outside]:
            verdicts.append(verify_for_reader(session, settings, credential).verdict)
    watching = False
    print(json.dumps({"events": events, "verdicts": verdicts}))
    """
)


def test_verifier_opens_no_socket_for_outside_urls() -> None:
    import json

    run = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["events"] == []
    assert report["verdicts"][0] == "valid"
    assert report["verdicts"][1:] == ["invalid"] * 5
