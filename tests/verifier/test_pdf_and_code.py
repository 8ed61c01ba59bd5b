"""The verifier reads certificate PDFs and the short code printed under the QR.

On the full app and the verifier-only app, SQLite and PostgreSQL: an uploaded
certificate PDF verifies the signed JSON embedded in it; a PDF whose embedded JSON was
changed does not; a portfolio PDF gives one result per certificate; a PDF without a
certificate gets a plain explanation; the short code (typed on /controleren or into
the address bar) leads to the certificate's page.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from reportlab.pdfgen.canvas import Canvas

from credentials.pdf import render_certificate_pdf, render_portfolio_pdf
from issuer.certificates import documents
from issuer.certificates import services as cert_services
from issuer.runtime import runtime
from issuer.store.db import session_scope

STATUS = re.compile(r'data-verification-status="([a-z-]+)"')


def _csrf(client: FlaskClient) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/verify").get_data(as_text=True))
    assert match
    return match.group(1)


def upload(client: FlaskClient, data: bytes, filename: str = "certificaat.pdf") -> tuple[int, str]:
    response = client.post(
        "/verify",
        data={"bestand": (io.BytesIO(data), filename), "csrf_token": _csrf(client)},
        content_type="multipart/form-data",
    )
    return response.status_code, " ".join(response.get_data(as_text=True).split())


def sheets(app: Flask, issued: dict[str, Any], *names: str) -> list[Any]:
    with app.app_context(), session_scope(runtime().sessions) as session:
        return [
            documents.sheet_for(
                runtime().settings, cert_services.get_certificate(session, issued["certificates"][n]["public_id"])
            )
            for n in names
        ]


@pytest.fixture(params=["full", "verifier-only"])
def reader(request: pytest.FixtureRequest, client: FlaskClient) -> FlaskClient:
    if request.param == "full":
        return client
    verifier: FlaskClient = request.getfixturevalue("verifier_client")
    return verifier


def test_an_uploaded_certificate_pdf_verifies_the_json_inside(
    app: Flask, issued: dict[str, Any], reader: FlaskClient
) -> None:
    (sheet,) = sheets(app, issued, "valid")
    status, page = upload(reader, render_certificate_pdf(sheet))
    assert status == 200 and STATUS.findall(page) == ["valid"]
    assert "Sanne de Vries" in page


def test_a_pdf_whose_embedded_certificate_was_changed_fails(
    app: Flask, issued: dict[str, Any], reader: FlaskClient
) -> None:
    (sheet,) = sheets(app, issued, "valid")
    forged = sheet.credential_json.replace("Sanne de Vries", "Sanne de Vriest")
    assert forged != sheet.credential_json
    status, page = upload(reader, render_certificate_pdf(dataclasses.replace(sheet, credential_json=forged)))
    assert status == 200 and STATUS.findall(page) == ["invalid"]


def test_a_portfolio_pdf_gives_one_result_per_certificate(
    app: Flask, issued: dict[str, Any], reader: FlaskClient
) -> None:
    chosen = sheets(app, issued, "valid", "revoked", "suspended")
    status, page = upload(reader, render_portfolio_pdf("Sanne de Vries", chosen), "portfolio.pdf")
    assert status == 200
    assert 'data-verification-count="3"' in page
    assert STATUS.findall(page) == ["valid", "revoked", "suspended"]
    assert "3 certificaten gecontroleerd" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n this is no PDF at all", "beschadigd"),
        (b"%PDF-", "beschadigd"),
        (None, "geen digitaal certificaat"),  # a real PDF without an attachment
    ],
)
def test_pdfs_without_a_readable_certificate_are_explained(
    client: FlaskClient, issued: dict[str, Any], data: bytes | None, message: str
) -> None:
    if data is None:
        buffer = io.BytesIO()
        canvas = Canvas(buffer)
        canvas.drawString(100, 700, "Certificaat (gescand)")
        canvas.save()
        data = buffer.getvalue()
    status, page = upload(client, data)
    assert status == 400 and message in page
    assert STATUS.findall(page) == []


def test_the_short_code_leads_to_the_certificate(app: Flask, issued: dict[str, Any], reader: FlaskClient) -> None:
    public_id = issued["certificates"]["valid"]["public_id"]
    code = cert_services.short_code_for(public_id)
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", code)
    assert "Code van een certificaat typen" in reader.get("/controleren").get_data(as_text=True)
    for typed in (code, code.lower(), code.replace("-", " "), f"  {code.replace('-', '')}  "):
        response = reader.get("/controleren", query_string={"code": typed})
        assert response.status_code == 302 and response.headers["Location"] == f"/c/{public_id}", typed
    typed_in_address_bar = reader.get(f"/c/{code.lower()}")
    assert typed_in_address_bar.status_code == 302 and typed_in_address_bar.headers["Location"] == f"/c/{public_id}"
    assert 'data-verification-status="valid"' in reader.get(f"/c/{public_id}").get_data(as_text=True)


def test_unknown_and_malformed_codes_are_told_apart_politely(reader: FlaskClient, issued: dict[str, Any]) -> None:
    unknown = reader.get("/controleren", query_string={"code": "2222-3333-4444"})
    assert unknown.status_code == 404 and "vinden we geen certificaat" in unknown.get_data(as_text=True)
    for typed in ("1234", "K7MX-4QPD-9TR0", "<script>", "x" * 500):
        response = reader.get("/controleren", query_string={"code": typed})
        assert response.status_code == 400 and "12 letters en cijfers" in response.get_data(as_text=True)
        assert "<script>" not in response.get_data(as_text=True)


def test_the_stored_short_code_is_the_printed_one(app: Flask, issued: dict[str, Any]) -> None:
    with app.app_context(), session_scope(runtime().sessions) as session:
        for entry in issued["certificates"].values():
            cert = cert_services.get_certificate(session, entry["public_id"])
            assert cert.short_code == cert_services.short_code_for(cert.public_id)
            assert cert_services.find_by_short_code(session, cert.short_code.lower()) is cert
    (sheet,) = sheets(app, issued, "valid")
    assert sheet.short_code == cert_services.short_code_for(issued["certificates"]["valid"]["public_id"])
    assert json.loads(sheet.credential_json) == issued["certificates"]["valid"]["credential"]
