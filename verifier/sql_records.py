"""The verifier's records (:class:`verifier.records.VerifierRecords`) read from the service's
database, through the data layer only (``issuer.store``).

One :class:`SqlRecords` serves one verification or one page: every organisation, key list
and status list is queried once and remembered until it is dropped. Everything it hands
out is a frozen value; no database row leaves this module.

The membership history of an organisation is reconciled here (:func:`member_of`), so the
issuer's trust list and the verifier read one and the same registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credentials.timeutil import format_datetime
from issuer.store.codes import normalise_short_code
from issuer.store.db import aware_utc
from issuer.store.models import (
    Certificate,
    MembershipPeriod,
    Organisation,
    PublishedDocument,
    SectorKey,
    Shop,
    SigningKey,
    StatusList,
)
from verifier.records import Contact, EnglishTexts, IssuedRecord, MemberRecord, PublishedRecord, StatusListRecord
from verifier.registry import KeyRecord, Member, Period


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def periods_of(session: Session, org: Organisation) -> list[MembershipPeriod]:
    """The stored membership periods of ``org``, in time order."""
    return list(
        session.execute(
            select(MembershipPeriod)
            .where(MembershipPeriod.organisation_id == org.id)
            .order_by(MembershipPeriod.started_at, MembershipPeriod.id)
        ).scalars()
    )


def history(org: Organisation, rows: Sequence[MembershipPeriod]) -> tuple[Period, ...]:
    """The organisation's membership periods, in time order.

    The stored periods, reconciled with the current-state columns: when these were set
    without a period (by older code, or by hand), the current state counts from
    ``membership_changed_at``, or, unknown when, for the whole open period.
    """
    since = aware_utc(org.member_since) or _now()
    periods = [Period(row.status, aware_utc(row.started_at) or since, aware_utc(row.ended_at)) for row in rows] or [
        Period("active", since, None)
    ]
    last = periods[-1]
    if last.status != org.membership or last.end is not None:
        changed = aware_utc(org.membership_changed_at)
        if changed is None or changed <= last.start:
            periods[-1] = Period(org.membership, last.start, None)
        else:
            periods[-1] = Period(last.status, last.start, changed)
            periods.append(Period(org.membership, changed, None))
    return tuple(periods)


def key_records(keys: Sequence[SigningKey | SectorKey]) -> tuple[KeyRecord, ...]:
    since = _now()
    return tuple(
        KeyRecord(
            id=k.verification_method,
            created=aware_utc(k.created_at) or since,
            retired=aware_utc(k.retired_at),
            compromised=aware_utc(k.compromised_at),
            public_key_multibase=k.public_key_multibase,
        )
        for k in keys
    )


def member_of(org: Organisation, keys: Sequence[SigningKey], rows: Sequence[MembershipPeriod]) -> Member:
    """The registry's view of one organisation (see :func:`verifier.registry.decide`)."""
    return Member(
        did=org.did,
        name=org.name,
        slug=org.slug,
        periods=history(org, rows),
        keys=key_records(keys),
        quality_mark=org.quality_mark,
        website=org.website,
    )


def _location(shops: Sequence[Shop]) -> str:
    cities = sorted({s.city for s in shops if s.city})
    return ", ".join(cities) + (", Nederland" if cities else "Nederland")


def _english(data: dict[str, Any]) -> EnglishTexts:
    levels = tuple(
        (str(level.get("code", "")), str(level.get("name_en", "")), str(level.get("description_en", "")))
        for level in data.get("levels", [])
        if isinstance(level, dict)
    )
    return EnglishTexts(data.get("name_en"), data.get("description_en"), data.get("criteria_en"), levels)


def _issued(row: Certificate) -> IssuedRecord:
    return IssuedRecord(
        public_id=row.public_id,
        credential_json=row.credential_json,
        issued_at=aware_utc(row.issued_at) or _now(),
        public_page=row.public_page,
        holder_erased=row.holder_erased,
        revocation_category=row.revocation_category,
        revoked_at=aware_utc(row.revoked_at),
        suspended_at=aware_utc(row.suspended_at),
        english=_english(row.competence.data) if isinstance(row.competence.data, dict) else None,
    )


class SqlRecords:
    """:class:`verifier.records.VerifierRecords` over the service's database session."""

    def __init__(self, session: Session):
        self.session = session
        self._members: dict[str, MemberRecord | None] = {}
        self._lists: dict[tuple[str, int, str], StatusListRecord | None] = {}

    def member(self, did: str) -> MemberRecord | None:
        if did not in self._members:
            org = self.session.execute(select(Organisation).where(Organisation.did == did)).scalar_one_or_none()
            record = None
            if org is not None:
                keys = list(
                    self.session.execute(
                        select(SigningKey).where(SigningKey.organisation_id == org.id).order_by(SigningKey.id)
                    ).scalars()
                )
                contact = Contact(org.name, org.contact_email, org.contact_phone, org.website)
                record = MemberRecord(member_of(org, keys, periods_of(self.session, org)), contact)
            self._members[did] = record
        return self._members[did]

    def member_by_slug(self, slug: str) -> MemberRecord | None:
        did = self.session.execute(select(Organisation.did).where(Organisation.slug == slug)).scalar_one_or_none()
        return None if did is None else self.member(did)

    def sector_keys(self) -> tuple[KeyRecord, ...]:
        """The sector's own keys (the trust list's signer), oldest first."""
        return key_records(list(self.session.execute(select(SectorKey).order_by(SectorKey.id)).scalars()))

    def dcc_registry(self, base_url: str) -> dict[str, Any]:
        """The active members in the Digital Credentials Consortium's "dcc-legacy" registry
        format (``meta`` and ``registry`` keyed by DID, with ``name``, ``location``, ``url``).
        ``meta.updated`` is the last membership change, so the document only changes with it."""
        orgs = list(self.session.execute(select(Organisation).order_by(Organisation.slug)).scalars())
        stamps = [aware_utc(o.membership_changed_at or o.member_since) for o in orgs]
        created = min((aware_utc(o.created_at) for o in orgs), default=None, key=lambda d: d or _now())
        updated = max((s for s in stamps if s is not None), default=None)
        registry = {
            org.did: {"name": org.name, "location": _location(org.shops), "url": org.website or base_url}
            for org in orgs
            if org.membership == "active"
        }
        moment = _now()
        return {
            "meta": {"created": format_datetime(created or moment), "updated": format_datetime(updated or moment)},
            "registry": registry,
        }

    def published(self, name: str) -> PublishedRecord | None:
        """The document the full service last published under ``name`` (the trust list)."""
        row = self.session.get(PublishedDocument, name)
        if row is None:
            return None
        return PublishedRecord(row.document, aware_utc(row.published_at) or _now(), aware_utc(row.valid_until))

    def status_list(self, slug: str, sequence: int, purpose: str) -> StatusListRecord | None:
        key = (slug, sequence, purpose)
        if key not in self._lists:
            row = self.session.execute(
                select(StatusList)
                .join(Organisation)
                .where(Organisation.slug == slug, StatusList.sequence == sequence, StatusList.purpose == purpose)
            ).scalar_one_or_none()
            self._lists[key] = (
                None if row is None else StatusListRecord(slug, sequence, purpose, row.credential_json, bytes(row.bits))
            )
        return self._lists[key]

    def issued(self, credential_id: str) -> IssuedRecord | None:
        row = self.session.execute(
            select(Certificate).where(Certificate.credential_id == credential_id)
        ).scalar_one_or_none()
        return None if row is None else _issued(row)

    def by_public_id(self, public_id: str) -> IssuedRecord | None:
        row = self.session.execute(select(Certificate).where(Certificate.public_id == public_id)).scalar_one_or_none()
        return None if row is None else _issued(row)

    def by_short_code(self, code: str) -> IssuedRecord | None:
        stored = normalise_short_code(code)
        if stored is None:
            return None
        row = self.session.execute(select(Certificate).where(Certificate.short_code == stored)).scalar_one_or_none()
        return None if row is None else _issued(row)
