"""The formats of the codes the service stores and people type: personal access codes
and the short code printed under a certificate's QR code.

They live with the data layer because the issuer makes them and the public verifier
looks them up; both read the same format from here.
"""

from __future__ import annotations

import re
from typing import Final

ACCESS_CODE_ALPHABET: Final = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: easy to type from paper
SHORT_CODE_LENGTH: Final = 12  # characters of 5 bits: 60 bits, printed as XXXX-XXXX-XXXX


def normalise_short_code(text: str) -> str | None:
    """``text`` as a stored short code (case, spaces and dashes do not matter), or None
    when it cannot be one."""
    raw = re.sub(r"[\s\-.]", "", text or "").upper()
    if len(raw) != SHORT_CODE_LENGTH or any(c not in ACCESS_CODE_ALPHABET for c in raw):
        return None
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
