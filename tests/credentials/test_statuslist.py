"""Bitstring Status List v1.0: bits, encoding, hostile lists, entries and the list credential."""

from __future__ import annotations

import gzip
import os
import tracemalloc
import zlib
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credentials.encoding import b64url_decode, b64url_encode
from credentials.errors import StatusListError
from credentials.jsonld import default_document_loader
from credentials.keys import Ed25519Multikey
from credentials.proofs import EDDSA_JCS_2022, EDDSA_RDFC_2022, add_proof
from credentials.schema import ob_schema_errors
from credentials.statuslist import (
    MAX_ENTRIES,
    MIN_ENTRIES,
    Bitstring,
    StatusEntry,
    build_status_list_credential,
    random_free_index,
)
from credentials.verify import verify_credential

# BSL v1.0 §2.2 example: 16 KiB of zero bytes.
SPEC_EXAMPLE = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
LIST_URL = "https://certificaten.kringloop.example/orgs/voorbeeld/status/1"


def _encoded(raw: bytes) -> str:
    return "u" + b64url_encode(raw)


# --- the spec example and bit order --------------------------------------------------


def test_spec_example_decodes_to_131072_zero_bits() -> None:
    bits = Bitstring.decode(SPEC_EXAMPLE)
    assert len(bits) == 131_072 == MIN_ENTRIES
    assert bits.to_bytes() == bytes(16_384)
    assert list(bits.set_indices()) == []
    assert not bits.get(0)
    assert not bits.get(131_071)


def test_index_0_is_the_most_significant_bit_of_byte_0() -> None:
    bits = Bitstring()
    bits.set(0)
    assert bits.to_bytes()[0] == 0x80
    bits.clear(0)
    bits.set(7)
    assert bits.to_bytes()[0] == 0x01
    bits.set(8)
    assert bits.to_bytes()[:2] == b"\x01\x80"
    bits.set(131_071)
    assert bits.to_bytes()[-1] == 0x01


def test_set_clear_and_get() -> None:
    bits = Bitstring()
    bits.set(94_567)
    assert bits.get(94_567)
    assert not bits.get(94_566)
    assert not bits.get(94_568)
    bits.set(94_567)  # setting twice keeps it set
    assert list(bits.set_indices()) == [94_567]
    bits.clear(94_567)
    assert not bits.get(94_567)
    bits.set(12, False)
    assert list(bits.set_indices()) == []


def test_set_indices_are_reported_in_order() -> None:
    bits = Bitstring()
    for index in (131_000, 5, 6, 64, 0):
        bits.set(index)
    assert list(bits.set_indices()) == [0, 5, 6, 64, 131_000]


@pytest.mark.parametrize("index", [-1, 131_072, 10**9, True, 1.0, "1", None])
def test_index_out_of_range_or_not_an_int_is_refused(index: Any) -> None:
    bits = Bitstring()
    with pytest.raises(StatusListError):
        bits.get(index)
    with pytest.raises(StatusListError):
        bits.set(index)


@pytest.mark.parametrize("length", [0, -8, 7, 131_071])
def test_length_must_be_a_positive_multiple_of_8(length: int) -> None:
    with pytest.raises(StatusListError):
        Bitstring(length)


def test_data_must_match_the_length() -> None:
    with pytest.raises(StatusListError):
        Bitstring(131_072, data=bytes(100))
    assert len(Bitstring(16, data=b"\x80\x01")) == 16
    assert list(Bitstring(16, data=b"\x80\x01").set_indices()) == [0, 15]


# --- encoding ----------------------------------------------------------------------------


def test_encoding_is_u_base64url_of_gzip() -> None:
    bits = Bitstring()
    bits.set(3)
    encoded = bits.encode()
    assert encoded.startswith("uH4sI")  # 'u' + base64url of the gzip magic 1f 8b 08
    assert "=" not in encoded
    assert gzip.decompress(b64url_decode(encoded[1:])) == bits.to_bytes()


def test_encode_then_decode_round_trips() -> None:
    bits = Bitstring(MIN_ENTRIES * 2)
    for index in (0, 1, 94_567, MIN_ENTRIES, MIN_ENTRIES * 2 - 1):
        bits.set(index)
    again = Bitstring.decode(bits.encode())
    assert len(again) == MIN_ENTRIES * 2
    assert again.to_bytes() == bits.to_bytes()


def test_encoding_is_deterministic() -> None:
    first, second = Bitstring(), Bitstring()
    first.set(42)
    second.set(42)
    assert first.encode() == second.encode() == first.encode()
    assert b64url_decode(first.encode()[1:])[4:8] == b"\0\0\0\0"  # gzip mtime 0


@given(st.sets(st.integers(min_value=0, max_value=MIN_ENTRIES - 1), max_size=30))
def test_any_set_of_indices_survives_encode_and_decode(indices: set[int]) -> None:
    bits = Bitstring()
    for index in indices:
        bits.set(index)
    assert set(Bitstring.decode(bits.encode()).set_indices()) == indices


def test_list_shorter_than_131072_entries_is_refused() -> None:
    with pytest.raises(StatusListError, match="fewer than the minimum"):
        Bitstring.decode(Bitstring(MIN_ENTRIES - 8).encode())
    with pytest.raises(StatusListError):
        Bitstring.decode(_encoded(gzip.compress(b"", mtime=0)))
    # An ecosystem may agree on a smaller minimum explicitly.
    assert len(Bitstring.decode(Bitstring(1024).encode(), min_entries=1024)) == 1024


@pytest.mark.parametrize(
    "encoded",
    [
        "z" + b64url_encode(gzip.compress(bytes(16_384), mtime=0)),  # base58 prefix
        b64url_encode(gzip.compress(bytes(16_384), mtime=0)),  # no multibase prefix at all
        "U" + b64url_encode(gzip.compress(bytes(16_384), mtime=0)),
        "",
        "u",
        "u!!!",
        "u" + b64url_encode(gzip.compress(bytes(16_384), mtime=0)).replace("-", "+"),
    ],
)
def test_encoded_list_that_is_not_u_base64url_is_refused(encoded: str) -> None:
    with pytest.raises(StatusListError):
        Bitstring.decode(encoded)


@pytest.mark.parametrize("value", [None, 42, b"uH4sI", ["u"]])
def test_encoded_list_that_is_not_a_string_is_refused(value: Any) -> None:
    with pytest.raises(StatusListError):
        Bitstring.decode(value)


@pytest.mark.parametrize(
    "raw",
    [
        bytes(16_384),  # not compressed at all
        zlib.compress(bytes(16_384)),  # zlib, not gzip
        zlib.compress(bytes(16_384))[2:-4],  # raw deflate
        b"\x1f\x8b\x08\x00garbage-after-the-gzip-magic",
    ],
)
def test_data_that_is_not_gzip_is_refused(raw: bytes) -> None:
    with pytest.raises(StatusListError, match="GZIP"):
        Bitstring.decode(_encoded(raw))


def test_gzip_with_a_wrong_checksum_is_refused() -> None:
    raw = bytearray(gzip.compress(bytes(16_384), mtime=0))
    raw[-8] ^= 0xFF  # CRC-32 trailer
    with pytest.raises(StatusListError):
        Bitstring.decode(_encoded(bytes(raw)))


@pytest.mark.parametrize("cut", ["4 trailer bytes", "8 trailer bytes", "half the stream"])
def test_truncated_gzip_is_refused(cut: str) -> None:
    # Random content (3 x the minimum) so that half of the stream still inflates to more than the minimum.
    compressed = gzip.compress(os.urandom(3 * MIN_ENTRIES // 8), mtime=0)
    keep = {"4 trailer bytes": -4, "8 trailer bytes": -8, "half the stream": len(compressed) // 2}[cut]
    with pytest.raises(StatusListError):
        Bitstring.decode(_encoded(compressed[:keep]))


@pytest.mark.parametrize(
    "suffix",
    [b"junk", b"\x00", gzip.compress(bytes(16_384), mtime=0)],
    ids=["trailing garbage", "trailing zero byte", "second gzip member"],
)
def test_data_after_the_gzip_stream_is_refused(suffix: bytes) -> None:
    # Another reader could take a second member into account, and see a different list.
    with pytest.raises(StatusListError):
        Bitstring.decode(_encoded(gzip.compress(bytes(16_384), mtime=0) + suffix))


def test_gzip_bomb_is_refused_quickly_without_inflating_it() -> None:
    # 200 MiB of zeros, compressed in pieces so the test itself never holds 200 MiB.
    compressor = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1 << 20)
    bomb = b"".join([*(compressor.compress(chunk) for _ in range(200)), compressor.flush()])
    assert len(bomb) < 1 << 20
    encoded = _encoded(bomb)
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        with pytest.raises(StatusListError, match="larger"):
            Bitstring.decode(encoded)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Decoding stops after MAX_ENTRIES bits (16 MiB); it never holds the 200 MiB.
    assert peak - baseline < 48 * 1024 * 1024
    assert MAX_ENTRIES // 8 == 16 * 1024 * 1024


def test_list_of_exactly_the_maximum_size_is_accepted() -> None:
    compressor = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    raw = b"".join([*(compressor.compress(bytes(1 << 20)) for _ in range(16)), compressor.flush()])
    assert len(Bitstring.decode(_encoded(raw))) == MAX_ENTRIES


# --- random indices ------------------------------------------------------------------------


def test_random_free_index_avoids_used_indices() -> None:
    used = set(range(0, 64)) - {17, 40}
    picked = {random_free_index(used, length=64) for _ in range(200)}
    assert picked <= {17, 40}
    assert picked == {17, 40}  # both show up in 200 draws (chance of failing: 2 * 2**-200)


def test_random_free_index_is_spread_over_the_whole_list() -> None:
    picked = [random_free_index(set()) for _ in range(200)]
    assert all(0 <= index < MIN_ENTRIES for index in picked)
    assert len(set(picked)) > 190
    assert max(picked) > MIN_ENTRIES // 2 > min(picked)


def test_random_free_index_refuses_a_full_list() -> None:
    with pytest.raises(StatusListError, match="full"):
        random_free_index(set(range(8)), length=8)
    with pytest.raises(StatusListError):
        random_free_index(frozenset(range(MIN_ENTRIES)))


# --- status entries ---------------------------------------------------------------------------


def _entry(**changes: Any) -> dict[str, Any]:
    entry = StatusEntry(LIST_URL, 94_567).to_json()
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not None}


def test_entry_json_has_a_string_index_and_an_id_other_than_the_list_url() -> None:
    entry = StatusEntry(LIST_URL, 94_567).to_json()
    assert entry == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }
    assert StatusEntry.from_json(entry) == StatusEntry(LIST_URL, 94_567, "revocation")


def test_entry_without_id_and_with_suspension_purpose_is_read() -> None:
    entry = _entry(id=None, statusPurpose="suspension", statusListIndex="0")
    assert StatusEntry.from_json(entry) == StatusEntry(LIST_URL, 0, "suspension")
    assert StatusEntry.from_json(_entry(statusSize=1)).index == 94_567


@pytest.mark.parametrize("index", ["-1", "+5", " 5", "5 ", "1.5", "1e3", "", "0x10", 5, 5.0, None, "1" * 13])
def test_entry_with_an_index_that_is_not_a_string_of_decimal_digits_is_refused(index: Any) -> None:
    entry = _entry()
    entry["statusListIndex"] = index
    with pytest.raises(StatusListError):
        StatusEntry.from_json(entry)


@pytest.mark.parametrize("index", ["\u0663", "\u00b2", "\uff11"])
def test_entry_index_with_non_ascii_digits_is_refused(index: str) -> None:
    with pytest.raises(StatusListError):
        StatusEntry.from_json(_entry(statusListIndex=index))


@pytest.mark.parametrize("missing", ["statusListCredential", "statusListIndex", "statusPurpose", "type"])
def test_entry_with_a_missing_field_is_refused(missing: str) -> None:
    entry = _entry()
    del entry[missing]
    with pytest.raises(StatusListError):
        StatusEntry.from_json(entry)


@pytest.mark.parametrize(
    "entry",
    [
        None,
        [],
        "https://example.com/status/1",
        {"type": "StatusList2021Entry", "statusListIndex": "1", "statusListCredential": LIST_URL},
    ],
)
def test_entry_that_is_not_a_bitstring_status_list_entry_is_refused(entry: Any) -> None:
    with pytest.raises(StatusListError):
        StatusEntry.from_json(entry)


def test_entry_whose_id_equals_the_list_url_is_refused() -> None:
    with pytest.raises(StatusListError, match="must not equal"):
        StatusEntry.from_json(_entry(id=LIST_URL))


@pytest.mark.parametrize("size", [2, 8, 0, "1", -1])
def test_entry_with_a_status_size_other_than_1_is_refused(size: Any) -> None:
    with pytest.raises(StatusListError, match="statusSize"):
        StatusEntry.from_json(_entry(statusSize=size))


def test_entry_with_status_size_true_is_refused() -> None:
    with pytest.raises(StatusListError, match="statusSize"):
        StatusEntry.from_json(_entry(statusSize=True))


def test_entry_with_an_unsupported_purpose_cannot_be_written() -> None:
    with pytest.raises(StatusListError):
        StatusEntry(LIST_URL, 1, "message").to_json()


# --- the status list credential -------------------------------------------------------------


def test_status_list_credential_has_the_spec_shape() -> None:
    bits = Bitstring()
    bits.set(94_567)
    credential = build_status_list_credential(
        list_url=LIST_URL,
        issuer="did:web:example.com",
        purpose="revocation",
        bitstring=bits,
        valid_from="2026-01-01T00:00:00Z",
        valid_until="2027-01-01T00:00:00Z",
        ttl_ms=300_000,
    )
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert credential["id"] == LIST_URL
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["validUntil"] == "2027-01-01T00:00:00Z"
    subject = credential["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["id"] != LIST_URL
    assert subject["statusPurpose"] == "revocation"
    assert subject["ttl"] == 300_000
    assert Bitstring.decode(subject["encodedList"]).get(94_567)
    assert ob_schema_errors(credential)  # not an Open Badge: the OB schema must not be what passes it


def test_status_list_credential_refuses_an_unknown_purpose() -> None:
    with pytest.raises(StatusListError):
        build_status_list_credential(
            list_url=LIST_URL,
            issuer="did:web:x",
            purpose="refresh",
            bitstring=Bitstring(),
            valid_from="2026-01-01T00:00:00Z",
        )


@pytest.mark.parametrize("suite", [EDDSA_RDFC_2022, EDDSA_JCS_2022])
def test_signed_status_list_credential_verifies_and_a_flipped_bit_does_not(suite: str) -> None:
    key = Ed25519Multikey.from_seed(bytes(range(32)))
    bits = Bitstring()
    bits.set(94_567)
    unsigned = build_status_list_credential(
        list_url=LIST_URL,
        issuer=key.controller,
        purpose="revocation",
        bitstring=bits,
        valid_from="2026-01-01T00:00:00Z",
    )
    signed = add_proof(
        unsigned, key=key, document_loader=default_document_loader(), cryptosuite=suite, created="2026-01-01T00:00:00Z"
    )
    now = datetime(2026, 6, 1, tzinfo=UTC)
    result = verify_credential(signed, require_open_badge=False, now=now)
    assert result.verified, result.to_json()
    assert result.check("valid_signature").passed
    assert result.issuer == key.controller

    bits.clear(94_567)  # someone "un-revokes" the credential without the issuer's key
    tampered = dict(signed, credentialSubject=dict(signed["credentialSubject"], encodedList=bits.encode()))
    result = verify_credential(tampered, require_open_badge=False, now=now)
    assert not result.verified
    assert result.check("valid_signature").code == "invalid_signature"
