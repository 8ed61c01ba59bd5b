"""W3C Bitstring Status List v1.0: the list, its encoding and the status list credential.

Index 0 is the left-most bit (most significant bit of byte 0). The encoded form
is multibase ``u`` + base64url(GZIP(bitstring)). Lists hold at least 131,072
entries (16 KiB), the herd-privacy minimum of the spec.
"""

from __future__ import annotations

import gzip
import secrets
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from credentials.encoding import b64url_decode, b64url_encode
from credentials.errors import EncodingError, StatusListError

MIN_ENTRIES = 131_072
# A decoded list larger than this is refused (a gzip bomb would otherwise cost memory).
MAX_ENTRIES = 8 * 16 * 1024 * 1024
STATUS_PURPOSES = ("revocation", "suspension")


class Bitstring:
    """A mutable bitstring of ``length`` bits, all 0 at first."""

    def __init__(self, length: int = MIN_ENTRIES, *, data: bytes | None = None):
        if length <= 0 or length % 8:
            raise StatusListError("a status list length must be a positive multiple of 8")
        if data is not None and len(data) * 8 != length:
            raise StatusListError("data does not match the length")
        self._bits = bytearray(data if data is not None else bytes(length // 8))

    def __len__(self) -> int:
        return len(self._bits) * 8

    def _check(self, index: int) -> None:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(self):
            raise StatusListError(f"index {index!r} is outside the list (0..{len(self) - 1})")

    def get(self, index: int) -> bool:
        self._check(index)
        return bool(self._bits[index // 8] & (0x80 >> (index % 8)))

    def set(self, index: int, value: bool = True) -> None:
        self._check(index)
        mask = 0x80 >> (index % 8)
        if value:
            self._bits[index // 8] |= mask
        else:
            self._bits[index // 8] &= ~mask & 0xFF

    def clear(self, index: int) -> None:
        self.set(index, False)

    def set_indices(self) -> Iterable[int]:
        for byte_index, byte in enumerate(self._bits):
            if byte:
                for bit in range(8):
                    if byte & (0x80 >> bit):
                        yield byte_index * 8 + bit

    def to_bytes(self) -> bytes:
        return bytes(self._bits)

    def encode(self) -> str:
        """``u`` + base64url(GZIP(bits)); deterministic (mtime 0)."""
        return "u" + b64url_encode(gzip.compress(bytes(self._bits), compresslevel=9, mtime=0))

    @classmethod
    def decode(cls, encoded: str, *, min_entries: int = MIN_ENTRIES) -> Bitstring:
        """Decode an ``encodedList``. Raises StatusListError when malformed or too short."""
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise StatusListError("encodedList must be multibase base64url ('u…')")
        try:
            compressed = b64url_decode(encoded[1:])
        except EncodingError as exc:
            raise StatusListError(f"encodedList: {exc}") from exc
        decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            raw = decompressor.decompress(compressed, MAX_ENTRIES // 8 + 1)
        except zlib.error as exc:
            raise StatusListError(f"encodedList is not GZIP data: {exc}") from exc
        if len(raw) > MAX_ENTRIES // 8 or decompressor.unconsumed_tail:
            raise StatusListError("encodedList is larger than this verifier accepts")
        if not decompressor.eof or decompressor.unused_data:
            # eof is only reached after the CRC-32 and length trailer were checked.
            raise StatusListError("encodedList is not one complete GZIP stream")
        if not raw or len(raw) * 8 < min_entries:
            raise StatusListError(f"status list has {len(raw) * 8} entries, fewer than the minimum {min_entries}")
        return cls(len(raw) * 8, data=raw)


def random_free_index(used: set[int] | frozenset[int], *, length: int = MIN_ENTRIES) -> int:
    """A uniformly random index not in ``used`` (BSL §6: indexes SHOULD be random)."""
    if sum(1 for index in used if 0 <= index < length) >= length:
        raise StatusListError("the status list is full")
    while True:
        index = secrets.randbelow(length)
        if index not in used:
            return index


@dataclass(frozen=True)
class StatusEntry:
    """Where a credential's status lives: a list URL, an index and a purpose."""

    list_url: str
    index: int
    purpose: str = "revocation"

    def to_json(self) -> dict[str, Any]:
        if self.purpose not in STATUS_PURPOSES:
            raise StatusListError(f"unsupported status purpose {self.purpose!r}")
        return {
            "id": f"{self.list_url}#{self.index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": self.purpose,
            "statusListIndex": str(self.index),
            "statusListCredential": self.list_url,
        }

    @classmethod
    def from_json(cls, entry: Any) -> StatusEntry:
        """Parse a ``BitstringStatusListEntry``; StatusListError when malformed."""
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            raise StatusListError("credentialStatus is not a BitstringStatusListEntry")
        url, index, purpose = (
            entry.get("statusListCredential"),
            entry.get("statusListIndex"),
            entry.get("statusPurpose"),
        )
        if not isinstance(url, str) or not url:
            raise StatusListError("statusListCredential is missing")
        if not isinstance(index, str) or not (index.isascii() and index.isdigit()) or len(index) > 12:
            raise StatusListError("statusListIndex must be a string of decimal digits")
        if not isinstance(purpose, str):
            raise StatusListError("statusPurpose is missing")
        if entry.get("id") == url:
            raise StatusListError("the entry id must not equal the status list URL")
        size = entry.get("statusSize", 1)
        if type(size) is not int or size != 1:
            raise StatusListError("only statusSize 1 is supported")
        return cls(url, int(index), purpose)


def build_status_list_credential(
    *,
    list_url: str,
    issuer: str | dict[str, Any],
    purpose: str,
    bitstring: Bitstring,
    valid_from: str,
    valid_until: str | None = None,
    ttl_ms: int | None = None,
) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` for a list (sign it with add_proof)."""
    if purpose not in STATUS_PURPOSES:
        raise StatusListError(f"unsupported status purpose {purpose!r}")
    subject: dict[str, Any] = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": bitstring.encode(),
    }
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": subject,
    }
    if valid_until is not None:
        credential["validUntil"] = valid_until
    return credential
