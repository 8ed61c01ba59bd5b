"""The sector's trust registry: membership as periods, the sector's own key, and the
published trust lists.

* **Membership** is a history of periods (``membership_periods``): admitting an
  organisation opens an ``active`` period; suspending, ending and reinstating close the
  open period and open the next one, with a reason, in one transaction with an audit
  event. ``Organisation.membership`` stays the current state, which every issuing path
  checks (``org_not_active``), so new issuing stops at once; certificates signed while
  the organisation was a member keep verifying (:mod:`verifier.registry` judges a
  signature by the period covering its moment).
* **The sector's own did:web** is the service's host (``did:web:<host>``, from the base
  URL), its DID document at ``/.well-known/did.json``. Its private keys are in the key
  store like the organisations' (folder ``_sector``); rotation retires the old key, which
  stays in the DID document so trust lists signed before still verify.
* **The trust list** is a VerifiableCredential signed by the sector key with
  ``eddsa-jcs-2022``: every organisation that was ever a member, with its membership
  periods and key history. JCS signs the JSON text itself, so an outside verifier needs
  only a JCS library and Ed25519 to check it; our own verifier also expands it strictly
  (every term is defined by the bundled context :data:`verifier.registry.TRUST_LIST_CONTEXT`,
  so nothing undefined can ride along). It holds no personal data.
* **The DCC registry** is the same list of *active* members in the "dcc-legacy" format of
  the Digital Credentials Consortium's issuer-registry-client.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credentials.did import did_web_from_url
from credentials.jsonld import VC_V2, default_document_loader
from credentials.proofs import EDDSA_JCS_2022, add_proof
from credentials.timeutil import format_datetime, parse_datetime_stamp
from issuer.core import audit_log, basics, errors
from issuer.core.keystore import SECTOR_FOLDER
from issuer.organisations import services as org_services
from issuer.store import published
from issuer.store.models import QUALITY_MARKS, MembershipPeriod, Organisation, SectorKey, SigningKey
from issuer.store.settings import Settings
from verifier.registry import TRUST_LIST_CONTEXT, TRUST_LIST_DOCUMENT, TRUST_LIST_PATH, TRUST_LIST_TYPE, Member

# One reading of the membership history, shared with the public verifier.
from verifier.sql_records import member_of, periods_of

# What each action makes of the membership, and from which states it may start.
ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "suspend": ("suspended", ("active",)),
    "end": ("ended", ("active", "suspended")),
    "reinstate": ("active", ("suspended", "ended")),
}
# A published list is valid for a week: a verifier working from a copy notices when it
# is stale. The served list is re-signed whenever it changes, and at least hourly.
TRUST_LIST_VALIDITY = timedelta(days=7)
RESIGN_AFTER = timedelta(hours=1)
MAX_PHONE = 40
MAX_WEBSITE = 300
_WEBSITE = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$")


# --- membership ---------------------------------------------------------------------------


def clean_quality_mark(value: str | None) -> str:
    mark = (value or "").strip()
    if mark not in QUALITY_MARKS:
        raise errors.ServiceError(
            f"quality mark must be one of {', '.join(QUALITY_MARKS)}", code="bad_quality_mark", field="quality_mark"
        )
    return mark


def clean_website(value: str | None) -> str | None:
    text = basics.clean_text(value, field="website", max_length=MAX_WEBSITE, required=False)
    if text is not None and not _WEBSITE.match(text):
        raise errors.ServiceError("the website must start with https:// or http://", code="bad_website",
                                    field="website")  # fmt: skip
    return text


@dataclass(frozen=True)
class Admission:
    """What the sector admin fills in to admit an organisation."""

    slug: str
    name: str
    contact_email: str | None = None
    contact_phone: str | None = None
    website: str | None = None
    quality_mark: str = "geen"


def check_admission(session: Session, admission: Admission) -> list[errors.ServiceError]:
    """Every problem with ``admission`` (empty when it can be admitted); changes nothing."""
    problems: list[errors.ServiceError] = []

    def attempt(check: Any) -> None:
        try:
            check()
        except errors.ServiceError as exc:
            problems.append(exc)

    slug = (admission.slug or "").strip()
    if not slug:
        problems.append(errors.ServiceError("slug must not be empty", code="required", field="slug"))
    elif not basics.SLUG.match(slug):
        problems.append(errors.ServiceError("slug must be lowercase letters, digits and hyphens (at most 64)",
                                              code="bad_slug", field="slug"))  # fmt: skip
    elif session.execute(select(Organisation.id).where(Organisation.slug == slug)).first() is not None:
        problems.append(errors.Conflict(f"organisation {slug!r} exists already", code="org_exists", field="slug"))
    attempt(lambda: basics.clean_text(admission.name, field="org_name", max_length=basics.MAX_NAME))
    email = (admission.contact_email or "").strip()
    if email and not basics.EMAIL.match(email):
        problems.append(errors.ServiceError("contact e-mail is not an e-mail address", code="bad_email",
                                              field="contact_email"))  # fmt: skip
    attempt(lambda: basics.clean_text(admission.contact_phone, field="contact_phone", max_length=MAX_PHONE,
                                        required=False))  # fmt: skip
    attempt(lambda: clean_website(admission.website))
    attempt(lambda: clean_quality_mark(admission.quality_mark))
    return problems


def admit_organisation(session: Session, ctx: basics.Context, admission: Admission, *, actor: str) -> Organisation:
    """Admit a new member organisation: its did:web, first key, status lists and first
    membership period. A duplicate slug or any bad field is refused (nothing changes)."""
    problems = check_admission(session, admission)
    if problems:
        raise problems[0] if len(problems) == 1 else AdmissionRefused(problems)
    org, _ = org_services.create_organisation(
        session,
        ctx,
        slug=admission.slug.strip(),
        name=admission.name,
        actor=actor,
        contact_email=(admission.contact_email or "").strip() or None,
        contact_phone=basics.clean_text(admission.contact_phone, field="contact_phone", max_length=MAX_PHONE,
                                          required=False),
        website=clean_website(admission.website),
        quality_mark=clean_quality_mark(admission.quality_mark),
    )  # fmt: skip
    audit_log.audit(session, actor=actor, action="org.admit", organisation_id=org.id, subject=org.slug,
                   details={"quality_mark": org.quality_mark})  # fmt: skip
    return org


class AdmissionRefused(errors.ServiceError):
    """Several fields of an admission are refused at once (the pages show each)."""

    def __init__(self, problems: Sequence[errors.ServiceError]):
        super().__init__("; ".join(p.message for p in problems), code="form_invalid", field=problems[0].field)
        self.problems = list(problems)
        self.status = max(p.status for p in problems)


def set_quality_mark(session: Session, *, org: Organisation, quality_mark: str, actor: str) -> None:
    mark = clean_quality_mark(quality_mark)
    if mark == org.quality_mark:
        return
    audit_log.audit(session, actor=actor, action="org.quality_mark", organisation_id=org.id, subject=org.slug,
                   details={"from": org.quality_mark, "to": mark})  # fmt: skip
    org.quality_mark = mark


def change_membership(session: Session, *, org: Organisation, action: str, reason: str, actor: str) -> MembershipPeriod:
    """Suspend, end or reinstate ``org``'s membership from now on, with a reason.

    The organisation row is locked first (PostgreSQL ``FOR UPDATE``; SQLite holds the write
    lock), so a bulk batch storing at the same moment is stored either before (then it was
    issued during membership) or sees the new state and stops. Raises ServiceError
    (``bad_action``, ``required`` reason) or Conflict (``membership_unchanged``,
    ``membership_transition``); nothing changes then.
    """
    if action not in ACTIONS:
        raise errors.ServiceError(f"unknown action {action!r}", code="bad_action", field="action")
    text = basics.clean_text(reason, field="reason", max_length=basics.MAX_REASON) or ""
    target, allowed_from = ACTIONS[action]
    locked = session.execute(select(Organisation).where(Organisation.id == org.id).with_for_update()).scalar_one()
    current = locked.membership
    if current == target:
        raise errors.Conflict(f"the membership of {org.slug} is {current} already", code="membership_unchanged",
                                field="action", state=current)  # fmt: skip
    if current not in allowed_from:
        raise errors.Conflict(f"a membership that is {current} cannot be changed with {action}",
                                code="membership_transition", field="action", state=current)  # fmt: skip
    moment = basics.now()
    rows = periods_of(session, locked)
    for row in rows:
        if row.ended_at is None:
            row.ended_at = moment
    if not rows:  # an organisation from before the periods existed, never backfilled
        session.add(MembershipPeriod(organisation_id=org.id, status=current, ended_at=moment, actor=actor,
                                     started_at=locked.membership_changed_at or locked.member_since))  # fmt: skip
    period = MembershipPeriod(organisation_id=org.id, status=target, started_at=moment, reason=text, actor=actor)
    session.add(period)
    locked.membership, locked.membership_changed_at = target, moment
    session.flush()
    audit_log.audit(session, actor=actor, action=f"org.membership.{action}", organisation_id=org.id,
                   subject=org.slug, details={"from": current, "to": target, "reason": text})  # fmt: skip
    return period


def may_issue(session: Session, org: Organisation) -> None:
    """Refuse (``org_not_active``) when ``org`` is not an active member *now*, read afresh
    from the database (a long bulk run checks before it stores each batch)."""
    membership = session.execute(
        select(Organisation.membership).where(Organisation.id == org.id).with_for_update()
    ).scalar_one()
    if membership != "active":
        raise errors.Forbidden(f"organisation {org.slug} may not issue ({membership})", code="org_not_active")


# --- the sector's own key -------------------------------------------------------------------


def sector_did(settings: Settings) -> str:
    """The sector's did:web: the service's host (and path) from the base URL."""
    return did_web_from_url(settings.base_url)


def sector_keys(session: Session) -> list[SectorKey]:
    return list(session.execute(select(SectorKey).order_by(SectorKey.id)).scalars())


def current_sector_key(session: Session) -> SectorKey:
    usable = [k for k in sector_keys(session) if k.retired_at is None and k.compromised_at is None]
    if not usable:
        raise errors.ServiceError("the sector has no signing key yet (run credentials sector key init)",
                                    code="no_sector_key")  # fmt: skip
    return usable[-1]


def _new_sector_key(session: Session, ctx: basics.Context) -> SectorKey:
    did = sector_did(ctx.settings)
    key = ctx.signing_store().create(org_slug=SECTOR_FOLDER, did=did)
    row = SectorKey(fragment=key.id.split("#", 1)[1], verification_method=key.id,
                    public_key_multibase=key.public_key_multibase, created_at=basics.now())  # fmt: skip
    session.add(row)
    session.flush()
    return row


def ensure_sector_key(session: Session, ctx: basics.Context, *, actor: str) -> tuple[SectorKey, bool]:
    """The sector's current key, made first when there is none (safe to run again)."""
    try:
        return current_sector_key(session), False
    except errors.ServiceError:
        row = _new_sector_key(session, ctx)
    audit_log.audit(session, actor=actor, action="sector.key.create", subject=row.verification_method)
    return row, True


def rotate_sector_key(session: Session, ctx: basics.Context, *, actor: str) -> SectorKey:
    """A new sector key signs from now on; the old one is retired but stays in the DID
    document, so trust lists it signed still verify."""
    old = current_sector_key(session)
    new = _new_sector_key(session, ctx)
    old.retired_at = basics.now()
    audit_log.audit(session, actor=actor, action="sector.key.rotate", subject=new.verification_method,
                   details={"retired": old.verification_method})  # fmt: skip
    return new


# --- the trust list and the DCC registry ----------------------------------------------------


def members(session: Session) -> list[Member]:
    """Every organisation that was ever a member, with its periods and keys (three queries)."""
    orgs = list(session.execute(select(Organisation).order_by(Organisation.slug)).scalars())
    keys: dict[int, list[SigningKey]] = {}
    for key in session.execute(select(SigningKey).order_by(SigningKey.id)).scalars():
        keys.setdefault(key.organisation_id, []).append(key)
    rows: dict[int, list[MembershipPeriod]] = {}
    for row in session.execute(
        select(MembershipPeriod).order_by(MembershipPeriod.started_at, MembershipPeriod.id)
    ).scalars():
        rows.setdefault(row.organisation_id, []).append(row)
    return [member_of(org, keys.get(org.id, []), rows.get(org.id, [])) for org in orgs]


def _member_json(member: Member) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": member.did,
        "type": "MemberOrganisation",
        "name": member.name,
        "slug": member.slug,
        "qualityMark": member.quality_mark,
    }
    if member.website:
        entry["website"] = member.website
    entry["membershipPeriods"] = [
        {"type": "MembershipPeriod", "membershipStatus": p.status, "periodStart": format_datetime(p.start),
         **({"periodEnd": format_datetime(p.end)} if p.end is not None else {})}
        for p in member.periods
    ]  # fmt: skip
    entry["signingKeys"] = [
        {"id": k.id, "type": "SigningKeyRecord", "publicKey": k.public_key_multibase,
         "keyCreated": format_datetime(k.created),
         **({"keyRetired": format_datetime(k.retired)} if k.retired is not None else {}),
         **({"keyCompromised": format_datetime(k.compromised)} if k.compromised is not None else {})}
        for k in member.keys
    ]  # fmt: skip
    return entry


def trust_list_subject(session: Session) -> dict[str, Any]:
    return {"type": "TrustList", "members": [_member_json(m) for m in members(session)]}


def trust_list_credential(settings: Settings, subject: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """The unsigned trust list credential for ``subject`` (see :func:`trust_list_subject`)."""
    return {
        "@context": [VC_V2, TRUST_LIST_CONTEXT],
        "id": settings.base_url + TRUST_LIST_PATH,
        "type": ["VerifiableCredential", TRUST_LIST_TYPE],
        "issuer": sector_did(settings),
        "name": "Leden van de kringloopsector / Members of the Dutch kringloop sector",
        "validFrom": format_datetime(now),
        "validUntil": format_datetime(now + TRUST_LIST_VALIDITY),
        "credentialSubject": subject,
    }


def sign_trust_list(session: Session, ctx: basics.Context, *, now: datetime | None = None) -> dict[str, Any]:
    """The trust list as it is now, signed with the sector's current key (eddsa-jcs-2022)."""
    moment = now or basics.now()
    row = current_sector_key(session)
    key = ctx.signing_store().load(org_slug=SECTOR_FOLDER, fragment=row.fragment, did=sector_did(ctx.settings))
    unsigned = trust_list_credential(ctx.settings, trust_list_subject(session), now=moment)
    return add_proof(unsigned, key=key, document_loader=default_document_loader(), cryptosuite=EDDSA_JCS_2022,
                     created=moment)  # fmt: skip


def _proof_value(document: dict[str, Any]) -> str | None:
    proof = document.get("proof")
    value = proof.get("proofValue") if isinstance(proof, dict) else None
    return value if isinstance(value, str) else None


def publish_trust_list(session: Session, document: dict[str, Any]) -> None:
    """Store a signed trust list for processes without the sector key (a verifier alone
    serves this copy while it is valid; see :mod:`verifier.documents`)."""
    published.publish(session, TRUST_LIST_DOCUMENT, document, published_at=basics.now(),
                      valid_until=parse_datetime_stamp(document.get("validUntil")))  # fmt: skip


class TrustListCache:
    """The last signed trust list of this process, re-used while its content is unchanged
    and it is less than :data:`RESIGN_AFTER` old (signing means a strict JSON-LD expansion)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entry: tuple[str, datetime, dict[str, Any]] | None = None
        self._published: str | None = None  # the proof value of the list last stored

    def needs_publishing(self, document: dict[str, Any]) -> bool:
        """Whether ``document`` (a list this cache handed out) is not yet stored."""
        with self._lock:
            return _proof_value(document) != self._published

    def published(self, document: dict[str, Any]) -> None:
        with self._lock:
            self._published = _proof_value(document)

    def get(self, session: Session, ctx: basics.Context) -> dict[str, Any]:
        subject = trust_list_subject(session)
        digest = (
            hashlib.sha256(json.dumps([ctx.settings.base_url, subject], sort_keys=True).encode("utf-8")).hexdigest()
            + current_sector_key(session).fragment
        )
        moment = basics.now()
        with self._lock:
            entry = self._entry
        if entry is not None and entry[0] == digest and moment - entry[1] < RESIGN_AFTER:
            return entry[2]
        signed = sign_trust_list(session, ctx, now=moment)
        with self._lock:
            self._entry = (digest, moment, signed)
        return signed


TRUST_LISTS = TrustListCache()
