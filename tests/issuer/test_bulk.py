"""Bulk issuance: reading spreadsheets as people save them, checking every row, issuing
once per row, and surviving a kill -9 in the middle (a real process)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from issuer.bulk import services as bulk
from issuer.core import audit_log
from issuer.organisations import services as org_services
from issuer.runtime import runtime
from issuer.store.db import session_scope
from issuer.store.models import AuditEvent, Certificate
from tests.issuer.conftest import World, count_rows
from tests.support import ROOT, cli, service_env, stored_certificates

HEADER = "holder_name,competence,level,evidence,issued_on,external_ref"


def parse(text: str, encoding: str = "utf-8") -> bulk.ParsedFile:
    return bulk.parse_csv(text.encode(encoding))


def codes(problems: list[bulk.RowProblem]) -> list[tuple[int, str, str]]:
    return [(p.line, p.column, p.code) for p in problems]


# --- reading the file -------------------------------------------------------------------


def test_a_plain_utf8_file_with_bom_quotes_and_blank_rows() -> None:
    parsed = bulk.parse_csv(
        ("\ufeff" + HEADER + "\r\n"
         'Nguyễn Thị Lan,CIRC-SORTEREN,2,"Sorteert, prijst en presenteert.",2026-03-14,A-1\r\n'
         "\r\n"
         "Mehmet Çelik,DIG-KASSA,1,,,\r\n,,,,,\r\n").encode()
    )  # fmt: skip
    assert parsed.problems == [] and parsed.encoding == "utf-8" and parsed.delimiter == ","
    assert [r.holder_name for r in parsed.rows] == ["Nguyễn Thị Lan", "Mehmet Çelik"]
    assert parsed.rows[0].evidence == "Sorteert, prijst en presenteert." and parsed.rows[0].line == 2
    assert parsed.rows[1].line == 4 and parsed.rows[1].issued_on == ""


def test_an_excel_export_windows_1252_semicolons_and_dutch_headers() -> None:
    text = (
        "Naam;Competentie;Niveau;Toelichting;Datum;Kenmerk\r\n"
        "Mehmet Çelik;DIG-KASSA;1;Telt de kas € 0,50 nauwkeurig;14-03-2026;X1\r\n"
    )
    parsed = parse(text, "cp1252")
    assert parsed.problems == [] and parsed.encoding == "windows-1252" and parsed.delimiter == ";"
    (row,) = parsed.rows
    assert row.holder_name == "Mehmet Çelik" and row.evidence == "Telt de kas € 0,50 nauwkeurig"
    assert (row.competence, row.level, row.issued_on, row.external_ref) == ("DIG-KASSA", "1", "14-03-2026", "X1")


def test_utf8_with_one_damaged_byte_is_not_read_as_windows_1252() -> None:
    data = (HEADER + "\nSara Ødegård,VAK-TILLEN,1,,,\n").encode() + b"Jan Kapo\xff,DIG-KASSA,1,,,\n"
    parsed = bulk.parse_csv(data)
    assert parsed.encoding == "utf-8" and parsed.rows[0].holder_name == "Sara Ødegård"
    assert codes(parsed.problems) == [(3, "holder_name", "bad_text")]
    assert "CSV UTF-8" in parsed.problems[0].message("nl")


def test_tabs_and_a_reordered_header() -> None:
    parsed = parse("level\tholder_name\tcompetence\n3\tSara Ødegård\tVAK-TILLEN\n")
    assert parsed.problems == [] and parsed.delimiter == "\t"
    assert (parsed.rows[0].holder_name, parsed.rows[0].level) == ("Sara Ødegård", "3")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", [(0, "", "empty_file")]),
        (b"PK\x03\x04 an xlsx workbook", [(0, "", "not_text")]),
        (b"naam|competentie|niveau\nJan|DIG-KASSA|1\n", [(1, "", "no_header")]),
        (b"holder_name,competence,levl\nJan,DIG-KASSA,1\n", [(1, "", "unknown_column"), (1, "", "missing_column")]),
        (b"holder_name,competence,level,naam\nJan,DIG-KASSA,1,Jan\n", [(1, "", "duplicate_column")]),
        (b"holder_name,competence,level\nJan, de Vries,DIG-KASSA,1\n", [(2, "", "cells")]),
    ],
)
def test_file_problems_are_named_with_their_line(data: bytes, expected: list[tuple[int, str, str]]) -> None:
    parsed = bulk.parse_csv(data)
    assert codes(parsed.problems) == expected
    assert all(p.message("nl") and p.message("en") for p in parsed.problems)
    assert parsed.rows == []


def test_too_many_rows() -> None:
    parsed = bulk.parse_csv((HEADER + "\n" + "Jan,DIG-KASSA,1,,,\n" * (bulk.MAX_ROWS + 1)).encode())
    assert codes(parsed.problems) == [(bulk.MAX_ROWS + 2, "", "too_many_rows")]


def test_the_template_parses_and_checks_clean(app: Flask, world: World) -> None:
    parsed = bulk.parse_csv(bulk.template_csv())
    assert parsed.problems == [] and len(parsed.rows) == 2
    with app.app_context(), session_scope(runtime().sessions) as session:
        assert bulk.check_rows(session, org_services.get_org(session, world.a.slug), parsed.rows) == []


# --- checking the rows --------------------------------------------------------------------------


BAD_ROWS = f"""{HEADER}
Goed Voorbeeld,CIRC-SORTEREN,2,,2026-03-14,
,CIRC-SORTEREN,2,,,
Onbekend Vak,CIRC-SORTEERN,2,,,
Te Hoog,DIG-KASSA,4,,,
Rare Datum,DIG-KASSA,1,,31-02-2026,
Toekomst,DIG-KASSA,1,,2999-01-01,
Goed Voorbeeld,circ-sorteren,2,,14-03-2026,
Referentie Een,DIG-KASSA,1,,,R-7
Referentie Twee,VAK-TILLEN,1,,,R-7
Op Naam,Kassa bedienen,zelfstandig,,,
"""


def test_every_bad_row_is_found_and_nothing_is_written(app: Flask, world: World) -> None:
    parsed = parse(BAD_ROWS)
    assert parsed.problems == []
    before = count_rows(app)
    with app.app_context(), session_scope(runtime().sessions) as session:
        problems = bulk.check_rows(session, org_services.get_org(session, world.a.slug), parsed.rows)
    assert codes(problems) == [
        (3, "holder_name", "required"),
        (4, "competence", "unknown_competence"),
        (5, "level", "bad_level"),
        (6, "issued_on", "bad_date"),
        (7, "issued_on", "future_date"),
        (8, "", "duplicate_row"),  # the same as row 2: code case and date format do not matter
        (10, "external_ref", "duplicate_ref"),
    ]
    messages = {p.line: p.message("nl") for p in problems}
    assert "Bedoelt u CIRC-SORTEREN?" in messages[4]
    unknown = next(p for p in problems if p.line == 4)
    assert "Did you mean CIRC-SORTEREN?" in unknown.message("en") and "Bedoelt" not in unknown.message("en")
    assert "regel 2" in messages[8] and "regel 9" in messages[10]
    assert "1, 2 of 3" in messages[5]
    assert count_rows(app) == before


# --- issuing ------------------------------------------------------------------------------------


def _rows(count: int, *, prefix: str = "Deelnemer") -> list[bulk.BulkRow]:
    competences = ("CIRC-SORTEREN", "DIG-KASSA", "VAK-TILLEN", "WERK-SAMENWERKEN")
    return [
        bulk.BulkRow(line=i + 2, holder_name=f"{prefix} {i}", competence=competences[i % 4], level=str(i % 3 + 1),
                     evidence="Laat het zien.", issued_on="2026-03-14", external_ref=f"{prefix}-{i}" if i % 2 else "")
        for i in range(count)
    ]  # fmt: skip


def _certificates(app: Flask) -> list[Certificate]:
    with app.app_context(), session_scope(runtime().sessions) as session:
        return list(session.execute(select(Certificate).order_by(Certificate.id)).scalars())


def test_issuing_is_once_per_row_and_complete(app: Flask, world: World) -> None:
    rows = _rows(30)
    seen: list[tuple[int, int]] = []
    with app.app_context():
        rt = runtime()
        before = len(_certificates(app))
        first = bulk.issue_rows(rt, world.a.slug, rows, actor="test", progress=lambda d, t: seen.append((d, t)),
                                workers=0)  # fmt: skip
        again = bulk.issue_rows(rt, world.a.slug, rows, actor="test", workers=0)
    assert len(first.issued) == 30 and first.skipped == [] and first.failed == []
    assert again.issued == [] and sorted(again.skipped) == sorted(first.issued)
    assert seen[-1] == (30, 30)
    made = _certificates(app)[before:]
    assert len(made) == 30 and len({c.idempotency_key for c in made}) == 30
    assert {c.public_id for c in made} == {public_id for _, public_id in first.issued}
    assert {c.external_ref for c in made if c.external_ref} == {r.external_ref for r in rows if r.external_ref}
    with app.app_context(), session_scope(runtime().sessions) as session:
        assert audit_log.verify_audit_chain(session) == []
        issued_events = session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "certificate.issue")
        ).scalar_one()
    assert issued_events == before + 30
    # Each one is a complete certificate: it verifies in the service's own verifier.
    from verifier.service import verify_for_reader

    with app.app_context(), session_scope(runtime().sessions) as session:
        for cert in made[:5]:
            import json

            assert verify_for_reader(session, runtime().settings, json.loads(cert.credential_json)).verdict == "valid"


def test_signing_in_worker_processes_gives_the_same_certificates(app: Flask, world: World) -> None:
    rows = _rows(bulk.BATCH + 20, prefix="Werker")
    with app.app_context():
        outcome = bulk.issue_rows(runtime(), world.a.slug, rows, actor="test", workers=2)
    assert len(outcome.issued) == len(rows) and outcome.failed == []
    made = _certificates(app)[-len(rows) :]
    assert len({(c.status_list_id, c.status_index) for c in made}) == len(rows)
    import json

    from verifier.service import verify_for_reader

    with app.app_context(), session_scope(runtime().sessions) as session:
        for cert in (made[0], made[bulk.BATCH], made[-1]):
            assert verify_for_reader(session, runtime().settings, json.loads(cert.credential_json)).verdict == "valid"


def test_a_signing_worker_imports_neither_the_web_app_nor_the_database() -> None:
    """The worker processes import only the signing module (and its empty package) and ``credentials``."""
    probe = (
        "import sys; import issuer.bulk.signing; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'verifier') "
        "or (m.startswith('issuer.') and m not in ('issuer.bulk', 'issuer.bulk.signing'))); print(loaded)"
    )
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_rows_with_problems_fail_and_the_rest_is_issued(app: Flask, world: World) -> None:
    rows = [*_rows(3, prefix="Mix"), bulk.BulkRow(line=99, holder_name="X", competence="NOPE", level="1")]
    with app.app_context():
        outcome = bulk.issue_rows(runtime(), world.a.slug, rows, actor="test", workers=0)
    assert len(outcome.issued) == 3
    assert [(line, p.code) for line, p in outcome.failed] == [(99, "unknown_competence")]


# --- kill -9 in the middle ------------------------------------------------------------------------


def test_a_run_killed_mid_way_is_completed_by_running_it_again(tmp_path: Path) -> None:
    env = service_env(tmp_path, "https://certificaten.test")
    cli(env, "init")
    cli(env, "org", "add", "cohort", "--name", "Kringloop Cohort")
    rows = 1200
    csv_file = tmp_path / "cohort.csv"
    lines = [HEADER] + [f"Deelnemer {i},{('CIRC-SORTEREN', 'DIG-KASSA')[i % 2]},2,,2026-03-14," for i in range(rows)]
    csv_file.write_text("\n".join(lines) + "\n", "utf-8")
    database = tmp_path / "instance" / "credentials.db"

    run = subprocess.Popen([sys.executable, "-m", "issuer.cli", "bulk-issue", str(csv_file), "--org", "cohort"],
                           env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 120
    while stored_certificates(database) < bulk.BATCH and run.poll() is None:
        assert time.monotonic() < deadline, "no batch was stored in time"
        time.sleep(0.02)
    os.killpg(run.pid, signal.SIGKILL)  # the run and its signing workers, mid-way
    run.wait(timeout=30)
    assert run.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    stored = stored_certificates(database)
    assert bulk.BATCH <= stored < rows
    assert stored % bulk.BATCH == 0  # only whole batches: every certificate in them is complete

    report = tmp_path / "out"
    report.mkdir()
    output = cli(env, "bulk-issue", str(csv_file), "--org", "cohort", "--out", str(report))
    assert f"Issued {rows - stored}, skipped {stored} (issued before), failed 0" in output
    with sqlite3.connect(database) as conn:
        total, keys, indexes = conn.execute(
            "SELECT count(*), count(DISTINCT idempotency_key), count(DISTINCT status_index) FROM certificates"
        ).fetchone()
        events = conn.execute("SELECT count(*) FROM audit_events WHERE action = 'certificate.issue'").fetchone()[0]
    assert total == keys == indexes == events == rows
    assert "The audit log verifies" in cli(env, "audit", "verify")
    report_lines = (report / "bulk-report.csv").read_text("utf-8").splitlines()
    assert len(report_lines) == rows + 1 and sum(",skipped," in line for line in report_lines) == stored


def test_bulk_issue_refuses_a_file_with_any_bad_row(tmp_path: Path) -> None:
    env = service_env(tmp_path, "https://certificaten.test")
    cli(env, "init")
    cli(env, "org", "add", "cohort", "--name", "Kringloop Cohort")
    csv_file = tmp_path / "fout.csv"
    csv_file.write_text(BAD_ROWS, "utf-8")
    run = subprocess.run([sys.executable, "-m", "issuer.cli", "bulk-issue", str(csv_file), "--org", "cohort"], env=env,
                         cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert run.returncode == 1
    assert "7 problem(s); nothing was issued" in run.stderr
    assert "row 4, column competence: We do not know the competence 'CIRC-SORTEERN'" in run.stderr
    with sqlite3.connect(tmp_path / "instance" / "credentials.db") as conn:
        assert conn.execute("SELECT count(*) FROM certificates").fetchone()[0] == 0


def test_the_progress_callback_may_write_to_the_database(app: Flask, world: World) -> None:
    """The run reports only outside its own transactions: a callback that takes the write
    lock (every unit of work does, on SQLite) never waits for the run."""
    rows = _rows(5, prefix="Voortgang")
    waits: list[float] = []

    def write(_done: int, _total: int) -> None:
        started = time.monotonic()
        with session_scope(runtime().sessions) as session:
            audit_log.audit(session, actor="test", action="test.progress")
        waits.append(time.monotonic() - started)

    with app.app_context():
        bulk.issue_rows(runtime(), world.a.slug, rows, actor="test", progress=write, workers=0)
        bulk.issue_rows(runtime(), world.a.slug, rows, actor="test", progress=write, workers=0)  # all skipped
    assert len(waits) >= 3 and max(waits) < 5
