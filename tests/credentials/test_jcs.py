"""JSON Canonicalization Scheme (RFC 8785): numbers, key order, escaping, the W3C JCS vector."""

from __future__ import annotations

import hashlib
import json
import math
import struct
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credentials.errors import CanonicalizationError
from credentials.jcs import canonicalize

JCS_VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "w3c-vc-di-eddsa"


def _text(value: Any) -> str:
    return canonicalize(value).decode("utf-8")


# --- numbers ---------------------------------------------------------------------

# RFC 8785 Appendix B: IEEE-754 bit patterns and their ECMAScript serialization.
RFC8785_APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),  # minus zero
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "expected"), RFC8785_APPENDIX_B)
def test_numbers_follow_rfc8785_appendix_b(bits: str, expected: str) -> None:
    (value,) = struct.unpack(">d", bytes.fromhex(bits))
    assert _text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (0.0, "0"),
        (-0.0, "0"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (1e-6, "0.000001"),
        (333333333.3333333, "333333333.3333333"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (9007199254740992, "9007199254740992"),
        (-9007199254740991, "-9007199254740991"),
        (4.5, "4.5"),
        (4.50, "4.5"),
        (0.002, "0.002"),
        (2e-3, "0.002"),
        (1e23, "1e+23"),
        (1e30, "1e+30"),
        (1e-27, "1e-27"),
        (1.0, "1"),
        (100, "100"),
        (-1.5, "-1.5"),
        (123456789012345680000.0, "123456789012345680000"),
    ],
)
def test_numbers_are_written_as_ecmascript_writes_them(value: float, expected: str) -> None:
    assert _text(value) == expected


def test_integer_beyond_2_pow_53_is_written_as_the_double_an_ecmascript_reader_sees() -> None:
    # JSON.parse("9007199254740993") is 9007199254740992 in every ECMAScript engine.
    assert _text(9007199254740993) == "9007199254740992"
    assert _text(10**21) == "1e+21"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_refused(value: float) -> None:
    with pytest.raises(CanonicalizationError):
        canonicalize({"n": value})


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_double_survives_a_json_round_trip(value: float) -> None:
    text = _text(value)
    assert float(text) == value or (value == 0 and float(text) == 0)
    assert "E" not in text and not text.endswith(".0")


# --- literals, arrays, whitespace --------------------------------------------------


def test_literals_and_empty_structures_have_no_whitespace() -> None:
    assert _text([None, True, False, {}, [], ""]) == '[null,true,false,{},[],""]'
    assert _text({"a": [1, {"b": 2}]}) == '{"a":[1,{"b":2}]}'


def test_booleans_are_not_written_as_numbers() -> None:
    assert _text({"t": True, "f": False, "one": 1, "zero": 0}) == '{"f":false,"one":1,"t":true,"zero":0}'


# --- key order -----------------------------------------------------------------------


def test_keys_sort_by_utf16_code_units_rfc8785_3_2_3() -> None:
    # RFC 8785 §3.2.3 sorting example; the emoji (a surrogate pair, D83D DE00) sorts before U+FB33.
    document = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    expected = (
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",'
        '"\u20ac":"Euro Sign","\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    )
    assert _text(document) == expected


def test_utf16_order_differs_from_code_point_order_for_astral_characters() -> None:
    # Code point order would put U+FB33 first (0xFB33 < 0x1F600); UTF-16 puts the surrogate 0xD83D first.
    assert _text({"\ufb33": 1, "\U0001f600": 2}) == '{"\U0001f600":2,"\ufb33":1}'


def test_nested_objects_are_sorted_and_arrays_keep_their_order() -> None:
    assert _text({"b": [3, 1, 2], "a": {"z": 1, "y": 2}}) == '{"a":{"y":2,"z":1},"b":[3,1,2]}'


def test_prefix_key_sorts_before_longer_key() -> None:
    assert _text({"ab": 1, "a": 2, "": 3}) == '{"":3,"a":2,"ab":1}'


# --- strings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("\n", "\\n"),
        ("\r", "\\r"),
        ("\t", "\\t"),
        ("\b", "\\b"),
        ("\f", "\\f"),
        ('"', '\\"'),
        ("\\", "\\\\"),
        ("\x00", "\\u0000"),
        ("\x0f", "\\u000f"),
        ("\x1f", "\\u001f"),
        ("\x1b", "\\u001b"),
        ("/", "/"),  # not escaped
        ("\x7f", "\x7f"),  # DEL is not a control character for JSON
        ("\u2028", "\u2028"),
        ("é", "é"),
        ("\U0001f600", "\U0001f600"),
    ],
)
def test_strings_escape_like_json_stringify(value: str, expected: str) -> None:
    assert _text(value) == f'"{expected}"'


def test_rfc8785_3_2_2_example_document() -> None:
    source = (
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonicalize(json.loads(source)) == expected.encode("utf-8")


def test_output_is_utf8_without_escaping_non_ascii() -> None:
    assert canonicalize({"naam": "Nguyễn Çelik"}) == '{"naam":"Nguyễn Çelik"}'.encode()


def test_lone_surrogate_in_a_value_is_refused() -> None:
    with pytest.raises(CanonicalizationError):
        canonicalize({"s": "\ud800"})
    with pytest.raises(CanonicalizationError):
        canonicalize(json.loads('["\\udfff"]'))


def test_lone_surrogate_in_a_key_is_refused() -> None:
    with pytest.raises(CanonicalizationError):
        canonicalize(json.loads('{"\\udfff": 1}'))


@pytest.mark.parametrize("value", [b"bytes", {1, 2}, object(), 1j])
def test_values_that_are_not_json_are_refused(value: Any) -> None:
    with pytest.raises(CanonicalizationError):
        canonicalize({"v": value})


def test_tuples_are_written_as_arrays() -> None:
    assert _text((1, "a")) == '[1,"a"]'


def test_deep_nesting_is_a_canonicalization_error_not_a_crash() -> None:
    value: Any = []
    for _ in range(100_000):
        value = [value]
    with pytest.raises(CanonicalizationError):
        canonicalize(value)


@pytest.mark.parametrize("document", [{1: 2}, {"a": 1, 2: "b"}, {None: 1}])
def test_non_string_keys_are_refused_with_canonicalization_error(document: dict[Any, Any]) -> None:
    with pytest.raises(CanonicalizationError):
        canonicalize(document)


# --- properties ------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(exclude_categories=("Cs",))),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_canonical_form_is_valid_json_with_the_same_value_and_is_idempotent(value: Any) -> None:
    text = _text(value)
    assert canonicalize(json.loads(text)) == text.encode("utf-8")
    # Read numbers as doubles, as an ECMAScript reader does (1e16 is written "10000000000000000").
    assert json.loads(text, parse_int=float) == value


@given(st.dictionaries(st.text(max_size=4, alphabet="ab\u00e9\U0001f600\ufb33"), st.integers(), max_size=6))
def test_key_order_of_the_input_does_not_matter(document: dict[str, int]) -> None:
    reversed_document = dict(reversed(list(document.items())))
    assert canonicalize(document) == canonicalize(reversed_document)


# --- the W3C eddsa-jcs-2022 vector ------------------------------------------------------


def test_w3c_canon_doc_jcs_is_the_unsigned_document_byte_for_byte() -> None:
    # canonDocJCS.txt is the document *without* proof (the proof is hashed separately).
    unsigned = json.loads((JCS_VECTORS / "unsigned.json").read_text("utf-8"))
    expected = (JCS_VECTORS / "eddsa-jcs-2022" / "canonDocJCS.txt").read_bytes()
    assert "proof" not in unsigned
    assert b'"proof"' not in expected
    assert canonicalize(unsigned) == expected


def test_w3c_canon_doc_jcs_hash_matches_the_published_document_hash() -> None:
    unsigned = json.loads((JCS_VECTORS / "unsigned.json").read_text("utf-8"))
    published = (JCS_VECTORS / "eddsa-jcs-2022" / "docHashJCS.txt").read_text("ascii").strip()
    assert hashlib.sha256(canonicalize(unsigned)).hexdigest() == published


def test_w3c_proof_configuration_canonicalizes_to_proof_canon_jcs() -> None:
    config = json.loads((JCS_VECTORS / "eddsa-jcs-2022" / "proofConfigJCS.json").read_text("utf-8"))
    expected = (JCS_VECTORS / "eddsa-jcs-2022" / "proofCanonJCS.txt").read_bytes()
    published_hash = (JCS_VECTORS / "eddsa-jcs-2022" / "proofHashJCS.txt").read_text("ascii").strip()
    assert canonicalize(config) == expected
    assert hashlib.sha256(expected).hexdigest() == published_hash


def test_signed_jcs_vector_without_proof_gives_the_same_canonical_document() -> None:
    signed = json.loads((JCS_VECTORS / "eddsa-jcs-2022" / "signedJCS.json").read_text("utf-8"))
    signed.pop("proof")
    assert canonicalize(signed) == (JCS_VECTORS / "eddsa-jcs-2022" / "canonDocJCS.txt").read_bytes()
