"""Certificates: issuing (build, sign, store in one transaction), short codes, revoking, suspending and
lifting, and what a compromised key means for the certificates it signed.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credentials.errors import CredentialError
from credentials.jsonld import default_document_loader
from credentials.model import CertificateRequest, Evidence, Holder, IssuerProfile, build_competency_credential
from credentials.proofs import add_proof
from credentials.statuslist import StatusEntry
from issuer.core import audit_log, basics, errors, identity
from issuer.organisations import services as org_services
from issuer.sector.framework import competences
from issuer.store.codes import ACCESS_CODE_ALPHABET, SHORT_CODE_LENGTH, normalise_short_code
from issuer.store.db import aware_utc
from issuer.store.models import (
    Certificate,
    Competence,
    Organisation,
    Participant,
    Shop,
    SigningKey,
    StatusList,
    User,
)

# Test hook for the crash-safety test: called after signing, before the commit.
after_signing_hook: Callable[[], None] | None = None


def holder_name(cert: Certificate, document: dict[str, Any] | None = None) -> str | None:
    """The holder's name for the organisation's own pages: the participant's, or the name
    in the credential (``document``, when parsed already); None once erased."""
    if cert.participant is not None:
        return None if cert.holder_erased else cert.participant.name
    document = document if document is not None else json.loads(cert.credential_json)
    identifiers = document.get("credentialSubject", {}).get("identifier") or [{}]
    name = identifiers[0].get("identityHash") if isinstance(identifiers[0], dict) else None
    return name if isinstance(name, str) else None


def certificate_state(cert: Certificate) -> str:
    """``revoked``, ``suspended`` or ``valid`` (as recorded; the verifier reads the lists)."""
    if cert.revoked_at is not None:
        return "revoked"
    if cert.suspended_at is not None:
        return "suspended"
    return "valid"


# --- certificates --------------------------------------------------------------------


def new_public_id() -> str:
    """At least 128 random bits, URL-safe (23 characters), never starting with "-": a
    command line would read such an id as an option (``credentials pdf -abc``)."""
    while True:
        candidate = secrets.token_urlsafe(17)  # 136 bits; refusing a leading "-" keeps over 135
        if not candidate.startswith("-"):
            return candidate


def short_code_for(public_id: str) -> str:
    """The code printed under the QR for a person without a camera, e.g. ``K7MX-4QPD-9TRW``.

    Derived from the (random) public id, so it needs no randomness of its own: 60 bits,
    in the access-code alphabet (no 0/O or 1/I). Guessing one among a million
    certificates takes about 10^12 tries, against a rate limit. (Migration 0002 holds a
    frozen copy of this function for certificates issued before it existed.)
    """
    digest = hashlib.sha256(("kringloop-short-code:" + public_id).encode()).digest()
    number = int.from_bytes(digest[:8], "big") >> 4
    chars = "".join(ACCESS_CODE_ALPHABET[(number >> (5 * i)) & 31] for i in range(SHORT_CODE_LENGTH - 1, -1, -1))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def find_by_short_code(session: Session, text: str) -> Certificate | None:
    code = normalise_short_code(text)
    if code is None:
        return None
    return session.execute(select(Certificate).where(Certificate.short_code == code)).scalar_one_or_none()


@dataclass
class PendingCertificate:
    """A certificate checked and built, not yet signed or stored (see :func:`issue_certificate`)."""

    org: Organisation
    competence: Competence
    level: str
    unsigned: dict[str, Any]
    public_id: str
    status_list: StatusList
    status_index: int
    key_row: SigningKey
    moment: datetime
    valid_from: datetime
    valid_until: datetime | None
    participant: Participant | None
    supervisor: User | None
    shop: Shop | None
    external_ref: str | None
    idempotency_key: str | None = None


def prepare_certificate(
    session: Session,
    ctx: basics.Context,
    *,
    org: Organisation,
    competence_code: str,
    level: str,
    participant: Participant | None = None,
    holder_name: str | None = None,
    evidence: str | None = None,
    issued_on: datetime | None = None,
    valid_until: datetime | None = None,
    supervisor: User | None = None,
    shop: Shop | None = None,
    external_ref: str | None = None,
    competence: Competence | None = None,
    allocate: Callable[[], tuple[StatusList, int]] | None = None,
    key_row: SigningKey | None = None,
) -> PendingCertificate:
    """Check the input and build the unsigned credential with a newly allocated status
    index; raises ServiceError for bad input. Bulk issuance passes ``competence``,
    ``allocate`` and ``key_row`` it looked up once for many rows."""
    if org.membership != "active":
        raise errors.Forbidden(f"organisation {org.slug} may not issue ({org.membership})", code="org_not_active")
    if participant is not None:
        if participant.organisation_id != org.id:
            raise errors.Forbidden(
                "that participant belongs to another organisation", code="wrong_org", field="participant"
            )
        if participant.erased_at is not None or not participant.name:
            raise errors.ServiceError(
                "that participant's data was erased", code="participant_erased", field="participant"
            )
        name = participant.name
    else:
        name = basics.clean_text(holder_name, field="holder_name", max_length=basics.MAX_NAME) or ""
    level = str(level or "").strip()
    if level not in basics.LEVELS:
        raise errors.ServiceError(
            "level must be 1, 2 or 3", code="bad_level", field="level", allowed=list(basics.LEVELS)
        )
    competence = competence or competences.get_competence(session, competence_code)
    narrative = basics.clean_text(evidence, field="evidence", max_length=basics.MAX_EVIDENCE, required=False)
    if shop is not None and shop.organisation_id != org.id:
        raise errors.Forbidden("that shop belongs to another organisation", code="wrong_org", field="shop")
    if supervisor is not None and supervisor.organisation_id != org.id:
        raise errors.Forbidden("that supervisor belongs to another organisation", code="wrong_org", field="supervisor")
    ref = basics.clean_text(external_ref, field="external_ref", max_length=200, required=False)
    moment = basics.now()
    valid_from = (issued_on or moment).astimezone(UTC) if (issued_on or moment).tzinfo else (issued_on or moment)
    if valid_from > moment:
        raise errors.ServiceError("the issue date cannot be in the future", code="future_date", field="issued_on")

    status_list, index = allocate() if allocate is not None else org_services.allocate_status_index(session, ctx, org)
    key_row = key_row or org_services.current_key(session, org)
    entry = competences.competence_entry(competence)
    request = CertificateRequest(
        credential_id=f"urn:uuid:{uuid.uuid4()}",
        issuer=IssuerProfile(
            id=org.did, name=org.name, url=org.website, email=org.contact_email, phone=org.contact_phone
        ),
        competency=entry.to_competency(ctx.settings.base_url),
        holder=Holder(name),
        level_code=level,
        valid_from=valid_from,
        valid_until=valid_until,
        evidence=(Evidence(narrative=narrative, name="Toelichting van de werkbegeleider"),) if narrative else (),
        status=StatusEntry(identity.status_list_url(ctx.settings, org.slug, status_list.sequence), index),
        assessor=(
            IssuerProfile(
                id=f"{ctx.settings.base_url}/orgs/{org.slug}/winkels/{shop.id}", name=f"{org.name}, {shop.name}"
            )
            if shop is not None
            else None
        ),
    )
    try:
        unsigned = build_competency_credential(request)
    except CredentialError as exc:
        raise errors.ServiceError(str(exc), code="cannot_build") from exc
    return PendingCertificate(
        org=org, competence=competence, level=level, unsigned=unsigned, public_id=new_public_id(),
        status_list=status_list, status_index=index, key_row=key_row, moment=moment, valid_from=valid_from,
        valid_until=valid_until, participant=participant, supervisor=supervisor, shop=shop, external_ref=ref,
    )  # fmt: skip


def reference_idempotency_key(external_ref: str) -> str:
    """The idempotency key of a certificate with an external reference (see issuer.bulk)."""
    return hashlib.sha256(("ref\0" + external_ref).encode("utf-8")).hexdigest()


def sign_pending(ctx: basics.Context, pending: PendingCertificate) -> dict[str, Any]:
    try:
        return add_proof(
            pending.unsigned,
            key=org_services.load_signing_key(ctx, pending.org, pending.key_row),
            document_loader=default_document_loader(),
        )
    except CredentialError as exc:
        raise errors.ServiceError(str(exc), code="cannot_build") from exc


def certificate_row(pending: PendingCertificate, signed: dict[str, Any]) -> Certificate:
    """The database row of a signed certificate (not yet added to a session)."""
    return certificate_row_json(pending, json.dumps(signed, ensure_ascii=False))


def certificate_row_json(pending: PendingCertificate, signed_json: str) -> Certificate:
    """The same, from the signed credential's JSON text (as bulk signing workers return it)."""
    return Certificate(
        public_id=pending.public_id,
        credential_id=pending.unsigned["id"],
        organisation_id=pending.org.id,
        shop_id=pending.shop.id if pending.shop else None,
        participant_id=pending.participant.id if pending.participant else None,
        supervisor_id=pending.supervisor.id if pending.supervisor else None,
        competence_id=pending.competence.id,
        framework_version=pending.competence.version,
        level=pending.level,
        credential_json=signed_json,
        status_list_id=pending.status_list.id,
        status_index=pending.status_index,
        signing_key_id=pending.key_row.id,
        issued_at=pending.moment,
        valid_from=pending.valid_from,
        valid_until=pending.valid_until,
        public_page=True,
        external_ref=pending.external_ref,
        short_code=short_code_for(pending.public_id),
        idempotency_key=pending.idempotency_key,
    )


def issue_event(pending: PendingCertificate) -> dict[str, Any]:
    """The audit event of issuing (``audit`` keyword arguments, without the actor)."""
    return {
        "action": "certificate.issue",
        "organisation_id": pending.org.id,
        "subject": pending.public_id,
        "details": {
            "competence": pending.competence.code,
            "level": pending.level,
            "key": pending.key_row.verification_method,
        },
    }


def issue_certificate(
    session: Session,
    ctx: basics.Context,
    *,
    org: Organisation,
    competence_code: str,
    level: str,
    actor: str,
    participant: Participant | None = None,
    holder_name: str | None = None,
    evidence: str | None = None,
    issued_on: datetime | None = None,
    valid_until: datetime | None = None,
    supervisor: User | None = None,
    shop: Shop | None = None,
    external_ref: str | None = None,
    competence: Competence | None = None,
) -> Certificate:
    """Build, sign and store one certificate, with its status index and audit event.

    Everything happens in the caller's transaction: if anything fails before the
    commit (even after signing), nothing is stored and no status index is used.
    ``competence``: a given framework version's row (a re-issue keeps the original's).
    """
    pending = prepare_certificate(
        session, ctx, org=org, competence_code=competence_code, level=level, participant=participant,
        holder_name=holder_name, evidence=evidence, issued_on=issued_on, valid_until=valid_until,
        supervisor=supervisor, shop=shop, external_ref=external_ref, competence=competence,
    )  # fmt: skip
    if pending.external_ref:
        # Bulk issuance recognises a row by this key: a later bulk row (file or API) with the
        # same external reference is skipped, not issued twice.
        pending.idempotency_key = reference_idempotency_key(pending.external_ref)
    signed = sign_pending(ctx, pending)
    if after_signing_hook is not None:
        after_signing_hook()
    cert = certificate_row(pending, signed)
    session.add(cert)
    try:
        session.flush()
    except IntegrityError as exc:
        raise errors.Conflict(
            "a certificate with that external reference exists", code="duplicate", field="external_ref"
        ) from exc
    audit_log.audit(session, actor=actor, **issue_event(pending))
    return cert


def get_certificate(session: Session, public_id: str, *, org: Organisation | None = None) -> Certificate:
    """A certificate by public id; with ``org``, only that organisation's (else NotFound)."""
    cert = session.execute(
        select(Certificate).where(Certificate.public_id == (public_id or "").strip())
    ).scalar_one_or_none()
    if cert is None or (org is not None and cert.organisation_id != org.id):
        raise errors.NotFound(f"no certificate {public_id!r}", code="unknown_certificate", field="public_id")
    return cert


def _publish_status_change(
    session: Session,
    ctx: basics.Context,
    *,
    cert: Certificate,
    purpose: str,
    flagged: bool,
    action: str,
    actor: str,
    details: dict[str, Any],
) -> Certificate:
    """Set or clear the certificate's bit in the ``purpose`` list, re-sign it, audit the change."""
    org_services.set_status_bit(session, ctx, cert, purpose, flagged)
    audit_log.audit(
        session,
        actor=actor,
        action=action,
        organisation_id=cert.organisation_id,
        subject=cert.public_id,
        details=details,
    )
    return cert


# Why a certificate was revoked, as the public verify page may say it (the free-text reason
# may name the holder or their situation, so only staff see that). "key_compromised" is set
# by mark_compromised only.
REVOCATION_CATEGORIES: Final = ("issued_in_error", "details_wrong", "replaced", "other")
SYSTEM_REVOCATION_CATEGORIES: Final = ("key_compromised",)


def check_revocation_category(category: str | None) -> str:
    """The category, or a ServiceError naming the ones a person may choose."""
    if category not in REVOCATION_CATEGORIES:
        raise errors.ServiceError(
            f"choose why the certificate is revoked: one of {', '.join(REVOCATION_CATEGORIES)}",
            code="bad_category" if category else "required",
            field="category",
        )
    return category


def revoke(
    session: Session, ctx: basics.Context, *, cert: Certificate, reason: str, actor: str, category: str = "other"
) -> Certificate:
    """Revoke for good (sets the revocation bit and re-signs the list). ``category`` is what
    the public page says about why (one of REVOCATION_CATEGORIES); ``reason`` stays internal."""
    text = basics.clean_text(reason, field="reason", max_length=basics.MAX_REASON) or ""
    chosen = check_revocation_category(category)
    if cert.revoked_at is not None:
        raise errors.Conflict("this certificate is already revoked", code="already_revoked")
    cert.revoked_at, cert.revocation_reason, cert.revocation_category = basics.now(), text, chosen
    return _publish_status_change(
        session,
        ctx,
        cert=cert,
        purpose="revocation",
        flagged=True,
        action="certificate.revoke",
        actor=actor,
        details={"reason": text, "category": chosen},
    )


def suspend(session: Session, ctx: basics.Context, *, cert: Certificate, reason: str, actor: str) -> Certificate:
    """Suspend until lifted (sets the bit in the suspension list)."""
    text = basics.clean_text(reason, field="reason", max_length=basics.MAX_REASON) or ""
    if cert.revoked_at is not None:
        raise errors.Conflict("a revoked certificate cannot be suspended", code="already_revoked")
    if cert.suspended_at is not None:
        raise errors.Conflict("this certificate is already suspended", code="already_suspended")
    cert.suspended_at, cert.suspension_reason = basics.now(), text
    return _publish_status_change(
        session,
        ctx,
        cert=cert,
        purpose="suspension",
        flagged=True,
        action="certificate.suspend",
        actor=actor,
        details={"reason": text},
    )


def lift_suspension(
    session: Session, ctx: basics.Context, *, cert: Certificate, reason: str, actor: str
) -> Certificate:
    """Lift a suspension (clears the bit in the suspension list)."""
    text = basics.clean_text(reason, field="reason", max_length=basics.MAX_REASON) or ""
    if cert.suspended_at is None:
        raise errors.Conflict("this certificate is not suspended", code="not_suspended")
    cert.suspended_at, cert.suspension_reason = None, None
    return _publish_status_change(
        session,
        ctx,
        cert=cert,
        purpose="suspension",
        flagged=False,
        action="certificate.unsuspend",
        actor=actor,
        details={"reason": text},
    )


def mark_compromised(
    session: Session, ctx: basics.Context, *, org: Organisation, fragment: str, actor: str, reissue: bool = True
) -> list[tuple[Certificate, Certificate | None]]:
    """Mark a key compromised; it leaves the DID document at once. Every certificate it
    signed is revoked ("key compromised") and, with ``reissue``, issued again with the
    current key (same holder, competence, level, evidence and date). Returns
    (old, new) pairs."""
    row = session.execute(
        select(SigningKey).where(SigningKey.organisation_id == org.id, SigningKey.fragment == fragment)
    ).scalar_one_or_none()
    if row is None:
        raise errors.NotFound(f"no key {fragment!r} for {org.slug}", code="unknown_key", field="key")
    if row.compromised_at is not None:
        raise errors.Conflict("this key is already marked compromised", code="already_compromised")
    was_current = row.id == org_services.current_key(session, org).id
    row.compromised_at = basics.now()
    if was_current:
        org_services.new_key(session, ctx, org)
    org_services.resign_status_lists(session, ctx, org)
    audit_log.audit(
        session, actor=actor, action="key.compromised", organisation_id=org.id, subject=row.verification_method
    )
    affected = (
        session.execute(
            select(Certificate).where(Certificate.signing_key_id == row.id, Certificate.revoked_at.is_(None))
        )
        .scalars()
        .all()
    )
    results: list[tuple[Certificate, Certificate | None]] = []
    for old in affected:
        new = None
        if reissue and not old.holder_erased:  # an erased holder's name is gone: nobody to re-issue to
            signed = json.loads(old.credential_json)
            evidence = signed.get("evidence", [{}])[0].get("narrative") if signed.get("evidence") else None
            holder = signed["credentialSubject"]["identifier"][0]["identityHash"]
            new = issue_certificate(
                session,
                ctx,
                org=org,
                competence_code=old.competence.code,
                competence=old.competence,  # the same texts, even if retired since
                level=old.level,
                actor=actor,
                participant=old.participant,
                holder_name=holder,
                evidence=evidence,
                issued_on=aware_utc(old.valid_from),
                valid_until=aware_utc(old.valid_until),
                supervisor=old.supervisor,
                shop=old.shop,
            )
            new.public_page = old.public_page
            old.replaced_by_id = new.id
        old.revoked_at, old.revocation_reason, old.revocation_category = (
            basics.now(),
            "key_compromised",
            "key_compromised",
        )
        _publish_status_change(
            session,
            ctx,
            cert=old,
            purpose="revocation",
            flagged=True,
            action="certificate.revoke",
            actor=actor,
            details={"reason": "key_compromised", "replaced_by": new.public_id if new else None},
        )
        results.append((old, new))
    return results


def certificates_for_org(
    session: Session, org: Organisation, *, limit: int = 200, offset: int = 0
) -> Sequence[Certificate]:
    return (
        session.execute(
            select(Certificate)
            .where(Certificate.organisation_id == org.id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
            .limit(limit)
            .offset(offset)
        )
        .scalars()
        .all()
    )


def count_certificates(session: Session, org: Organisation) -> int:
    return int(
        session.execute(
            select(func.count()).select_from(Certificate).where(Certificate.organisation_id == org.id)
        ).scalar_one()
    )
