"""What the public verifier needs to know from the service's records, as frozen values.

The verifier judges a credential with the core's ``verify_credential`` and these records:
the member organisations (their keys with history, membership periods and contact
details), the status lists, and the certificates this service issued (to take the
signing moment from our own records, and to show a QR code's certificate). It reads them
through :class:`VerifierRecords`, a small interface that returns values, never database
rows, so the verifier neither knows nor changes how the issuer keeps its data.
:mod:`verifier.sql_records` is the implementation over the service's database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from verifier.registry import Member


@dataclass(frozen=True)
class Contact:
    """Whom a reader can contact about a certificate: the issuing organisation."""

    name: str
    email: str | None = None
    phone: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class MemberRecord:
    """A member organisation: the registry's view of it and how to reach it."""

    member: Member
    contact: Contact


@dataclass(frozen=True)
class StatusListRecord:
    """One signed status list credential of an organisation."""

    slug: str
    sequence: int
    purpose: str  # "revocation" or "suspension"
    credential_json: str | None  # None until the list has been signed
    bits: bytes


@dataclass(frozen=True)
class EnglishTexts:
    """The English texts of an issued certificate's competence, in the framework version it
    was issued under (the credential itself is in Dutch)."""

    name: str | None
    description: str | None
    criteria: str | None  # one per line
    levels: tuple[tuple[str, str, str], ...]  # (code, name, description)


@dataclass(frozen=True)
class IssuedRecord:
    """A certificate this service issued, as far as a public page may use it."""

    public_id: str
    credential_json: str  # exactly what was signed
    issued_at: datetime  # when our records say it was signed (UTC)
    public_page: bool  # the holder has not withdrawn the public page
    holder_erased: bool  # the holder's data was erased
    revocation_category: str | None
    revoked_at: datetime | None
    suspended_at: datetime | None
    english: EnglishTexts | None = None


@dataclass(frozen=True)
class PublishedRecord:
    """A signed document as the full service last published it."""

    document_json: str
    published_at: datetime
    valid_until: datetime | None


class VerifierRecords(Protocol):
    """The records one verification reads (an implementation may remember answers for the
    length of one verification; it is never shared between requests)."""

    def member(self, did: str) -> MemberRecord | None:
        """The member organisation whose did:web is ``did``, with every key it ever had."""

    def member_by_slug(self, slug: str) -> MemberRecord | None:
        """The member organisation with this short name (its did:web ends in it)."""

    def status_list(self, slug: str, sequence: int, purpose: str) -> StatusListRecord | None:
        """Status list ``sequence`` of organisation ``slug`` for ``purpose``."""

    def issued(self, credential_id: str) -> IssuedRecord | None:
        """Our record of the credential with this ``id`` (the caller compares signatures)."""

    def by_public_id(self, public_id: str) -> IssuedRecord | None:
        """The certificate behind a QR code."""

    def by_short_code(self, code: str) -> IssuedRecord | None:
        """The certificate whose printed short code is ``code`` (normalised: no dashes, upper case)."""
