"""Benchmark: certificate and portfolio PDFs, and the QR code's share of the time.

Run with ``.venv/bin/python benchmarks/bench_pdf.py`` (options: ``--renders``,
``--portfolios``, ``--warmup``). Every certificate render gets its own verify URL
and short code, so no QR code or page is reused between renders; the portfolio is
20 certificates of the real catalogue (realistic Dutch and English texts), with
new URLs in every run. The QR figures build the matrix for the same URLs twice in
the same run: with the fixed mask the renderer uses, and with the encoder's
automatic choice of mask (all eight tried and scored), as a reference.

Printed: the machine, medians and p90 in milliseconds, the first render in this
process (fonts loaded then), the PDF sizes. Exits 1 when a target is missed:
at most 10 ms per certificate PDF and 250 ms per 20-certificate portfolio
(median, on the project's 2-core machine).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, when not installed

from credentials.jsonld import default_document_loader
from credentials.keys import Ed25519Multikey
from credentials.model import CertificateRequest, Holder, IssuerProfile, build_competency_credential
from credentials.pdf import CertificateSheet, EnglishText, render_certificate_pdf, render_portfolio_pdf
from credentials.proofs import add_proof
from credentials.qr import qr_matrix
from credentials.sample import sample_credential
from issuer.catalogue import load_catalogue

DID_WEB = "did:web:certificaten.kringloop.example:orgs:voorbeeld"
BASE = "https://certificaten.kringloop.example"
TARGET_CERTIFICATE_MS = 10.0
TARGET_PORTFOLIO_MS = 250.0
PORTFOLIO_SIZE = 20


def _summary(samples: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"median": statistics.median(ordered), "p90": ordered[max(0, int(len(ordered) * 0.9) - 1)]}


def _timed(calls: Sequence[Callable[[], Any]]) -> list[float]:
    samples = []
    for call in calls:
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _public_id(n: int) -> str:
    # the service's public ids are 128 random bits in base64url (22 characters)
    return hashlib.sha256(f"bench-{n}".encode()).digest()[:16].hex()[:22]


def _short_code(n: int) -> str:
    digits = f"{n:012d}"
    return f"K{digits[:3]}-{digits[3:7]}-{digits[7:]}"


def _with_urls(sheet: CertificateSheet, n: int) -> CertificateSheet:
    return dataclasses.replace(sheet, verify_url=f"{BASE}/c/{_public_id(n)}", short_code=_short_code(n))


def _sample_sheet(key: Ed25519Multikey) -> CertificateSheet:
    signed = add_proof(sample_credential(issuer_did=DID_WEB), key=key, document_loader=default_document_loader())
    catalogue = load_catalogue()
    english = EnglishText(
        name="Testing and approving electrical appliances",
        description="Tests second-hand electrical appliances for function and safety, records the result and "
        "approves them for sale or for recycling.",
        criteria="- Tests appliances according to the work instruction.\n"
        "- Recognises unsafe appliances and sets them aside.\n- Records the result on the inspection label.",
        level_names={level.code: level.name_en for level in catalogue.levels},
    )
    return CertificateSheet(
        credential_json=json.dumps(signed, ensure_ascii=False, indent=2),
        verify_url=f"{BASE}/c/{_public_id(0)}",
        short_code=_short_code(0),
        check_url=f"{BASE}/controleren",
        supervisor="Fatima El Amrani",
        english=english,
        group_nl="Circulair werken",
        group_en="Circular work",
    )


def _portfolio_sheets(key: Ed25519Multikey) -> list[CertificateSheet]:
    catalogue = load_catalogue()
    groups = {group.code: group for group in catalogue.groups}
    sheets = []
    for i, competence in enumerate(catalogue.competences[:PORTFOLIO_SIZE]):
        request = CertificateRequest(
            credential_id=f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
            issuer=IssuerProfile(id=DID_WEB, name="Kringloop De Voorbeeldwinkel", email="info@kringloop.example"),
            competency=competence.to_competency(BASE),
            holder=Holder("Łukasz Wąsik"),
            level_code=str(i % 3 + 1),
            valid_from=datetime(2026, 1, 5, 11, tzinfo=UTC) + timedelta(days=7 * i),
        )
        signed = add_proof(build_competency_credential(request), key=key, document_loader=default_document_loader())
        group = groups[competence.group]
        sheets.append(
            CertificateSheet(
                credential_json=json.dumps(signed, ensure_ascii=False),
                verify_url=f"{BASE}/c/{_public_id(i)}",
                short_code=_short_code(i),
                check_url=f"{BASE}/controleren",
                supervisor="Jan de Vries",
                english=EnglishText(
                    name=competence.name_en,
                    description=competence.description_en,
                    criteria=competence.criteria_en,
                    level_names={level.code: level.name_en for level in catalogue.levels},
                ),
                group_nl=group.name_nl,
                group_en=group.name_en,
            )
        )
    return sheets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--renders", type=int, default=200, help="certificate PDFs to time (default 200)")
    parser.add_argument("--portfolios", type=int, default=30, help="portfolio PDFs to time (default 30)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed certificate renders first (default 20)")
    args = parser.parse_args()

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.platform()}"
    )
    key = Ed25519Multikey.from_seed(bytes(range(32)), controller=DID_WEB, fragment="key-1")
    sheet = _sample_sheet(key)
    portfolio = _portfolio_sheets(key)

    start = time.perf_counter()
    first_pdf = render_certificate_pdf(sheet)
    first_ms = (time.perf_counter() - start) * 1000

    offset = 1
    for n in range(args.warmup):
        render_certificate_pdf(_with_urls(sheet, offset + n))
    offset += args.warmup
    sheets = [_with_urls(sheet, offset + n) for n in range(args.renders)]
    offset += args.renders
    certificate = _summary(_timed([lambda s=s: render_certificate_pdf(s) for s in sheets]))

    urls = [s.verify_url for s in sheets]
    qr_fixed = _summary(_timed([lambda u=u: qr_matrix(u) for u in urls]))
    qr_auto = _summary(_timed([lambda u=u: qr_matrix(u, mask_pattern=None) for u in urls]))

    render_portfolio_pdf("Łukasz Wąsik", portfolio)  # warm-up
    runs = []
    for run in range(args.portfolios):
        runs.append([_with_urls(s, offset + run * PORTFOLIO_SIZE + i) for i, s in enumerate(portfolio)])
    portfolio_times = _timed([lambda r=r: render_portfolio_pdf("Łukasz Wąsik", r) for r in runs])
    portfolio_summary = _summary(portfolio_times)
    portfolio_pdf = render_portfolio_pdf("Łukasz Wąsik", portfolio)

    print(
        f"certificate: sample credential ({len(sheet.credential_json)} bytes of JSON), {args.renders} renders "
        f"after {args.warmup} warm-up, each with its own verify URL and short code\n"
    )
    print(f"{'operation':<52}{'median ms':>10}{'p90 ms':>9}{'target':>9}")
    print(
        f"{'certificate PDF (1 page)':<52}{certificate['median']:>10.2f}{certificate['p90']:>9.2f}"
        f"{TARGET_CERTIFICATE_MS:>9.0f}"
    )
    print(
        f"{f'portfolio PDF ({PORTFOLIO_SIZE} certificates, 21 pages)':<52}{portfolio_summary['median']:>10.2f}"
        f"{portfolio_summary['p90']:>9.2f}{TARGET_PORTFOLIO_MS:>9.0f}"
    )
    print(f"{'  per page of the portfolio':<52}{portfolio_summary['median'] / (PORTFOLIO_SIZE + 1):>10.2f}")
    print(f"{'QR matrix, fixed mask (what the renderer does)':<52}{qr_fixed['median']:>10.2f}{qr_fixed['p90']:>9.2f}")
    print(f"{'QR matrix, automatic mask choice (reference)':<52}{qr_auto['median']:>10.2f}{qr_auto['p90']:>9.2f}")
    print(f"{'first certificate in this process (fonts load)':<52}{first_ms:>10.2f}")
    share = qr_fixed["median"] / certificate["median"] * 100
    would_be = certificate["median"] - qr_fixed["median"] + qr_auto["median"]
    print(
        f"\nQR share of a certificate render: {share:.0f} % with the fixed mask; with automatic mask choice "
        f"a render would take about {would_be:.2f} ms."
    )
    print(f"sizes: certificate PDF {len(first_pdf):,} bytes, portfolio PDF {len(portfolio_pdf):,} bytes")

    missed = []
    if certificate["median"] > TARGET_CERTIFICATE_MS:
        missed.append(f"certificate {certificate['median']:.2f} ms > {TARGET_CERTIFICATE_MS} ms")
    if portfolio_summary["median"] > TARGET_PORTFOLIO_MS:
        missed.append(f"portfolio {portfolio_summary['median']:.2f} ms > {TARGET_PORTFOLIO_MS} ms")
    if missed:
        print("\nTARGET MISSED: " + "; ".join(missed))
        return 1
    print("\nTargets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
