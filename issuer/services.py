"""Business logic of the issuer service, behind small functions the pages, the CLI
and the API share. Views translate :class:`ServiceError` to HTTP; commands to exit codes.

Every function takes the session it works in; callers own the transaction
(``issuer.store.db.session_scope``), so one user action is one transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credentials.did import build_did_document, did_web_from_url
from credentials.errors import CredentialError
from credentials.jsonld import default_document_loader
from credentials.keys import Ed25519Multikey
from credentials.model import CertificateRequest, Evidence, Holder, IssuerProfile, build_competency_credential
from credentials.proofs import add_proof
from credentials.statuslist import MIN_ENTRIES, Bitstring, StatusEntry, build_status_list_credential
from credentials.timeutil import format_datetime
from issuer.catalogue import CatalogueCompetence, load_catalogue
from issuer.keystore import KeyStore
from issuer.region_names import find_region
from issuer.store.codes import ACCESS_CODE_ALPHABET, SHORT_CODE_LENGTH, normalise_short_code
from issuer.store.db import aware_utc
from issuer.store.models import (
    ROLES,
    AuditEvent,
    AuditHead,
    Certificate,
    Competence,
    FrameworkVersion,
    MembershipPeriod,
    Organisation,
    Participant,
    Shop,
    SigningKey,
    StatusList,
    User,
)
from issuer.store.settings import Settings

LEVELS = ("1", "2", "3")
MAX_NAME = 200
MAX_EVIDENCE = 2000
MAX_REASON = 500
# A list is left for the next one once half of it is used, so random indexes stay cheap
# to find and every list keeps a large herd (Bitstring Status List §6).
LIST_FILL_LIMIT = MIN_ENTRIES // 2
GENESIS_HASH = "0" * 64
ACCESS_CODE_LENGTH = 16  # 16 characters of 5 bits = 80 bits

_password_hasher = PasswordHasher()
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_EMAIL = re.compile(r"^(?=.{3,254}$)[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")  # at most 254 characters (RFC 5321)

# Test hook for the crash-safety test: called after signing, before the commit.
after_signing_hook: Callable[[], None] | None = None


class ServiceError(ValueError):
    """A request the service refuses. ``code`` is stable (pages translate it), ``field``
    names the input at fault, ``message`` is English for the CLI and logs."""

    status = 400

    def __init__(self, message: str, *, code: str, field: str | None = None, **params: Any):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.params = params


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409


@dataclass(frozen=True)
class Context:
    """What services need besides the session: settings and the key store."""

    settings: Settings
    keystore: KeyStore | None  # None in verifier-only mode: nothing can be signed

    def signing_store(self) -> KeyStore:
        if self.keystore is None:
            raise Forbidden("this process has no access to signing keys", code="no_keys")
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
            raise ServiceError(
                f"{field} contains a control character ({codepoint}) at position {index + 1}",
                code="control_chars", field=field, position=index + 1, char=codepoint,
            )  # fmt: skip
    if not text:
        if required:
            raise ServiceError(f"{field} must not be empty", code="required", field=field)
        return None
    if len(text) > max_length:
        raise ServiceError(
            f"{field} is longer than {max_length} characters", code="too_long", field=field, max=max_length
        )
    return text


# --- identities and URLs -------------------------------------------------------------


def org_did(settings: Settings, slug: str) -> str:
    return did_web_from_url(settings.base_url, "orgs", slug)


def status_list_url(settings: Settings, slug: str, sequence: int, purpose: str = "revocation") -> str:
    base = f"{settings.base_url}/orgs/{slug}/status/{sequence}"
    return base if purpose == "revocation" else f"{base}/{purpose}"


def verify_url(settings: Settings, public_id: str) -> str:
    return f"{settings.base_url}/c/{public_id}"


# --- audit log -----------------------------------------------------------------------


def _event_hash(prev_hash: str, event: dict[str, Any]) -> str:
    payload = json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _event_payload(event: AuditEvent) -> dict[str, Any]:
    return {
        "sequence": event.sequence,
        "at": format_datetime(aware_utc(event.at) or event.at),
        "actor": event.actor,
        "action": event.action,
        "organisation_id": event.organisation_id,
        "subject": event.subject,
        "details": event.details,
    }


def audit(
    session: Session,
    *,
    actor: str,
    action: str,
    organisation_id: int | None = None,
    subject: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event to the hash chain, in the caller's transaction.

    The head row is locked (SELECT … FOR UPDATE; SQLite holds the write lock
    already), so concurrent transactions append one after the other.
    """
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, sequence=0, hash=GENESIS_HASH)
        session.add(head)
    event = AuditEvent(
        sequence=head.sequence + 1,
        at=now(),
        actor=actor,
        action=action,
        organisation_id=organisation_id,
        subject=subject,
        details=details or {},
        prev_hash=head.hash,
        hash="",
    )
    event.hash = _event_hash(head.hash, _event_payload(event))
    head.sequence, head.hash = event.sequence, event.hash
    session.add(event)
    return event


def audit_many(session: Session, *, actor: str, events: Sequence[dict[str, Any]]) -> None:
    """Append several events (``audit`` keyword arguments without the actor) in one go:
    the head is locked and updated once (bulk issuance)."""
    if not events:
        return
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, sequence=0, hash=GENESIS_HASH)
        session.add(head)
    sequence, previous, moment = head.sequence, head.hash, now()
    rows = []
    for fields in events:
        sequence += 1
        event = AuditEvent(
            sequence=sequence,
            at=moment,
            actor=actor,
            action=fields["action"],
            organisation_id=fields.get("organisation_id"),
            subject=fields.get("subject"),
            details=fields.get("details") or {},
            prev_hash=previous,
            hash="",
        )
        event.hash = previous = _event_hash(previous, _event_payload(event))
        rows.append(event)
    head.sequence, head.hash = sequence, previous
    session.add_all(rows)


def verify_audit_chain(session: Session) -> list[str]:
    """Problems in the audit chain (empty when every link and the head agree)."""
    problems: list[str] = []
    prev = GENESIS_HASH
    expected_sequence = 1
    for event in session.execute(select(AuditEvent).order_by(AuditEvent.sequence)).scalars():
        if event.sequence != expected_sequence:
            problems.append(f"event {expected_sequence} is missing (found {event.sequence})")
        if event.prev_hash != prev:
            problems.append(f"event {event.sequence}: previous hash does not match")
        if _event_hash(event.prev_hash, _event_payload(event)) != event.hash:
            problems.append(f"event {event.sequence}: content does not match its hash")
        prev, expected_sequence = event.hash, event.sequence + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.hash != prev or head.sequence != expected_sequence - 1):
        problems.append("the chain head does not match the last event (events removed at the end?)")
    return problems


# --- catalogue -----------------------------------------------------------------------


def sync_catalogue(session: Session) -> int:
    """Load the shipped catalogue into the database as its framework version (1), published.

    Adds what is missing and brings the shipped version's rows back to the shipped status;
    later versions are made in the service itself (issuer.framework) and are left alone.
    Certificates keep their stored JSON and keep verifying. Returns how many rows were added.
    """
    catalogue = load_catalogue()
    version = catalogue.framework.version
    added = 0
    known = {c.code: c for c in session.execute(select(Competence).where(Competence.version == version)).scalars()}
    for entry in catalogue.competences:
        row = known.get(entry.code)
        if row is None:
            data = entry.to_json()
            session.add(Competence(code=entry.code, version=version, group=entry.group, status=entry.status, data=data))
            added += 1
        elif row.status != entry.status:
            row.status = entry.status
    number = int(version)
    if session.execute(select(FrameworkVersion).where(FrameworkVersion.number == number)).scalar_one_or_none() is None:
        published = datetime.combine(catalogue.framework.published, datetime.min.time(), tzinfo=UTC)
        session.add(
            FrameworkVersion(
                number=number, state="published", note="Eerste versie van het competentiekader (meegeleverd).",
                created_at=published, created_by="catalogue", published_at=published, published_by="catalogue",
            )
        )  # fmt: skip
    return added


def issuing_version(session: Session) -> str | None:
    """The framework version certificates are issued under: the newest published one
    (None in a database that has no published version yet)."""
    number = session.execute(
        select(func.max(FrameworkVersion.number)).where(FrameworkVersion.state == "published")
    ).scalar_one_or_none()
    return None if number is None else str(number)


def get_competence(session: Session, code: str) -> Competence:
    """The competence as the newest published framework version has it; ServiceError when
    that version does not have it or has retired it."""
    code = (code or "").strip().upper()
    if not code:
        raise ServiceError("choose a competence", code="required", field="competence")
    version = issuing_version(session)
    query = select(Competence).where(Competence.code == code)
    if version is not None:
        query = query.where(Competence.version == version)
    row = session.execute(query.order_by(Competence.id.desc()).limit(1)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"unknown competence {code!r}", code="unknown_competence", field="competence", value=code)
    if row.status != "active":
        raise ServiceError(
            f"competence {code!r} is retired (framework version {row.version})",
            code="retired_competence",
            field="competence",
        )
    return row


def competence_entry(row: Competence) -> CatalogueCompetence:
    return CatalogueCompetence.from_json(row.data)


def active_competences(session: Session) -> list[Competence]:
    """The competences that can be issued: active in the newest published framework version."""
    query = select(Competence).where(Competence.status == "active")
    version = issuing_version(session)
    if version is not None:
        query = query.where(Competence.version == version)
    return list(session.execute(query.order_by(Competence.code)).scalars())


# --- organisations, shops, users, participants ---------------------------------------


def get_org(session: Session, slug: str) -> Organisation:
    org = session.execute(select(Organisation).where(Organisation.slug == (slug or "").strip())).scalar_one_or_none()
    if org is None:
        raise NotFound(f"unknown organisation {slug!r}", code="unknown_org", field="org", value=slug)
    return org


def create_organisation(
    session: Session,
    ctx: Context,
    *,
    slug: str,
    name: str,
    actor: str,
    contact_email: str | None = None,
    contact_phone: str | None = None,
    website: str | None = None,
    quality_mark: str = "geen",
) -> tuple[Organisation, bool]:
    """Create a member organisation with its first signing key and its first membership
    period (active from now). Idempotent on ``slug`` (same name: returns the existing one,
    created=False; another name: Conflict)."""
    slug = (slug or "").strip()
    if not _SLUG.match(slug):
        raise ServiceError(
            "slug must be lowercase letters, digits and hyphens (at most 64)", code="bad_slug", field="slug"
        )
    clean_name = clean_text(name, field="name", max_length=MAX_NAME)
    existing = session.execute(select(Organisation).where(Organisation.slug == slug)).scalar_one_or_none()
    if existing is not None:
        if existing.name != clean_name:
            raise Conflict(f"organisation {slug!r} exists with another name", code="org_exists", field="slug")
        return existing, False
    if contact_email and not _EMAIL.match(contact_email):
        raise ServiceError("contact e-mail is not an e-mail address", code="bad_email", field="contact_email")
    moment = now()
    org = Organisation(
        slug=slug,
        name=clean_name or slug,
        did=org_did(ctx.settings, slug),
        contact_email=contact_email,
        contact_phone=contact_phone,
        website=website,
        membership="active",
        member_since=moment,
        created_at=moment,
        quality_mark=quality_mark,
    )
    session.add(org)
    session.flush()
    session.add(MembershipPeriod(organisation_id=org.id, status="active", started_at=moment, actor=actor))
    _new_key(session, ctx, org)
    _ensure_status_lists(session, ctx, org)
    audit(session, actor=actor, action="org.create", organisation_id=org.id, subject=slug, details={"name": org.name})
    return org, True


def add_shop(
    session: Session, *, org: Organisation, name: str, actor: str, city: str | None = None, region: str | None = None
) -> Shop:
    """A shop of ``org`` (idempotent on the name). ``region`` is a labour-market region's
    code or name (any spelling, see :func:`issuer.region_names.find_region`); unknown is refused."""

    clean = clean_text(name, field="name", max_length=MAX_NAME) or ""
    shop = session.execute(select(Shop).where(Shop.organisation_id == org.id, Shop.name == clean)).scalar_one_or_none()
    if shop is not None:
        return shop
    labour_region = find_region(session, region) if region else None
    if region and labour_region is None:
        raise NotFound("no such labour-market region", code="unknown_region", field="region", value=region)
    shop = Shop(organisation_id=org.id, name=clean, city=city, region_id=labour_region.id if labour_region else None)
    session.add(shop)
    session.flush()
    audit(session, actor=actor, action="shop.create", organisation_id=org.id, subject=str(shop.id))
    return shop


def check_password_rules(password: str) -> None:
    """Staff passwords: at least 12 characters, not all one kind, not the e-mail."""
    if not isinstance(password, str) or len(password) < 12:
        raise ServiceError("the password needs at least 12 characters", code="password_short", field="password")
    if len(set(password)) < 5:
        raise ServiceError("the password is too simple", code="password_simple", field="password")


def add_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    role: str,
    actor: str,
    org: Organisation | None = None,
    shop: Shop | None = None,
) -> tuple[User, bool]:
    """Create a staff account (idempotent on e-mail: an existing user is returned unchanged)."""
    email = (email or "").strip().lower()
    if not _EMAIL.match(email):
        raise ServiceError("not an e-mail address", code="bad_email", field="email")
    if role not in ROLES:
        raise ServiceError(f"role must be one of {', '.join(ROLES)}", code="bad_role", field="role")
    if role != "sector_admin" and org is None:
        raise ServiceError("this role needs an organisation", code="org_required", field="org")
    existing = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if existing is not None:
        if existing.role != role or existing.organisation_id != (org.id if org else None):
            raise Conflict(f"user {email} exists with another role or organisation", code="user_exists", field="email")
        return existing, False
    check_password_rules(password)
    if password.lower() == email:
        raise ServiceError("the password must not be the e-mail address", code="password_simple", field="password")
    user = User(
        email=email,
        name=clean_text(name, field="name", max_length=MAX_NAME) or email,
        password_hash=_password_hasher.hash(password),
        role=role,
        organisation_id=org.id if org and role != "sector_admin" else None,
        shop_id=shop.id if shop else None,
        active=True,
        failed_logins=0,
        created_at=now(),
    )
    session.add(user)
    session.flush()
    audit(
        session,
        actor=actor,
        action="user.create",
        organisation_id=user.organisation_id,
        subject=email,
        details={"role": role},
    )
    return user, True


def check_password(user: User, password: str) -> bool:
    try:
        return _password_hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


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
    clean = clean_text(name, field="holder_name", max_length=MAX_NAME)
    email = (email or "").strip() or None
    if email and not _EMAIL.match(email):
        raise ServiceError("not an e-mail address", code="bad_email", field="email")
    if shop is not None and shop.organisation_id != org.id:
        raise Forbidden("that shop belongs to another organisation", code="wrong_org", field="shop")
    code = new_access_code()
    participant = Participant(
        organisation_id=org.id,
        shop_id=shop.id if shop else None,
        name=clean,
        email=email,
        access_code_digest=access_code_digest(code),
        created_at=now(),
    )
    session.add(participant)
    session.flush()
    audit(session, actor=actor, action="participant.create", organisation_id=org.id, subject=str(participant.id))
    return participant, code


def replace_access_code(session: Session, *, participant: Participant, actor: str) -> str:
    code = new_access_code()
    participant.access_code_digest = access_code_digest(code)
    audit(
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
        raise NotFound(f"no participant {text!r}", code="unknown_participant", field="holder")
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
        raise NotFound("no such certificate", code="unknown_certificate", field="public_id")
    return cert


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


def set_public_page(session: Session, *, cert: Certificate, shown: bool, actor: str) -> None:
    """Switch the certificate's public page (``/c/<public-id>``) on or off."""
    if cert.public_page == shown:
        return
    cert.public_page = shown
    audit(
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
        "exported_at": format_datetime(moment or now()),
        "person": {
            "name": participant.name,
            "email": participant.email,
            "organisation": participant.organisation.name,
            "shop": participant.shop.name if participant.shop else None,
            "registered_at": format_datetime(aware_utc(participant.created_at) or now()),
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
                "status": certificate_state(c),
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
        raise Conflict("that participant's data was erased already", code="participant_erased", field="participant")
    certificates = list(
        session.execute(select(Certificate).where(Certificate.participant_id == participant.id)).scalars()
    )
    for cert in certificates:
        cert.credential_json = _redacted(cert.credential_json)
        cert.public_page = False
    participant.name = None
    participant.email = None
    participant.access_code_digest = None
    participant.erased_at = now()
    audit(
        session,
        actor=actor,
        action="participant.erase",
        organisation_id=participant.organisation_id,
        subject=str(participant.id),
        details={"certificates": len(certificates)},
    )
    return len(certificates)


# --- keys ----------------------------------------------------------------------------


def _new_key(session: Session, ctx: Context, org: Organisation) -> SigningKey:
    key = ctx.signing_store().create(org_slug=org.slug, did=org.did)
    row = SigningKey(
        organisation_id=org.id,
        fragment=key.id.split("#", 1)[1],
        verification_method=key.id,
        public_key_multibase=key.public_key_multibase,
        created_at=now(),
    )
    session.add(row)
    session.flush()
    return row


def current_key(session: Session, org: Organisation) -> SigningKey:
    row = (
        session.execute(
            select(SigningKey)
            .where(
                SigningKey.organisation_id == org.id,
                SigningKey.retired_at.is_(None),
                SigningKey.compromised_at.is_(None),
            )
            .order_by(SigningKey.id.desc())
        )
        .scalars()
        .first()
    )
    if row is None:
        raise ServiceError(f"organisation {org.slug} has no usable signing key", code="no_key")
    return row


def org_keys(session: Session, org: Organisation) -> list[SigningKey]:
    return list(
        session.execute(
            select(SigningKey).where(SigningKey.organisation_id == org.id).order_by(SigningKey.id)
        ).scalars()
    )


def rotate_key(session: Session, ctx: Context, *, org: Organisation, actor: str) -> SigningKey:
    """A new key signs from now on; the old one stays in the DID document (retired)."""
    old = current_key(session, org)
    new = _new_key(session, ctx, org)
    old.retired_at = now()
    audit(
        session,
        actor=actor,
        action="key.rotate",
        organisation_id=org.id,
        subject=new.verification_method,
        details={"retired": old.verification_method},
    )
    _resign_status_lists(session, ctx, org)
    return new


def load_signing_key(ctx: Context, org: Organisation, row: SigningKey) -> Ed25519Multikey:
    return ctx.signing_store().load(org_slug=org.slug, fragment=row.fragment, did=org.did)


def did_document(session: Session, org: Organisation) -> dict[str, Any]:
    """The organisation's DID document: every key that is not compromised (retired keys
    stay, so earlier certificates keep verifying)."""
    keys = [
        Ed25519Multikey.from_multikey(
            {"id": k.verification_method, "controller": org.did, "publicKeyMultibase": k.public_key_multibase}
        )
        for k in org_keys(session, org)
        if k.compromised_at is None
    ]
    return build_did_document(org.did, keys)


# --- status lists --------------------------------------------------------------------


def _ensure_status_lists(session: Session, ctx: Context, org: Organisation, sequence: int = 1) -> StatusList:
    revocation = None
    for purpose in ("revocation", "suspension"):
        row = session.execute(
            select(StatusList).where(
                StatusList.organisation_id == org.id, StatusList.purpose == purpose, StatusList.sequence == sequence
            )
        ).scalar_one_or_none()
        if row is None:
            row = StatusList(
                organisation_id=org.id,
                purpose=purpose,
                sequence=sequence,
                bits=bytes(MIN_ENTRIES // 8),
                updated_at=now(),
            )
            session.add(row)
            session.flush()
            _sign_status_list(session, ctx, org, row)
        if purpose == "revocation":
            revocation = row
    assert revocation is not None  # noqa: S101 - the loop above always sets it
    return revocation


def _sign_status_list(session: Session, ctx: Context, org: Organisation, row: StatusList) -> None:
    key_row = current_key(session, org)
    unsigned = build_status_list_credential(
        list_url=status_list_url(ctx.settings, org.slug, row.sequence, row.purpose),
        issuer=org.did,
        purpose=row.purpose,
        bitstring=Bitstring(MIN_ENTRIES, data=row.bits),
        valid_from=format_datetime(now()),
    )
    signed = add_proof(unsigned, key=load_signing_key(ctx, org, key_row), document_loader=default_document_loader())
    row.credential_json = json.dumps(signed, ensure_ascii=False)
    row.updated_at = now()


def _resign_status_lists(session: Session, ctx: Context, org: Organisation) -> None:
    for row in session.execute(select(StatusList).where(StatusList.organisation_id == org.id)).scalars():
        _sign_status_list(session, ctx, org, row)


def _set_status_bit(session: Session, ctx: Context, cert: Certificate, purpose: str, value: bool) -> None:
    revocation = cert.status_list
    row = (
        revocation
        if purpose == "revocation"
        else session.execute(
            select(StatusList).where(
                StatusList.organisation_id == revocation.organisation_id,
                StatusList.purpose == purpose,
                StatusList.sequence == revocation.sequence,
            )
        ).scalar_one()
    )
    bits = Bitstring(MIN_ENTRIES, data=row.bits)
    bits.set(cert.status_index, value)
    row.bits = bits.to_bytes()
    _sign_status_list(session, ctx, cert.organisation, row)


def _allocate_status_index(session: Session, ctx: Context, org: Organisation) -> tuple[StatusList, int]:
    current = (
        session.execute(
            select(StatusList)
            .where(StatusList.organisation_id == org.id, StatusList.purpose == "revocation")
            .order_by(StatusList.sequence.desc())
        )
        .scalars()
        .first()
    )
    if current is None:
        current = _ensure_status_lists(session, ctx, org)
    used = set(
        session.execute(select(Certificate.status_index).where(Certificate.status_list_id == current.id)).scalars()
    )
    if len(used) >= LIST_FILL_LIMIT:
        current = _ensure_status_lists(session, ctx, org, current.sequence + 1)
        used = set()
    while True:
        index = secrets.randbelow(MIN_ENTRIES)
        if index not in used:
            return current, index


def status_list_document(session: Session, *, slug: str, sequence: int, purpose: str) -> dict[str, Any]:
    org = get_org(session, slug)
    row = session.execute(
        select(StatusList).where(
            StatusList.organisation_id == org.id, StatusList.purpose == purpose, StatusList.sequence == sequence
        )
    ).scalar_one_or_none()
    if row is None or row.credential_json is None:
        raise NotFound("no such status list", code="unknown_status_list")
    document: dict[str, Any] = json.loads(row.credential_json)
    return document


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
    ctx: Context,
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
        raise Forbidden(f"organisation {org.slug} may not issue ({org.membership})", code="org_not_active")
    if participant is not None:
        if participant.organisation_id != org.id:
            raise Forbidden("that participant belongs to another organisation", code="wrong_org", field="participant")
        if participant.erased_at is not None or not participant.name:
            raise ServiceError("that participant's data was erased", code="participant_erased", field="participant")
        name = participant.name
    else:
        name = clean_text(holder_name, field="holder_name", max_length=MAX_NAME) or ""
    level = str(level or "").strip()
    if level not in LEVELS:
        raise ServiceError("level must be 1, 2 or 3", code="bad_level", field="level", allowed=list(LEVELS))
    competence = competence or get_competence(session, competence_code)
    narrative = clean_text(evidence, field="evidence", max_length=MAX_EVIDENCE, required=False)
    if shop is not None and shop.organisation_id != org.id:
        raise Forbidden("that shop belongs to another organisation", code="wrong_org", field="shop")
    if supervisor is not None and supervisor.organisation_id != org.id:
        raise Forbidden("that supervisor belongs to another organisation", code="wrong_org", field="supervisor")
    ref = clean_text(external_ref, field="external_ref", max_length=200, required=False)
    moment = now()
    valid_from = (issued_on or moment).astimezone(UTC) if (issued_on or moment).tzinfo else (issued_on or moment)
    if valid_from > moment:
        raise ServiceError("the issue date cannot be in the future", code="future_date", field="issued_on")

    status_list, index = allocate() if allocate is not None else _allocate_status_index(session, ctx, org)
    key_row = key_row or current_key(session, org)
    entry = competence_entry(competence)
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
        status=StatusEntry(status_list_url(ctx.settings, org.slug, status_list.sequence), index),
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
        raise ServiceError(str(exc), code="cannot_build") from exc
    return PendingCertificate(
        org=org, competence=competence, level=level, unsigned=unsigned, public_id=new_public_id(),
        status_list=status_list, status_index=index, key_row=key_row, moment=moment, valid_from=valid_from,
        valid_until=valid_until, participant=participant, supervisor=supervisor, shop=shop, external_ref=ref,
    )  # fmt: skip


def reference_idempotency_key(external_ref: str) -> str:
    """The idempotency key of a certificate with an external reference (see issuer.bulk)."""
    return hashlib.sha256(("ref\0" + external_ref).encode("utf-8")).hexdigest()


def sign_pending(ctx: Context, pending: PendingCertificate) -> dict[str, Any]:
    try:
        return add_proof(
            pending.unsigned,
            key=load_signing_key(ctx, pending.org, pending.key_row),
            document_loader=default_document_loader(),
        )
    except CredentialError as exc:
        raise ServiceError(str(exc), code="cannot_build") from exc


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
    ctx: Context,
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
        raise Conflict(
            "a certificate with that external reference exists", code="duplicate", field="external_ref"
        ) from exc
    audit(session, actor=actor, **issue_event(pending))
    return cert


def get_certificate(session: Session, public_id: str, *, org: Organisation | None = None) -> Certificate:
    """A certificate by public id; with ``org``, only that organisation's (else NotFound)."""
    cert = session.execute(
        select(Certificate).where(Certificate.public_id == (public_id or "").strip())
    ).scalar_one_or_none()
    if cert is None or (org is not None and cert.organisation_id != org.id):
        raise NotFound(f"no certificate {public_id!r}", code="unknown_certificate", field="public_id")
    return cert


def _publish_status_change(
    session: Session,
    ctx: Context,
    *,
    cert: Certificate,
    purpose: str,
    flagged: bool,
    action: str,
    actor: str,
    details: dict[str, Any],
) -> Certificate:
    """Set or clear the certificate's bit in the ``purpose`` list, re-sign it, audit the change."""
    _set_status_bit(session, ctx, cert, purpose, flagged)
    audit(
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
        raise ServiceError(
            f"choose why the certificate is revoked: one of {', '.join(REVOCATION_CATEGORIES)}",
            code="bad_category" if category else "required",
            field="category",
        )
    return category


def revoke(
    session: Session, ctx: Context, *, cert: Certificate, reason: str, actor: str, category: str = "other"
) -> Certificate:
    """Revoke for good (sets the revocation bit and re-signs the list). ``category`` is what
    the public page says about why (one of REVOCATION_CATEGORIES); ``reason`` stays internal."""
    text = clean_text(reason, field="reason", max_length=MAX_REASON) or ""
    chosen = check_revocation_category(category)
    if cert.revoked_at is not None:
        raise Conflict("this certificate is already revoked", code="already_revoked")
    cert.revoked_at, cert.revocation_reason, cert.revocation_category = now(), text, chosen
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


def suspend(session: Session, ctx: Context, *, cert: Certificate, reason: str, actor: str) -> Certificate:
    """Suspend until lifted (sets the bit in the suspension list)."""
    text = clean_text(reason, field="reason", max_length=MAX_REASON) or ""
    if cert.revoked_at is not None:
        raise Conflict("a revoked certificate cannot be suspended", code="already_revoked")
    if cert.suspended_at is not None:
        raise Conflict("this certificate is already suspended", code="already_suspended")
    cert.suspended_at, cert.suspension_reason = now(), text
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


def lift_suspension(session: Session, ctx: Context, *, cert: Certificate, reason: str, actor: str) -> Certificate:
    """Lift a suspension (clears the bit in the suspension list)."""
    text = clean_text(reason, field="reason", max_length=MAX_REASON) or ""
    if cert.suspended_at is None:
        raise Conflict("this certificate is not suspended", code="not_suspended")
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
    session: Session, ctx: Context, *, org: Organisation, fragment: str, actor: str, reissue: bool = True
) -> list[tuple[Certificate, Certificate | None]]:
    """Mark a key compromised; it leaves the DID document at once. Every certificate it
    signed is revoked ("key compromised") and, with ``reissue``, issued again with the
    current key (same holder, competence, level, evidence and date). Returns
    (old, new) pairs."""
    row = session.execute(
        select(SigningKey).where(SigningKey.organisation_id == org.id, SigningKey.fragment == fragment)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no key {fragment!r} for {org.slug}", code="unknown_key", field="key")
    if row.compromised_at is not None:
        raise Conflict("this key is already marked compromised", code="already_compromised")
    was_current = row.id == current_key(session, org).id
    row.compromised_at = now()
    if was_current:
        _new_key(session, ctx, org)
    _resign_status_lists(session, ctx, org)
    audit(session, actor=actor, action="key.compromised", organisation_id=org.id, subject=row.verification_method)
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
        old.revoked_at, old.revocation_reason, old.revocation_category = now(), "key_compromised", "key_compromised"
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
