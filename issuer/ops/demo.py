"""Demo data for the embedded default: one organisation, two shops, staff and
participants, and a few certificates. Idempotent: running it again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.accounts import services as account_services
from issuer.certificates import services as cert_services
from issuer.core import basics
from issuer.organisations import services as org_services
from issuer.participants import services as participant_services
from issuer.sector.framework import services as framework
from issuer.store.models import Certificate, Participant

DEMO_ORG = "kringloop-demo"
DEMO_SUPERVISOR = "werkbegeleider@kringloop-demo.example"
DEMO_ADMIN = "beheer@kringloop-demo.example"
DEMO_SECTOR_ADMIN = "sector@branche.example"
# Development only: printed by `make run`. Production refuses the generated settings.
DEMO_PASSWORD = "demo-wachtwoord-2026"  # noqa: S105 - published demo login of the embedded default
DEMO_PARTICIPANTS = ("Nguyễn Thị Lan", "Mehmet Çelik", "Sara Ødegård", "Marko Ilić")
# The first demo participant's personal code, fixed so the portfolio can be tried at
# /portfolio. Demo data only: a real code is random and shown once.
DEMO_HOLDER_CODE = "KRNG-DEMA-PASS-2345"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: str


def create_demo_data(session: Session, ctx: basics.Context) -> list[DemoLogin]:
    actor = "demo"
    org, _ = org_services.create_organisation(
        session,
        ctx,
        slug=DEMO_ORG,
        name="Kringloop Demo",
        actor=actor,
        contact_email="certificaten@kringloop-demo.example",
        contact_phone="010 123 45 67",
        website="https://www.kringloop-demo.example",
    )
    shop = org_services.add_shop(
        session, org=org, name="Winkel Centrum", city="Rotterdam", region="Rijnmond", actor=actor
    )
    org_services.add_shop(session, org=org, name="Winkel Noord", city="Rotterdam", region="Rijnmond", actor=actor)
    supervisor, _ = account_services.add_user(
        session,
        email=DEMO_SUPERVISOR,
        name="Fatima de Werkbegeleider",
        password=DEMO_PASSWORD,
        role="supervisor",
        org=org,
        shop=shop,
        actor=actor,
    )
    account_services.add_user(
        session, email=DEMO_ADMIN, name="Jan Beheer", password=DEMO_PASSWORD, role="org_admin", org=org, actor=actor
    )
    account_services.add_user(
        session,
        email=DEMO_SECTOR_ADMIN,
        name="Branche Beheer",
        password=DEMO_PASSWORD,
        role="sector_admin",
        actor=actor,
    )
    existing = {
        p.name for p in session.execute(select(Participant).where(Participant.organisation_id == org.id)).scalars()
    }
    for name in DEMO_PARTICIPANTS:
        if name not in existing:
            participant_services.add_participant(session, org=org, name=name, shop=shop, actor=actor)
    if session.execute(select(Certificate).where(Certificate.organisation_id == org.id)).first() is None:
        participants = (
            session.execute(select(Participant).where(Participant.organisation_id == org.id).order_by(Participant.id))
            .scalars()
            .all()
        )
        for participant, code, level in zip(
            participants, ("CIRC-SORTEREN", "DIG-KASSA", "WERK-AFSPRAKEN-NAKOMEN"), ("2", "1", "3"), strict=False
        ):
            cert_services.issue_certificate(
                session,
                ctx,
                org=org,
                competence_code=code,
                level=level,
                actor=actor,
                participant=participant,
                evidence="Laat dit zien tijdens het werk in de winkel.",
                supervisor=supervisor,
                shop=shop,
            )
        first = participants[0]
        cert_services.issue_certificate(
            session, ctx, org=org, competence_code="VAK-KLANTEN-HELPEN", level="1", actor=actor,
            participant=first, supervisor=supervisor, shop=shop,
        )  # fmt: skip
        # A local competence the demo organisation proposes for the shared framework (part B).
        framework.propose(session, org=org, actor=DEMO_ADMIN, fields={
            "group": "craft-and-work", "name_nl": "Fietsen repareren",
            "description_nl": "Maakt gebruikte fietsen weer veilig en klaar voor de verkoop.",
            "criteria_nl": "Plakt een band\nStelt de remmen af\nControleert licht en bel",
        })  # fmt: skip
    holder = session.execute(
        select(Participant).where(Participant.organisation_id == org.id, Participant.name == DEMO_PARTICIPANTS[0])
    ).scalar_one_or_none()
    if holder is not None and holder.erased_at is None:
        holder.access_code_digest = participant_services.access_code_digest(DEMO_HOLDER_CODE)
    return [
        DemoLogin(DEMO_SUPERVISOR, DEMO_PASSWORD, "supervisor"),
        DemoLogin(DEMO_ADMIN, DEMO_PASSWORD, "org_admin"),
        DemoLogin(DEMO_SECTOR_ADMIN, DEMO_PASSWORD, "sector_admin"),
    ]
