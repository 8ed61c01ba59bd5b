"""Database models (SQLAlchemy 2). The schema is created by the Alembic migrations in
``issuer/store/migrations``; ``metadata`` here is what those migrations describe.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("sector_admin", "org_admin", "supervisor")
MEMBERSHIP = ("active", "suspended", "ended")
QUALITY_MARKS = ("erkend", "in_aanvraag", "geen")  # recognised, applied for, none


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(timezone=True), dict[str, Any]: JSON}


class Organisation(Base):
    """A member organisation of the sector; signs under its own did:web."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    did: Mapped[str] = mapped_column(String(300), unique=True)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(300))
    membership: Mapped[str] = mapped_column(String(16), default="active")
    member_since: Mapped[datetime]
    membership_changed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # The branch association's quality mark (see QUALITY_MARKS); shown in the trust list.
    quality_mark: Mapped[str] = mapped_column(String(16), default="geen", server_default="geen")

    shops: Mapped[list[Shop]] = relationship(back_populates="organisation", order_by="Shop.name")


class Shop(Base):
    __tablename__ = "shops"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    # Free text from before regions were data; since migration 0006 only a value that matched
    # no region is kept here, for the sector admin to fix (issuer.regions).
    region: Mapped[str | None] = mapped_column(String(100))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)  # arbeidsmarktregio

    organisation: Mapped[Organisation] = relationship(back_populates="shops")
    labour_region: Mapped[Region | None] = relationship()


class User(Base):
    """Staff: sector admin (no organisation), organisation admin, supervisor."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]

    organisation: Mapped[Organisation | None] = relationship()
    shop: Mapped[Shop | None] = relationship()


class Participant(Base):
    """The holder. ``access_code_digest`` is an HMAC of the portfolio code (never the code)."""

    __tablename__ = "participants"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id"))
    name: Mapped[str | None] = mapped_column(String(200))  # None once erased
    email: Mapped[str | None] = mapped_column(String(254))
    access_code_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    erased_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    shop: Mapped[Shop | None] = relationship()


class Competence(Base):
    """One version of a competence of the sector framework (the catalogue entry as JSON)."""

    __tablename__ = "competences"
    __table_args__ = (UniqueConstraint("code", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(16))
    group: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="active")
    data: Mapped[dict[str, Any]]


class SigningKey(Base):
    """The public part and history of an organisation's key (private part in the key store)."""

    __tablename__ = "signing_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    fragment: Mapped[str] = mapped_column(String(64))
    verification_method: Mapped[str] = mapped_column(String(400), unique=True)
    public_key_multibase: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
    compromised_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()


class StatusList(Base):
    """A Bitstring Status List of an organisation (``bits`` raw, 131,072 entries)."""

    __tablename__ = "status_lists"
    __table_args__ = (UniqueConstraint("organisation_id", "purpose", "sequence"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    purpose: Mapped[str] = mapped_column(String(16))
    sequence: Mapped[int] = mapped_column(Integer)
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    credential_json: Mapped[str | None] = mapped_column(Text)  # the signed list credential
    updated_at: Mapped[datetime]

    organisation: Mapped[Organisation] = relationship()


class Certificate(Base):
    """An issued certificate: the signed JSON exactly as signed, and its bookkeeping."""

    __tablename__ = "certificates"
    __table_args__ = (
        # The certificate row is the allocation of its status index: a crash before
        # the commit leaves neither the row nor a used index behind.
        UniqueConstraint("status_list_id", "status_index"),
        UniqueConstraint("organisation_id", "external_ref"),
        Index("ix_certificates_org_idempotency_key", "organisation_id", "idempotency_key", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    # Typed by a person without a camera (issuer.documents.short_code_for(public_id)).
    short_code: Mapped[str | None] = mapped_column(String(14), unique=True, index=True)
    credential_id: Mapped[str] = mapped_column(String(100), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    competence_id: Mapped[int] = mapped_column(ForeignKey("competences.id"))
    # The competence framework version it was issued under (issuer.framework); the
    # competence row above is that version's, with the texts the certificate carries.
    framework_version: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(8))
    credential_json: Mapped[str] = mapped_column(Text)
    status_list_id: Mapped[int] = mapped_column(ForeignKey("status_lists.id"))
    status_index: Mapped[int] = mapped_column(Integer)
    signing_key_id: Mapped[int] = mapped_column(ForeignKey("signing_keys.id"))
    issued_at: Mapped[datetime]
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    # Why, in words a public page may show (services.REVOCATION_CATEGORIES); the reason above is staff-only.
    revocation_category: Mapped[str | None] = mapped_column(String(32))
    suspended_at: Mapped[datetime | None]
    suspension_reason: Mapped[str | None] = mapped_column(Text)
    public_page: Mapped[bool] = mapped_column(Boolean, default=True)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    external_ref: Mapped[str | None] = mapped_column(String(200))
    # Bulk issuance: a row is issued once (issuer.bulk.idempotency_key); unique per organisation.
    idempotency_key: Mapped[str | None] = mapped_column(String(64))

    organisation: Mapped[Organisation] = relationship()
    shop: Mapped[Shop | None] = relationship()
    participant: Mapped[Participant | None] = relationship()
    supervisor: Mapped[User | None] = relationship()
    competence: Mapped[Competence] = relationship()
    status_list: Mapped[StatusList] = relationship()
    signing_key: Mapped[SigningKey] = relationship()

    @property
    def holder_erased(self) -> bool:
        """The holder's data was erased: what is stored is no longer the file they hold
        (redacted), and nothing of it is shown or handed out."""
        return self.participant is not None and self.participant.erased_at is not None


class AuditEvent(Base):
    """Append-only, hash-chained log: ``hash`` = SHA-256(previous hash ‖ this event)."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    subject: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """One row: the chain's last sequence and hash. Locking it serialises appends."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class ApiToken(Base):
    """A token of the integration API (``/api/v1``): one organisation, scopes ``issue``
    and/or ``revoke``. Only the SHA-256 of the token is stored; it is shown once."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))  # the first characters, to recognise it in a list
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(64))  # comma-separated: "issue", "revoke"
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()


class BulkJob(Base):
    """A CSV upload of the supervisor pages: ``state`` is ``checked`` (previewed, waiting
    for the confirmation), ``running``, ``done`` or ``failed``. ``source`` (the file, with
    holders' names) is cleared when the job ends; ``result`` keeps per-row outcomes."""

    __tablename__ = "bulk_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(200))
    source: Mapped[bytes | None] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(16))
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


# --- Part A (issue 9): trust registry, membership periods and the sector's own key ----------


class MembershipPeriod(Base):
    """One period of an organisation's membership: ``status`` (see MEMBERSHIP) from
    ``started_at`` until ``ended_at`` (None: still so). The periods of an organisation follow
    each other without gaps; the open one matches ``Organisation.membership``. The verifier
    judges a signature by the period that covers its moment, so a lifted suspension is
    remembered."""

    __tablename__ = "membership_periods"
    __table_args__ = (Index("ix_membership_periods_org", "organisation_id", "started_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(300))

    organisation: Mapped[Organisation] = relationship()


class SectorKey(Base):
    """A key of the sector's own did:web (the branch association), which signs the trust
    list. The private part is in the key store (``_sector/<fragment>.pem``)."""

    __tablename__ = "sector_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    fragment: Mapped[str] = mapped_column(String(64), unique=True)
    verification_method: Mapped[str] = mapped_column(String(400), unique=True)
    public_key_multibase: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
    compromised_at: Mapped[datetime | None]


# --- Part B (issue 9): competence framework governance --------------------------------------


class FrameworkVersion(Base):
    """A version of the shared competence framework. ``state`` is ``draft`` (the sector
    admin is preparing it; at most one) or ``published`` (never changed again). The
    version's competences are the ``competences`` rows whose ``version`` is ``number``."""

    __tablename__ = "framework_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)  # the change note, required to publish
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(300))
    published_at: Mapped[datetime | None]
    published_by: Mapped[str | None] = mapped_column(String(300))


class CompetenceProposal(Base):
    """A local competence a member organisation proposes for the shared framework;
    ``state`` is ``pending``, ``adopted`` (into draft ``adopted_version`` as
    ``adopted_code``) or ``declined`` (with ``decision_reason``)."""

    __tablename__ = "competence_proposals"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    proposed_by: Mapped[str] = mapped_column(String(300))
    group: Mapped[str] = mapped_column(String(32))
    name_nl: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    description_nl: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    criteria_nl: Mapped[str] = mapped_column(Text)
    criteria_en: Mapped[str | None] = mapped_column(Text)
    esco: Mapped[list[str]] = mapped_column(JSON)  # ESCO skill URIs
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(300))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    adopted_code: Mapped[str | None] = mapped_column(String(64))
    adopted_version: Mapped[int | None] = mapped_column(Integer)

    organisation: Mapped[Organisation] = relationship()


# --- Part C (issue 9): labour-market regions and regional figures ---------------------------


class Region(Base):
    """A labour-market region (arbeidsmarktregio): seeded by migration 0006 from
    ``issuer/catalogue/arbeidsmarktregios.csv``, kept up to date by the sector admin.
    ``code`` is a stable key for links and files; ``in_partnership`` marks the regions of
    the current sector partnership."""

    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    in_partnership: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PublishedDocument(Base):
    """A signed document as the full service last published it (the trust list), so that a
    verifier-only process, which holds no signing key, can serve it while it is valid."""

    __tablename__ = "published_documents"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    document: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime]
    valid_until: Mapped[datetime | None]
