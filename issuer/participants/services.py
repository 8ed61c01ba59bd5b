"""Participants (the holders): recording them, their personal access code, what they hold, their data and
erasing it.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credentials.timeutil import format_datetime
from issuer.certificates import services as cert_services
from issuer.core import audit_log, basics, errors
from issuer.store.codes import ACCESS_CODE_ALPHABET
from issuer.store.db import aware_utc
from issuer.store.models import (
    AuditEvent,
    Certificate,
    Organisation,
    Participant,
    Shop,
)

ACCESS_CODE_LENGTH = 16  # 16 characters of 5 bits = 80 bits


def new_access_code() -> str:
    raw = "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, ACCESS_CODE_LENGTH, 4))


def access_code_digest(code: str) -> str:
    """SHA-256 of the normalised code (80 random bits: no offline guessing; no secret
    needed, so rotating the session secret never locks holders out)."""
    normalised = re.sub(r"[\s-]", "", (code or "").upper()).replace("O", "0").replace("I", "1")
    return hashlib.sha256(("kringloop-access-code:" + normalised).encode()).hexdigest()


def add_participant(
    session: Session, *, org: Organisation, name: str, actor: str, email: str | None = None, shop: Shop | None = None
) -> tuple[Participant, str]:
    """Record a holder; returns the participant and their new access code (shown once)."""
    clean = basics.clean_text(name, field="holder_name", max_length=basics.MAX_NAME)
    email = (email or "").strip() or None
    if email and not basics.EMAIL.match(email):
        raise errors.ServiceError("not an e-mail address", code="bad_email", field="email")
    if shop is not None and shop.organisation_id != org.id:
        raise errors.Forbidden("that shop belongs to another organisation", code="wrong_org", field="shop")
    code = new_access_code()
    participant = Participant(
        organisation_id=org.id,
        shop_id=shop.id if shop else None,
        name=clean,
        email=email,
        access_code_digest=access_code_digest(code),
        created_at=basics.now(),
    )
    session.add(participant)
    session.flush()
    audit_log.audit(
        session, actor=actor, action="participant.create", organisation_id=org.id, subject=str(participant.id)
    )
    return participant, code


def replace_access_code(session: Session, *, participant: Participant, actor: str) -> str:
    code = new_access_code()
    participant.access_code_digest = access_code_digest(code)
    audit_log.audit(
        session,
        actor=actor,
        action="participant.new_code",
        organisation_id=participant.organisation_id,
        subject=str(participant.id),
    )
    return code


def get_participant(session: Session, number: str | int, *, org_slug: str | None = None) -> Participant:
    """A participant by number (optionally only within one organisation); NotFound when
    there is none or their data was erased."""
    text = str(number).strip()
    participant = session.get(Participant, int(text)) if text.isascii() and text.isdigit() and len(text) < 19 else None
    if participant is not None and org_slug is not None and participant.organisation.slug != org_slug:
        participant = None
    if participant is None or participant.erased_at is not None:
        raise errors.NotFound(f"no participant {text!r}", code="unknown_participant", field="holder")
    return participant


def participant_by_code(session: Session, code: str) -> Participant | None:
    """The holder whose personal code this is; None for any code that is not one (erased
    holders have no code)."""
    if not code or len(code) > 64:
        return None
    return session.execute(
        select(Participant).where(
            Participant.access_code_digest == access_code_digest(code), Participant.erased_at.is_(None)
        )
    ).scalar_one_or_none()


def holder_certificates(session: Session, participant: Participant) -> list[Certificate]:
    """The holder's certificates, newest first, without those replaced by a re-issue."""
    return list(
        session.execute(
            select(Certificate)
            .where(Certificate.participant_id == participant.id, Certificate.replaced_by_id.is_(None))
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        ).scalars()
    )


def holder_certificate(session: Session, participant: Participant, public_id: str) -> Certificate:
    """One of the holder's own certificates; NotFound for anyone else's (or none)."""
    cert = session.execute(
        select(Certificate).where(
            Certificate.public_id == (public_id or ""), Certificate.participant_id == participant.id
        )
    ).scalar_one_or_none()
    if cert is None:
        raise errors.NotFound("no such certificate", code="unknown_certificate", field="public_id")
    return cert


def set_public_page(session: Session, *, cert: Certificate, shown: bool, actor: str) -> None:
    """Switch the certificate's public page (``/c/<public-id>``) on or off."""
    if cert.public_page == shown:
        return
    cert.public_page = shown
    audit_log.audit(
        session,
        actor=actor,
        action="certificate.public_page_on" if shown else "certificate.public_page_off",
        organisation_id=cert.organisation_id,
        subject=cert.public_id,
    )


def holder_data(session: Session, participant: Participant, *, moment: datetime | None = None) -> dict[str, Any]:
    """Everything the service holds about a holder, as JSON (the right of access).

    The events are those of the audit log about this person or their certificates
    (what happened and when; not which staff member did it)."""
    certificates = list(
        session.execute(
            select(Certificate).where(Certificate.participant_id == participant.id).order_by(Certificate.id)
        ).scalars()
    )
    subjects = [str(participant.id), *(c.public_id for c in certificates)]
    events = session.execute(
        select(AuditEvent)
        .where(AuditEvent.subject.in_(subjects), AuditEvent.organisation_id == participant.organisation_id)
        .order_by(AuditEvent.sequence)
    ).scalars()
    return {
        "about": "All data the kringloop certificate service holds about you / alle gegevens die de "
        "certificatendienst van de kringloop over u bewaart",
        "exported_at": format_datetime(moment or basics.now()),
        "person": {
            "name": participant.name,
            "email": participant.email,
            "organisation": participant.organisation.name,
            "shop": participant.shop.name if participant.shop else None,
            "registered_at": format_datetime(aware_utc(participant.created_at) or basics.now()),
            "personal_code": "stored only as a one-way hash; it cannot be shown again",
        },
        "certificates": [
            {
                "public_id": c.public_id,
                "short_code": c.short_code,
                "competence": c.competence.code,
                "level": c.level,
                "issued_at": _stamp(c.issued_at),
                "valid_from": _stamp(c.valid_from),
                "valid_until": _stamp(c.valid_until),
                "status": cert_services.certificate_state(c),
                "revoked_at": _stamp(c.revoked_at),
                "revocation_reason": c.revocation_reason,
                "revocation_category": c.revocation_category,
                "suspended_at": _stamp(c.suspended_at),
                "suspension_reason": c.suspension_reason,
                "public_page": c.public_page,
                "replaced_by": c.replaced_by_id is not None,
                "shop": c.shop.name if c.shop else None,
                "supervisor": c.supervisor.name if c.supervisor else None,
                "credential": json.loads(c.credential_json),
            }
            for c in certificates
        ],
        "events": [{"at": _stamp(e.at), "action": e.action, "subject": e.subject} for e in events],
    }


def _stamp(moment: datetime | None) -> str | None:
    aware = aware_utc(moment)
    return format_datetime(aware) if aware is not None else None


ERASED = "(gewist)"


def _redacted(credential_json: str) -> str:
    """The stored credential without the holder's name and the supervisor's narrative about
    them. The proof stays, so the holder's own file is still recognised as ours."""
    document = json.loads(credential_json)
    subject = document.get("credentialSubject", {})
    for identity in subject.get("identifier", []) or []:
        if isinstance(identity, dict) and "identityHash" in identity:
            identity["identityHash"] = ERASED
    if "name" in subject:
        subject["name"] = ERASED
    for evidence in document.get("evidence", []) or []:
        if isinstance(evidence, dict) and "narrative" in evidence:
            evidence["narrative"] = ERASED
    return json.dumps(document, ensure_ascii=False)


def erase_participant(session: Session, *, participant: Participant, actor: str) -> int:
    """The right to erasure: the holder's personal data leaves the service.

    Name, e-mail and code go; each certificate keeps only what its bookkeeping needs
    (competence, level, dates, status index, signature value), its public page says
    "withdrawn", and the files the holder has keep verifying (signature, status list,
    and our record of the signature). Returns the number of certificates concerned.
    Their status can still be changed (a revocation still reaches the files).
    """
    if participant.erased_at is not None:
        raise errors.Conflict(
            "that participant's data was erased already", code="participant_erased", field="participant"
        )
    certificates = list(
        session.execute(select(Certificate).where(Certificate.participant_id == participant.id)).scalars()
    )
    for cert in certificates:
        cert.credential_json = _redacted(cert.credential_json)
        cert.public_page = False
    participant.name = None
    participant.email = None
    participant.access_code_digest = None
    participant.erased_at = basics.now()
    audit_log.audit(
        session,
        actor=actor,
        action="participant.erase",
        organisation_id=participant.organisation_id,
        subject=str(participant.id),
        details={"certificates": len(certificates)},
    )
    return len(certificates)
