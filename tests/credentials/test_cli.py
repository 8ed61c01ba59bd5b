"""The ``credentials`` command line: keygen, sign, verify; exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from credentials.cli import main
from credentials.did import build_did_document
from credentials.jsonld import default_document_loader
from credentials.keys import Ed25519Multikey
from credentials.proofs import add_proof
from credentials.sample import sample_credential
from credentials.statuslist import Bitstring, build_status_list_credential

DID_WEB = "did:web:certificaten.kringloop.example:orgs:voorbeeld"
STATUS_URL = "https://certificaten.kringloop.example/orgs/voorbeeld/status/1"


def _write(path: Path, value: Any) -> str:
    path.write_text(json.dumps(value), "utf-8")
    return str(path)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_keygen_prints_a_did_key_multikey_pair(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["keygen"], capsys)
    assert code == 0
    key = json.loads(out)
    assert key["type"] == "Multikey"
    assert key["controller"].startswith("did:key:z6Mk")
    assert key["id"] == f"{key['controller']}#{key['publicKeyMultibase']}"
    assert key["secretKeyMultibase"].startswith("z3u2")
    assert Ed25519Multikey.from_multikey(key).has_private_key


def test_keygen_with_did_web_uses_that_controller(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["keygen", "--did-web", DID_WEB], capsys)
    key = json.loads(out)
    assert code == 0
    assert key["controller"] == DID_WEB
    assert key["id"].startswith(DID_WEB + "#key-")


def test_keygen_refuses_a_non_did_web_controller(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["keygen", "--did-web", "https://example.org"], capsys)
    assert code == 2
    assert "did:web" in err


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_sign_then_verify_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str], suite: str) -> None:
    _, key_json, _ = _run(["keygen"], capsys)
    key_file = tmp_path / "key.json"
    key_file.write_text(key_json)
    controller = json.loads(key_json)["controller"]
    unsigned = _write(tmp_path / "unsigned.json", sample_credential(issuer_did=controller))
    code, signed_json, _ = _run(["sign", unsigned, "--key", str(key_file), "--cryptosuite", suite], capsys)
    assert code == 0
    assert json.loads(signed_json)["proof"]["cryptosuite"] == suite
    signed = tmp_path / "signed.json"
    signed.write_text(signed_json)
    code, out, _ = _run(["verify", str(signed)], capsys)
    assert code == 0
    assert out.startswith("VERIFIED")
    assert "valid_signature" in out


def test_sign_refuses_undefined_terms_with_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = Ed25519Multikey.generate()
    credential = sample_credential(issuer_did=key.controller)
    credential["credentialSubject"]["skillLevel"] = "expert"
    key_file = _write(tmp_path / "key.json", key.to_json(include_secret=True))
    code, out, err = _run(["sign", _write(tmp_path / "c.json", credential), "--key", key_file], capsys)
    assert code == 1
    assert out == ""
    assert "refused" in err and "skillLevel" in err


def test_sign_needs_a_secret_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = Ed25519Multikey.generate()
    public_only = _write(tmp_path / "pub.json", key.to_json())
    credential = _write(tmp_path / "c.json", sample_credential(issuer_did=key.controller))
    code, _, err = _run(["sign", credential, "--key", public_only], capsys)
    assert code == 2
    assert "secretKeyMultibase" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"{not json", "not valid JSON"), (b"\xff\xfe\x00", "not UTF-8"), (b"[" * 100_000, "nested too deeply"),
     (b'{"id": "a", "id": "b"}', "appears twice"), (b'{"n": NaN}', "not a JSON number"),
     (b'{"n": "\\ud800"}', "not valid Unicode")],
)
def test_verify_unreadable_input_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    code, _, err = _run(["verify", str(bad)], capsys)
    assert code == 2
    assert message in err


def test_verify_missing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["verify", str(tmp_path / "nope.json")], capsys)
    assert code == 2
    assert "cannot read" in err


def _did_web_case(tmp_path: Path, *, revoked: bool) -> tuple[str, str, str]:
    key = Ed25519Multikey.from_seed(bytes(range(32)), controller=DID_WEB, fragment="key-1")
    signed = add_proof(
        sample_credential(issuer_did=DID_WEB, status_url=STATUS_URL), key=key, document_loader=default_document_loader()
    )
    bits = Bitstring()
    if revoked:
        bits.set(int(signed["credentialStatus"]["statusListIndex"]))
    status = add_proof(
        build_status_list_credential(
            list_url=STATUS_URL, issuer=DID_WEB, purpose="revocation", bitstring=bits, valid_from="2026-01-01T00:00:00Z"
        ),
        key=key,
        document_loader=default_document_loader(),
    )
    return (
        _write(tmp_path / "signed.json", signed),
        _write(tmp_path / "did.json", build_did_document(DID_WEB, [key])),
        _write(tmp_path / "status.json", status),
    )


def test_verify_did_web_with_did_document_and_status_list_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    signed, did_doc, status = _did_web_case(tmp_path, revoked=False)
    code, out, _ = _run(["verify", signed, "--did-doc", did_doc, "--status-list", status, "--json"], capsys)
    result = json.loads(out)
    assert code == 0
    assert result["verified"] is True
    outcomes = {c["id"]: c["outcome"] for c in result["checks"]}
    assert outcomes == {
        "structure": "passed",
        "valid_signature": "passed",
        "issuer_key": "passed",
        "registered_issuer": "skipped",
        "validity_period": "passed",
        "status": "passed",
    }


def test_verify_without_the_did_document_fails_on_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    signed, _, _ = _did_web_case(tmp_path, revoked=False)
    code, out, _ = _run(["verify", signed, "--json"], capsys)
    assert code == 1
    check = {c["id"]: c for c in json.loads(out)["checks"]}["valid_signature"]
    assert check["code"] == "unresolvable_key"


def test_verify_reports_revocation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    signed, did_doc, status = _did_web_case(tmp_path, revoked=True)
    code, out, _ = _run(["verify", signed, "--did-doc", did_doc, "--status-list", status], capsys)
    assert code == 1
    assert out.startswith("NOT VERIFIED")
    assert "FAIL status [revoked]" in out


def test_console_script_runs_as_installed(tmp_path: Path) -> None:
    """The installed ``credentials`` entry point works as a separate process."""
    script = Path(sys.executable).parent / "credentials"
    if not script.exists():
        pytest.skip(f"console script not installed next to {sys.executable}")
    demo = subprocess.run(
        [str(script), "demo", "--out", str(tmp_path / "demo.json")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert demo.returncode == 0, demo.stderr
    assert "VERIFIED" in demo.stdout and "NOT VERIFIED" in demo.stdout
    verify = subprocess.run(
        [str(script), "verify", str(tmp_path / "demo.json")], capture_output=True, text=True, check=False, timeout=60
    )
    assert verify.returncode == 0, verify.stdout
