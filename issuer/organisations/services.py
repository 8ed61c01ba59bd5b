"""Organisations and what they publish: shops, signing keys and their rotation, the DID document and the
signed status lists (a list per purpose, filled at random indexes).
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credentials.did import build_did_document
from credentials.jsonld import default_document_loader
from credentials.keys import Ed25519Multikey
from credentials.proofs import add_proof
from credentials.statuslist import MIN_ENTRIES, Bitstring, build_status_list_credential
from credentials.timeutil import format_datetime
from issuer.core import audit_log, basics, errors, identity
from issuer.core.region_names import find_region
from issuer.store.models import (
    Certificate,
    MembershipPeriod,
    Organisation,
    Shop,
    SigningKey,
    StatusList,
)

# A list is left for the next one once half of it is used, so random indexes stay cheap
# to find and every list keeps a large herd (Bitstring Status List §6).
LIST_FILL_LIMIT = MIN_ENTRIES // 2


# --- organisations, shops, users, participants ---------------------------------------


def get_org(session: Session, slug: str) -> Organisation:
    org = session.execute(select(Organisation).where(Organisation.slug == (slug or "").strip())).scalar_one_or_none()
    if org is None:
        raise errors.NotFound(f"unknown organisation {slug!r}", code="unknown_org", field="org", value=slug)
    return org


def create_organisation(
    session: Session,
    ctx: basics.Context,
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
    if not basics.SLUG.match(slug):
        raise errors.ServiceError(
            "slug must be lowercase letters, digits and hyphens (at most 64)", code="bad_slug", field="slug"
        )
    clean_name = basics.clean_text(name, field="name", max_length=basics.MAX_NAME)
    existing = session.execute(select(Organisation).where(Organisation.slug == slug)).scalar_one_or_none()
    if existing is not None:
        if existing.name != clean_name:
            raise errors.Conflict(f"organisation {slug!r} exists with another name", code="org_exists", field="slug")
        return existing, False
    if contact_email and not basics.EMAIL.match(contact_email):
        raise errors.ServiceError("contact e-mail is not an e-mail address", code="bad_email", field="contact_email")
    moment = basics.now()
    org = Organisation(
        slug=slug,
        name=clean_name or slug,
        did=identity.org_did(ctx.settings, slug),
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
    new_key(session, ctx, org)
    ensure_status_lists(session, ctx, org)
    audit_log.audit(
        session, actor=actor, action="org.create", organisation_id=org.id, subject=slug, details={"name": org.name}
    )
    return org, True


def add_shop(
    session: Session, *, org: Organisation, name: str, actor: str, city: str | None = None, region: str | None = None
) -> Shop:
    """A shop of ``org`` (idempotent on the name). ``region`` is a labour-market region's
    code or name (any spelling, see :func:`issuer.core.region_names.find_region`); unknown is refused."""

    clean = basics.clean_text(name, field="name", max_length=basics.MAX_NAME) or ""
    shop = session.execute(select(Shop).where(Shop.organisation_id == org.id, Shop.name == clean)).scalar_one_or_none()
    if shop is not None:
        return shop
    labour_region = find_region(session, region) if region else None
    if region and labour_region is None:
        raise errors.NotFound("no such labour-market region", code="unknown_region", field="region", value=region)
    shop = Shop(organisation_id=org.id, name=clean, city=city, region_id=labour_region.id if labour_region else None)
    session.add(shop)
    session.flush()
    audit_log.audit(session, actor=actor, action="shop.create", organisation_id=org.id, subject=str(shop.id))
    return shop


# --- keys ----------------------------------------------------------------------------


def new_key(session: Session, ctx: basics.Context, org: Organisation) -> SigningKey:
    key = ctx.signing_store().create(org_slug=org.slug, did=org.did)
    row = SigningKey(
        organisation_id=org.id,
        fragment=key.id.split("#", 1)[1],
        verification_method=key.id,
        public_key_multibase=key.public_key_multibase,
        created_at=basics.now(),
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
        raise errors.ServiceError(f"organisation {org.slug} has no usable signing key", code="no_key")
    return row


def org_keys(session: Session, org: Organisation) -> list[SigningKey]:
    return list(
        session.execute(
            select(SigningKey).where(SigningKey.organisation_id == org.id).order_by(SigningKey.id)
        ).scalars()
    )


def rotate_key(session: Session, ctx: basics.Context, *, org: Organisation, actor: str) -> SigningKey:
    """A new key signs from now on; the old one stays in the DID document (retired)."""
    old = current_key(session, org)
    new = new_key(session, ctx, org)
    old.retired_at = basics.now()
    audit_log.audit(
        session,
        actor=actor,
        action="key.rotate",
        organisation_id=org.id,
        subject=new.verification_method,
        details={"retired": old.verification_method},
    )
    resign_status_lists(session, ctx, org)
    return new


def load_signing_key(ctx: basics.Context, org: Organisation, row: SigningKey) -> Ed25519Multikey:
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


def ensure_status_lists(session: Session, ctx: basics.Context, org: Organisation, sequence: int = 1) -> StatusList:
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
                updated_at=basics.now(),
            )
            session.add(row)
            session.flush()
            _sign_status_list(session, ctx, org, row)
        if purpose == "revocation":
            revocation = row
    assert revocation is not None  # noqa: S101 - the loop above always sets it
    return revocation


def _sign_status_list(session: Session, ctx: basics.Context, org: Organisation, row: StatusList) -> None:
    key_row = current_key(session, org)
    unsigned = build_status_list_credential(
        list_url=identity.status_list_url(ctx.settings, org.slug, row.sequence, row.purpose),
        issuer=org.did,
        purpose=row.purpose,
        bitstring=Bitstring(MIN_ENTRIES, data=row.bits),
        valid_from=format_datetime(basics.now()),
    )
    signed = add_proof(unsigned, key=load_signing_key(ctx, org, key_row), document_loader=default_document_loader())
    row.credential_json = json.dumps(signed, ensure_ascii=False)
    row.updated_at = basics.now()


def resign_status_lists(session: Session, ctx: basics.Context, org: Organisation) -> None:
    for row in session.execute(select(StatusList).where(StatusList.organisation_id == org.id)).scalars():
        _sign_status_list(session, ctx, org, row)


def set_status_bit(session: Session, ctx: basics.Context, cert: Certificate, purpose: str, value: bool) -> None:
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


def allocate_status_index(session: Session, ctx: basics.Context, org: Organisation) -> tuple[StatusList, int]:
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
        current = ensure_status_lists(session, ctx, org)
    used = set(
        session.execute(select(Certificate.status_index).where(Certificate.status_list_id == current.id)).scalars()
    )
    if len(used) >= LIST_FILL_LIMIT:
        current = ensure_status_lists(session, ctx, org, current.sequence + 1)
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
        raise errors.NotFound("no such status list", code="unknown_status_list")
    document: dict[str, Any] = json.loads(row.credential_json)
    return document
