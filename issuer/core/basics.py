"""What every service shares: the context (settings, key store), the clock, the text limits and text cleaning.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from issuer.core import errors
from issuer.core.keystore import KeyStore
from issuer.store.settings import Settings

LEVELS = ("1", "2", "3")
MAX_NAME = 200
MAX_EVIDENCE = 2000
MAX_REASON = 500
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
EMAIL = re.compile(r"^(?=.{3,254}$)[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")  # at most 254 characters (RFC 5321)


@dataclass(frozen=True)
class Context:
    """What services need besides the session: settings and the key store."""

    settings: Settings
    keystore: KeyStore | None  # None in verifier-only mode: nothing can be signed

    def signing_store(self) -> KeyStore:
        if self.keystore is None:
            raise errors.Forbidden("this process has no access to signing keys", code="no_keys")
        return self.keystore


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def normalise_line_breaks(text: str) -> str:
    """CRLF (what browsers send for a textarea) and a lone CR (old Mac files) become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(value: Any, *, field: str, max_length: int, required: bool = True) -> str | None:
    """Normalise and check one text field; ServiceError when unusable.

    Every text that comes in (pages, API, CLI, CSV and Excel uploads) passes here before it
    is checked, stored or signed: line breaks become LF, the text NFC and trimmed. Other
    control characters are refused; ``position`` (1-based, in the trimmed text) and
    ``char`` (``U+0007``) say which one.
    """
    text = normalise_line_breaks(unicodedata.normalize("NFC", value)).strip() if isinstance(value, str) else ""
    for index, char in enumerate(text):
        if unicodedata.category(char) == "Cc" and char not in "\n\t":
            codepoint = f"U+{ord(char):04X}"
            raise errors.ServiceError(
                f"{field} contains a control character ({codepoint}) at position {index + 1}",
                code="control_chars", field=field, position=index + 1, char=codepoint,
            )  # fmt: skip
    if not text:
        if required:
            raise errors.ServiceError(f"{field} must not be empty", code="required", field=field)
        return None
    if len(text) > max_length:
        raise errors.ServiceError(
            f"{field} is longer than {max_length} characters", code="too_long", field=field, max=max_length
        )
    return text
