"""The audit log: every change is an event, chained by hash so a changed or missing event shows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credentials.timeutil import format_datetime
from issuer.core import basics
from issuer.store.db import aware_utc
from issuer.store.models import (
    AuditEvent,
    AuditHead,
)

GENESIS_HASH = "0" * 64


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
        at=basics.now(),
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
    sequence, previous, moment = head.sequence, head.hash, basics.now()
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
