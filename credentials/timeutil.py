"""XML Schema ``dateTimeStamp`` values, as VC 2.0 uses for validFrom/validUntil/created."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_DATETIME_STAMP = re.compile(
    r"^(?P<y>-?\d{4,})-(?P<mo>\d{2})-(?P<d>\d{2})T(?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"
    r"(?P<frac>\.\d+)?(?P<tz>Z|[+-]\d{2}:\d{2})$"
)


def parse_datetime_stamp(value: object) -> datetime | None:
    """A timezone-aware datetime for a dateTimeStamp string, or None when it is not one."""
    match = _DATETIME_STAMP.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    text = match.string.replace("Z", "+00:00")
    frac = match.group("frac")
    if frac and len(frac) > 7:
        # Python parses at most microseconds; keep the order of magnitude.
        text = text.replace(frac, frac[:7])
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def format_datetime(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC, without fractions (what we write)."""
    if moment.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utcnow() -> datetime:
    return datetime.now(UTC)
