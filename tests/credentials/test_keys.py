"""Ed25519 Multikey keys: the W3C and 1EdTech test keys, generation, refusals, signing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credentials.encoding import multibase_decode, multibase_encode
from credentials.errors import KeyFormatError
from credentials.keys import Ed25519Multikey, decode_public_key, encode_public_key

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
W3C_KEY_PAIR: dict[str, str] = json.loads((VECTORS / "w3c-vc-di-eddsa" / "keyPair.json").read_text("utf-8"))
OB_VECTOR: dict[str, Any] = json.loads((VECTORS / "1edtech-ob-v3p0" / "obv3p0-ldp-test-vector.json").read_text("utf-8"))
W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
SEED = bytes(range(32))


def test_w3c_vector_key_pair_is_read_with_its_private_key_multibase_name() -> None:
    assert W3C_KEY_PAIR == {"publicKeyMultibase": W3C_PUBLIC, "privateKeyMultibase": W3C_SECRET}
    key = Ed25519Multikey.from_multikey(W3C_KEY_PAIR)
    assert key.has_private_key
    assert key.public_key_multibase == W3C_PUBLIC
    assert key.secret_key_multibase() == W3C_SECRET
    assert key.controller == f"did:key:{W3C_PUBLIC}"
    assert key.id == f"did:key:{W3C_PUBLIC}#{W3C_PUBLIC}"


def test_w3c_secret_alone_derives_the_w3c_public_key() -> None:
    seed = multibase_decode(W3C_SECRET)[2:]
    assert Ed25519Multikey.from_seed(seed).public_key_multibase == W3C_PUBLIC


def test_secret_key_multibase_starts_z3u2_and_round_trips() -> None:
    key = Ed25519Multikey.generate()
    secret = key.secret_key_multibase()
    assert secret.startswith("z3u2")
    raw = multibase_decode(secret)
    assert raw[:2] == b"\x80\x26"
    assert len(raw) == 34
    assert raw[2:] == key.seed()
    again = Ed25519Multikey.from_multikey(
        {"publicKeyMultibase": key.public_key_multibase, "secretKeyMultibase": secret}
    )
    assert again.secret_key_multibase() == secret
    assert again.public_key == key.public_key


def test_public_key_multibase_starts_z6mk_and_round_trips() -> None:
    key = Ed25519Multikey.from_seed(SEED)
    assert key.public_key_multibase.startswith("z6Mk")
    assert decode_public_key(key.public_key_multibase) == key.public_key
    assert encode_public_key(key.public_key) == key.public_key_multibase


def test_generate_without_controller_gives_a_did_key_with_the_multibase_as_fragment() -> None:
    key = Ed25519Multikey.generate()
    mb = key.public_key_multibase
    assert key.controller == f"did:key:{mb}"
    assert key.id == f"did:key:{mb}#{mb}"
    assert Ed25519Multikey.generate().public_key != key.public_key


def test_generate_with_controller_and_fragment_names_the_verification_method() -> None:
    key = Ed25519Multikey.generate(controller="did:web:example.com", fragment="key-1")
    assert key.id == "did:web:example.com#key-1"
    assert key.controller == "did:web:example.com"


def test_from_seed_is_deterministic_and_refuses_a_short_seed() -> None:
    assert Ed25519Multikey.from_seed(SEED).public_key == Ed25519Multikey.from_seed(SEED).public_key
    with pytest.raises(KeyFormatError):
        Ed25519Multikey.from_seed(SEED[:31])


# --- the 1EdTech 64-byte seed‖public secret -----------------------------------


def test_1edtech_secret_of_seed_and_public_key_is_read_and_checked() -> None:
    secret = OB_VECTOR["secretKeyMultibase"]
    assert secret.startswith("zrv2")
    raw = multibase_decode(secret)
    assert raw[:2] == b"\x80\x26"
    assert len(raw) == 66
    key = Ed25519Multikey.from_multikey(
        {"publicKeyMultibase": OB_VECTOR["publicKeyMultibase"], "secretKeyMultibase": secret}
    )
    assert key.public_key.hex() == OB_VECTOR["publicKeyHex"]
    assert key.seed().hex() + key.public_key.hex() == OB_VECTOR["privateKeyHex_seed_plus_public"]
    # It is never written back in the 64-byte form.
    assert key.secret_key_multibase().startswith("z3u2")
    assert len(multibase_decode(key.secret_key_multibase())) == 34


def test_1edtech_key_reproduces_the_vector_signature() -> None:
    key = Ed25519Multikey.from_multikey(
        {"publicKeyMultibase": OB_VECTOR["publicKeyMultibase"], "secretKeyMultibase": OB_VECTOR["secretKeyMultibase"]}
    )
    to_sign = bytes.fromhex(OB_VECTOR["dataToSignHex_proofHash_then_documentHash"])
    # Ed25519 is deterministic: the same key and data give the published signature.
    assert key.sign(to_sign).hex() == OB_VECTOR["signatureHex"]
    assert key.verify(bytes.fromhex(OB_VECTOR["signatureHex"]), to_sign)


def test_64_byte_secret_whose_embedded_public_key_differs_is_refused() -> None:
    raw = multibase_decode(OB_VECTOR["secretKeyMultibase"])
    other_public = Ed25519Multikey.from_seed(SEED).public_key
    forged = multibase_encode(raw[:34] + other_public)
    with pytest.raises(KeyFormatError, match="does not belong"):
        Ed25519Multikey.from_multikey(
            {"publicKeyMultibase": OB_VECTOR["publicKeyMultibase"], "secretKeyMultibase": forged}
        )


# --- refusals --------------------------------------------------------------------


def _pub(header: bytes, body: bytes) -> str:
    return multibase_encode(header + body)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (_pub(b"\xe7\x01", b"\x02" + bytes(32)), "secp256k1 public key header 0xe701"),
        (_pub(b"\xec\x01", bytes(32)), "X25519 header 0xec01"),
        (_pub(b"\x80\x26", bytes(32)), "a secret-key header"),
        (_pub(b"\xed\x01", bytes(31)), "31-byte key"),
        (_pub(b"\xed\x01", bytes(33)), "33-byte key"),
        (_pub(b"\xed", bytes(33)), "truncated header"),
        (_pub(b"", bytes(32)), "raw key without header"),
        (multibase_encode(b"\xed\x01" + bytes(32), base="base64url"), "base64url instead of base58btc"),
        ("z6Mk0OIl", "not base58btc"),
        ("", "empty"),
    ],
)
def test_public_key_multibase_other_than_ed25519_multikey_is_refused(value: str, why: str) -> None:
    with pytest.raises(KeyFormatError):
        decode_public_key(value)
    with pytest.raises(KeyFormatError):
        Ed25519Multikey.from_multikey({"publicKeyMultibase": value})


@pytest.mark.parametrize(
    "secret",
    [
        multibase_encode(b"\x81\x26" + SEED),  # wrong multicodec
        multibase_encode(b"\xed\x01" + SEED),  # a public-key header
        multibase_encode(b"\x80\x26" + SEED[:31]),  # 31-byte seed
        multibase_encode(b"\x80\x26" + SEED + b"\x00"),  # 33 bytes
        multibase_encode(b"\x80\x26" + SEED + bytes(31)),  # 63 bytes
        "z3u20OIl",  # not base58btc
    ],
)
def test_secret_key_multibase_of_wrong_shape_is_refused(secret: str) -> None:
    public = Ed25519Multikey.from_seed(SEED).public_key_multibase
    with pytest.raises(KeyFormatError):
        Ed25519Multikey.from_multikey({"publicKeyMultibase": public, "secretKeyMultibase": secret})


def test_secret_that_does_not_match_the_public_key_is_refused() -> None:
    other = Ed25519Multikey.generate()
    with pytest.raises(KeyFormatError, match="does not belong"):
        Ed25519Multikey.from_multikey(
            {"publicKeyMultibase": W3C_PUBLIC, "secretKeyMultibase": other.secret_key_multibase()}
        )


@pytest.mark.parametrize(
    "data",
    [
        [],
        "z6Mk",
        {},
        {"publicKeyMultibase": 42},
        {"publicKeyMultibase": W3C_PUBLIC, "secretKeyMultibase": 42},
        {"publicKeyMultibase": W3C_PUBLIC, "controller": 42},
    ],
)
def test_multikey_json_of_wrong_shape_is_refused(data: Any) -> None:
    with pytest.raises(KeyFormatError):
        Ed25519Multikey.from_multikey(data)


def test_fragment_only_id_is_made_absolute_against_the_controller() -> None:
    key = Ed25519Multikey.from_multikey(
        {"publicKeyMultibase": W3C_PUBLIC, "id": "#key-1", "controller": "did:web:example.com"}
    )
    assert key.id == "did:web:example.com#key-1"
    assert not key.has_private_key


def test_encode_public_key_refuses_a_key_that_is_not_32_bytes() -> None:
    with pytest.raises(KeyFormatError):
        encode_public_key(bytes(31))


# --- signing -----------------------------------------------------------------------


def test_sign_then_verify_and_a_changed_byte_fails() -> None:
    key = Ed25519Multikey.generate()
    signature = key.sign(b"certificate bytes")
    assert len(signature) == 64
    assert key.verify(signature, b"certificate bytes")
    assert key.public_only().verify(signature, b"certificate bytes")
    assert not key.verify(signature, b"certificate bytez")
    assert not key.verify(bytes([signature[0] ^ 1]) + signature[1:], b"certificate bytes")
    assert not Ed25519Multikey.generate().verify(signature, b"certificate bytes")


def test_public_only_key_cannot_sign_or_export_a_secret() -> None:
    public = Ed25519Multikey.generate().public_only()
    assert not public.has_private_key
    with pytest.raises(KeyFormatError):
        public.sign(b"x")
    with pytest.raises(KeyFormatError):
        public.secret_key_multibase()
    with pytest.raises(KeyFormatError):
        public.seed()


# --- what is written out -------------------------------------------------------------


def test_to_json_leaves_the_secret_out_unless_asked() -> None:
    key = Ed25519Multikey.from_seed(SEED, controller="did:web:example.com", fragment="key-1")
    public_json = key.to_json()
    assert public_json == {
        "id": "did:web:example.com#key-1",
        "type": "Multikey",
        "controller": "did:web:example.com",
        "publicKeyMultibase": key.public_key_multibase,
    }
    assert key.secret_key_multibase() not in json.dumps(public_json)
    assert public_json == key.to_verification_method()
    with_secret = key.to_json(include_secret=True)
    assert with_secret["secretKeyMultibase"] == key.secret_key_multibase()
    assert Ed25519Multikey.from_multikey(with_secret).seed() == SEED


def test_repr_does_not_show_the_private_key() -> None:
    key = Ed25519Multikey.from_seed(SEED)
    text = repr(key)
    assert key.secret_key_multibase() not in text
    assert SEED.hex() not in text
    assert repr(SEED) not in text
    assert "_private" not in text


def test_round_trip_through_json_keeps_id_controller_and_signing_ability() -> None:
    key = Ed25519Multikey.generate(controller="did:web:example.com:orgs:demo", fragment="key-2")
    again = Ed25519Multikey.from_multikey(json.loads(json.dumps(key.to_json(include_secret=True))))
    assert (again.id, again.controller, again.public_key) == (key.id, key.controller, key.public_key)
    assert key.verify(again.sign(b"m"), b"m")


def test_secret_key_multibase_in_base64url_is_refused() -> None:
    secret_u = multibase_encode(b"\x80\x26" + SEED, base="base64url")
    public = Ed25519Multikey.from_seed(SEED).public_key_multibase
    with pytest.raises(KeyFormatError):
        Ed25519Multikey.from_multikey({"publicKeyMultibase": public, "secretKeyMultibase": secret_u})
