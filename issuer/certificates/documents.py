"""The holder's documents: certificate PDFs, the portfolio PDF and the portfolio ZIP.

Everything is rendered from what is stored: the signed credential exactly as signed,
its public id and short code, the supervisor's name and the catalogue's English
wording for that competence version. The same certificate therefore always gives the
same PDF (``credentials.pdf`` renders deterministically), and the ZIP is
deterministic too (fixed member times).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from credentials.pdf import CertificateSheet, EnglishText, render_certificate_pdf, render_portfolio_pdf
from issuer.catalogue import load_catalogue
from issuer.certificates import services as cert_services
from issuer.core import identity
from issuer.sector.framework import competences
from issuer.store.db import aware_utc
from issuer.store.models import Certificate
from issuer.store.settings import Settings

CHECK_PATH: Final = "/controleren"
ZIP_TIME: Final = (2026, 1, 1, 0, 0, 0)  # ZIP needs a time per member; a fixed one keeps it deterministic

ZIP_README: Final = """\
Certificaten van {name}
=======================

Deze map bevat de certificaten van {name}, gegeven door kringloopwinkels.
Elk certificaat staat er twee keer in:

- als PDF: om te lezen en te printen;
- als JSON: het digitaal ondertekende bestand.

Zo controleert u als werkgever of een certificaat echt is en nog geldt:

1. Scan de QR-code op het certificaat met de camera van uw telefoon.
   Of ga naar {check_url} en typ de code die onder de QR-code staat.
2. Of ga naar {verify_url} en kies het PDF- of JSON-bestand.
   De website zegt dan in gewone taal of het certificaat echt is,
   of het nog geldt, en wie u kunt bellen met vragen.

U hoeft daarvoor geen account of app te hebben.


Certificates of {name}
======================

This folder holds the certificates of {name}, issued by Dutch re-use
(kringloop) shops. Each certificate is here twice:

- as a PDF: to read and print;
- as JSON: the digitally signed file.

How an employer checks that a certificate is genuine and still stands:

1. Scan the QR code on the certificate with your phone's camera.
   Or go to {check_url} and type the code printed under the QR code.
2. Or go to {verify_url} and choose the PDF or JSON file.
   The website tells you in plain words whether the certificate is genuine,
   whether it still stands, and whom to contact with questions.

No account or app is needed.
"""


LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def check_url(settings: Settings) -> str:
    return settings.base_url + CHECK_PATH


def short_code(cert: Certificate) -> str:
    return cert.short_code or cert_services.short_code_for(cert.public_id)


def sheet_for(settings: Settings, cert: Certificate) -> CertificateSheet:
    """What the PDF of ``cert`` shows, from the stored credential and records (a revoked
    certificate's with the stamp and the day it was revoked)."""
    catalogue = load_catalogue()
    entry = competences.competence_entry(cert.competence)
    english = EnglishText(
        name=entry.name("en"),
        description=entry.description("en"),
        criteria=entry.criteria("en"),
        level_names={level.code: level.name("en") for level in catalogue.levels},
    )
    group_nl: str | None
    group_en: str | None
    try:
        group = catalogue.group(entry.group)
        group_nl, group_en = group.name("nl"), group.name("en")
    except KeyError:
        group_nl, group_en = None, None
    supervisor = cert.supervisor.name if cert.supervisor is not None else None
    return CertificateSheet(
        credential_json=cert.credential_json,
        verify_url=identity.verify_url(settings, cert.public_id),
        short_code=short_code(cert),
        check_url=check_url(settings),
        supervisor=supervisor,
        english=english,
        group_nl=group_nl,
        group_en=group_en,
        revoked_on=_local_day(cert.revoked_at),
    )


def _local_day(moment: datetime | None) -> date | None:
    """The day of ``moment`` (stored as UTC) as a Dutch reader counts it."""
    aware = aware_utc(moment)
    return aware.astimezone(LOCAL_TIME).date() if aware is not None else None


def certificate_pdf(settings: Settings, cert: Certificate) -> bytes:
    return render_certificate_pdf(sheet_for(settings, cert))


def bundled(certificates: Sequence[Certificate]) -> list[Certificate]:
    """The certificates that go into a portfolio: not revoked, oldest first."""
    kept = [c for c in certificates if c.revoked_at is None and c.replaced_by_id is None]
    return sorted(kept, key=lambda c: (aware_utc(c.issued_at), c.id))


def portfolio_pdf(settings: Settings, holder_name: str, certificates: Sequence[Certificate]) -> bytes:
    return render_portfolio_pdf(holder_name, [sheet_for(settings, c) for c in bundled(certificates)])


def file_stem(cert: Certificate) -> str:
    """A file name a person recognises: competence code and public id."""
    return f"certificaat-{cert.competence.code.lower()}-{cert.public_id}"


def portfolio_zip(settings: Settings, holder_name: str, certificates: Sequence[Certificate]) -> bytes:
    """Every PDF and JSON, the portfolio PDF and a README in Dutch and English."""
    kept = bundled(certificates)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)

        readme = ZIP_README.format(
            name=holder_name, check_url=check_url(settings), verify_url=f"{settings.base_url}/verify"
        )
        add("LEESMIJ-README.txt", readme.replace("\n", "\r\n").encode("utf-8"))
        add("portfolio.pdf", portfolio_pdf(settings, holder_name, kept))
        for cert in kept:
            add(f"{file_stem(cert)}.pdf", certificate_pdf(settings, cert))
            add(f"{file_stem(cert)}.json", cert.credential_json.encode("utf-8"))
    return buffer.getvalue()


def holder_data_json(data: dict[str, object]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
