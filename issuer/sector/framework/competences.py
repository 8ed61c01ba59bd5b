"""The competences certificates are issued for: the catalogue in the database and the version issued under.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from issuer.catalogue import CatalogueCompetence, load_catalogue
from issuer.core import errors
from issuer.store.models import (
    Competence,
    FrameworkVersion,
)

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
        raise errors.ServiceError("choose a competence", code="required", field="competence")
    version = issuing_version(session)
    query = select(Competence).where(Competence.code == code)
    if version is not None:
        query = query.where(Competence.version == version)
    row = session.execute(query.order_by(Competence.id.desc()).limit(1)).scalar_one_or_none()
    if row is None:
        raise errors.NotFound(f"unknown competence {code!r}", code="unknown_competence", field="competence", value=code)
    if row.status != "active":
        raise errors.ServiceError(
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
