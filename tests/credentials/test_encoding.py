"""base58btc, base64url and multibase: known values, round trips and refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credentials.encoding import (
    b58decode,
    b58encode,
    b64url_decode,
    b64url_encode,
    multibase_decode,
    multibase_encode,
)
from credentials.errors import CredentialError, EncodingError

W3C_PUBLIC_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_PUBLIC_KEY_HEX = "ed01b00d8d938e7f773d51565aad36a623f5344f7f5d1960f9cf3e8e12620ea2810f"


# --- base58btc ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"", ""),
        (b"\x00", "1"),
        (b"\x00\x00\x00", "111"),
        (b"\x00\x00\x01", "112"),
        (b"\x39", "z"),  # 57, the last digit
        (b"\x3a", "21"),  # 58 = "10" in base 58
        (b"Hello World!", "2NEpo7TZRRrLZSi2U"),  # draft-msporny-base58 test vector
        (
            b"The quick brown fox jumps over the lazy dog.",
            "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
        ),
        (bytes.fromhex("0000287fb4cd"), "11233QC4"),  # draft-msporny-base58: leading zeros
    ],
)
def test_b58_known_values_encode_and_decode(data: bytes, text: str) -> None:
    assert b58encode(data) == text
    assert b58decode(text) == data


def test_b58_keeps_every_leading_zero_byte_as_a_one() -> None:
    for zeros in range(5):
        data = b"\x00" * zeros + b"\xff\x01"
        text = b58encode(data)
        assert text.startswith("1" * zeros)
        assert not text[zeros:].startswith("1")
        assert b58decode(text) == data


def test_w3c_public_key_decodes_to_34_bytes_with_the_ed25519_header() -> None:
    raw = multibase_decode(W3C_PUBLIC_KEY)
    assert len(raw) == 34
    assert raw[:2] == b"\xed\x01"
    assert raw.hex() == W3C_PUBLIC_KEY_HEX
    assert multibase_encode(raw) == W3C_PUBLIC_KEY


@pytest.mark.parametrize("bad", ["0", "O", "I", "l", "+", "/", " ", "é", "z6Mk0", "abc\n", "2NEpo7TZRRrLZSi2U="])
def test_b58_rejects_characters_outside_the_bitcoin_alphabet(bad: str) -> None:
    with pytest.raises(EncodingError):
        b58decode(bad)


def test_encoding_error_is_a_credential_error_and_a_value_error() -> None:
    with pytest.raises(CredentialError):
        b58decode("0")
    with pytest.raises(ValueError, match="base58btc"):
        b58decode("0")


# --- base64url ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"", ""),
        (b"f", "Zg"),
        (b"fo", "Zm8"),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg"),
        (b"fooba", "Zm9vYmE"),
        (b"foobar", "Zm9vYmFy"),  # RFC 4648 §10 vectors, padding removed
        (b"\xfb\xff", "-_8"),  # the two characters that differ from base64
    ],
)
def test_b64url_encodes_without_padding_rfc4648_vectors(data: bytes, text: str) -> None:
    assert b64url_encode(data) == text
    assert "=" not in b64url_encode(data)
    assert b64url_decode(text) == data


@pytest.mark.parametrize(("padded", "data"), [("Zg==", b"f"), ("Zm8=", b"fo"), ("Zm9v", b"foo"), ("-_8=", b"\xfb\xff")])
def test_b64url_decodes_with_or_without_padding(padded: str, data: bytes) -> None:
    assert b64url_decode(padded) == data
    assert b64url_decode(padded.rstrip("=")) == data


@pytest.mark.parametrize("bad", ["+_8", "-/8", "Zm9v YmFy", "Zm9v\nYmFy", "Zg==Zg", "Z", "Zm9vY", "éé", "Zm9v!"])
def test_b64url_rejects_other_alphabets_and_impossible_lengths(bad: str) -> None:
    with pytest.raises(EncodingError):
        b64url_decode(bad)


# --- multibase ---------------------------------------------------------------


def test_multibase_prefix_z_is_base58btc_and_u_is_base64url() -> None:
    data = bytes.fromhex("00ff10")
    z = multibase_encode(data)
    u = multibase_encode(data, base="base64url")
    assert z == "z" + b58encode(data)
    assert u == "u" + b64url_encode(data) == "uAP8Q"
    assert multibase_decode(z) == data
    assert multibase_decode(u) == data


@pytest.mark.parametrize(
    "text",
    [
        "f00ff",  # base16
        "mAP8Q",  # base64 (padded alphabet)
        "MAP8Q",  # base64pad
        "Z6MkrJ",  # upper-case Z is not base58btc
        "U" + "AP8Q",  # upper-case U is not base64url
        "b" + "aa",  # base32
        " z6Mk",
    ],
)
def test_multibase_refuses_prefixes_other_than_z_and_u(text: str) -> None:
    with pytest.raises(EncodingError, match="prefix"):
        multibase_decode(text)


@pytest.mark.parametrize("value", ["", None, 42, b"z6Mk"])
def test_multibase_refuses_values_that_are_not_a_prefixed_string(value: object) -> None:
    with pytest.raises(EncodingError):
        multibase_decode(value)  # type: ignore[arg-type]


def test_multibase_refuses_an_unknown_encoding_name() -> None:
    with pytest.raises(EncodingError):
        multibase_encode(b"x", base="base64")


def test_multibase_reports_a_bad_body_as_encoding_error() -> None:
    with pytest.raises(EncodingError):
        multibase_decode("z0OIl")
    with pytest.raises(EncodingError):
        multibase_decode("u+/+/")


# --- properties ----------------------------------------------------------------


@given(st.binary(max_size=100))
def test_b58_round_trips_any_bytes(data: bytes) -> None:
    assert b58decode(b58encode(data)) == data


@given(st.binary(max_size=100))
def test_b64url_round_trips_any_bytes(data: bytes) -> None:
    text = b64url_encode(data)
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert b64url_decode(text) == data


@given(st.binary(max_size=100), st.sampled_from(["base58btc", "base64url"]))
def test_multibase_round_trips_any_bytes(data: bytes, base: str) -> None:
    assert multibase_decode(multibase_encode(data, base=base)) == data


@given(st.text(alphabet="123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", max_size=60))
def test_b58_decoding_then_encoding_gives_the_same_text(text: str) -> None:
    # base58btc has exactly one spelling per byte string, so any alphabet text is canonical.
    assert b58encode(b58decode(text)) == text


@pytest.mark.parametrize("base", ["base58btc", "base64url"])
def test_multibase_round_trips_empty_bytes(base: str) -> None:
    assert multibase_decode(multibase_encode(b"", base=base)) == b""


@pytest.mark.parametrize("text", ["Zh", "Zm9=", "Zg=", "="])
def test_b64url_refuses_non_canonical_spellings(text: str) -> None:
    with pytest.raises(EncodingError):
        b64url_decode(text)


@pytest.mark.parametrize("text", ["Zm9v====", "====", "Zg======"])
def test_b64url_refuses_excess_padding(text: str) -> None:
    with pytest.raises(EncodingError):
        b64url_decode(text)
