"""What goes on the paper: the sheet handed to the renderer, and the facts read from the signed credential.

A certificate page is rendered from the signed credential itself
(``CertificateSheet.credential_json``): the page can only say what the signed
file says. :func:`_read_certificate` turns that JSON into plain strings
(:class:`_Certificate`); the catalogue's English wording comes beside it in
:class:`EnglishText`. Dates are read here as a Dutch reader says them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from credentials.pdf.errors import PdfError
from credentials.timeutil import parse_datetime_stamp

__all__ = ["CertificateSheet", "EnglishText"]


@dataclass(frozen=True)
class EnglishText:
    """English wording from the competence catalogue (the signed credential is Dutch)."""

    name: str
    description: str
    criteria: str  # may contain "- " bullet lines separated by "\n"
    level_names: Mapping[str, str]  # level code ("1", "2", "3") -> English level name


@dataclass(frozen=True)
class CertificateSheet:
    """Everything one certificate page needs; what the certificate says comes from ``credential_json``."""

    credential_json: str  # the stored signed credential, verbatim
    verify_url: str  # goes in the QR code and is printed
    short_code: str  # a person can type it at check_url
    check_url: str
    supervisor: str | None = None
    english: EnglishText | None = None
    group_nl: str | None = None
    group_en: str | None = None
    # Set once the certificate is revoked: the page then carries a diagonal stamp with this date.
    revoked_on: date | None = None


# -- wording ------------------------------------------------------------------------

_MONTHS_NL: Final = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
_MONTHS_EN: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _date_nl(moment: datetime) -> str:
    return f"{moment.day} {_MONTHS_NL[moment.month - 1]} {moment.year}"


def _date_en(moment: datetime) -> str:
    return f"{moment.day} {_MONTHS_EN[moment.month - 1]} {moment.year}"


@lru_cache(maxsize=1)
def _local_zone() -> tzinfo:
    # Dates are printed as a Dutch reader would say them: in Amsterdam time (the
    # issuer stores noon Amsterdam as validFrom). Without time-zone data, UTC.
    try:
        return ZoneInfo("Europe/Amsterdam")
    except ZoneInfoNotFoundError:  # pragma: no cover - Debian and the tzdata package provide it
        return UTC


def _local(moment: datetime) -> datetime:
    try:
        return moment.astimezone(_local_zone())
    except OverflowError:  # 9999-12-31T23:59:59Z is already year 10000 in Amsterdam
        return moment


# -- reading the credential -----------------------------------------------------------


@dataclass(frozen=True)
class _Certificate:
    """What the page shows, read from the signed credential (all plain strings)."""

    holder: str
    competence: str
    description: str
    criteria: str
    level_position: int | None
    level_count: int
    level_code: str | None
    level_name: str
    level_description: str
    alignments: tuple[tuple[str, str], ...]
    issuer_name: str
    issuer_contact: tuple[str, ...]
    shop: str
    valid_from: datetime | None
    valid_until: datetime | None
    credential_id: str
    note: str = ""  # what the supervisor saw (the evidence narratives), line breaks kept
    signed_at: datetime | None = None  # the proof's moment: when it was signed


_SURROGATES: Final = re.compile("[\ud800-\udfff]")


def _str(value: Any) -> str:
    """A JSON value as printable text: strings only, stripped, lone surrogates replaced."""
    if not isinstance(value, str):
        return ""
    return _SURROGATES.sub("\ufffd", value).strip()


def _first_dict(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                return item
    return None


def _dicts(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def _holder_name(subject: dict[str, Any]) -> str:
    for identity in _dicts(subject.get("identifier")):
        if identity.get("identityType") == "name" and identity.get("hashed") is not True:
            name = _str(identity.get("identityHash"))
            if name:
                return name
    return _str(subject.get("name"))


def _achieved_level(
    subject: dict[str, Any], achievement: dict[str, Any]
) -> tuple[int | None, int, str | None, str, str]:
    """(position, number of levels, level code, name, description) of the achieved level."""
    wanted = [_str(r.get("achievedLevel")) for r in _dicts(subject.get("result"))]
    wanted = [w for w in wanted if w]
    scales = [_dicts(d.get("rubricCriterionLevel")) for d in _dicts(achievement.get("resultDescription"))]
    scales = [s for s in scales if s]
    for scale in scales:
        for position, level in enumerate(scale, start=1):
            level_id = _str(level.get("id"))
            if level_id and level_id in wanted:
                fragment = level_id.rsplit("#", 1)[-1] if "#" in level_id else ""
                code = fragment.removeprefix("niveau-") if fragment.startswith("niveau-") else _str(level.get("level"))
                return (
                    position,
                    len(scale),
                    code or str(position),
                    _str(level.get("name")),
                    _str(level.get("description")),
                )
    return None, len(scales[0]) if scales else 3, None, "", ""


def _signed_at(proof: Any) -> datetime | None:
    proof = _first_dict(proof)
    return parse_datetime_stamp(proof.get("created")) if proof is not None else None


def _read_certificate(credential_json: str) -> _Certificate:
    """The printable facts of a credential. Raises PdfError("not_a_certificate")."""
    try:
        credential = json.loads(credential_json)
    except (ValueError, RecursionError, TypeError) as exc:
        raise PdfError("not_a_certificate", "the credential is not valid JSON") from exc
    if not isinstance(credential, dict):
        raise PdfError("not_a_certificate", "the credential is not a JSON object")
    subject = _first_dict(credential.get("credentialSubject"))
    if subject is None:
        raise PdfError("not_a_certificate", "the credential has no credentialSubject")
    achievement = subject.get("achievement")
    if not isinstance(achievement, dict):
        raise PdfError("not_a_certificate", "the credential has no achievement")
    position, count, code, level_name, level_description = _achieved_level(subject, achievement)
    alignments = tuple(
        (_str(a.get("targetName")), _str(a.get("targetUrl")))
        for a in _dicts(achievement.get("alignment"))
        if _str(a.get("targetName")) or _str(a.get("targetUrl"))
    )
    issuer = credential.get("issuer")
    issuer_obj = issuer if isinstance(issuer, dict) else {}
    contact = tuple(v for v in (_str(issuer_obj.get(k)) for k in ("email", "phone", "url")) if v)
    source = subject.get("source")
    criteria = achievement.get("criteria")
    valid_from = parse_datetime_stamp(credential.get("validFrom")) or parse_datetime_stamp(
        credential.get("awardedDate")
    )
    return _Certificate(
        holder=_holder_name(subject),
        competence=_str(achievement.get("name")),
        description=_str(achievement.get("description")),
        criteria=_str(criteria.get("narrative")) if isinstance(criteria, dict) else "",
        level_position=position,
        level_count=count,
        level_code=code,
        level_name=level_name,
        level_description=level_description,
        alignments=alignments,
        issuer_name=_str(issuer_obj.get("name")),
        issuer_contact=contact,
        shop=_str(source.get("name")) if isinstance(source, dict) else "",
        valid_from=valid_from,
        valid_until=parse_datetime_stamp(credential.get("validUntil")),
        credential_id=_str(credential.get("id")),
        note="\n\n".join(n for n in (_str(e.get("narrative")) for e in _dicts(credential.get("evidence"))) if n),
        signed_at=parse_datetime_stamp(proof.get("created"))
        if isinstance(proof := credential.get("proof"), dict)
        else None,
    )
