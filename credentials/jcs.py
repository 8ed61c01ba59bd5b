"""JSON Canonicalization Scheme (RFC 8785), used by ``eddsa-jcs-2022``.

Object keys are sorted by their UTF-16 code units, strings are escaped as
ECMAScript's JSON.stringify does, and numbers are written as ECMAScript's
Number.prototype.toString writes them (shortest round-trip digits).
"""

from __future__ import annotations

import math
from typing import Any

from credentials.errors import CanonicalizationError

_ESCAPES = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}


def _string(value: str) -> str:
    out = ['"']
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20:
            out.append(f"\\u{ord(char):04x}")
        elif 0xD800 <= ord(char) <= 0xDFFF:
            raise CanonicalizationError("lone surrogate in string cannot be canonicalized")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _number(value: int | float) -> str:
    if isinstance(value, bool):  # pragma: no cover - handled by caller
        raise TypeError
    if isinstance(value, int):
        if abs(value) >= 2**53:
            # Beyond IEEE-754's exact range an ECMAScript reader would change the value.
            value = float(value)
        else:
            return str(value)
    if math.isnan(value) or math.isinf(value):
        raise CanonicalizationError("NaN and Infinity are not JSON numbers")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    digits, exponent = _shortest_digits(abs(value))
    n = exponent + len(digits)  # position of the decimal point, as in ECMA-262 Number::toString
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    exp = n - 1
    mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{sign}{mantissa}e{'+' if exp >= 0 else '-'}{abs(exp)}"


def _shortest_digits(value: float) -> tuple[str, int]:
    """Shortest decimal digits d and exponent e with value == int(d) * 10**e."""
    mantissa, _, exp_text = repr(value).partition("e")
    exponent = int(exp_text) if exp_text else 0
    whole, _, fraction = mantissa.partition(".")
    if fraction == "0":
        fraction = ""
    digits = (whole + fraction).lstrip("0")
    exponent -= len(fraction)
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    return stripped or "0", exponent


def _utf16_key(key: str) -> list[int]:
    return list(key.encode("utf-16-be"))


def _serialize(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, (int, float)):
        out.append(_number(value))
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _serialize(item, out)
        out.append("]")
    elif isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise CanonicalizationError("JSON object keys must be strings")
        try:
            keys = sorted(value, key=_utf16_key)
        except UnicodeEncodeError as exc:
            raise CanonicalizationError("lone surrogate in an object key cannot be canonicalized") from exc
        out.append("{")
        for index, key in enumerate(keys):
            if index:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _serialize(value[key], out)
        out.append("}")
    else:
        raise CanonicalizationError(f"cannot canonicalize a {type(value).__name__}")


def canonicalize(value: Any) -> bytes:
    """RFC 8785 canonical UTF-8 bytes of a JSON value."""
    out: list[str] = []
    try:
        _serialize(value, out)
    except RecursionError as exc:
        raise CanonicalizationError("JSON nested too deeply") from exc
    return "".join(out).encode("utf-8")
