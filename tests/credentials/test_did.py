"""did:web URLs, did:key documents, DID documents and verification-method resolution."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from credentials.did import (
    StaticDidResolver,
    build_did_document,
    did_key_document,
    did_web_from_url,
    did_web_to_url,
    resolve_verification_method,
)
from credentials.encoding import multibase_encode
from credentials.errors import DidResolutionError
from credentials.jsonld import DID_V1, MULTIKEY_V1, default_document_loader, expand_strict
from credentials.keys import Ed25519Multikey

DID = "did:web:certificaten.kringloop.example:orgs:voorbeeld"
KEY = Ed25519Multikey.from_seed(bytes(range(32)), controller=DID, fragment="key-1")
OTHER_KEY = Ed25519Multikey.from_seed(bytes(range(1, 33)), controller=DID, fragment="key-2")
W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


def _document(**changes: Any) -> dict[str, Any]:
    document = build_did_document(DID, [KEY, OTHER_KEY])
    document.update(changes)
    return document


def _resolve(document: dict[str, Any], vm: str = KEY.id) -> Ed25519Multikey:
    return resolve_verification_method(vm, resolver=StaticDidResolver([document]))


# --- did:web <-> URL --------------------------------------------------------------


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        ("did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"),
        (DID, "https://certificaten.kringloop.example/orgs/voorbeeld/did.json"),
    ],
)
def test_did_web_maps_to_its_document_url_as_in_the_spec_examples(did: str, url: str) -> None:
    assert did_web_to_url(did) == url


@pytest.mark.parametrize(
    ("base", "path", "did"),
    [
        ("https://w3c-ccg.github.io", (), "did:web:w3c-ccg.github.io"),
        ("https://w3c-ccg.github.io/", ("user", "alice"), "did:web:w3c-ccg.github.io:user:alice"),
        ("https://example.com:3000/user/alice", (), "did:web:example.com%3A3000:user:alice"),
        ("https://example.com:3000", ("user", "alice"), "did:web:example.com%3A3000:user:alice"),
        ("http://127.0.0.1:5000", ("orgs", "demo"), "did:web:127.0.0.1%3A5000:orgs:demo"),
        ("http://127.0.0.1:5000/", (), "did:web:127.0.0.1%3A5000"),
    ],
)
def test_did_web_from_url_encodes_the_port_colon_and_joins_path_segments(
    base: str, path: tuple[str, ...], did: str
) -> None:
    assert did_web_from_url(base, *path) == did


@pytest.mark.parametrize(
    "base",
    [
        "https://example.com",
        "https://example.com:3000",
        "https://example.com:8443/orgs/demo",
        "https://a.b.example/x/y/z",
    ],
)
def test_did_web_from_url_round_trips_to_the_document_url(base: str) -> None:
    did = did_web_from_url(base)
    expected = base + ("/did.json" if base.count("/") > 2 else "/.well-known/did.json")
    assert did_web_to_url(did) == expected


def test_insecure_hosts_get_http_with_the_port_kept() -> None:
    did = did_web_from_url("http://127.0.0.1:5000", "orgs", "demo")
    assert did_web_to_url(did, insecure_hosts=["127.0.0.1"]) == "http://127.0.0.1:5000/orgs/demo/did.json"
    assert did_web_to_url(did) == "https://127.0.0.1:5000/orgs/demo/did.json"
    assert did_web_to_url("did:web:localhost", insecure_hosts=("localhost",)) == "http://localhost/.well-known/did.json"
    # Only the listed host goes over http.
    assert did_web_to_url("did:web:example.com", insecure_hosts=["127.0.0.1"]).startswith("https://")


@pytest.mark.parametrize("did", ["did:key:z6Mk", "did:web:", "web:example.com", "did:web:a%2Fb"])
def test_did_web_to_url_refuses_what_is_not_a_did_web(did: str) -> None:
    with pytest.raises(DidResolutionError):
        did_web_to_url(did)


@pytest.mark.parametrize("base", ["ftp://example.com", "example.com", "https://", "file:///etc/passwd"])
def test_did_web_from_url_refuses_non_http_urls(base: str) -> None:
    with pytest.raises(DidResolutionError):
        did_web_from_url(base)


@pytest.mark.parametrize(
    "did",
    [
        "did:web:example.com:a%2Fb",
        "did:web:example.com:..:admin",
        "did:web:example.com::x",
        "did:web:example.com#key-1",
        "did:web:example.com?versionId=1",
    ],
)
def test_did_web_to_url_refuses_segments_that_would_address_another_path(did: str) -> None:
    with pytest.raises(DidResolutionError):
        did_web_to_url(did)


# --- did:key -------------------------------------------------------------------------


def test_did_key_document_has_one_multikey_method_named_by_its_multibase() -> None:
    did = f"did:key:{W3C_PUBLIC}"
    document = did_key_document(did)
    vm_id = f"{did}#{W3C_PUBLIC}"
    assert document["id"] == did
    assert document["@context"] == [DID_V1, MULTIKEY_V1]
    assert document["verificationMethod"] == [
        {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": W3C_PUBLIC}
    ]
    for relationship in ("assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation"):
        assert document[relationship] == [vm_id]
    expand_strict(document, document_loader=default_document_loader())


def test_did_key_of_a_generated_key_resolves_to_that_key() -> None:
    key = Ed25519Multikey.generate()
    resolved = resolve_verification_method(key.id, resolver=StaticDidResolver())
    assert resolved.public_key == key.public_key
    assert resolved.controller == key.controller
    assert not resolved.has_private_key


@pytest.mark.parametrize(
    "did",
    [
        "did:key:" + multibase_encode(b"\xe7\x01" + b"\x02" + bytes(32)),  # secp256k1
        "did:key:" + multibase_encode(b"\xed\x01" + bytes(31)),
        "did:key:z6Mk0OIl",
        "did:key:",
        "did:web:example.com",
    ],
)
def test_did_key_document_refuses_dids_that_are_not_ed25519_did_keys(did: str) -> None:
    with pytest.raises(DidResolutionError):
        did_key_document(did)


# --- DID documents ---------------------------------------------------------------------


def test_build_did_document_lists_every_key_for_assertion() -> None:
    document = build_did_document(DID, [KEY, OTHER_KEY])
    assert document["id"] == DID
    assert document["@context"] == [DID_V1, MULTIKEY_V1]
    assert document["verificationMethod"] == [KEY.to_verification_method(), OTHER_KEY.to_verification_method()]
    assert document["assertionMethod"] == [KEY.id, OTHER_KEY.id]
    assert "secretKeyMultibase" not in str(document)
    expand_strict(document, document_loader=default_document_loader())


@pytest.mark.parametrize(
    "key",
    [
        Ed25519Multikey.generate(controller="did:web:other.example", fragment="key-1"),
        Ed25519Multikey.generate(),  # a did:key
        Ed25519Multikey.generate(controller=DID + ":sub", fragment="key-1"),  # a longer DID with our DID as prefix
    ],
)
def test_build_did_document_refuses_keys_of_another_controller(key: Ed25519Multikey) -> None:
    with pytest.raises(DidResolutionError):
        build_did_document(DID, [KEY, key])


def test_static_resolver_refuses_documents_without_a_did_or_https_id() -> None:
    for bad in ({}, {"id": "example.com"}, {"id": DID + "#key-1"}, {"id": 42}, {"id": "http://example.com"}):
        with pytest.raises(DidResolutionError):
            StaticDidResolver([bad])


def test_static_resolver_returns_copies() -> None:
    resolver = StaticDidResolver([_document()])
    resolver.resolve(DID)["verificationMethod"].clear()
    assert len(resolver.resolve(DID)["verificationMethod"]) == 2


def test_static_resolver_refuses_unknown_dids() -> None:
    with pytest.raises(DidResolutionError):
        StaticDidResolver([_document()]).resolve("did:web:unknown.example")


def test_did_key_always_resolves_to_its_own_key_even_when_a_document_is_supplied() -> None:
    victim = Ed25519Multikey.generate()
    attacker = Ed25519Multikey.generate()
    forged = did_key_document(victim.controller)
    forged["verificationMethod"][0]["publicKeyMultibase"] = attacker.public_key_multibase
    resolved = resolve_verification_method(victim.id, resolver=StaticDidResolver([forged]))
    assert resolved.public_key == victim.public_key


# --- resolve_verification_method -----------------------------------------------------------


def test_listed_method_resolves_to_the_public_key() -> None:
    resolved = _resolve(_document())
    assert (resolved.id, resolved.controller, resolved.public_key) == (KEY.id, DID, KEY.public_key)
    assert _resolve(_document(), OTHER_KEY.id).public_key == OTHER_KEY.public_key


def test_method_not_listed_under_assertion_method_is_refused() -> None:
    document = _document(assertionMethod=[OTHER_KEY.id], authentication=[KEY.id])
    with pytest.raises(DidResolutionError, match="not authorised"):
        _resolve(document)
    assert _resolve(document, OTHER_KEY.id).public_key == OTHER_KEY.public_key


def test_method_listed_only_for_authentication_resolves_for_that_purpose_only() -> None:
    document = _document(assertionMethod=[], authentication=[KEY.id])
    with pytest.raises(DidResolutionError):
        _resolve(document)
    resolved = resolve_verification_method(KEY.id, resolver=StaticDidResolver([document]), purpose="authentication")
    assert resolved.public_key == KEY.public_key


def test_method_missing_from_the_document_is_refused() -> None:
    with pytest.raises(DidResolutionError, match="not in the DID document"):
        _resolve(_document(), DID + "#key-3")
    document = _document(verificationMethod=[OTHER_KEY.to_verification_method()])
    with pytest.raises(DidResolutionError):
        _resolve(document)


def test_method_whose_controller_differs_is_refused() -> None:
    document = _document()
    document["verificationMethod"][0]["controller"] = "did:web:evil.example"
    with pytest.raises(DidResolutionError, match="not controlled"):
        _resolve(document)


def test_document_whose_id_differs_from_the_did_is_refused() -> None:
    class WrongDocument:
        def resolve(self, did: str) -> dict[str, Any]:
            document = build_did_document(DID, [KEY])
            document["id"] = "did:web:evil.example"
            return document

    with pytest.raises(DidResolutionError, match="different id"):
        resolve_verification_method(KEY.id, resolver=WrongDocument())


@pytest.mark.parametrize("vm_type", ["Ed25519VerificationKey2020", "JsonWebKey", "multikey", None])
def test_method_that_is_not_a_multikey_is_refused(vm_type: str | None) -> None:
    document = _document()
    document["verificationMethod"][0]["type"] = vm_type
    with pytest.raises(DidResolutionError, match="expected Multikey"):
        _resolve(document)


@pytest.mark.parametrize(
    "public_key_multibase",
    [
        multibase_encode(b"\xe7\x01" + b"\x02" + bytes(32)),  # secp256k1
        multibase_encode(b"\x12\x00" + bytes(33)),  # P-256 header
        multibase_encode(b"\xed\x01" + bytes(32), base="base64url"),
        "z6Mk",
        None,
    ],
)
def test_method_with_a_non_ed25519_multibase_is_refused(public_key_multibase: str | None) -> None:
    document = _document()
    document["verificationMethod"][0]["publicKeyMultibase"] = public_key_multibase
    with pytest.raises(DidResolutionError):
        _resolve(document)


def test_fragment_only_references_resolve_against_the_did() -> None:
    document = _document()
    document["verificationMethod"][0]["id"] = "#key-1"
    document["assertionMethod"] = ["#key-1"]
    resolved = _resolve(document)
    assert resolved.id == KEY.id
    assert resolved.public_key == KEY.public_key


def test_fragment_only_reference_does_not_match_another_dids_method() -> None:
    document = _document()
    document["assertionMethod"] = ["#key-1"]
    # "#key-1" is DID#key-1, not a method of some other DID with the same fragment.
    with pytest.raises(DidResolutionError):
        resolve_verification_method("did:web:other.example#key-1", resolver=StaticDidResolver([document]))


def test_method_embedded_under_assertion_method_resolves() -> None:
    document = _document(verificationMethod=[], assertionMethod=[KEY.to_verification_method()])
    assert _resolve(document).public_key == KEY.public_key


@pytest.mark.parametrize("vm", ["#key-1", "key-1", DID, "", None, 42])
def test_method_reference_that_is_not_an_absolute_url_with_fragment_is_refused(vm: Any) -> None:
    with pytest.raises(DidResolutionError):
        resolve_verification_method(vm, resolver=StaticDidResolver([_document()]))


def test_https_controller_document_resolves_like_the_1edtech_vector() -> None:
    controller = "https://example.edu/issuers/565049"
    key = Ed25519Multikey.from_seed(bytes(32), controller=controller, fragment="k")
    document = {"id": controller, "verificationMethod": [key.to_verification_method()], "assertionMethod": [key.id]}
    assert _resolve(document, key.id).public_key == key.public_key


def test_resolution_does_not_change_the_resolvers_document() -> None:
    document = _document()
    snapshot = copy.deepcopy(document)
    resolver = StaticDidResolver([document])
    resolve_verification_method(KEY.id, resolver=resolver)
    assert resolver.resolve(DID) == snapshot


@pytest.mark.parametrize(
    "base",
    [
        "https://ex.com?x=1",
        "https://ex.com#frag",
        "https://user@ex.com",
        "https://ex.com/a b",
        "https://ex.com/a/../b",
        "https://-ex.com",
    ],
)
def test_did_web_from_url_never_makes_a_did_that_did_web_to_url_refuses(base: str) -> None:
    try:
        did = did_web_from_url(base)
    except DidResolutionError:
        return
    did_web_to_url(did)


@pytest.mark.parametrize("did", ["did:web:example.com%3Aabc", "did:web:example.com%3A", "did:web:example.com%3A99999x"])
def test_did_web_to_url_refuses_a_port_that_is_not_a_number(did: str) -> None:
    with pytest.raises(DidResolutionError):
        did_web_to_url(did)
