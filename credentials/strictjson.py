"""One strict JSON reader for everything that comes in from outside.

JSON that two parsers read differently is a way to make one thing be checked and another
shown. So this reader refuses what the standard leaves open or Python accepts beyond it:

* duplicate member names in an object (Python keeps the last, other parsers the first);
* ``NaN``, ``Infinity`` and ``-Infinity`` (not JSON at all; Python accepts them);
* strings with a lone surrogate (``"\\ud800"``: valid JSON escapes, but no UTF-8 text, so
  no page or database can store or show them) or a NUL character;
* and, within the caller's :class:`JsonLimits`, too many bytes, too deep nesting, too many
  values, or a list that is too long.

Every refusal is a :class:`StrictJsonError` with a stable ``code``; the reader never
raises anything else for bad input.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["JsonLimits", "StrictJsonError", "loads"]


@dataclass(frozen=True)
class JsonLimits:
    """What one kind of input may hold (each site chooses; see its documentation)."""

    max_bytes: int
    max_depth: int = 32
    max_values: int = 2_000
    max_list: int = 100
    # NUL is unambiguous JSON; a site whose fields are checked one by one (with a message
    # that names the field and the position) may take it and refuse it there instead.
    refuse_nul: bool = True


class StrictJsonError(ValueError):
    """Input refused; ``code`` is one of ``too_large``, ``not_utf8``, ``not_json``,
    ``too_deep``, ``too_complex`` (too many values, or a list too long: the message says
    which), ``duplicate_member``, ``not_finite``, ``bad_text``."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class _Refused(Exception):
    """Raised inside the parser's hooks; turned into a StrictJsonError outside it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Refused("duplicate_member", f"the member name {key!r} appears twice in one object")
        result[key] = value
    return result


def _constant(name: str) -> Any:
    raise _Refused("not_finite", f"{name} is not a JSON number")


def _depth(text: str, limit: int) -> None:
    """Refuse nesting deeper than ``limit`` by reading the text, before the parser recurses."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                raise StrictJsonError("too_deep", f"the JSON is nested too deeply (more than {limit} levels)")
        elif char in "]}":
            depth -= 1


def _check_values(value: Any, limits: JsonLimits) -> None:
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        count += 1
        if count > limits.max_values:
            raise StrictJsonError("too_complex", f"the JSON has more than {limits.max_values} values")
        if isinstance(item, dict):
            stack.extend(item.values())
            stack.extend(item.keys())
        elif isinstance(item, list):
            if len(item) > limits.max_list:
                raise StrictJsonError("too_complex", f"the JSON has a list of more than {limits.max_list} values")
            stack.extend(item)
        elif isinstance(item, str):
            if limits.refuse_nul and "\x00" in item:
                raise StrictJsonError("bad_text", "the JSON contains a NUL character")
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    raise StrictJsonError("bad_text", "the JSON contains text that is not valid Unicode") from None


def loads(data: bytes | str, limits: JsonLimits) -> Any:
    """Parse ``data`` (UTF-8 bytes or text) strictly within ``limits``; StrictJsonError otherwise."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > limits.max_bytes:
        raise StrictJsonError("too_large", f"the JSON is larger than {limits.max_bytes // 1024} KB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise StrictJsonError("not_utf8", "the JSON is not UTF-8 text") from None
    _depth(text, limits.max_depth)
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_constant)
    except _Refused as exc:
        raise StrictJsonError(exc.code, exc.message) from None
    except json.JSONDecodeError as exc:
        raise StrictJsonError(
            "not_json", f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except (ValueError, RecursionError):  # an integer with more digits than Python converts
        raise StrictJsonError("not_json", "not valid JSON: a number is too long") from None
    _check_values(value, limits)
    return value
