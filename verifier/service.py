"""Verification as the public verifier does it: the core's ``verify_credential`` with
collaborators fed from the service's own records, plus what a person needs to read
the answer (a verdict and the issuing organisation's contact details).

* DID documents of member organisations come from the database (every key the
  organisation ever had, compromised ones included, so a signature by a compromised
  key is recognised and then refused by the trust registry with a clear reason).
* Status lists come from the database; any other URL is "unavailable", never fetched.
* The trust registry accepts an issuer only when it is a member organisation and the
  signing key was its own, existed, and was neither retired nor compromised at the
  time of signing, and the membership period covering that time was active (see
  :mod:`verifier.registry`). For certificates this service issued, that time is taken
  from its own records, not from the proof (which a key holder could backdate).
* Suspension lives in a parallel list at the same index (the OB schema allows only
  one ``credentialStatus``): a suspended certificate fails ``status`` with ``suspended``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from credentials import strictjson
from credentials.did import did_key_document
from credentials.errors import DidResolutionError, StatusListError
from credentials.jsonld import default_document_loader
from credentials.keys import Ed25519Multikey
from credentials.proofs import HashCache
from credentials.statuslist import Bitstring, StatusEntry
from credentials.strictjson import JsonLimits
from credentials.verify import (
    STATUS,
    Check,
    Outcome,
    TrustDecision,
    VerificationResult,
    issuer_id,
    verify_credential,
)
from issuer.store.settings import Settings
from verifier import registry
from verifier.records import Contact, IssuedRecord, StatusListRecord, VerifierRecords
from verifier.sql_records import SqlRecords

# Limits that keep the effort for hostile input bounded (documented in the OpenAPI text).
MAX_JSON_BYTES = 256 * 1024
MAX_DEPTH = 32
# A real certificate has about 150 values and no list longer than a few entries;
# pyld's work grows faster than linearly with values and repeated types.
MAX_NODES = 2_000
MAX_ARRAY = 100

VERDICTS = ("valid", "revoked", "suspended", "expired", "invalid", "not-found", "withdrawn")


class InputRejected(ValueError):
    """The input is not a credential we will look at; ``code`` says why (stable)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# What the verifier reads: one credential (a PDF's attachments are read one by one).
CREDENTIAL_LIMITS = JsonLimits(max_bytes=MAX_JSON_BYTES, max_depth=MAX_DEPTH, max_values=MAX_NODES, max_list=MAX_ARRAY)


def parse_credential_json(raw: bytes | str) -> Any:
    """Parse untrusted JSON strictly (:mod:`credentials.strictjson`) within the verifier's
    limits; InputRejected with the reader's code otherwise."""
    try:
        return strictjson.loads(raw, CREDENTIAL_LIMITS)
    except strictjson.StrictJsonError as exc:
        raise InputRejected(exc.code, exc.message) from None


class RecordsDidResolver:
    """DID documents of member organisations from the records; did:key locally."""

    def __init__(self, records: VerifierRecords):
        self.records = records

    def resolve(self, did: str) -> dict[str, Any]:
        if did.startswith("did:key:"):
            return did_key_document(did)
        found = self.records.member(did)
        if found is None:
            raise DidResolutionError(f"{did} is not a member organisation of this service")
        methods = [
            Ed25519Multikey.from_multikey(
                {"id": k.id, "controller": did, "publicKeyMultibase": k.public_key_multibase}
            ).to_verification_method()
            for k in found.member.keys
        ]
        return {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "verificationMethod": methods,
            "assertionMethod": [m["id"] for m in methods],
        }


_STATUS_PATH = re.compile(r"^/orgs/(?P<slug>[a-z0-9-]{1,64})/status/(?P<seq>\d{1,6})(?:/(?P<purpose>suspension))?$")


class RecordsStatusLookup:
    """Status list credentials from the records, for URLs under this service's base URL."""

    def __init__(self, records: VerifierRecords, base_url: str):
        self.records = records
        self.base = base_url

    def _row(self, url: str) -> StatusListRecord | None:
        if not url.startswith(self.base + "/"):
            return None
        match = _STATUS_PATH.match(url[len(self.base) :])
        if match is None:
            return None
        return self.records.status_list(match["slug"], int(match["seq"]), match["purpose"] or "revocation")

    def status_list(self, url: str) -> dict[str, Any] | None:
        row = self._row(url)
        if row is None or row.credential_json is None:
            return None
        document: dict[str, Any] = json.loads(row.credential_json)
        return document

    def suspended(self, entry: StatusEntry) -> bool | None:
        """The suspension bit for a revocation entry of ours (None when not one of ours)."""
        row = self._row(entry.list_url)
        if row is None or row.purpose != "revocation":
            return None
        suspension = self.records.status_list(row.slug, row.sequence, "suspension")
        if suspension is None:
            return None
        return Bitstring(len(suspension.bits) * 8, data=suspension.bits).get(entry.index)


class MembershipRegistry:
    """The sector's trust registry, read from the service's records: the same rules as a
    verifier working from the published trust list (:func:`verifier.registry.decide`)."""

    def __init__(self, records: VerifierRecords, *, issued_at: datetime | None = None):
        self.records = records
        # From our own records, when the presented credential is exactly one we issued.
        self.issued_at = issued_at

    def decide(self, *, issuer: str, verification_method: str, signed_at: datetime | None) -> TrustDecision:
        found = self.records.member(issuer)
        return registry.decide(
            None if found is None else found.member,
            issuer=issuer,
            verification_method=verification_method,
            signed_at=signed_at,
            recorded_at=self.issued_at,
        )


@dataclass(frozen=True)
class ReaderOutcome:
    """A verification result with what a reader needs next to it."""

    result: VerificationResult
    verdict: str
    contact: Contact | None
    certificate: IssuedRecord | None = None  # our record, when this is exactly a credential we issued


def verdict_of(result: VerificationResult) -> str:
    """The one word a person reads first."""
    failed = {c.id: c for c in result.failed}
    if not failed:
        return "valid"
    hard = {cid for cid in failed if cid not in ("status", "validity_period")}
    if hard:
        return "invalid"
    status = failed.get("status")
    if status is not None:
        if status.code in ("revoked", "suspended"):
            return status.code
        return "invalid"
    return "expired" if failed["validity_period"].code == "expired" else "invalid"


def _contact(records: VerifierRecords, credential: Any) -> Contact | None:
    if not isinstance(credential, dict):
        return None
    did = issuer_id(credential)
    found = records.member(did) if did else None
    return found.contact if found is not None else None  # never what an unknown issuer says of itself


def _with_suspension(
    result: VerificationResult, credential: dict[str, Any], lookup: RecordsStatusLookup
) -> VerificationResult:
    status = result.check(STATUS)
    if not status.passed:
        return result
    try:
        entry = StatusEntry.from_json(credential.get("credentialStatus"))
    except StatusListError:
        return result
    if lookup.suspended(entry):
        suspended = Check(STATUS, Outcome.FAILED, "suspended", "suspended (suspension list, same index)")
        checks = tuple(suspended if c.id == STATUS else c for c in result.checks)
        return dataclasses.replace(result, verified=False, checks=checks)
    return result


# Status lists are shared by thousands of certificates and change only when one is revoked
# or suspended: their canonical hashes are kept per process (bounded; keyed by content).
STATUS_LIST_HASHES = HashCache(maxsize=256)


def verify_with_records(
    records: VerifierRecords, *, base_url: str, credential: Any, now: datetime | None = None
) -> ReaderOutcome:
    """Verify ``credential`` against ``records`` (``base_url``: where our status lists live).
    Never raises for bad input."""
    ours = _stored_original(records, credential)
    lookup = RecordsStatusLookup(records, base_url)
    result = verify_credential(
        credential,
        document_loader=default_document_loader(),
        resolver=RecordsDidResolver(records),
        status_lookup=lookup,
        trust_registry=MembershipRegistry(records, issued_at=ours.issued_at if ours else None),
        now=now,
        status_list_cache=STATUS_LIST_HASHES,
    )
    if isinstance(credential, dict) and result.check(STATUS).passed:
        result = _with_suspension(result, credential, lookup)
    return ReaderOutcome(result, verdict_of(result), _contact(records, credential), ours)


def verify_for_reader(
    session: Session, settings: Settings, credential: Any, *, now: datetime | None = None
) -> ReaderOutcome:
    """:func:`verify_with_records` over the service's database."""
    return verify_with_records(SqlRecords(session), base_url=settings.base_url, credential=credential, now=now)


def _proof_value(credential: Any) -> str | None:
    proof = credential.get("proof") if isinstance(credential, dict) else None
    value = proof.get("proofValue") if isinstance(proof, dict) else None
    return value if isinstance(value, str) else None


def _stored_original(records: VerifierRecords, credential: Any) -> IssuedRecord | None:
    """Our record of exactly this credential: same id and same signature value, else None.

    An id alone proves nothing (anyone can copy it into a forgery)."""
    if not isinstance(credential, dict) or not isinstance(credential.get("id"), str):
        return None
    record = records.issued(credential["id"])
    if record is None:
        return None
    presented = _proof_value(credential)
    return record if presented is not None and presented == _proof_value(json.loads(record.credential_json)) else None


def find_public(records: VerifierRecords, public_id: str) -> IssuedRecord | None:
    """The certificate behind a QR code (public ids are random; no listing exists)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", public_id or ""):
        return None
    return records.by_public_id(public_id)
