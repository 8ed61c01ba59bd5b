"""Byte encodings used by Data Integrity: base58btc, base64url and multibase.

Bytes in, text out and back. Decoders raise :class:`~credentials.errors.EncodingError`
on anything that is not a canonical encoding.
"""

from __future__ import annotations

import base64
import binascii

from credentials.errors import EncodingError

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: value for value, char in enumerate(_B58_ALPHABET)}


def b58encode(data: bytes) -> str:
    """Encode bytes as base58btc (Bitcoin alphabet), keeping leading zero bytes as '1'."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    chars: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        chars.append(_B58_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(chars))


def b58decode(text: str) -> bytes:
    """Decode base58btc text; raise EncodingError on a character outside the alphabet."""
    number = 0
    for char in text:
        try:
            number = number * 58 + _B58_INDEX[char]
        except KeyError:
            raise EncodingError(f"not base58btc: unexpected character {char!r}") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def b64url_encode(data: bytes) -> str:
    """base64url without padding (RFC 4648 §5)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode canonical base64url, with or without correct padding.

    Characters outside the alphabet, wrong padding and non-zero pad bits (two
    spellings of the same bytes) raise EncodingError.
    """
    body = text.rstrip("=")
    if not all(c.isascii() and (c.isalnum() or c in "-_") for c in body):
        raise EncodingError("not base64url: unexpected character")
    if text != body and len(text) - len(body) != -len(body) % 4:
        raise EncodingError("not base64url: wrong padding")
    try:
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise EncodingError(f"not base64url: {exc}") from exc
    if b64url_encode(data) != body:
        raise EncodingError("not base64url: non-canonical encoding")
    return data


def multibase_encode(data: bytes, *, base: str = "base58btc") -> str:
    """Multibase-encode: 'z' + base58btc, or 'u' + base64url (no padding)."""
    if base == "base58btc":
        return "z" + b58encode(data)
    if base == "base64url":
        return "u" + b64url_encode(data)
    raise EncodingError(f"unsupported multibase encoding {base!r}")


def multibase_decode(text: str) -> bytes:
    """Decode a multibase string with prefix 'z' (base58btc) or 'u' (base64url)."""
    if not isinstance(text, str) or not text:
        raise EncodingError("not a multibase value")
    prefix, body = text[0], text[1:]
    if prefix == "z":
        return b58decode(body)
    if prefix == "u":
        return b64url_decode(body)
    raise EncodingError(f"unsupported multibase prefix {prefix!r} (expected 'z' or 'u')")
