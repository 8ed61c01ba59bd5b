"""The negative known-answer credentials in tests/vectors/negative fail the check they name.

Each file is one failure mode (see its README). The tests verify every file
through ``verify_credential`` and through ``credentials verify --json``, and
assert the exact set of failed checks and their codes: the named check fails
with the named code, ``alsoFailed`` lists the only other failures, and every
other check passes or is skipped. ``genuine.json`` verifies. The generator
must reproduce the files byte for byte.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import credentials.proofs
import credentials.verify
from credentials.cli import main
from credentials.did import StaticDidResolver
from credentials.timeutil import parse_datetime_stamp
from credentials.verify import CHECK_IDS, StaticStatusLookup, VerificationResult, verify_credential

VECTORS = Path(__file__).resolve().parent.parent / "vectors"
NEGATIVE_DIR = VECTORS / "negative"
GENERATOR = VECTORS / "make_negative_vectors.py"
ALL_FILES = sorted(NEGATIVE_DIR.glob("*.json"))
GENUINE = NEGATIVE_DIR / "genuine.json"
NEGATIVE_FILES = [path for path in ALL_FILES if path != GENUINE]

# The failure modes the suite must cover (file stems); the generator may add more.
REQUIRED = {
    "tampered-holder-name",
    "tampered-achieved-level",
    "tampered-proof-value",
    "tampered-proof-created",
    "wrong-key",
    "other-organisation-key",
    "did-key-pretending-issuer",
    "unknown-context",
    "ob-context-removed",
    "contexts-reordered",
    "undefined-term",
    "expired",
    "not-yet-valid",
    "revoked",
    "status-list-signed-by-other-organisation",
    "status-list-of-other-issuer",
    "missing-proof",
    "two-proofs",
    "cryptosuite-ecdsa-rdfc-2019",
    "cryptosuite-eddsa-2022",
    "proof-type-not-data-integrity",
    "proof-purpose-authentication",
    "proof-value-not-base58",
    "proof-value-wrong-length",
    "key-not-in-assertion-method",
    "ob-schema-achievement-without-criteria",
    "valid-from-without-timezone",
}


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def _verify(vector: dict[str, Any]) -> VerificationResult:
    now = parse_datetime_stamp(vector["now"])
    assert now is not None
    return verify_credential(
        vector["credential"],
        resolver=StaticDidResolver(vector["didDocuments"]),
        status_lookup=StaticStatusLookup(vector["statusLists"]),
        now=now,
    )


def _expected_failures(expect: dict[str, Any]) -> dict[str, str]:
    if expect["verified"]:
        return {}
    return {expect["check"]: expect["code"], **expect.get("alsoFailed", {})}


def _ids(path: Path) -> str:
    return path.stem


def test_every_required_failure_mode_has_a_file() -> None:
    assert GENUINE.exists()
    missing = REQUIRED - {path.stem for path in NEGATIVE_FILES}
    assert not missing, f"no vector file for: {sorted(missing)}"


@pytest.mark.parametrize("path", NEGATIVE_FILES, ids=_ids)
def test_vector_fails_exactly_the_named_check(path: Path) -> None:
    vector = _load(path)
    expect = vector["expect"]
    assert expect["verified"] is False
    assert expect["check"] in CHECK_IDS

    result = _verify(vector)

    named = result.check(expect["check"])
    assert named.failed, f"{expect['check']} did not fail: {named.outcome} ({named.reason})"
    assert named.code == expect["code"], named.reason
    if "reasonContains" in expect:
        assert expect["reasonContains"] in named.reason
    # Nothing else failed for an unrelated reason.
    assert {c.id: c.code for c in result.failed} == _expected_failures(expect)
    assert result.verified is False
    assert not result.fatal


def test_readme_lists_the_codes_the_verifier_produces() -> None:
    check_codes = _generator().CHECK_CODES
    assert tuple(check_codes) == CHECK_IDS
    sources = "".join(
        Path(str(module.__file__)).read_text("utf-8") for module in (credentials.verify, credentials.proofs)
    )
    for codes, _note in check_codes.values():
        for code in codes:
            assert f'"{code}"' in sources, f"{code} is not produced by credentials/verify.py or proofs.py"
    for path in NEGATIVE_FILES:
        for check, code in _expected_failures(_load(path)["expect"]).items():
            assert code in check_codes[check][0], f"{path.name}: {check}/{code} missing from the README table"


def test_genuine_vector_verifies() -> None:
    result = _verify(_load(GENUINE))
    assert result.verified is True
    outcomes = {c.id: c.outcome.value for c in result.checks}
    assert outcomes == {
        "structure": "passed",
        "valid_signature": "passed",
        "issuer_key": "passed",
        "registered_issuer": "skipped",  # no trust registry in these files
        "validity_period": "passed",
        "status": "passed",
    }


def _json_diff(a: Any, b: Any, pointer: str = "") -> set[str]:
    """JSON pointers (RFC 6901) of the places where ``a`` and ``b`` differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        diff: set[str] = set()
        for key in a.keys() | b.keys():
            child = pointer + "/" + key.replace("~", "~0").replace("/", "~1")
            if key not in a or key not in b:
                diff.add(child)
            else:
                diff |= _json_diff(a[key], b[key], child)
        return diff
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return set().union(*(_json_diff(x, y, f"{pointer}/{i}") for i, (x, y) in enumerate(zip(a, b, strict=True))))
    return set() if a == b and type(a) is type(b) else {pointer}


@pytest.mark.parametrize("path", [p for p in NEGATIVE_FILES if "tampered" in _load(p)], ids=_ids)
def test_tampered_vector_differs_from_genuine_only_where_it_says(path: Path) -> None:
    vector = _load(path)
    genuine = _load(GENUINE)["credential"]
    assert _json_diff(genuine, vector["credential"]) == set(vector["tampered"])


def test_undefined_term_is_what_fails_not_the_signature() -> None:
    vector = _load(NEGATIVE_DIR / "undefined-term.json")
    stripped = copy.deepcopy(vector)
    del stripped["credential"]["credentialSubject"]["skillLevel"]
    assert _verify(stripped).verified is True


def _cli_argv(path: Path, folder: Path) -> list[str]:
    """``verify FILE --json --now … --did-doc … --status-list …`` with the vector's parts in files."""
    vector = _load(path)
    credential = folder / "credential.json"
    credential.write_text(json.dumps(vector["credential"], ensure_ascii=False), "utf-8")
    argv = ["verify", str(credential), "--json", "--now", vector["now"]]
    for index, document in enumerate(vector["didDocuments"]):
        doc_file = folder / f"did-{index}.json"
        doc_file.write_text(json.dumps(document), "utf-8")
        argv += ["--did-doc", str(doc_file)]
    for index, status_list in enumerate(vector["statusLists"]):
        list_file = folder / f"status-list-{index}.json"
        list_file.write_text(json.dumps(status_list), "utf-8")
        argv += ["--status-list", str(list_file)]
    return argv


def _assert_cli_outcome(path: Path, exit_code: int, stdout: str, stderr: str) -> None:
    expect = _load(path)["expect"]
    assert exit_code == (0 if expect["verified"] else 1), stderr
    output = json.loads(stdout)
    assert output["verified"] is expect["verified"]
    failed = {c["id"]: c.get("code", "") for c in output["checks"] if c["outcome"] == "failed"}
    assert failed == _expected_failures(expect)


@pytest.mark.parametrize("path", ALL_FILES, ids=_ids)
def test_cli_reports_the_same_failure(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # In-process: the same argv and code path as the installed command, without a
    # Python start-up (~0.3 s) per file; the test below runs the real executable.
    exit_code = main(_cli_argv(path, tmp_path))
    out, err = capsys.readouterr()
    _assert_cli_outcome(path, exit_code, out, err)


def _one_file_per_check() -> list[Path]:
    """genuine.json and, for each check id that some vector fails, the first such vector."""
    chosen: dict[str, Path] = {}
    for path in NEGATIVE_FILES:
        chosen.setdefault(_load(path)["expect"]["check"], path)
    return [GENUINE, *chosen.values()]


def test_installed_command_agrees_on_one_file_per_check(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("credentials")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "credentials.cli"]
    paths = _one_file_per_check()
    assert len(paths) >= 6  # genuine + structure, valid_signature, issuer_key, validity_period, status

    def run(path: Path) -> subprocess.CompletedProcess[str]:
        folder = tmp_path / path.stem
        folder.mkdir()
        argv = [*command, *_cli_argv(path, folder)]
        return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)

    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(run, paths))
    for path, done in zip(paths, runs, strict=True):
        _assert_cli_outcome(path, done.returncode, done.stdout, done.stderr)


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_negative_vectors", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the module runs.
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_generator_reproduces_the_files_byte_for_byte(tmp_path: Path) -> None:
    _generator().write_vectors(tmp_path)
    regenerated = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_bytes() for p in NEGATIVE_DIR.iterdir() if p.suffix in (".json", ".md")}
    assert regenerated.keys() == committed.keys()
    changed = sorted(name for name in committed if committed[name] != regenerated[name])
    assert not changed, f"run tests/vectors/make_negative_vectors.py again; these differ: {changed}"
