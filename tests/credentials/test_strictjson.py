"""credentials.strictjson: JSON that two parsers would read differently is refused, and
every limit holds exactly at its value and refuses one past it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credentials.strictjson import JsonLimits, StrictJsonError, loads

LIMITS = JsonLimits(max_bytes=4096, max_depth=5, max_values=50, max_list=10)


def refused(data: bytes | str, limits: JsonLimits = LIMITS) -> str:
    with pytest.raises(StrictJsonError) as caught:
        loads(data, limits)
    return caught.value.code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"name": "Piet", "name": "Jan"}', "duplicate_member"),
        ('{"a": {"level": 1, "level": 2}}', "duplicate_member"),
        ('{"level": NaN}', "not_finite"),
        ('{"level": Infinity}', "not_finite"),
        ("[-Infinity]", "not_finite"),
        ('{"name": "\\ud800"}', "bad_text"),
        ('{"\\udfff": 1}', "bad_text"),  # a key, too
        ('{"name": "a\\u0000b"}', "bad_text"),
        ('{"name": "Piet",}', "not_json"),
        ("[1, 2", "not_json"),
        ("1" * 5000, "too_large"),
    ],
)
def test_what_other_parsers_read_differently_is_refused(text: str, code: str) -> None:
    assert refused(text) == code


def test_invalid_utf8_is_refused() -> None:
    assert refused(b'{"name": "\xff"}') == "not_utf8"


def test_a_number_with_too_many_digits_is_refused_not_crashed() -> None:
    assert refused("9" * 4400, JsonLimits(max_bytes=10_000)) == "not_json"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_depth_at_the_limit_and_one_past() -> None:
    assert loads(nested(5), LIMITS) == [[[[[]]]]]
    assert refused(nested(6)) == "too_deep"
    # Brackets inside strings do not count.
    assert loads('["[[[[[[[[[["]', LIMITS) == ["[[[[[[[[[["]


def test_list_length_at_the_limit_and_one_past() -> None:
    assert len(loads(json.dumps(list(range(10))), LIMITS)) == 10
    with pytest.raises(StrictJsonError, match="a list of more than 10 values") as caught:
        loads(json.dumps(list(range(11))), LIMITS)
    assert caught.value.code == "too_complex"
    assert refused(json.dumps({"a": {"b": list(range(11))}})) == "too_complex"


def test_value_count_at_the_limit_and_one_past() -> None:
    # A dict of n members counts 1 + 2n values (each key and each value).
    at_limit = {f"k{i}": i for i in range(24)}  # 49 values
    assert loads(json.dumps(at_limit), LIMITS) == at_limit
    assert refused(json.dumps({f"k{i}": i for i in range(25)})) == "too_complex"  # 51


def test_byte_limit_at_the_limit_and_one_past() -> None:
    text = '"' + "a" * (4096 - 2) + '"'
    assert len(loads(text, LIMITS)) == 4094
    assert refused('"' + "a" * (4096 - 1) + '"') == "too_large"


def test_a_site_may_take_nul_and_refuse_it_field_by_field() -> None:
    assert loads('{"name": "a\\u0000b"}', JsonLimits(max_bytes=100, refuse_nul=False)) == {"name": "a\x00b"}


def test_the_same_value_twice_in_a_list_is_no_duplicate_member() -> None:
    assert loads('[{"a": 1}, {"a": 1}]', LIMITS) == [{"a": 1}, {"a": 1}]


# Text that any parser agrees on: no NUL, no lone surrogates (both refused on purpose).
plain_text = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=10)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | plain_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(plain_text, children, max_size=4),
    max_leaves=15,
)


@given(json_values)
def test_ordinary_json_reads_as_the_standard_library_reads_it(value: Any) -> None:
    text = json.dumps(value)
    assert loads(text, JsonLimits(max_bytes=1_000_000, max_depth=64, max_values=100_000, max_list=10_000)) == value
