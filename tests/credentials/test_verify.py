"""verify_credential: one result object, a check per step, and never an exception."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credentials.did import StaticDidResolver, build_did_document
from credentials.jsonld import default_document_loader
from credentials.keys import Ed25519Multikey
from credentials.proofs import HashCache, add_proof
from credentials.sample import sample_credential
from credentials.statuslist import Bitstring, build_status_list_credential
from credentials.verify import CHECK_IDS, StaticStatusLookup, TrustDecision, verify_credential

DID_WEB = "did:web:certificaten.kringloop.example:orgs:voorbeeld"
STATUS_URL = "https://certificaten.kringloop.example/orgs/voorbeeld/status/1"
KEY = Ed25519Multikey.from_seed(bytes(range(32)), controller=DID_WEB, fragment="key-1")
RESOLVER = StaticDidResolver([build_did_document(DID_WEB, [KEY])])
SIGNED = add_proof(
    sample_credential(issuer_did=DID_WEB, status_url=STATUS_URL),
    key=KEY,
    document_loader=default_document_loader(),
    created="2026-03-02T09:00:00Z",
)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _status(*, key: Ed25519Multikey = KEY, issuer: str = DID_WEB, revoked: bool = False) -> dict[str, Any]:
    bits = Bitstring()
    if revoked:
        bits.set(int(SIGNED["credentialStatus"]["statusListIndex"]))
    unsigned = build_status_list_credential(
        list_url=STATUS_URL, issuer=issuer, purpose="revocation", bitstring=bits, valid_from="2026-01-01T00:00:00Z"
    )
    return add_proof(unsigned, key=key, document_loader=default_document_loader())


def test_genuine_credential_passes_every_check_it_can_make() -> None:
    result = verify_credential(SIGNED, resolver=RESOLVER, status_lookup=StaticStatusLookup([_status()]), now=NOW)
    assert result.verified
    assert [c.id for c in result.checks] == list(CHECK_IDS)
    assert result.check("registered_issuer").outcome.value == "skipped"
    assert result.issuer == DID_WEB
    assert result.verification_method == KEY.id
    assert result.to_json()["verified"] is True


class _Registry:
    def __init__(self, trusted: bool):
        self.trusted = trusted
        self.calls: list[dict[str, Any]] = []

    def decide(self, *, issuer: str, verification_method: str, signed_at: datetime | None) -> TrustDecision:
        self.calls.append({"issuer": issuer, "vm": verification_method, "signed_at": signed_at})
        if self.trusted:
            return TrustDecision(True, reason="member of the sector")
        return TrustDecision(False, "not_a_member", "this organisation is not a member")


def test_trust_registry_is_asked_with_issuer_key_and_signing_time() -> None:
    registry = _Registry(trusted=True)
    result = verify_credential(SIGNED, resolver=RESOLVER, trust_registry=registry, now=NOW)
    assert result.check("registered_issuer").passed
    assert registry.calls == [{"issuer": DID_WEB, "vm": KEY.id, "signed_at": datetime(2026, 3, 2, 9, tzinfo=UTC)}]


def test_trust_registry_refusal_fails_registered_issuer_only() -> None:
    result = verify_credential(SIGNED, resolver=RESOLVER, trust_registry=_Registry(trusted=False), now=NOW)
    assert not result.verified
    assert [c.id for c in result.failed] == ["registered_issuer"]
    assert result.check("registered_issuer").code == "not_a_member"


def test_status_list_signed_by_another_issuer_is_not_trusted() -> None:
    other = Ed25519Multikey.from_seed(bytes(range(2, 34)))
    forged = _status(key=other, issuer=other.controller, revoked=False)
    result = verify_credential(SIGNED, resolver=RESOLVER, status_lookup=StaticStatusLookup([forged]), now=NOW)
    assert result.check("status").code == "status_list_invalid"


def test_status_list_that_cannot_be_found_fails_status() -> None:
    result = verify_credential(SIGNED, resolver=RESOLVER, status_lookup=StaticStatusLookup([]), now=NOW)
    assert result.check("status").code == "status_unavailable"


def test_status_is_not_consulted_when_the_signature_fails() -> None:
    tampered = copy.deepcopy(SIGNED)
    tampered["name"] = "Iets anders"
    result = verify_credential(tampered, resolver=RESOLVER, status_lookup=StaticStatusLookup([_status()]), now=NOW)
    assert result.check("valid_signature").code == "invalid_signature"
    assert result.check("status").outcome.value == "skipped"


def test_status_list_cache_still_checks_every_signature_and_sees_every_change() -> None:
    cache = HashCache(maxsize=2)
    genuine, revoked = _status(), _status(revoked=True)

    def status_of(listing: dict[str, Any]) -> str:
        lookup = StaticStatusLookup([listing])
        result = verify_credential(SIGNED, resolver=RESOLVER, status_lookup=lookup, now=NOW, status_list_cache=cache)
        return result.check("status").code if result.check("status").failed else "ok"

    assert status_of(genuine) == "ok"
    assert status_of(copy.deepcopy(genuine)) == "ok"
    assert (cache.hits, cache.misses) == (1, 1)
    # Same content, another signature value: the hash is reused, the signature still fails.
    forged = copy.deepcopy(genuine)
    forged["proof"]["proofValue"] = revoked["proof"]["proofValue"]
    assert status_of(forged) == "status_list_invalid"
    assert cache.hits == 2
    # A changed list (here: revoked) is new content, hashed afresh.
    assert status_of(revoked) == "revoked"
    assert cache.misses == 2
    # A list with the revoked bits but the genuine list's signature fails, cache or not.
    swapped = copy.deepcopy(revoked)
    swapped["proof"] = genuine["proof"]
    assert status_of(swapped) == "status_list_invalid"
    assert len(cache._entries) == 2  # bounded


def test_hash_cache_bypasses_another_document_loader() -> None:
    cache = HashCache()
    loader = default_document_loader()
    listing = _status()
    unsecured = {k: v for k, v in listing.items() if k != "proof"}
    config = {**{k: v for k, v in listing["proof"].items() if k != "proofValue"}, "@context": listing["@context"]}
    first = cache.hash_data(unsecured, config, document_loader=loader)
    assert cache.hash_data(unsecured, config, document_loader=loader) is first

    def other_loader(url: str, options: Any = None) -> Any:
        return loader(url, options)

    assert cache.hash_data(unsecured, config, document_loader=other_loader) == first
    assert (cache.hits, cache.misses) == (1, 1)  # the other loader was neither served nor stored


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_arbitrary_json_never_raises_and_never_verifies(value: Any) -> None:
    result = verify_credential(value, resolver=RESOLVER, now=NOW)
    assert result.verified is False
    assert [c.id for c in result.checks] == list(CHECK_IDS)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


ALL_PATHS = _paths(SIGNED)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_PATHS), json_values)
def test_any_replaced_value_is_caught_and_never_raises(path: tuple[Any, ...], replacement: Any) -> None:
    changed = copy.deepcopy(SIGNED)
    parent: Any = changed
    for step in path[:-1]:
        parent = parent[step]
    original = parent[path[-1]]
    parent[path[-1]] = replacement
    result = verify_credential(changed, resolver=RESOLVER, now=NOW)
    if replacement == original and type(replacement) is type(original):
        return
    assert not result.verified, f"replacing {path} with {replacement!r} went unnoticed"
