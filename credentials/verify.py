"""Verification of a credential, with one result object and a check per step.

:func:`verify_credential` never raises for a bad credential. Its
:class:`VerificationResult` has ``verified`` and a list of :class:`Check`
entries with stable ids:

``structure``          VC 2.0 / OB 3.0 shape, bundled contexts, OB 3.0 JSON schema
``valid_signature``    the Data Integrity proof
``issuer_key``         the signing key belongs to the credential's issuer
``registered_issuer``  the issuer is trusted (a trust registry, when given)
``validity_period``    validFrom / validUntil against ``now``
``status``             revocation / suspension via Bitstring Status List

Each check is passed, failed or skipped, with a stable ``code`` when it fails
and a reason in English for developers (pages translate codes for people).
Collaborators are passed in: document loader, DID resolver, status lookup,
trust registry and the clock (``now``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from credentials.did import DidResolver, StaticDidResolver
from credentials.errors import StatusListError
from credentials.jsonld import VC_V2, DocumentLoader, default_document_loader
from credentials.proofs import HashCache, ProofCheck, check_proof
from credentials.schema import ob_schema_errors
from credentials.statuslist import Bitstring, StatusEntry
from credentials.timeutil import parse_datetime_stamp, utcnow

STRUCTURE = "structure"
VALID_SIGNATURE = "valid_signature"
ISSUER_KEY = "issuer_key"
REGISTERED_ISSUER = "registered_issuer"
VALIDITY_PERIOD = "validity_period"
STATUS = "status"
CHECK_IDS = (STRUCTURE, VALID_SIGNATURE, ISSUER_KEY, REGISTERED_ISSUER, VALIDITY_PERIOD, STATUS)

OB_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Check:
    id: str
    outcome: Outcome
    code: str = ""
    reason: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.PASSED

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.FAILED

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "outcome": self.outcome.value, "reason": self.reason}
        if self.code:
            data["code"] = self.code
        if self.details:
            data["details"] = dict(self.details)
        return data


@dataclass(frozen=True)
class VerificationResult:
    """Everything verification found. ``verified`` is True only when no check failed."""

    verified: bool
    checks: tuple[Check, ...]
    fatal: tuple[str, ...] = ()
    issuer: str | None = None
    verification_method: str | None = None
    signed_at: datetime | None = None

    def check(self, check_id: str) -> Check:
        for item in self.checks:
            if item.id == check_id:
                return item
        raise KeyError(check_id)

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.failed)

    def to_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "checks": [c.to_json() for c in self.checks],
            "fatal": list(self.fatal),
            "issuer": self.issuer,
            "verificationMethod": self.verification_method,
            "signedAt": self.signed_at.isoformat() if self.signed_at else None,
        }


@dataclass(frozen=True)
class TrustDecision:
    trusted: bool
    code: str = ""
    reason: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)


class TrustRegistry(Protocol):
    """Decides whether ``issuer`` was a trusted issuer using key ``verification_method`` at ``signed_at``."""

    def decide(self, *, issuer: str, verification_method: str, signed_at: datetime | None) -> TrustDecision: ...


class StatusLookup(Protocol):
    """Returns the status list credential published at ``url`` (or None when unknown)."""

    def status_list(self, url: str) -> dict[str, Any] | None: ...


class StaticStatusLookup:
    """Status list credentials given up front (the CLI's ``--status-list`` files)."""

    def __init__(self, credentials: list[dict[str, Any]] | None = None):
        self._lists: dict[str, dict[str, Any]] = {}
        for credential in credentials or []:
            list_id = credential.get("id") if isinstance(credential, dict) else None
            if isinstance(list_id, str):
                self._lists[list_id] = credential

    def status_list(self, url: str) -> dict[str, Any] | None:
        return self._lists.get(url)


def _passed(check_id: str, reason: str, **details: Any) -> Check:
    return Check(check_id, Outcome.PASSED, "", reason, details)


def _failed(check_id: str, code: str, reason: str, **details: Any) -> Check:
    return Check(check_id, Outcome.FAILED, code, reason, details)


def _skipped(check_id: str, reason: str, code: str = "") -> Check:
    return Check(check_id, Outcome.SKIPPED, code, reason)


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None


def _types(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def check_structure(
    credential: Mapping[str, Any], *, document_loader: DocumentLoader, require_open_badge: bool = True
) -> Check:
    """VC 2.0 envelope, bundled contexts only, and (for Open Badges) the OB 3.0 schema."""
    contexts = credential.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC_V2:
        return _failed(STRUCTURE, "bad_context", f"@context must be a list starting with {VC_V2}")
    allowed = getattr(document_loader, "allowed_urls", None)
    for ctx in contexts:
        if not isinstance(ctx, str):
            return _failed(STRUCTURE, "inline_context", "inline @context objects are not accepted")
        if allowed is not None and ctx not in allowed:
            return _failed(STRUCTURE, "unknown_context", f"@context {ctx!r} is not one of the bundled contexts")
    if len(set(contexts)) != len(contexts):
        return _failed(STRUCTURE, "bad_context", "@context lists a context twice")
    types = _types(credential.get("type"))
    if "VerifiableCredential" not in types:
        return _failed(STRUCTURE, "bad_type", "type must include VerifiableCredential")
    if issuer_id(credential) is None:
        return _failed(STRUCTURE, "missing_issuer", "issuer (or issuer.id) is missing")
    if not credential.get("credentialSubject"):
        return _failed(STRUCTURE, "missing_subject", "credentialSubject is missing")
    for key in ("validFrom", "validUntil"):
        if key in credential and parse_datetime_stamp(credential[key]) is None:
            return _failed(STRUCTURE, "bad_date", f"{key} is not a date-time with a time zone")
    if require_open_badge:
        if not types & OB_TYPES:
            return _failed(STRUCTURE, "bad_type", "type must include OpenBadgeCredential or AchievementCredential")
        errors = ob_schema_errors(dict(credential))
        if errors:
            return _failed(
                STRUCTURE, "schema", "does not match the Open Badges 3.0 schema: " + "; ".join(errors), errors=errors
            )
    return _passed(STRUCTURE, "well-formed" + (" Open Badges 3.0 credential" if require_open_badge else " credential"))


def check_validity_period(credential: Mapping[str, Any], *, now: datetime) -> Check:
    valid_from = parse_datetime_stamp(credential.get("validFrom")) if "validFrom" in credential else None
    valid_until = parse_datetime_stamp(credential.get("validUntil")) if "validUntil" in credential else None
    if ("validFrom" in credential and valid_from is None) or ("validUntil" in credential and valid_until is None):
        return _failed(VALIDITY_PERIOD, "bad_date", "validFrom or validUntil is not a date-time")
    if valid_from and valid_until and valid_until < valid_from:
        return _failed(VALIDITY_PERIOD, "bad_date", "validUntil is before validFrom")
    if valid_from and now < valid_from:
        return _failed(
            VALIDITY_PERIOD,
            "not_yet_valid",
            f"valid from {valid_from.isoformat()}, not yet",
            validFrom=valid_from.isoformat(),
        )
    if valid_until and now > valid_until:
        return _failed(
            VALIDITY_PERIOD, "expired", f"expired on {valid_until.isoformat()}", validUntil=valid_until.isoformat()
        )
    return _passed(VALIDITY_PERIOD, "within its validity period")


class _ResolveOnce:
    """One verification's DID resolver: each DID is resolved at most once per ``verify_credential``.

    The credential's proof and its status list's proof name the same issuer; both see
    the same DID document, and the service's records are read once. Failures are not
    remembered (they are raised again, and the next call asks again).
    """

    def __init__(self, resolver: DidResolver):
        self._resolver = resolver
        self._documents: dict[str, dict[str, Any]] = {}

    def resolve(self, did: str) -> dict[str, Any]:
        document = self._documents.get(did)
        if document is None:
            document = self._documents[did] = self._resolver.resolve(did)
        return document


def _status_entries(credential: Mapping[str, Any]) -> list[Any]:
    status = credential.get("credentialStatus")
    if status is None:
        return []
    return status if isinstance(status, list) else [status]


def check_status(
    credential: Mapping[str, Any],
    *,
    lookup: StatusLookup | None,
    resolver: DidResolver,
    document_loader: DocumentLoader,
    now: datetime,
    hash_cache: HashCache | None = None,
) -> Check:
    """Read each status entry's bit from its (verified) status list credential."""
    entries = _status_entries(credential)
    if not entries:
        return _skipped(STATUS, "the credential has no status entry", "no_status")
    if lookup is None:
        return _skipped(STATUS, "no status lists were given, status not checked", "status_not_checked")
    issuer = issuer_id(credential)
    found: dict[str, Any] = {}
    for raw in entries:
        try:
            entry = StatusEntry.from_json(raw)
        except StatusListError as exc:
            return _failed(STATUS, "status_entry_invalid", str(exc))
        list_vc = lookup.status_list(entry.list_url)
        if list_vc is None:
            return _failed(STATUS, "status_unavailable", f"status list {entry.list_url} could not be retrieved")
        problem = _status_list_problem(
            list_vc, entry, issuer, resolver=resolver, document_loader=document_loader, now=now, hash_cache=hash_cache
        )
        if problem is not None:
            return _failed(STATUS, "status_list_invalid", f"status list {entry.list_url}: {problem}")
        try:
            bits = Bitstring.decode(list_vc["credentialSubject"]["encodedList"])
            flagged = bits.get(entry.index)
        except StatusListError as exc:
            return _failed(STATUS, "status_list_invalid", str(exc))
        found[entry.purpose] = flagged
        if flagged:
            code = (
                "revoked"
                if entry.purpose == "revocation"
                else "suspended"
                if entry.purpose == "suspension"
                else entry.purpose
            )
            return _failed(
                STATUS, code, f"{code} (status list {entry.list_url}, index {entry.index})", purpose=entry.purpose
            )
    return _passed(STATUS, "not revoked or suspended", **{purpose: False for purpose in found})


def _status_list_problem(
    list_vc: Any,
    entry: StatusEntry,
    issuer: str | None,
    *,
    resolver: DidResolver,
    document_loader: DocumentLoader,
    now: datetime,
    hash_cache: HashCache | None,
) -> str | None:
    if not isinstance(list_vc, dict):
        return "not a credential"
    if "BitstringStatusListCredential" not in _types(list_vc.get("type")):
        return "not a BitstringStatusListCredential"
    if list_vc.get("id") not in (None, entry.list_url):
        return "its id differs from the URL it was fetched for"
    proof = check_proof(list_vc, resolver=resolver, document_loader=document_loader, now=now, hash_cache=hash_cache)
    if not proof.verified:
        return f"its proof does not verify ({proof.code}: {proof.reason})"
    if issuer_id(list_vc) != issuer or proof.controller != issuer:
        return "it was not issued and signed by the credential's issuer"
    period = check_validity_period(list_vc, now=now)
    if period.failed:
        return f"the list itself is not valid now ({period.reason})"
    subject = list_vc.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
        return "credentialSubject is not a BitstringStatusList"
    if entry.purpose not in _types(subject.get("statusPurpose")):
        return f"the list is not for {entry.purpose!r}"
    return None


def verify_credential(
    credential: Any,
    *,
    document_loader: DocumentLoader | None = None,
    resolver: DidResolver | None = None,
    status_lookup: StatusLookup | None = None,
    trust_registry: TrustRegistry | None = None,
    now: datetime | None = None,
    require_open_badge: bool = True,
    status_list_cache: HashCache | None = None,
) -> VerificationResult:
    """Verify ``credential`` (a parsed JSON value). Never raises for a bad credential.

    Without ``trust_registry`` the ``registered_issuer`` check is skipped and the
    issuer check only confirms that the key belongs to the issuer's DID. Without
    ``status_lookup`` the status check is skipped. ``status_list_cache`` memoizes the
    canonical hashes of status list credentials, which thousands of certificates share
    (their signatures are still checked every time).
    """
    loader = document_loader or default_document_loader()
    dids = _ResolveOnce(resolver or StaticDidResolver())
    moment = now or utcnow()
    if not isinstance(credential, dict):
        skipped = tuple(_skipped(cid, "not checked: the input is not a JSON object") for cid in CHECK_IDS[1:])
        structure = _failed(STRUCTURE, "not_an_object", "the input is not a JSON object")
        return VerificationResult(False, (structure, *skipped), ("the input is not a JSON object",))
    try:
        return _verify(
            credential,
            loader=loader,
            resolver=dids,
            status_lookup=status_lookup,
            trust_registry=trust_registry,
            now=moment,
            status_list_cache=status_list_cache,
            require_open_badge=require_open_badge,
        )
    except RecursionError:
        return _fatal("the input is nested too deeply")
    except Exception as exc:  # noqa: BLE001 - the contract is: never raise for a bad credential
        return _fatal(f"unexpected error while verifying: {type(exc).__name__}")


def _fatal(message: str) -> VerificationResult:
    checks = (
        _failed(STRUCTURE, "unprocessable", message),
        *(_skipped(cid, "not checked: " + message) for cid in CHECK_IDS[1:]),
    )
    return VerificationResult(False, checks, (message,))


def _verify(
    credential: dict[str, Any],
    *,
    loader: DocumentLoader,
    resolver: DidResolver,
    status_lookup: StatusLookup | None,
    trust_registry: TrustRegistry | None,
    now: datetime,
    require_open_badge: bool,
    status_list_cache: HashCache | None,
) -> VerificationResult:
    issuer = issuer_id(credential)
    structure = check_structure(credential, document_loader=loader, require_open_badge=require_open_badge)
    proof: ProofCheck = check_proof(credential, resolver=resolver, document_loader=loader, now=now)
    if proof.verified:
        signature = _passed(VALID_SIGNATURE, f"valid {proof.cryptosuite} signature", cryptosuite=proof.cryptosuite)
    else:
        signature = _failed(VALID_SIGNATURE, proof.code, proof.reason)
    signed_at = proof.created or parse_datetime_stamp(credential.get("validFrom"))

    if not proof.verified and proof.code != "proof_expired":
        # A key named by a forged or broken proof proves nothing about the issuer.
        issuer_key = _skipped(ISSUER_KEY, "not checked: the signature did not pass")
    elif issuer is None:
        issuer_key = _failed(ISSUER_KEY, "missing_issuer", "the credential names no issuer")
    elif proof.controller != issuer:
        issuer_key = _failed(
            ISSUER_KEY, "key_not_issuers", f"signed with a key of {proof.controller}, but the issuer is {issuer}"
        )
    else:
        issuer_key = _passed(ISSUER_KEY, f"signed with a key of the issuer {issuer}")

    if trust_registry is None:
        registered = _skipped(REGISTERED_ISSUER, "no trust registry given: membership not checked", "no_registry")
    elif not (signature.passed and issuer_key.passed) or issuer is None or proof.verification_method is None:
        registered = _skipped(REGISTERED_ISSUER, "not checked: the signature or issuer key did not pass")
    else:
        decision = trust_registry.decide(
            issuer=issuer, verification_method=proof.verification_method, signed_at=signed_at
        )
        registered = (
            _passed(REGISTERED_ISSUER, decision.reason or "registered issuer", **decision.details)
            if decision.trusted
            else _failed(REGISTERED_ISSUER, decision.code or "not_registered", decision.reason, **decision.details)
        )

    period = check_validity_period(credential, now=now)
    if not signature.passed:
        # Without a valid signature the status entry itself cannot be trusted.
        status = _skipped(STATUS, "not checked: the signature did not pass")
    else:
        try:
            status = check_status(
                credential,
                lookup=status_lookup,
                resolver=resolver,
                document_loader=loader,
                now=now,
                hash_cache=status_list_cache,
            )
        except StatusListError as exc:
            status = _failed(STATUS, "status_list_invalid", str(exc))
    checks = (structure, signature, issuer_key, registered, period, status)
    verified = not any(c.failed for c in checks)
    return VerificationResult(verified, checks, (), issuer, proof.verification_method, signed_at)
