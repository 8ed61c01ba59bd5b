"""A realistic sample certificate, used by the demo, the benchmark and the tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from credentials.model import (
    Alignment,
    CertificateRequest,
    Competency,
    Evidence,
    Holder,
    IssuerProfile,
    RubricLevel,
    build_competency_credential,
)
from credentials.statuslist import StatusEntry

LEVELS = (
    RubricLevel("1", "Met begeleiding", "Voert de taak uit met hulp en aanwijzingen van de werkbegeleider."),
    RubricLevel("2", "Zelfstandig", "Voert de taak zelfstandig en correct uit."),
    RubricLevel("3", "Kan anderen instrueren", "Voert de taak zelfstandig uit en legt haar uit aan collega's."),
)

SAMPLE_COMPETENCY = Competency(
    id="https://certificaten.kringloop.example/competenties/circ-elektra-testen/v1",
    name="Elektrische apparaten testen en keuren",
    description=(
        "Test tweedehands elektrische apparaten op werking en veiligheid, "
        "noteert de uitkomst en keurt ze goed voor verkoop of voor recycling."
    ),
    criteria=(
        "- Test apparaten volgens de werkinstructie.\n"
        "- Herkent onveilige apparaten en zet ze apart.\n"
        "- Legt de uitkomst vast op het keurlabel."
    ),
    levels=LEVELS,
    alignments=(
        Alignment(
            target_url="http://data.europa.eu/esco/skill/6ee3c966-a880-44c8-b559-6c7b861e6271",
            target_name="improve conditions of second-hand merchandise",
        ),
    ),
    human_code="CIRC-ELEKTRA",
    version="1",
)


def sample_request(
    *, issuer_did: str, status_url: str | None = None, holder_name: str = "Nguyễn Thị Lan"
) -> CertificateRequest:
    return CertificateRequest(
        credential_id="urn:uuid:5b0a3c1e-8f4d-4e62-9d7a-1c2b3a4d5e6f",
        issuer=IssuerProfile(
            id=issuer_did,
            name="Kringloop De Voorbeeldwinkel",
            url="https://www.kringloop.example",
            email="certificaten@kringloop.example",
        ),
        competency=SAMPLE_COMPETENCY,
        holder=Holder(holder_name),
        level_code="2",
        valid_from=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        evidence=(
            Evidence(
                narrative="Heeft in zes weken 40 apparaten getest en gelabeld, zonder fouten.",
                name="Observatie werkbegeleider",
            ),
        ),
        status=StatusEntry(status_url, 94567) if status_url else None,
    )


def sample_credential(*, issuer_did: str, status_url: str | None = None) -> dict[str, Any]:
    """The unsigned sample OpenBadgeCredential."""
    return build_competency_credential(sample_request(issuer_did=issuer_did, status_url=status_url))
