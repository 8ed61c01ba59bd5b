"""The W3C vc-di-eddsa and 1EdTech OB 3.0 / CLR 2.0 vectors, reproduced byte for byte.

Every intermediate value the vectors publish is checked (canonical forms,
hashes, the signed bytes, the signature and proofValue); each signed vector
verifies; and one changed character anywhere in a signed vector breaks it.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from credentials.did import StaticDidResolver
from credentials.jsonld import default_document_loader, example_document_loader
from credentials.keys import Ed25519Multikey
from credentials.proofs import add_proof, check_proof, hash_data

VECTORS = Path(__file__).parent.parent / "vectors"
W3C = VECTORS / "w3c-vc-di-eddsa"
OB = VECTORS / "1edtech-ob-v3p0"


# The W3C "employ" vector uses the citizenship v4rc1 context. It is a test-only
# context (from npm @digitalbazaar/citizenship-context 4.1.0), pinned by hash here
# and never served by the production loader.
CITIZENSHIP_V4RC1 = "https://w3id.org/citizenship/v4rc1"
CITIZENSHIP_SHA256 = "a89b0bc00b1848ac3dfdf956c7dd5de8567e755351c07ec6a1c2b4a08b67953b"


@cache
def vector_loader() -> Any:
    raw = (VECTORS / "contexts" / "citizenship-v4rc1.jsonld").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == CITIZENSHIP_SHA256
    citizenship = json.loads(raw)
    base = example_document_loader()

    def load(url: str, options: Any = None) -> dict[str, Any]:
        if url == CITIZENSHIP_V4RC1:
            return {"contextUrl": None, "documentUrl": url, "document": citizenship}
        return base(url, options)

    return load


def _text(path: Path) -> str:
    return path.read_text("utf-8")


def _json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


W3C_CASES = [
    # (suite, folder, unsigned document, file suffix)
    ("eddsa-rdfc-2022", W3C / "eddsa-rdfc-2022", W3C / "unsigned.json", "DataInt"),
    ("eddsa-rdfc-2022", W3C / "eddsa-rdfc-2022" / "employ", W3C / "employmentAuth.json", "DataInt"),
    ("eddsa-jcs-2022", W3C / "eddsa-jcs-2022", W3C / "unsigned.json", "JCS"),
]


def _w3c_key(verification_method: str) -> Ed25519Multikey:
    pair = _json(W3C / "keyPair.json")
    return Ed25519Multikey.from_multikey(
        {**pair, "id": verification_method, "controller": verification_method.split("#", maxsplit=1)[0]}
    )


@pytest.mark.parametrize(("suite", "folder", "unsigned", "suffix"), W3C_CASES, ids=["rdfc", "rdfc-employ", "jcs"])
def test_w3c_vector_intermediate_values_reproduce(suite: str, folder: Path, unsigned: Path, suffix: str) -> None:
    document = _json(unsigned)
    config = _json(folder / f"proofConfig{suffix}.json")
    data = hash_data(document, config, document_loader=vector_loader())
    assert data.canonical_document.decode() == _text(folder / f"canonDoc{suffix}.txt")
    assert data.canonical_proof_config.decode() == _text(folder / f"proofCanon{suffix}.txt")
    assert data.document_hash.hex() == _text(folder / f"docHash{suffix}.txt").strip()
    assert data.proof_config_hash.hex() == _text(folder / f"proofHash{suffix}.txt").strip()
    assert data.to_sign.hex() == _text(folder / f"combinedHash{suffix}.txt").strip()
    signature = _w3c_key(config["verificationMethod"]).sign(data.to_sign)
    assert signature.hex() == _text(folder / f"sigHex{suffix}.txt").strip()


@pytest.mark.parametrize(("suite", "folder", "unsigned", "suffix"), W3C_CASES, ids=["rdfc", "rdfc-employ", "jcs"])
def test_w3c_vector_signed_document_reproduces_and_verifies(
    suite: str, folder: Path, unsigned: Path, suffix: str
) -> None:
    expected = _json(folder / f"signed{suffix}.json")
    proof = expected["proof"]
    signed = add_proof(
        _json(unsigned),
        key=_w3c_key(proof["verificationMethod"]),
        document_loader=vector_loader(),
        cryptosuite=suite,
        created=proof["created"],
    )
    assert signed == expected
    assert proof["proofValue"] == _text(folder / f"sigBTC58{suffix}.txt").strip()
    result = check_proof(expected, resolver=StaticDidResolver(), document_loader=vector_loader())
    assert result.verified, result


def _ob_vector(name: str) -> dict[str, Any]:
    return _json(OB / f"{name}-ldp-test-vector.json")


def _controller_document(vector: dict[str, Any]) -> dict[str, Any]:
    """The 1EdTech key is published at an https controller URL, not a DID."""
    vm = vector["verificationMethod"]
    controller = vm.split("#")[0]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": controller,
        "verificationMethod": [
            {"id": vm, "type": "Multikey", "controller": controller, "publicKeyMultibase": vector["publicKeyMultibase"]}
        ],
        "assertionMethod": [vm],
    }


def test_1edtech_open_badge_vector_reproduces_byte_for_byte() -> None:
    vector = _ob_vector("obv3p0")
    config = {**vector["proofOptions"], "@context": vector["unsignedCredential"]["@context"]}
    data = hash_data(vector["unsignedCredential"], config, document_loader=default_document_loader())
    assert data.canonical_document.decode() == _text(OB / "obv3p0-document-canon.txt")
    assert data.canonical_proof_config.decode() == _text(OB / "obv3p0-proof-canon.txt")
    assert data.document_hash.hex() == vector["documentHashHex"]
    assert data.proof_config_hash.hex() == vector["proofHashHex"]
    assert data.to_sign.hex() == vector["dataToSignHex_proofHash_then_documentHash"]
    key = Ed25519Multikey.from_multikey(
        {
            "id": vector["verificationMethod"],
            "controller": vector["verificationMethod"].split("#")[0],
            "publicKeyMultibase": vector["publicKeyMultibase"],
            "secretKeyMultibase": vector["secretKeyMultibase"],
        }
    )
    assert key.sign(data.to_sign).hex() == vector["signatureHex"]
    signed = add_proof(
        vector["unsignedCredential"],
        key=key,
        document_loader=default_document_loader(),
        created=vector["proofOptions"]["created"],
    )
    assert signed == vector["signedCredential"]
    assert signed["proof"]["proofValue"] == vector["proofValue"]


def test_1edtech_open_badge_vector_verifies() -> None:
    vector = _ob_vector("obv3p0")
    resolver = StaticDidResolver([_controller_document(vector)])
    result = check_proof(vector["signedCredential"], resolver=resolver, document_loader=default_document_loader())
    assert result.verified, result


def test_1edtech_clr_vector_outer_and_inner_credentials_reproduce_and_verify() -> None:
    vector = _ob_vector("clrv2p0")
    config = {**vector["proofOptions"], "@context": vector["unsignedCredential"]["@context"]}
    data = hash_data(vector["unsignedCredential"], config, document_loader=default_document_loader())
    assert data.canonical_document.decode() == _text(OB / "clrv2p0-document-canon.txt")
    assert data.canonical_proof_config.decode() == _text(OB / "clrv2p0-proof-canon.txt")
    assert data.document_hash.hex() == vector["documentHashHex"]
    assert data.proof_config_hash.hex() == vector["proofHashHex"]
    resolver = StaticDidResolver([_controller_document(vector)])
    outer = check_proof(vector["signedCredential"], resolver=resolver, document_loader=default_document_loader())
    assert outer.verified, outer
    inner = vector["signedCredential"]["credentialSubject"]["verifiableCredential"]
    for credential in inner if isinstance(inner, list) else [inner]:
        assert check_proof(credential, resolver=resolver, document_loader=default_document_loader()).verified


def _string_leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _string_leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _string_leaves(value, (*path, index))
    elif isinstance(node, str):
        yield path


def _tamper(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    parent: Any = changed
    for step in path[:-1]:
        parent = parent[step]
    value: str = parent[path[-1]]
    # Change one character in the middle (letters stay letters, digits stay digits).
    index = len(value) // 2
    char = value[index] if value else ""
    replacement = {"a": "b", "z": "y", "0": "1", "9": "8"}.get(char.lower(), "x" if char != "x" else "y")
    parent[path[-1]] = value[:index] + replacement + value[index + 1 :] if value else "x"
    return changed


def _signed_vectors() -> Iterator[tuple[str, dict[str, Any], StaticDidResolver, Any]]:
    for suite, folder, _unsigned, suffix in W3C_CASES:
        yield (
            f"w3c-{suite}-{folder.name}",
            _json(folder / f"signed{suffix}.json"),
            StaticDidResolver(),
            (vector_loader()),
        )
    for name in ("obv3p0", "clrv2p0"):
        vector = _ob_vector(name)
        yield (
            f"1edtech-{name}",
            vector["signedCredential"],
            StaticDidResolver([_controller_document(vector)]),
            default_document_loader(),
        )


def _tamper_cases() -> Iterator[Any]:
    for name, signed, resolver, loader in _signed_vectors():
        for path in _string_leaves(signed):
            yield pytest.param(signed, path, resolver, loader, id=f"{name}:{'/'.join(map(str, path))}")


@pytest.mark.parametrize(("signed", "path", "resolver", "loader"), list(_tamper_cases()))
def test_one_changed_character_anywhere_breaks_the_signature(
    signed: dict[str, Any], path: tuple[Any, ...], resolver: StaticDidResolver, loader: Any
) -> None:
    tampered = _tamper(signed, path)
    assert tampered != signed
    result = check_proof(tampered, resolver=resolver, document_loader=loader)
    assert not result.verified, f"tampering {path} went unnoticed"
