"""Hostile text in every text field is stored as typed and shown escaped; guessed ids lead
nowhere; oversized and bomb uploads are refused cheaply.

(The authorization matrix, CSRF, session fixation, open redirects and lockout are in
test_web.py; the portfolio's IDOR cases in test_portfolio.py; the API's in test_api.py.)
"""

from __future__ import annotations

import io
import json
import secrets
import time
import zipfile

import pytest
from flask import Flask
from sqlalchemy import select

from issuer.runtime import runtime
from issuer.store.db import session_scope
from issuer.store.models import Certificate, Participant
from tests.issuer.conftest import World, csrf_token, login, post

HOSTILE = (
    "<script>alert('x')</script>",
    "{{ 7*7 }}",
    "{% print 7*7 %}",
    "' OR '1'='1' --",
    "\"; DROP TABLE certificates; --",
    "${7*7} #{7*7} <img src=x onerror=alert(1)>",
)


def _escaped_and_inert(html: str, value: str) -> None:
    """The value shows as text: HTML-escaped, templates not evaluated, no live tags."""
    assert "<script>alert" not in html and "<img src=x" not in html
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
    escaped = escaped.replace("'", "&#39;")
    assert escaped in html, f"{value!r} is not shown (escaped) on the page"


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_names_evidence_and_reasons_are_stored_as_typed_and_shown_escaped(
    app: Flask, world: World, value: str
) -> None:
    staff = app.test_client()
    login(staff, world.a.supervisor)
    name = f"Naam {value}"
    created = post(staff, "/deelnemers/nieuw", {"holder_name": name, "email": "", "shop": ""})
    assert created.status_code == 302
    with app.app_context(), session_scope(runtime().sessions) as session:
        person = session.execute(select(Participant).where(Participant.name == name)).scalar_one()
        person_id = person.id
    _escaped_and_inert(staff.get(f"/deelnemers/{person_id}").get_data(as_text=True), name)

    issued = post(staff, "/certificaten/nieuw", {"participant": str(person_id), "holder_name": "",
                                                 "competence": "DIG-KASSA", "level": "2",
                                                 "evidence": f"Bewijs {value}", "issued_on": ""})  # fmt: skip
    assert issued.status_code == 302, issued.get_data(as_text=True)
    public_id = issued.headers["Location"].rsplit("/", 1)[1]
    with app.app_context(), session_scope(runtime().sessions) as session:
        stored = json.loads(session.execute(select(Certificate).where(Certificate.public_id == public_id))
                            .scalar_one().credential_json)  # fmt: skip
    assert stored["credentialSubject"]["identifier"][0]["identityHash"] == name  # stored exactly as typed
    assert stored["evidence"][0]["narrative"] == f"Bewijs {value}"
    _escaped_and_inert(staff.get(f"/certificaten/{public_id}").get_data(as_text=True), f"Bewijs {value}")
    public = app.test_client().get(f"/c/{public_id}").get_data(as_text=True)
    assert 'data-verification-status="valid"' in public
    _escaped_and_inert(public, name)

    reason = f"Reden {value}"
    assert post(staff, f"/certificaten/{public_id}/schorsen", {"reason": reason}).status_code == 302
    _escaped_and_inert(staff.get(f"/certificaten/{public_id}").get_data(as_text=True), reason)


@pytest.mark.parametrize("value", HOSTILE[:3])
def test_hostile_search_queries_and_codes_are_harmless(app: Flask, world: World, value: str) -> None:
    staff = app.test_client()
    login(staff, world.a.supervisor)
    search = staff.get("/deelnemers", query_string={"q": value})
    assert search.status_code == 200 and "<script>alert" not in search.get_data(as_text=True)
    reader = app.test_client()
    for response in (reader.get("/controleren", query_string={"code": value}),
                     reader.post("/portfolio", data={"code": value, "csrf_token": csrf_token(reader)})):  # fmt: skip
        assert response.status_code == 400 and "<script>alert" not in response.get_data(as_text=True)


def test_guessed_public_ids_and_participant_ids_lead_nowhere(app: Flask, world: World) -> None:
    reader = app.test_client()
    for _ in range(20):
        guess = secrets.token_urlsafe(16)
        page = reader.get(f"/c/{guess}")
        assert page.status_code == 404 and 'data-verification-status="not-found"' in page.get_data(as_text=True)
    # Sequential-looking and malformed ids too.
    for guess in ("1", "0000000000000000000000", "../../etc/passwd", "%00", "A" * 300):
        assert reader.get(f"/c/{guess}").status_code in (404, 400)
    staff = app.test_client()
    login(staff, world.b.supervisor)
    for url in (f"/deelnemers/{world.a.participant_id}", f"/deelnemers/{world.a.participant_id}/gegevens.json",
                f"/certificaten/{world.a.certificate}", f"/certificaten/{world.a.certificate}.pdf",
                "/deelnemers/999999999", "/deelnemers/99999999999999999999"):  # fmt: skip
        assert staff.get(url).status_code == 404, url


def test_a_50_mb_upload_is_refused_before_it_is_read(app: Flask, world: World) -> None:
    reader = app.test_client()
    token = csrf_token(reader)
    big = io.BytesIO(b"{" + b" " * (50 * 1024 * 1024) + b"}")
    started = time.perf_counter()
    response = reader.post("/verify", data={"bestand": (big, "groot.json"), "csrf_token": token},
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 413 and "te groot" in response.get_data(as_text=True)
    api = reader.post(
        "/credentials/verify", data=b"[" * 10 + b" " * (50 * 1024 * 1024), content_type="application/json"
    )
    assert api.status_code == 413 and api.mimetype == "application/problem+json"
    assert time.perf_counter() - started < 30


def _zip_bomb() -> bytes:
    """A small zip whose member inflates to 200 MB of zeros (and a nested one)."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("certificaat.json", b"0" * (200 * 1024 * 1024))
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bom.zip", inner.getvalue())
    return outer.getvalue()


def test_a_zip_bomb_upload_is_refused_without_being_unpacked(app: Flask, world: World) -> None:
    bomb = _zip_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    reader = app.test_client()
    token = csrf_token(reader)
    for filename in ("certificaat.zip", "certificaat.json", "certificaat.pdf"):
        started = time.perf_counter()
        response = reader.post("/verify", data={"bestand": (io.BytesIO(bomb), filename), "csrf_token": token},
                               content_type="multipart/form-data")  # fmt: skip
        assert response.status_code == 400, filename
        assert 'data-verification-status' not in response.get_data(as_text=True)
        assert time.perf_counter() - started < 5, filename
    # The bulk upload reads CSV only: a workbook or archive is "not a CSV file".
    staff = app.test_client()
    login(staff, world.a.supervisor)
    upload = staff.post("/meerdere-certificaten", data={"file": (io.BytesIO(bomb), "cohort.csv"),
                                                        "csrf_token": csrf_token(staff)},
                        content_type="multipart/form-data")  # fmt: skip
    assert upload.status_code in (400, 413) and "Traceback" not in upload.get_data(as_text=True)
