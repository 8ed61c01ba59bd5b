"""The sector's trust registry as one function over plain data.

Whether a signature counts as one of a member organisation is decided by :func:`decide`
from a :class:`Member`: its membership periods and its keys with their history. The
service's own verifier builds the members from its database
(:class:`verifier.service.MembershipRegistry`); a verifier without our database builds
them from the published, signed trust list (:func:`verify_trust_list`,
:class:`TrustListRegistry`). Both therefore give the same answer for the same history.

The rules, in order:

* the issuer must be a member organisation, and the signing key one of its keys;
* a signature by a retired or compromised key counts only when our records say when it
  was made (``recorded_at``): a date in the proof can be backdated by whoever holds the key;
* the signing moment must fall after the key was made, before it was compromised and not
  long after it was retired;
* the membership period covering the signing moment must be ``active``: a certificate
  signed during a suspension stays refused after the suspension is lifted, and one signed
  while the organisation was a member keeps counting after a suspension or the end.

This module imports no database or web framework: it reads only what it is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from credentials.did import StaticDidResolver
from credentials.errors import CredentialError
from credentials.jsonld import VC_V2, default_document_loader
from credentials.timeutil import parse_datetime_stamp
from credentials.verify import TrustDecision, VerificationResult, issuer_id, verify_credential

CLOCK_SKEW = timedelta(minutes=5)

TRUST_LIST_CONTEXT = "https://certificaten.kringloop.example/ns/trust-list/v1"
TRUST_LIST_TYPE = "KringloopTrustList"
# Where the service publishes the trust list and the DCC registry document.
TRUST_LIST_PATH = "/.well-known/kringloop-trust-list.json"
DCC_REGISTRY_PATH = "/.well-known/dcc-issuer-registry.json"
# The name under which the full service stores the trust list it last signed.
TRUST_LIST_DOCUMENT = "trust-list"
MEMBERSHIP_STATES = ("active", "suspended", "ended")


@dataclass(frozen=True)
class Period:
    """``status`` from ``start`` until ``end`` (None: still so)."""

    status: str
    start: datetime
    end: datetime | None = None

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment and (self.end is None or moment < self.end)


@dataclass(frozen=True)
class KeyRecord:
    """A signing key of a member: its verification method and history."""

    id: str
    created: datetime
    retired: datetime | None = None
    compromised: datetime | None = None
    public_key_multibase: str = ""


@dataclass(frozen=True)
class Member:
    """A member organisation as the registry knows it (``periods`` in time order)."""

    did: str
    name: str
    slug: str
    periods: tuple[Period, ...]
    keys: tuple[KeyRecord, ...]
    quality_mark: str = "geen"
    website: str | None = None

    def status_at(self, moment: datetime) -> str | None:
        """The membership status at ``moment`` (None before the first period)."""
        period = next((p for p in self.periods if p.covers(moment)), None)
        return period.status if period is not None else None

    @property
    def current_status(self) -> str | None:
        return self.periods[-1].status if self.periods else None


def decide(
    member: Member | None,
    *,
    issuer: str,
    verification_method: str,
    signed_at: datetime | None,
    recorded_at: datetime | None = None,
) -> TrustDecision:
    """Was ``verification_method`` a trusted key of ``issuer`` at the signing moment?

    ``recorded_at`` is the moment our own records say the certificate was signed (only for
    a credential the service issued, matched by its signature); otherwise ``signed_at``
    (the proof's date) is used, and retired or compromised keys count for nothing.
    """
    if member is None:
        return TrustDecision(False, "not_a_member", f"{issuer} is not a member organisation of the sector")
    key = next((k for k in member.keys if k.id == verification_method), None)
    if key is None:
        return TrustDecision(False, "unknown_key", f"the signing key is not a key of {member.name}")
    ours = recorded_at is not None
    details = {"organisation": member.slug}
    # Everything a member's key legitimately signed is in our records. A signature by a
    # compromised or retired key that is not, is new: its claimed date proves nothing.
    if not ours and key.compromised is not None:
        return TrustDecision(False, "key_compromised", "signed with a key that was marked compromised", details)
    if not ours and key.retired is not None:
        return TrustDecision(False, "key_retired", "signed with a key that was retired", details)
    moment = recorded_at or signed_at
    if moment is None:
        return TrustDecision(False, "no_signing_time", "the certificate does not say when it was signed")
    if moment + CLOCK_SKEW < key.created:
        return TrustDecision(False, "key_not_yet_valid", "signed before the key existed", details)
    # Our records keep whole seconds: a certificate we recorded in the very second its key
    # was marked compromised was issued before the marking (which revoked it anyway).
    if key.compromised is not None and (moment > key.compromised if ours else moment >= key.compromised):
        return TrustDecision(False, "key_compromised", "signed after the key was marked compromised", details)
    if key.retired is not None and moment > key.retired + CLOCK_SKEW:
        return TrustDecision(False, "key_retired", "signed after the key was retired", details)
    return _membership_decision(member, moment, details)


def _membership_decision(member: Member, moment: datetime, details: dict[str, Any]) -> TrustDecision:
    if not member.periods or moment + CLOCK_SKEW < member.periods[0].start:
        return TrustDecision(False, "not_yet_member", f"signed before {member.name} was a member", details)
    status = member.status_at(moment)
    if status is None:  # within the clock skew before the first period: that period counts
        status = member.periods[0].status if moment < member.periods[0].start else "ended"
    if status != "active":
        return TrustDecision(
            False,
            f"membership_{status}",
            f"signed while the membership of {member.name} was {status}",
            {**details, "membership": status},
        )
    return TrustDecision(True, reason=f"{member.name} is a member of the sector", details=details)


# --- the published trust list -------------------------------------------------------------


class TrustListError(ValueError):
    """A trust list that cannot be used; ``code`` is stable, the message says why."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class VerifiedTrustList:
    """A trust list whose signature, signer and dates were checked, with its members by DID."""

    result: VerificationResult
    issuer: str
    members: Mapping[str, Member]
    valid_from: datetime | None


def verify_trust_list(
    document: Any, *, sector_did_document: Mapping[str, Any], now: datetime | None = None
) -> VerifiedTrustList:
    """Check a published trust list with the project's verifier and read its members.

    ``sector_did_document`` is the sector's DID document, obtained by the caller from a
    source it trusts (the sector's DID is configured, never taken from the list itself).
    Raises :class:`TrustListError` when any check fails (``code`` names the first failed
    check and its code, e.g. ``valid_signature:invalid_signature``) or the content cannot
    be read.
    """
    sector_did = sector_did_document.get("id")
    if not isinstance(sector_did, str):
        raise TrustListError("bad_did_document", "the sector's DID document has no id")
    try:
        resolver = StaticDidResolver([sector_did_document])
    except CredentialError as exc:
        raise TrustListError("bad_did_document", str(exc)) from exc
    result = verify_credential(
        document, document_loader=default_document_loader(), resolver=resolver, now=now, require_open_badge=False
    )
    failed = result.failed
    if failed:
        first = failed[0]
        raise TrustListError(f"{first.id}:{first.code}", f"the trust list does not verify: {first.reason}")
    assert isinstance(document, dict)  # noqa: S101 - verify_credential passed only a JSON object
    if issuer_id(document) != sector_did:
        raise TrustListError("wrong_issuer", f"the trust list was not issued by the sector ({sector_did})")
    types = document.get("type")
    if (
        not isinstance(types, list)
        or TRUST_LIST_TYPE not in types
        or document.get("@context")
        != [
            VC_V2,
            TRUST_LIST_CONTEXT,
        ]
    ):
        raise TrustListError("not_a_trust_list", f"not a {TRUST_LIST_TYPE} credential")
    members = read_members(document.get("credentialSubject"))
    return VerifiedTrustList(result, sector_did, members, parse_datetime_stamp(document.get("validFrom")))


def _stamp(value: Any, what: str, *, required: bool = True) -> datetime | None:
    if value is None and not required:
        return None
    moment = parse_datetime_stamp(value)
    if moment is None:
        raise TrustListError("bad_content", f"{what} is not a date-time with a time zone")
    return moment


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise TrustListError("bad_content", f"{what} is missing")
    return value


def _list(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def read_members(subject: Any) -> dict[str, Member]:
    """The members of a trust list's ``credentialSubject``, by DID (TrustListError when unreadable)."""
    if not isinstance(subject, dict) or subject.get("type") != "TrustList":
        raise TrustListError("bad_content", "credentialSubject is not a TrustList")
    members: dict[str, Member] = {}
    for entry in _list(subject.get("members")):
        if not isinstance(entry, dict):
            raise TrustListError("bad_content", "a member is not an object")
        did = _text(entry.get("id"), "a member's id")
        periods = []
        for raw in _list(entry.get("membershipPeriods")):
            status = raw.get("membershipStatus") if isinstance(raw, dict) else None
            if status not in MEMBERSHIP_STATES:
                raise TrustListError("bad_content", f"{did}: a membership period has no known status")
            start = _stamp(raw.get("periodStart"), f"{did}: periodStart")
            end = _stamp(raw.get("periodEnd"), f"{did}: periodEnd", required=False)
            assert start is not None  # noqa: S101 - required above
            periods.append(Period(status, start, end))
        keys = []
        for raw in _list(entry.get("signingKeys")):
            if not isinstance(raw, dict):
                raise TrustListError("bad_content", f"{did}: a signing key is not an object")
            created = _stamp(raw.get("keyCreated"), f"{did}: keyCreated")
            assert created is not None  # noqa: S101 - required above
            keys.append(
                KeyRecord(
                    id=_text(raw.get("id"), f"{did}: a key's id"),
                    created=created,
                    retired=_stamp(raw.get("keyRetired"), f"{did}: keyRetired", required=False),
                    compromised=_stamp(raw.get("keyCompromised"), f"{did}: keyCompromised", required=False),
                    public_key_multibase=str(raw.get("publicKey") or ""),
                )
            )
        if did in members:
            raise TrustListError("bad_content", f"{did} is listed twice")
        members[did] = Member(
            did=did,
            name=_text(entry.get("name"), f"{did}: name"),
            slug=str(entry.get("slug") or ""),
            periods=tuple(sorted(periods, key=lambda p: p.start)),
            keys=tuple(keys),
            quality_mark=str(entry.get("qualityMark") or "geen"),
            website=entry.get("website") if isinstance(entry.get("website"), str) else None,
        )
    return members


class TrustListRegistry:
    """A :class:`credentials.verify.TrustRegistry` over a verified trust list (for a
    verifier that has no access to the service's database)."""

    def __init__(self, members: Mapping[str, Member]):
        self.members = members

    def decide(self, *, issuer: str, verification_method: str, signed_at: datetime | None) -> TrustDecision:
        return decide(
            self.members.get(issuer), issuer=issuer, verification_method=verification_method, signed_at=signed_at
        )
