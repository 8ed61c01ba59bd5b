"""The service commands as an operator runs them: real processes, one shared instance."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("cli")
    return {
        **os.environ,
        "CREDENTIALS_BASE_URL": "https://certificaten.test",
        "CREDENTIALS_INSTANCE_DIR": str(home / "instance"),
        "CREDENTIALS_KEYS_DIR": str(home / "keys"),
        "CREDENTIALS_KEY_PASSPHRASE": "cli-passphrase-0123456789",
        "CREDENTIALS_SECRET_KEY": "cli-secret-key-abcdefghij",
        "CREDENTIALS_NEW_PASSWORD": "Een-lang-wachtwoord-42",
    }


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "issuer.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip


def ok(env: dict[str, str], *args: str) -> str:
    result = run(env, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def org(env: dict[str, str]) -> str:
    ok(env, "init")
    ok(env, "org", "add", "de-kring", "--name", "De Kring", "--email", "info@dekring.example")
    return "de-kring"


def test_init_and_org_add_are_idempotent(env: dict[str, str], org: str) -> None:
    assert "catalogue versions added: 0" in ok(env, "init")
    assert "Already there" in ok(env, "org", "add", org, "--name", "De Kring")
    clash = run(env, "org", "add", org, "--name", "Een Andere Naam")
    assert clash.returncode == 1
    assert "another name" in clash.stderr


def test_user_add_is_idempotent_and_checks_its_input(env: dict[str, str], org: str) -> None:
    assert "Created" in ok(env, "user", "add", "jan@dekring.example", "--org", org, "--role", "supervisor")
    assert "Already there" in ok(env, "user", "add", "jan@dekring.example", "--org", org, "--role", "supervisor")
    assert run(env, "user", "add", "piet@dekring.example", "--org", "nope", "--role", "supervisor").returncode == 1
    weak = run({**env, "CREDENTIALS_NEW_PASSWORD": "kort"}, "user", "add", "k@dekring.example", "--org", org,
               "--role", "supervisor")  # fmt: skip
    assert weak.returncode == 1
    assert "12 characters" in weak.stderr


def test_catalogue_list_json(env: dict[str, str]) -> None:
    competences = json.loads(ok(env, "catalogue", "list", "--json"))
    assert len(competences) >= 30
    assert {"code", "group", "name_nl", "name_en"} <= set(competences[0])
    assert {c["group"] for c in competences} == {"circular", "digital", "craft-and-work"}


def test_issue_writes_the_file_and_prints_the_verify_url(env: dict[str, str], org: str, tmp_path: Path) -> None:
    url = ok(env, "issue", "--org", org, "--holder", "Mehmet Çelik", "--competence", "VAK-TILLEN", "--level", "2",
             "--evidence", "Tilt veilig met rechte rug.", "--out", str(tmp_path)).strip()  # fmt: skip
    assert url.startswith("https://certificaten.test/c/")
    public_id = url.rsplit("/", 1)[1]
    credential = json.loads((tmp_path / f"{public_id}.json").read_text("utf-8"))
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == "Mehmet Çelik"
    assert credential["credentialSubject"]["result"][0]["achievedLevel"].endswith("#niveau-2")
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    wrong = run(env, "revoke", public_id, "--reason", "Test", "--category", "key_compromised")
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr  # the service sets that one itself
    assert "Revoked" in ok(env, "revoke", public_id, "--reason", "Test", "--category", "replaced")
    again = run(env, "revoke", public_id, "--reason", "Test")
    assert again.returncode == 1
    assert "already revoked" in again.stderr


def test_issue_takes_crlf_line_breaks_in_the_evidence(env: dict[str, str], org: str, tmp_path: Path) -> None:
    """What a shell, a Windows file or a browser hands over: CRLF becomes LF before signing."""
    url = ok(env, "issue", "--org", org, "--holder", "Ilse Jansen", "--competence", "VAK-TILLEN",
             "--evidence", "Regel een.\r\nRegel twee.", "--out", str(tmp_path)).strip()  # fmt: skip
    credential = json.loads((tmp_path / f"{url.rsplit('/', 1)[1]}.json").read_text("utf-8"))
    assert credential["evidence"][0]["narrative"] == "Regel een.\nRegel twee."
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"  # signed over the LF text


def test_issue_refuses_another_control_character_and_says_where(env: dict[str, str], org: str) -> None:
    result = run(env, "issue", "--org", org, "--holder", "Ilse Jansen", "--competence", "VAK-TILLEN",
                 "--evidence", "Regel\x07 een.")  # fmt: skip
    assert result.returncode == 1
    assert "control character (U+0007) at position 6" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "nope", "--holder", "X", "--competence", "VAK-TILLEN"], "unknown organisation"),
        (["--org", "de-kring", "--holder", "X", "--competence", "NOPE"], "unknown competence"),
        (["--org", "de-kring", "--holder", " ", "--competence", "VAK-TILLEN"], "must not be empty"),
        (["--org", "de-kring", "--holder", "X", "--competence", "VAK-TILLEN", "--level", "4"], "1, 2 or 3"),
    ],
)
def test_issue_refuses_bad_input_clearly(env: dict[str, str], org: str, args: list[str], message: str) -> None:
    result = run(env, "issue", *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_revoke_of_an_unknown_id_is_refused(env: dict[str, str], org: str) -> None:
    result = run(env, "revoke", "no-such-certificate", "--reason", "x")
    assert result.returncode == 1
    assert "no certificate" in result.stderr


def test_keys_rotate_then_compromise_reissues(env: dict[str, str], org: str, tmp_path: Path) -> None:
    ok(env, "issue", "--org", org, "--holder", "Sara Ødegård", "--competence", "DIG-KASSA")
    first_key = ok(env, "keys", "list", "--org", org).split()[0]
    assert "New signing key" in ok(env, "keys", "rotate", "--org", org)
    listing = ok(env, "keys", "list", "--org", org)
    assert f"{first_key}" in listing and "retired" in listing and "current" in listing
    report = ok(env, "keys", "compromise", "--org", org, "--key", first_key)
    assert "re-issued as https://certificaten.test/c/" in report
    assert "compromised" in ok(env, "keys", "list", "--org", org)


def test_audit_verify(env: dict[str, str], org: str) -> None:
    assert "verifies" in ok(env, "audit", "verify")


def test_pdf_and_portfolio_for_a_printing_supervisor(env: dict[str, str], org: str, tmp_path: Path) -> None:
    from credentials.pdf import extract_credentials
    from issuer.certificates.services import issue_certificate
    from issuer.organisations.services import did_document, get_org
    from issuer.participants.services import add_participant
    from issuer.runtime import build_runtime
    from issuer.store.db import session_scope
    from issuer.store.settings import Settings

    rt = build_runtime(Settings.from_env(env))
    try:
        with session_scope(rt.sessions) as session:
            organisation = get_org(session, org)
            person, _ = add_participant(session, org=organisation, name="Ødegård Łukasz", actor="test")
            issued = [
                issue_certificate(session, rt.context, org=organisation, competence_code=code, level="3",
                                  actor="test", participant=person)
                for code in ("VAK-TILLEN", "DIG-KASSA")
            ]  # fmt: skip
            holder, stored = str(person.id), {c.public_id: c.credential_json.encode() for c in issued}
            did_json = json.dumps(did_document(session, organisation))
    finally:
        rt.engine.dispose()
    first = next(iter(stored))

    out = tmp_path / "certificaat.pdf"
    assert f"Wrote {out}" in ok(env, "pdf", first, "--out", str(out))
    assert extract_credentials(out.read_bytes()) == [stored[first]]
    portfolio = tmp_path / "portfolio.pdf"
    assert "2 certificate(s)" in ok(env, "portfolio", "--holder", holder, "--out", str(portfolio))
    assert sorted(extract_credentials(portfolio.read_bytes())) == sorted(stored.values())
    bundle = tmp_path / "alles.zip"
    ok(env, "portfolio", "--holder", holder, "--org", org, "--out", str(bundle))
    assert bundle.read_bytes()[:2] == b"PK"

    # The core command verifies the credential inside the PDF (offline: the issuer's DID
    # document is given; without status lists the status check is skipped).
    did_doc = tmp_path / "did.json"
    did_doc.write_text(did_json, "utf-8")
    verified = run(env, "verify", str(out), "--did-doc", str(did_doc))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    several = run(env, "verify", str(portfolio), "--did-doc", str(did_doc))
    assert several.returncode == 0 and "Certificate 2 of 2" in several.stdout

    for args, message in (
        (["pdf", "geen-bestaand-id", "--out", str(tmp_path / "x.pdf")], "no certificate"),
        (["portfolio", "--holder", "999999", "--out", str(tmp_path / "x.pdf")], "no participant"),
        (["portfolio", "--holder", holder, "--org", "een-andere", "--out", str(tmp_path / "x.pdf")], "no participant"),
        (["pdf", first, "--out", str(tmp_path / "geen-map" / "x.pdf")], "does not exist"),
    ):
        refused = run(env, *args)
        assert refused.returncode in (1, 2) and message in refused.stderr, refused.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_demo_data_includes_a_portfolio_to_try(tmp_path: Path) -> None:
    from issuer.app import create_app
    from issuer.ops.demo import DEMO_HOLDER_CODE
    from issuer.store.settings import Settings
    from tests.support import service_env

    demo_env = service_env(tmp_path, "http://127.0.0.1:5000")
    first = ok(demo_env, "init", "--demo")
    assert f"http://127.0.0.1:5000/portfolio, code {DEMO_HOLDER_CODE}" in first
    assert DEMO_HOLDER_CODE in ok(demo_env, "init", "--demo")  # idempotent
    app = create_app({"TESTING": True}, settings=Settings.from_env(demo_env))
    try:
        client = app.test_client()
        page = client.get("/portfolio").get_data(as_text=True)
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        assert client.post("/portfolio", data={"csrf_token": token, "code": DEMO_HOLDER_CODE}).status_code == 302
        portfolio = client.get("/portfolio").get_data(as_text=True)
        assert "Certificaten van Nguyễn Thị Lan" in portfolio and "Je certificaten (2)" in portfolio
    finally:
        app.extensions["credentials"].engine.dispose()


def test_production_mode_refuses_development_secrets(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDENTIALS_")}
    env |= {"CREDENTIALS_INSTANCE_DIR": str(tmp_path / "instance"), "CREDENTIALS_KEYS_DIR": str(tmp_path / "keys")}
    refused = run(env, "serve", "--production", "--port", "1")
    assert refused.returncode == 1
    assert "refused: CREDENTIALS_KEY_PASSPHRASE is not set" in refused.stderr
    assert "refused: CREDENTIALS_SECRET_KEY is not set" in refused.stderr
    assert "nothing was started" in refused.stderr and "Serving on" not in refused.stdout
    verifier = run(env, "serve", "--production", "--verifier-only", "--port", "1")
    assert verifier.returncode == 1 and "CREDENTIALS_SECRET_KEY is not set" in verifier.stderr
