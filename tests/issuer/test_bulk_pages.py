"""The supervisor's pages for bulk issuance: the template and the columns, a preview that
finds every bad row and issues nothing, issuing in a background thread with a progress
page, the result with links, one combined PDF and a report, uploading the same file
again (skipped), other organisations and CSRF."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import threading
import time
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.test import TestResponse

from credentials.pdf import extract_credentials
from issuer.bulk import services as bulk
from issuer.bulk import views as bulk_pages
from issuer.certificates import services as cert_services
from issuer.core import basics
from issuer.organisations import services as org_services
from issuer.runtime import runtime
from issuer.store.db import session_scope
from issuer.store.models import BulkJob, Certificate
from issuer.webkit import i18n
from tests.issuer.conftest import World, count_rows, csrf_token, login, post
from tests.issuer.test_web import page, text_of

UPLOAD = "/meerdere-certificaten"
HEADER = "holder_name,competence,level,evidence,issued_on,external_ref"
GOOD = (
    f"{HEADER}\r\n"
    "Nguyễn Thị Lan,CIRC-SORTEREN,2,Sorteert kleding zelfstandig.,2026-03-14,HR-1\r\n"
    'Mehmet Çelik,DIG-KASSA,1,"Rekent af met hulp, telt de kas.",,HR-2\r\n'
    "Sara Ødegård,VAK-TILLEN,3,,14-03-2026,\r\n"
).encode()
BAD = f"""{HEADER}
Goed Voorbeeld,CIRC-SORTEREN,2,,2026-03-14,
,CIRC-SORTEREN,2,,,
Onbekend Vak,CIRC-SORTEERN,2,,,
Te Hoog,DIG-KASSA,4,,,
Rare Datum,DIG-KASSA,1,,31-02-2026,
Toekomst,DIG-KASSA,1,,2999-01-01,
Goed Voorbeeld,circ-sorteren,2,,14-03-2026,
Referentie Een,DIG-KASSA,1,,,R-7
Referentie Twee,VAK-TILLEN,1,,,R-7
""".encode()


def upload(client: FlaskClient, data: bytes, filename: str = "cohort-maart.csv", **extra: str) -> TestResponse:
    form: dict[str, Any] = {"file": (io.BytesIO(data), filename), "csrf_token": csrf_token(client), **extra}
    return client.post(UPLOAD, data=form, content_type="multipart/form-data")


def jobs_in_db(app: Flask) -> list[BulkJob]:
    with app.app_context(), session_scope(runtime().sessions) as db:
        return list(db.execute(select(BulkJob).order_by(BulkJob.id)).scalars())


def job_of(app: Flask, job_url: str) -> BulkJob:
    public_id = job_url.rstrip("/").rsplit("/", 1)[1]
    with app.app_context(), session_scope(runtime().sessions) as db:
        return db.execute(select(BulkJob).where(BulkJob.public_id == public_id)).scalar_one()


class _Cells(HTMLParser):
    """The text of each cell of each body row of the problems table."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self.feed(source.split('<table class="problems">', 1)[1].split("</table>", 1)[0])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def problem_rows(response: TestResponse) -> list[tuple[str, str, str, str]]:
    """The problems table: (row, column, value, message) per line."""
    return [(r[0], r[1], r[2], r[3]) for r in _Cells(response.get_data(as_text=True)).rows if r]


def confirm_form_present(response: TestResponse) -> bool:
    return "/geven" in response.get_data(as_text=True)


def wait_until_finished(client: FlaskClient, job_url: str, timeout: float = 60.0) -> TestResponse:
    """Poll the job's page like a browser until it no longer reloads itself (done or failed)."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(job_url)
        assert response.status_code == 200
        if 'http-equiv="refresh"' not in response.get_data(as_text=True):
            return response
        assert time.monotonic() < deadline, "the bulk job did not finish in time"
        time.sleep(0.05)


def certificate_count(app: Flask) -> int:
    return count_rows(app)["certificates"]


# --- the upload page ------------------------------------------------------------------------


def test_the_upload_page_explains_the_columns_and_links_the_template_and_the_codes(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    dashboard = page(client.get("/"))
    assert UPLOAD in [e["attrs"].get("href") for e in dashboard.tags("a")]
    assert "Meerdere certificaten tegelijk geven" in text_of(client.get("/"))
    response = client.get(UPLOAD)
    assert response.status_code == 200
    body = text_of(response)
    for english, dutch in bulk_pages.DUTCH_COLUMNS.items():
        assert english in body and dutch in body
    html = page(response)
    links = [e["attrs"].get("href") for e in html.tags("a")]
    assert f"{UPLOAD}/voorbeeld.csv" in links and f"{UPLOAD}/competenties" in links
    file_input = html.by_id("f-file")
    assert file_input["attrs"]["type"] == "file"
    assert [e for e in html.tags("label") if e["attrs"].get("for") == "f-file"]
    assert html.tags("form")[-1]["attrs"]["enctype"] == "multipart/form-data"

    template = client.get(f"{UPLOAD}/voorbeeld.csv")
    assert template.mimetype == "text/csv" and template.get_data() == bulk.template_csv()
    codes = text_of(client.get(f"{UPLOAD}/competenties"))
    assert "CIRC-SORTEREN" in codes and "Geschonken spullen sorteren" in codes and "Zelfstandig" in codes
    # The Dutch names the page lists are the ones the parser accepts.
    parsed = bulk.parse_csv((",".join(bulk_pages.DUTCH_COLUMNS.values()) + "\nJan,DIG-KASSA,1,,,\n").encode())
    assert parsed.problems == [] and parsed.rows[0].holder_name == "Jan"


# --- the preview: every problem, nothing issued ---------------------------------------------


def test_the_preview_finds_every_bad_row_and_issues_nothing(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    before = count_rows(app)
    response = upload(client, BAD)
    assert response.status_code == 400
    html = page(response)
    assert "Er staan fouten in het bestand" in html.text("problems-summary-title")
    assert "7 fouten" in text_of(response) and "cohort-maart.csv" in text_of(response)
    rows = [(line, column, value) for line, column, value, _ in problem_rows(response)]
    assert rows == [
        ("3", "naam", ""),
        ("4", "competentie", "CIRC-SORTEERN"),
        ("5", "niveau", "4"),
        ("6", "datum", "31-02-2026"),
        ("7", "datum", "2999-01-01"),
        ("8", "hele regel", ""),
        ("10", "referentie", "R-7"),
    ]
    messages = {line: message for line, _, _, message in problem_rows(response)}
    assert messages["3"] == "Dit vak is leeg. Vul het in."
    assert "Bedoelt u CIRC-SORTEREN?" in messages["4"]
    assert "Gebruik 1, 2 of 3." in messages["5"]
    assert "Schrijf de datum als 2026-03-14" in messages["6"]
    assert "in de toekomst" in messages["7"]
    assert "regel 2" in messages["8"] and "regel 9" in messages["10"]
    assert not confirm_form_present(response)
    assert count_rows(app) == before and jobs_in_db(app) == []


def test_problems_are_explained_in_english_too(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    client.get(f"{UPLOAD}?lang=en")
    response = upload(client, BAD)
    assert "The file has mistakes" in text_of(response)
    messages = {line: (column, message) for line, column, _, message in problem_rows(response)}
    assert messages["5"] == ("level", "The level '4' does not exist. Use 1, 2 or 3.")
    assert messages["8"][0] == "whole row"


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"", "leeg.csv", "Het bestand is leeg."),
        (b"PK\x03\x04\x14\x00 an Excel workbook", "cohort.xlsx", "Dit is geen CSV-bestand."),
        (b"%PDF-1.7 a certificate", "certificaat.pdf", "Dit is geen CSV-bestand."),
        (HEADER.encode() + b"\r\n", "alleen-kop.csv", "Het bestand heeft alleen een kopregel."),
    ],
    ids=["empty", "xlsx", "pdf", "only a header"],
)
def test_an_empty_or_wrong_file_gets_a_plain_message(
    app: Flask, world: World, data: bytes, filename: str, expected: str
) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    before = count_rows(app)
    response = upload(client, data, filename)
    assert response.status_code == 400
    html = page(response)
    assert expected in html.text("f-file-error")
    assert html.by_id("f-file")["attrs"].get("aria-invalid") == "true"
    assert "#f-file" in [e["attrs"].get("href") for e in html.tags("a")]
    assert count_rows(app) == before and jobs_in_db(app) == []


def test_no_file_chosen(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    response = post(client, UPLOAD)
    assert response.status_code == 400
    assert "Kies een CSV-bestand." in page(response).text("f-file-error")


def test_a_wrong_separator_is_reported_on_the_header_row(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    before = count_rows(app)
    response = upload(client, b"naam|competentie|niveau\nJan|DIG-KASSA|1\n")
    assert response.status_code == 400
    ((line, column, _, message),) = problem_rows(response)
    assert (line, column) == ("1", "kopregel")
    assert "De eerste regel moet de kolomnamen bevatten" in message
    response = upload(client, b"holder_name,competence,levl\nJan,DIG-KASSA,1\n")
    problems = problem_rows(response)
    assert [p[3].split(".")[0] for p in problems] == ["De kolom 'levl' kennen we niet", "De kolom 'level' ontbreekt"]
    assert count_rows(app) == before and jobs_in_db(app) == []


def test_a_file_over_the_limit_gets_a_plain_message(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_pages, "MAX_UPLOAD_BYTES", 4096)
    client = app.test_client()
    login(client, world.a.supervisor)
    response = upload(client, GOOD + b"x" * 8192)
    assert response.status_code == 413
    assert "Het bestand is groter dan 10 MB." in page(response).text("f-file-error")
    assert jobs_in_db(app) == []
    # Larger than the app's 2 MB limit for other requests, smaller than the upload limit: read.
    monkeypatch.setattr(bulk_pages, "MAX_UPLOAD_BYTES", bulk.MAX_FILE_BYTES + 64 * 1024)
    padding = "".join(f"Deelnemer {i},DIG-KASSA,1,{'x' * 40},,R-{i}\n" for i in range(40_000)).encode()
    response = upload(client, HEADER.encode() + b"\n" + padding)
    assert response.status_code == 400
    assert "meer dan 20.000 regels" in text_of(response)


# --- a good file: preview, confirm, background, result ----------------------------------------


def test_a_windows_1252_excel_export_with_semicolons_and_dutch_headers(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    data = (
        "Naam;Competentie;Niveau;Toelichting;Datum;Kenmerk\r\n"
        "Mehmet Çelik;DIG-KASSA;1;Telt de kas € 0,50 nauwkeurig;14-03-2026;X1\r\n"
        "Sara Ødegård;Geschonken spullen sorteren;zelfstandig;;;X2\r\n"
        "Zoë Müller-Lüdenscheidt;vak-tillen;niveau 3;;;\r\n"
    ).encode("cp1252")
    response = upload(client, data, "export.csv")
    assert response.status_code == 302, text_of(response)
    preview = client.get(response.headers["Location"])
    body = text_of(preview)
    assert "Mehmet Çelik" in body and "Sara Ødegård" in body and "Zoë Müller-Lüdenscheidt" in body
    assert "Ã" not in body  # no mojibake
    assert "Er worden 3 certificaten gegeven." in body
    result = wait_until_finished(client, _confirm(client, response.headers["Location"]))
    names = sorted(
        json.loads(c.credential_json)["credentialSubject"]["identifier"][0]["identityHash"]
        for c in _certificates_of_job(app, response.headers["Location"])
    )
    assert names == ["Mehmet Çelik", "Sara Ødegård", "Zoë Müller-Lüdenscheidt"]
    assert "Nieuw gegeven: 3" in text_of(result)


def _confirm(client: FlaskClient, job_url: str) -> str:
    response = post(client, f"{job_url}/geven")
    assert response.status_code == 302 and response.headers["Location"] == job_url
    return job_url


def _certificates_of_job(app: Flask, job_url: str) -> list[Certificate]:
    job = job_of(app, job_url)
    assert job.result is not None
    ids = [public_id for _, public_id in job.result["issued"]]
    with app.app_context(), session_scope(runtime().sessions) as db:
        rows = db.execute(select(Certificate).where(Certificate.public_id.in_(ids))).scalars()
        found = {c.public_id: c for c in rows}
    return [found[public_id] for public_id in ids]


def test_a_good_file_is_issued_once_in_the_background_and_again_only_skips(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    before = count_rows(app)

    response = upload(client, GOOD)
    assert response.status_code == 302
    job_url = response.headers["Location"]
    assert re.fullmatch(rf"{UPLOAD}/[A-Za-z0-9_-]{{22}}", job_url)
    (stored,) = jobs_in_db(app)
    assert (stored.state, stored.total, stored.source, stored.filename) == ("checked", 3, GOOD, "cohort-maart.csv")
    assert count_rows(app) == before  # the preview signs nothing

    preview = client.get(job_url)
    body = text_of(preview)
    assert "Het bestand is in orde. Er is nog niets gegeven." in body
    assert "Er worden 3 certificaten gegeven." in body and "al eerder gegeven" not in body
    assert "Nguyễn Thị Lan" in body and "Geschonken spullen sorteren" in body and "HR-2" in body
    buttons = [e for e in page(preview).tags("button") if "Geef 3 certificaten" in "".join(e["text"])]
    assert len(buttons) == 1

    _confirm(client, job_url)
    result = wait_until_finished(client, job_url)
    job = job_of(app, job_url)
    assert (job.state, job.done, job.total, job.source) == ("done", 3, 3, None)
    assert job.result is not None
    assert [line for line, _ in job.result["issued"]] == [2, 3, 4]
    assert job.result["skipped"] == [] and job.result["failed"] == []
    after = count_rows(app)
    assert after["certificates"] == before["certificates"] + 3
    # One audit event per certificate, and one for starting the job.
    assert after["audit_events"] == before["audit_events"] + 4

    body = text_of(result)
    assert "Klaar: de certificaten zijn gegeven" in body
    assert "Nieuw gegeven: 3" in body and "overgeslagen: 0" in body and "Niet gegeven: 0" in body
    links = [e["attrs"]["href"] for e in page(result).tags("a")]
    certificates = _certificates_of_job(app, job_url)
    for cert in certificates:
        assert f"/certificaten/{cert.public_id}" in links and f"/certificaten/{cert.public_id}.pdf" in links
        assert client.get(f"/certificaten/{cert.public_id}").status_code == 200
        pdf = client.get(f"/certificaten/{cert.public_id}.pdf")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert {c.level for c in certificates} == {"1", "2", "3"}
    with app.app_context(), session_scope(runtime().sessions) as db:
        supervisor = cert_services.get_certificate(db, certificates[0].public_id).supervisor
        assert supervisor is not None and supervisor.email == world.a.supervisor

    combined = client.get(f"{job_url}/certificaten.pdf")
    assert f"{job_url}/certificaten.pdf" in links
    assert combined.status_code == 200 and combined.mimetype == "application/pdf"
    assert [c.decode("utf-8") for c in extract_credentials(combined.get_data())] == [
        c.credential_json for c in certificates
    ]

    report = client.get(f"{job_url}/verslag.csv")
    assert report.status_code == 200 and report.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(report.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["regel", "uitkomst", "naam"]
    names = ("Nguyễn Thị Lan", "Mehmet Çelik", "Sara Ødegård")
    # A public id may start with "-": the report then writes it as "'-..." (no spreadsheet formula).
    assert [(r[0], r[1], r[2], r[5].removeprefix("'")) for r in rows[1:]] == [
        (str(line), "gegeven", name, c.public_id) for line, name, c in zip((2, 3, 4), names, certificates, strict=True)
    ]

    # A second confirmation starts nothing.
    assert post(client, f"{job_url}/geven").headers["Location"] == job_url
    time.sleep(0.2)
    assert count_rows(app) == after

    # The same file again: the preview says it was all issued, confirming adds nothing.
    again = upload(client, GOOD)
    again_url = again.headers["Location"]
    body = text_of(client.get(again_url))
    assert "Alle regels zijn al eerder gegeven." in body and "Er worden 0 certificaten gegeven." in body
    _confirm(client, again_url)
    result = wait_until_finished(client, again_url)
    job = job_of(app, again_url)
    assert job.result is not None and job.result["issued"] == []
    assert job.result["skipped"] == [[line, c.public_id] for line, c in zip((2, 3, 4), certificates, strict=True)]
    assert count_rows(app)["certificates"] == after["certificates"]
    assert "Al eerder gegeven, overgeslagen: 3" in text_of(result)
    assert client.get(f"{again_url}/certificaten.pdf").status_code == 404  # nothing new to print

    listing = text_of(client.get(f"{UPLOAD}/uploads"))
    assert listing.count("cohort-maart.csv") == 2
    assert "3 gegeven, 0 overgeslagen, 0 niet gegeven" in listing
    assert "0 gegeven, 3 overgeslagen, 0 niet gegeven" in listing


def test_the_combined_pdf_is_capped_and_leaves_out_revoked_certificates(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_pages, "PDF_LIMIT", 2)
    client = app.test_client()
    login(client, world.a.supervisor)
    job_url = _confirm(client, upload(client, GOOD).headers["Location"])
    body = text_of(wait_until_finished(client, job_url))
    assert "De eerste 2 nieuwe certificaten in één PDF" in body and "In één PDF passen 2 certificaten." in body
    first, second, third = _certificates_of_job(app, job_url)
    combined = client.get(f"{job_url}/certificaten.pdf").get_data()
    assert extract_credentials(combined) == [first.credential_json.encode(), second.credential_json.encode()]
    cover = " ".join(PdfReader(io.BytesIO(combined)).pages[0].extract_text().split())
    assert "Certificaten cohort-maart.csv" in cover and "Dit zijn er 2 van 3." in cover
    revoke = {"reason": "Verkeerde naam", "category": "details_wrong", "confirm": "yes"}
    revoked = post(client, f"/certificaten/{first.public_id}/intrekken", revoke)
    assert revoked.status_code == 302
    combined = client.get(f"{job_url}/certificaten.pdf").get_data()
    assert extract_credentials(combined) == [second.credential_json.encode(), third.credential_json.encode()]


def test_one_row_reads_as_one_certificate(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    job_url = upload(client, f"{HEADER}\nJan de Vries,DIG-KASSA,1,,,\n".encode()).headers["Location"]
    body = text_of(client.get(job_url))
    assert "Er wordt 1 certificaat gegeven." in body and "Geef 1 certificaat" in body
    response = upload(client, f"{HEADER}\nJan de Vries,DIG-KASSA,7,,,\n".encode())
    assert "hebben we 1 fout gevonden" in text_of(response)


def test_the_file_name_is_shown_as_the_person_knows_it() -> None:
    assert bulk_pages.clean_filename("C:\\Users\\sanne\\Groep maart.csv") == "Groep maart.csv"
    assert bulk_pages.clean_filename("../../etc/passwd") == "passwd"
    assert bulk_pages.clean_filename("ce\u0301lik\x00\n.csv") == "c\u00e9lik.csv"
    assert bulk_pages.clean_filename("") == "upload.csv" and len(bulk_pages.clean_filename("a" * 500)) == 200


def test_two_confirmations_at_the_same_moment_start_one_run(app: Flask, world: World) -> None:
    clients = [app.test_client() for _ in range(4)]
    for client in clients:
        login(client, world.a.supervisor)
    job_url = upload(clients[0], GOOD).headers["Location"]
    tokens = [csrf_token(client) for client in clients]
    before = count_rows(app)
    answers: list[int] = []
    barrier = threading.Barrier(len(clients))

    def confirm(client: FlaskClient, token: str) -> None:
        barrier.wait()
        answers.append(client.post(f"{job_url}/geven", data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=confirm, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [302] * len(clients)
    wait_until_finished(clients[0], job_url)
    time.sleep(0.2)
    after = count_rows(app)
    assert after["certificates"] == before["certificates"] + 3
    assert after["audit_events"] == before["audit_events"] + 4  # three certificates, one start
    job = job_of(app, job_url)
    assert job.result is not None and len(job.result["issued"]) == 3 and job.result["skipped"] == []


def test_a_preview_that_is_not_confirmed_can_be_discarded(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.admin)
    job_url = upload(client, GOOD).headers["Location"]
    response = post(client, f"{job_url}/annuleren")
    assert response.headers["Location"] == UPLOAD
    assert "Het bestand is weggegooid." in text_of(client.get(UPLOAD))
    assert jobs_in_db(app) == []
    assert client.get(job_url).status_code == 404


def test_an_old_unconfirmed_preview_is_forgotten(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    upload(client, GOOD)
    with app.app_context(), session_scope(runtime().sessions) as db:
        job = db.execute(select(BulkJob)).scalar_one()
        job.created_at = basics.now() - bulk_pages.PREVIEW_LIFETIME - timedelta(minutes=1)
    client.get(f"{UPLOAD}/uploads")
    assert jobs_in_db(app) == []


# --- while it runs ----------------------------------------------------------------------------


def _running_job(app: Flask, world: World, *, done: int, total: int, age: timedelta = timedelta(0)) -> str:
    with app.app_context(), session_scope(runtime().sessions) as db:
        org = org_services.get_org(db, world.a.slug)
        moment = basics.now() - age
        job = BulkJob(public_id="lopend-" + str(done), organisation_id=org.id, user_id=None, filename="groot.csv",
                      source=GOOD, state="running", total=total, done=done, result=None, created_at=moment,
                      updated_at=moment)  # fmt: skip
        db.add(job)
        return f"{UPLOAD}/{job.public_id}"


def test_the_progress_page_reloads_itself_and_has_a_text_equivalent(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    job_url = _running_job(app, world, done=123, total=500)
    response = client.get(job_url)
    body = response.get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in body
    assert "<script" not in body and response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    html = page(response)
    bar = html.by_id("bulk-progress")
    assert (bar["tag"], bar["attrs"]["max"], bar["attrs"]["value"]) == ("progress", "500", "123")
    status = html.by_id("progress-text")
    assert status["attrs"]["aria-live"] == "polite"
    assert html.text("progress-text") == "123 van 500 certificaten gegeven"
    # Reloading can be switched off (WCAG 2.2.1).
    still = client.get(f"{job_url}?verversen=nee")
    assert 'http-equiv="refresh"' not in still.get_data(as_text=True)
    assert page(still).text("progress-text") == "123 van 500 certificaten gegeven"
    # Confirming a running job again starts nothing.
    before = count_rows(app)
    assert post(client, f"{job_url}/geven").headers["Location"] == job_url
    assert count_rows(app) == before and job_of(app, job_url).state == "running"


def test_a_job_whose_thread_is_gone_can_be_continued(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    job_url = _running_job(app, world, done=1, total=3, age=bulk_pages.STALE_AFTER + timedelta(minutes=1))
    body = text_of(client.get(job_url))
    assert "Het geven is gestopt." in body and "Verder gaan" in body
    _confirm(client, job_url)
    wait_until_finished(client, job_url)
    job = job_of(app, job_url)
    assert job.state == "done" and job.result is not None and len(job.result["issued"]) == 3


def test_a_job_that_fails_says_so_and_logs_no_names(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> bulk.BulkOutcome:
        raise RuntimeError("Nguyễn Thị Lan could not be issued")

    monkeypatch.setattr(bulk, "issue_rows", broken)
    client = app.test_client()
    login(client, world.a.supervisor)
    job_url = upload(client, GOOD).headers["Location"]
    with caplog.at_level(logging.INFO, logger="issuer.bulk.views"):
        _confirm(client, job_url)
        result = wait_until_finished(client, job_url)
    job = job_of(app, job_url)
    assert (job.state, job.source) == ("failed", None)
    assert job.result is not None and job.result["error"] == "unknown"
    assert "Het geven is gestopt" in page(result).text("failure-title")
    assert "Er ging iets mis." in text_of(result)
    assert "RuntimeError" in caplog.text
    assert "Nguyễn" not in caplog.text and "Çelik" not in caplog.text


# --- who may see what -------------------------------------------------------------------------


def test_another_organisation_cannot_see_or_confirm_the_job(app: Flask, world: World) -> None:
    client_a = app.test_client()
    login(client_a, world.a.supervisor)
    job_url = upload(client_a, GOOD).headers["Location"]
    client_b = app.test_client()
    login(client_b, world.b.supervisor)
    before = count_rows(app)
    for suffix in ("", "/certificaten.pdf", "/verslag.csv"):
        response = client_b.get(job_url + suffix)
        assert response.status_code == 404, suffix
        assert "Nguyễn" not in response.get_data(as_text=True)
    assert "Deze upload bestaat niet, of hoort niet bij uw organisatie." in text_of(client_b.get(job_url))
    for action in ("/geven", "/annuleren"):
        assert post(client_b, job_url + action).status_code == 404, action
    assert "cohort-maart.csv" not in text_of(client_b.get(f"{UPLOAD}/uploads"))
    assert count_rows(app) == before
    assert [job.state for job in jobs_in_db(app)] == ["checked"]
    sector = app.test_client()
    login(sector, world.sector_admin)
    assert sector.get(UPLOAD).status_code == 403 and sector.get(job_url).status_code == 403
    assert app.test_client().get(job_url).headers["Location"].startswith("/login")


def test_upload_and_confirm_need_the_csrf_token(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.a.supervisor)
    response = client.post(UPLOAD, data={"file": (io.BytesIO(GOOD), "a.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Het formulier is verlopen" in text_of(response)
    assert jobs_in_db(app) == []
    job_url = upload(client, GOOD).headers["Location"]
    before = count_rows(app)
    for data in ({}, {"csrf_token": "wrong-token"}):
        assert client.post(f"{job_url}/geven", data=data).status_code == 400
        assert client.post(f"{job_url}/annuleren", data=data).status_code == 400
    time.sleep(0.1)
    assert count_rows(app) == before and [j.state for j in jobs_in_db(app)] == ["checked"]


# --- the pages as HTML ------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
def test_bulk_pages_have_one_heading_labels_and_no_scripts(app: Flask, world: World, language: str) -> None:
    client = app.test_client()
    login(client, world.a.admin)
    client.get(f"/?lang={language}")
    preview_url = upload(client, GOOD).headers["Location"]
    done_url = upload(client, GOOD.replace(b"HR-", b"XR-"), "tweede.csv").headers["Location"]
    _confirm(client, done_url)
    wait_until_finished(client, done_url)
    responses = [client.get(url) for url in (UPLOAD, f"{UPLOAD}/competenties", f"{UPLOAD}/uploads", preview_url,
                                             done_url)]  # fmt: skip
    responses += [upload(client, BAD)]
    for response in responses:
        html = page(response)
        body = response.get_data(as_text=True)
        assert html.tags("html")[0]["attrs"]["lang"] == language
        assert len(html.tags("main")) == 1 and len(html.tags("h1")) == 1
        labelled = {e["attrs"].get("for") for e in html.tags("label")}
        for control in html.tags("input") + html.tags("select") + html.tags("textarea"):
            if control["attrs"].get("type") != "hidden":
                assert control["attrs"].get("id") in labelled
        for element in html.elements:
            for ref in element["attrs"].get("aria-describedby", "").split():
                html.by_id(ref)
        for table in html.tags("table"):
            assert table["attrs"] is not None
        assert "<script" not in body and "{" not in html.text("inhoud").replace("{}", "")
        assert response.headers["Cache-Control"] == "no-store"


def test_every_text_key_of_the_bulk_module_exists() -> None:
    source = Path(bulk_pages.__file__).read_text("utf-8")
    keys = set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]+)["']""", source)) | set(
        re.findall(r"""(?:PageError\(\s*\d+,\s*|flash\()["']([a-z0-9_.]+)["']""", source)
    )
    assert keys, "the scan found no texts"
    assert sorted(key for key in keys if key not in i18n.MESSAGES) == []
    dynamic = [f"bulk.state.{state}" for state in bulk_pages.STATES]
    dynamic += [f"bulk.outcome.{outcome}" for outcome in ("issued", "skipped", "failed")]
    dynamic += [f"bulk.failure.{code}" for code in ("database", "keystore", "org_not_active", "unknown")]
    dynamic += [f"bulk.column.{c}.help" for c in ("holder_name", "competence", "issued_on", "external_ref")]
    plural = ("bulk.preview.new", "bulk.preview.before", "bulk.preview.confirm", "bulk.problems.summary",
              "bulk.jobs.rows")  # fmt: skip
    dynamic += [key + ".one" for key in plural]
    assert sorted(key for key in dynamic if key not in i18n.MESSAGES) == []


# --- accessibility (axe-core in Chromium, as for the public pages) -------------------------------


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_bulk_pages_have_no_serious_or_critical_accessibility_findings(
    app: Flask, world: World, tmp_path: Path
) -> None:
    from tests.verifier.test_accessibility import AXE, CSS, RUNNER, _axe, _tools

    browser = _tools()
    pages: dict[str, str] = {}
    for language in ("nl",):  # the English pages have the same structure (and the same tests above)
        client = app.test_client()
        login(client, world.a.supervisor)
        client.get(f"/?lang={language}")
        preview_url = upload(client, GOOD, f"{language}.csv").headers["Location"]
        done_url = upload(client, GOOD.replace(b"HR-", f"{language}-".encode()), "klaar.csv").headers["Location"]
        _confirm(client, done_url)
        wait_until_finished(client, done_url)
        pages[f"{language}-upload"] = client.get(UPLOAD).get_data(as_text=True)
        pages[f"{language}-problems"] = upload(client, BAD).get_data(as_text=True)
        pages[f"{language}-file-error"] = upload(client, b"PK\x03\x04").get_data(as_text=True)
        pages[f"{language}-codes"] = client.get(f"{UPLOAD}/competenties").get_data(as_text=True)
        pages[f"{language}-preview"] = client.get(preview_url).get_data(as_text=True)
        pages[f"{language}-done"] = client.get(done_url).get_data(as_text=True)
        pages[f"{language}-jobs"] = client.get(f"{UPLOAD}/uploads").get_data(as_text=True)
        running = _running_job(app, world, done=40 if language == "nl" else 41, total=120)
        pages[f"{language}-progress"] = client.get(f"{running}?verversen=nee").get_data(as_text=True)
    css = CSS.read_text("utf-8")
    runner = RUNNER % AXE.read_text("utf-8")
    findings: list[str] = []
    for name, rendered in pages.items():
        html = re.sub(r'<link rel="stylesheet"[^>]*>', f"<style>{css}</style>", rendered)
        file = tmp_path / f"{name}.html"
        file.write_text(html.replace("</body>", runner + "</body>"), "utf-8")
        # 360 px (the narrow phone) for every page; the desktop width for the two busiest.
        for width in (360, 1280) if name in ("nl-upload", "nl-done") else (360,):
            for violation in _axe(browser, file, width, tmp_path / "profile"):
                if violation["impact"] in ("serious", "critical"):
                    findings.append(f"{name} @{width}px: {violation['id']}: {violation['nodes'][:3]}")
    assert findings == []
