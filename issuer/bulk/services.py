"""Bulk issuance: a cohort from a spreadsheet (CSV) or an API call, fast and safe to repeat.

Three steps, each usable on its own:

1. :func:`parse_csv` reads the file as a spreadsheet program writes it: UTF-8 (with or
   without BOM) or Windows-1252 (Excel on Windows), comma, semicolon (Dutch Excel) or
   tab separated, English or Dutch column names. Problems of the file itself (no header,
   a missing column, a row with too many cells) are reported per line.
2. :func:`check_rows` checks every row against the catalogue and the rules (a name, a
   known competence, a level on the scale, a real date not in the future, no duplicate
   rows or references) and says per row and column what is wrong and how to fix it.
   Nothing is written.
3. :func:`issue_rows` issues the rows that are not issued yet, in batches: each batch
   is one transaction (certificates with their status indexes and audit events), so a
   crash or ``kill -9`` leaves only complete certificates, and running the same rows
   again issues only what is missing. A row is recognised by its **idempotency key**:
   its external reference, or else holder, competence, level and date (the issue date,
   or today when the row has none). Signing, the expensive part, runs in worker
   processes (one per core) while this process stores the previous batch.
"""

from __future__ import annotations

import csv
import hashlib
import io
import multiprocessing
import os
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as clock_time
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credentials.keys import Ed25519Multikey
from credentials.statuslist import MIN_ENTRIES
from issuer.bulk import signing as bulk_signing
from issuer.catalogue import load_catalogue
from issuer.certificates import services as cert_services
from issuer.core import audit_log, basics
from issuer.core import errors as core_errors
from issuer.organisations import services as org_services
from issuer.sector.framework import competences as framework_competences
from issuer.sector.trust import services as trust
from issuer.store.models import Certificate, Competence, Organisation, StatusList, User
from issuer.webkit import texts

if TYPE_CHECKING:  # the Runtime is passed in; its module reads the Flask app
    from issuer.runtime import Runtime

MAX_FILE_BYTES: Final = 10 * 1024 * 1024
MAX_ROWS: Final = 20_000
BATCH: Final = 250
LOCAL_TIME: Final = ZoneInfo("Europe/Amsterdam")
EARLIEST: Final = date(2000, 1, 1)
COLUMNS: Final = ("holder_name", "competence", "level", "evidence", "issued_on", "external_ref")
REQUIRED: Final = ("holder_name", "competence", "level")
# Column names as people write them, after lower-casing and turning spaces and dashes into "_".
HEADER_NAMES: Final = {
    "holder_name": ("holder_name", "holder", "name", "naam", "naam_houder", "houder", "deelnemer", "naam_deelnemer"),
    "competence": ("competence", "competency", "competentie", "vaardigheid", "competence_code", "code"),
    "level": ("level", "niveau"),
    "evidence": ("evidence", "toelichting", "bewijs", "onderbouwing"),
    "issued_on": ("issued_on", "date", "issue_date", "datum", "uitgegeven_op", "datum_uitgifte", "afgegeven_op"),
    "external_ref": ("external_ref", "reference", "ref", "referentie", "externe_referentie", "kenmerk"),
}
TEMPLATE_HEADER: Final = ",".join(COLUMNS)
DATE_PATTERNS: Final = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")


# --- rows and problems -----------------------------------------------------------------------


@dataclass(frozen=True)
class BulkRow:
    """One row as given (text, not yet checked). ``line`` is the line in the file (the
    header is line 1), or the item number of an API call."""

    line: int
    holder_name: str
    competence: str
    level: str
    evidence: str = ""
    issued_on: str = ""
    external_ref: str = ""


# code -> the key of its text (in both catalogues): what is wrong, and how to fix it. {value} and {hint} are filled in.
MESSAGES: Final[dict[str, str]] = {
    "required": texts.N_("bulk.problem.required"),
    "too_long": texts.N_("bulk.problem.too_long"),
    "control_chars": texts.N_("bulk.problem.control_chars"),
    "unknown_competence": texts.N_("bulk.problem.unknown_competence"),
    "bad_level": texts.N_("bulk.problem.bad_level"),
    "bad_date": texts.N_("bulk.problem.bad_date"),
    "future_date": texts.N_("bulk.problem.future_date"),
    "duplicate_row": texts.N_("bulk.problem.duplicate_row"),
    "duplicate_ref": texts.N_("bulk.problem.duplicate_ref"),
    "cells": texts.N_("bulk.problem.cells"),
    "no_header": texts.N_("bulk.problem.no_header"),
    "missing_column": texts.N_("bulk.problem.missing_column"),
    "unknown_column": texts.N_("bulk.problem.unknown_column"),
    "duplicate_column": texts.N_("bulk.problem.duplicate_column"),
    "empty_file": texts.N_("bulk.problem.empty_file"),
    "too_many_rows": texts.N_("bulk.problem.too_many_rows"),
    "too_large": texts.N_("bulk.problem.too_large"),
    "not_text": texts.N_("bulk.problem.not_text"),
    "bad_text": texts.N_("bulk.problem.bad_text"),
    "participant_erased": texts.N_("bulk.problem.participant_erased"),
    "not_issued": texts.N_("bulk.problem.not_issued"),
}


_SUGGESTING: Final = frozenset({"unknown_competence", "unknown_column"})


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one cell (``column``), a whole row (``column == ""``) or the
    file (``line == 0``)."""

    line: int
    column: str
    code: str
    value: str = ""
    hint: str = ""

    def message(self, language: str = "nl") -> str:
        hint = self.hint
        if self.code in _SUGGESTING:  # ``hint`` holds the nearest known name, or nothing
            hint = texts.translate("bulk.problem.suggestion", language, hint=hint) if hint else ""
        key = MESSAGES.get(self.code, texts.N_("bulk.problem.unknown"))
        return texts.translate(key, language, value=self.value[:80], hint=hint)

    def to_json(self, language: str = "en") -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "code": self.code, "value": self.value[:200],
                "message": self.message(language)}  # fmt: skip


@dataclass(frozen=True)
class ParsedFile:
    rows: list[BulkRow]
    problems: list[RowProblem]
    encoding: str = ""
    delimiter: str = ""


# --- reading the file ----------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str] | None:
    """(text, encoding): UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252 (what
    Excel on Windows writes). None for binary data (a spreadsheet file, a PDF)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:4096] or data.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")):
        return None
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(data):
        # UTF-8 with a damaged byte here and there: reading all of it as Windows-1252 would
        # garble every accented letter. The damaged places become U+FFFD, reported per row.
        return data.decode("utf-8-sig", errors="replace"), "utf-8"
    return data.decode("cp1252", errors="replace"), "windows-1252"


# A multi-byte UTF-8 sequence (a lead byte and its continuation bytes). Windows-1252 text
# of names and sentences practically never contains one (it would read as "Ã©" and the like).
_UTF8_SEQUENCE: Final = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _header_key(cell: str) -> str:
    text = unicodedata.normalize("NFKD", cell.strip().lstrip("\ufeff")).encode("ascii", "ignore").decode()
    return "_".join(text.lower().replace("-", " ").replace(".", " ").split())


_ALIASES: Final = {alias: column for column, aliases in HEADER_NAMES.items() for alias in aliases}


def _delimiter(first_line: str) -> str:
    """The separator that splits the header into the most known column names."""
    best, score = ",", -1
    for candidate in (",", ";", "\t"):
        cells = next(csv.reader([first_line], delimiter=candidate), [])
        known = sum(1 for c in cells if _header_key(c) in _ALIASES)
        if known > score:
            best, score = candidate, known
    return best


def parse_csv(data: bytes) -> ParsedFile:
    """Rows and file problems of a CSV upload (nothing is checked against the catalogue yet)."""
    if len(data) > MAX_FILE_BYTES:
        return ParsedFile([], [RowProblem(0, "", "too_large", hint=str(MAX_FILE_BYTES // (1024 * 1024)))])
    decoded = _decode(data)
    if decoded is None:
        return ParsedFile([], [RowProblem(0, "", "not_text")])
    text, encoding = decoded
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        return ParsedFile([], [RowProblem(0, "", "empty_file")], encoding)
    delimiter = _delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    problems: list[RowProblem] = []
    header: list[str] | None = None
    positions: dict[str, int] = {}
    rows: list[BulkRow] = []
    try:
        for cells in reader:
            line = reader.line_num
            if header is None:
                if not any(c.strip() for c in cells):
                    continue
                header = cells
                problems.extend(_header_problems(cells, positions, line))
                if problems:
                    return ParsedFile([], problems, encoding, delimiter)
                continue
            if not any(c.strip() for c in cells):
                continue  # an empty row (spreadsheets leave them at the end)
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                problems.append(RowProblem(line, "", "cells", value=str(len(header)), hint=str(len(cells))))
                continue
            if len(rows) >= MAX_ROWS:
                problems.append(RowProblem(line, "", "too_many_rows", hint=f"{MAX_ROWS:,}".replace(",", ".")))
                break
            values = {c: (cells[i].strip() if i < len(cells) else "") for c, i in positions.items()}
            damaged = next((c for c, v in values.items() if "\ufffd" in v), None)
            if damaged is not None:
                problems.append(RowProblem(line, damaged, "bad_text", value=values[damaged]))
                continue
            rows.append(BulkRow(line=line, **values))
    except csv.Error:
        problems.append(RowProblem(reader.line_num, "", "not_text"))
    return ParsedFile(rows, problems, encoding, delimiter)


def _header_problems(cells: list[str], positions: dict[str, int], line: int) -> list[RowProblem]:
    problems: list[RowProblem] = []
    for index, cell in enumerate(cells):
        if not cell.strip():
            continue
        column = _ALIASES.get(_header_key(cell))
        if column is None:
            close = get_close_matches(_header_key(cell), list(_ALIASES), n=1, cutoff=0.6)
            problems.append(
                RowProblem(line, "", "unknown_column", value=cell.strip()[:60], hint=f"'{close[0]}'" if close else "")
            )
        elif column in positions:
            problems.append(RowProblem(line, "", "duplicate_column", value=cell.strip()[:60]))
        else:
            positions[column] = index
    if not positions:
        return [RowProblem(line, "", "no_header", hint=TEMPLATE_HEADER)]
    problems.extend(RowProblem(line, "", "missing_column", value=c) for c in REQUIRED if c not in positions)
    return problems


def template_csv() -> bytes:
    """The downloadable template: the header and two example rows (UTF-8 with a BOM, so
    Excel opens it with the right characters)."""
    example = [
        TEMPLATE_HEADER,
        "Nguyễn Thị Lan,CIRC-SORTEREN,2,Sorteert kleding zelfstandig.,2026-03-14,HR-2026-0001",
        'Mehmet Çelik,DIG-KASSA,1,"Rekent af met hulp, telt de kas.",,HR-2026-0002',
    ]
    return ("\ufeff" + "\r\n".join(example) + "\r\n").encode("utf-8")


# --- checking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedRow:
    """A row that passed every check, with its values resolved."""

    line: int
    holder_name: str
    competence_code: str
    level: str
    evidence: str | None
    issued_on: datetime | None  # None: now
    day: date
    external_ref: str | None
    key: str


def idempotency_key(*, holder_name: str, competence_code: str, level: str, day: date, external_ref: str | None) -> str:
    """The same row is the same certificate: its external reference, or else holder
    (case and spacing ignored), competence, level and date."""
    if external_ref:
        return cert_services.reference_idempotency_key(external_ref)
    name = " ".join(unicodedata.normalize("NFC", holder_name).casefold().split())
    material = f"row\0{name}\0{competence_code}\0{level}\0{day.isoformat()}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _today() -> date:
    return datetime.now(LOCAL_TIME).date()


def _parse_day(text: str) -> date | None:
    for pattern in DATE_PATTERNS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _competence_lookup(session: Session) -> dict[str, Competence]:
    """Active competences by code and by their Dutch and English names (case-folded)."""
    lookup: dict[str, Competence] = {}
    for row in framework_competences.active_competences(session):
        entry = framework_competences.competence_entry(row)
        for key in (row.code, entry.name("nl"), entry.name("en")):
            lookup.setdefault(key.casefold(), row)
    return lookup


def _level_lookup() -> dict[str, str]:
    lookup = {}
    for level in load_catalogue().levels:
        for key in (level.code, level.name("nl"), level.name("en"), f"niveau {level.code}", f"level {level.code}"):
            lookup[key.casefold()] = level.code
    return lookup


def check_rows(session: Session, org: Organisation, rows: Sequence[BulkRow]) -> list[RowProblem]:
    """Every problem of every row (nothing is written)."""
    return resolve_rows(session, org, rows)[1]


def resolve_rows(
    session: Session, org: Organisation, rows: Sequence[BulkRow]
) -> tuple[list[CheckedRow], list[RowProblem]]:
    competences = _competence_lookup(session)
    levels = _level_lookup()
    today = _today()
    checked: list[CheckedRow] = []
    problems: list[RowProblem] = []
    seen_keys: dict[str, int] = {}
    seen_refs: dict[str, int] = {}
    for row in rows:
        row_problems: list[RowProblem] = []

        def text(
            value: str,
            column: str,
            limit: int,
            *,
            required: bool,
            row: BulkRow = row,
            found: list[RowProblem] = row_problems,
        ) -> str | None:
            try:
                return basics.clean_text(value, field=column, max_length=limit, required=required)
            except core_errors.ServiceError as exc:
                code = exc.code if exc.code in MESSAGES else "required"
                hint = exc.params.get("position", limit) if code == "control_chars" else limit
                found.append(RowProblem(row.line, column, code, value=value, hint=str(hint)))
                return None

        name = text(row.holder_name, "holder_name", basics.MAX_NAME, required=True)
        evidence = text(row.evidence, "evidence", basics.MAX_EVIDENCE, required=False)
        ref = text(row.external_ref, "external_ref", 200, required=False)
        competence = competences.get(row.competence.strip().casefold())
        if not row.competence.strip():
            row_problems.append(RowProblem(row.line, "competence", "required"))
        elif competence is None:
            close = get_close_matches(row.competence.strip().upper(), [c.upper() for c in competences], n=1)
            suggestion = close[0] if close else ""
            row_problems.append(RowProblem(row.line, "competence", "unknown_competence", row.competence, suggestion))
        level = levels.get(" ".join(row.level.split()).casefold())
        if not row.level.strip():
            row_problems.append(RowProblem(row.line, "level", "required"))
        elif level is None:
            row_problems.append(RowProblem(row.line, "level", "bad_level", row.level))
        day, issued_on = today, None
        if row.issued_on.strip():
            parsed = _parse_day(row.issued_on.strip())
            if parsed is None or parsed < EARLIEST:
                row_problems.append(RowProblem(row.line, "issued_on", "bad_date", row.issued_on))
            elif parsed > today:
                row_problems.append(RowProblem(row.line, "issued_on", "future_date", row.issued_on))
            else:
                day = parsed
                # Noon Dutch time, so the day reads the same in every time zone.
                issued_on = None if parsed == today else datetime.combine(parsed, clock_time(12), LOCAL_TIME)
        if row_problems or name is None or competence is None or level is None:
            problems.extend(row_problems)
            continue
        if ref and ref in seen_refs:
            problems.append(RowProblem(row.line, "external_ref", "duplicate_ref", ref, str(seen_refs[ref])))
            continue
        key = idempotency_key(holder_name=name, competence_code=competence.code, level=level, day=day,
                              external_ref=ref)  # fmt: skip
        if key in seen_keys:
            problems.append(RowProblem(row.line, "", "duplicate_row", hint=str(seen_keys[key])))
            continue
        seen_keys[key] = row.line
        if ref:
            seen_refs[ref] = row.line
        checked.append(CheckedRow(row.line, name, competence.code, level, evidence,
                                  issued_on.astimezone(UTC) if issued_on else None, day, ref, key))  # fmt: skip
    return checked, problems


def already_issued(session: Session, org: Organisation, keys: Sequence[str]) -> dict[str, str]:
    """idempotency key -> public id, for the keys issued before."""
    found: dict[str, str] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = session.execute(
            select(Certificate.idempotency_key, Certificate.public_id).where(
                Certificate.organisation_id == org.id, Certificate.idempotency_key.in_(chunk)
            )
        ).all()
        found.update((key, public_id) for key, public_id in rows if key is not None)
    return found


# --- issuing -------------------------------------------------------------------------------------


@dataclass
class BulkOutcome:
    issued: list[tuple[int, str]] = field(default_factory=list)  # (line, public id)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # issued before: (line, its public id)
    failed: list[tuple[int, RowProblem]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.issued) + len(self.skipped) + len(self.failed)


class _Allocator:
    """Random free indexes of the organisation's current revocation list, from one read
    of the used ones (kept up to date as this run allocates)."""

    def __init__(self, session: Session, rt: Runtime, org: Organisation):
        self.session, self.rt, self.org = session, rt, org
        self.reload()

    def reload(self) -> None:
        current = self.session.execute(
            select(StatusList)
            .where(StatusList.organisation_id == self.org.id, StatusList.purpose == "revocation")
            .order_by(StatusList.sequence.desc())
        ).scalars().first()  # fmt: skip
        if current is None:
            current = org_services.ensure_status_lists(self.session, self.rt.context, self.org)
        self.current = current
        self.used = set(
            self.session.execute(
                select(Certificate.status_index).where(Certificate.status_list_id == current.id)
            ).scalars()
        )

    def __call__(self) -> tuple[StatusList, int]:
        if len(self.used) >= org_services.LIST_FILL_LIMIT:
            sequence = self.current.sequence + 1
            self.current = org_services.ensure_status_lists(self.session, self.rt.context, self.org, sequence)
            self.used = set()
        while True:
            index = secrets.randbelow(MIN_ENTRIES)
            if index not in self.used:
                self.used.add(index)
                return self.current, index


def _batches(rows: Sequence[CheckedRow], size: int) -> Iterator[Sequence[CheckedRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def issue_rows(
    rt: Runtime,
    org_slug: str,
    rows: Sequence[BulkRow],
    *,
    actor: str,
    supervisor_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> BulkOutcome:
    """Issue every row not issued before; returns what happened to each row.

    Rows with problems are reported as failed (check them first to issue none of a
    file with a mistake). ``workers`` signing processes (default: one per core; 0 signs
    in this process). Batches of :data:`BATCH` rows are committed one by one.
    """
    session = rt.sessions()
    pool: ProcessPoolExecutor | None = None
    try:
        org = org_services.get_org(session, org_slug)
        supervisor = session.get(User, supervisor_id) if supervisor_id is not None else None
        if supervisor is not None and supervisor.organisation_id != org.id:
            raise core_errors.Forbidden("that supervisor belongs to another organisation", code="wrong_org")
        shop = supervisor.shop if supervisor is not None else None
        checked, problems = resolve_rows(session, org, rows)
        outcome = BulkOutcome(failed=[(p.line, p) for p in problems])
        done = {line for line, _ in outcome.failed}
        previous = already_issued(session, org, [r.key for r in checked])
        outcome.skipped = [(r.line, previous[r.key]) for r in checked if r.key in previous]
        todo = [r for r in checked if r.key not in previous]
        total = len(rows)
        report = progress or (lambda _done, _total: None)
        if not todo:
            session.commit()  # end the read transaction before the callback may write
            report(len(done) + len(outcome.skipped), total)
            return outcome
        competences = {c.code: c for c in framework_competences.active_competences(session)}
        key_row = org_services.current_key(session, org)
        key = org_services.load_signing_key(rt.context, org, key_row)
        allocate = _Allocator(session, rt, org)
        # End the read transaction (on SQLite it holds the write lock) before the progress
        # callback, which may write to the database itself; each batch is its own.
        session.commit()
        report(len(done) + len(outcome.skipped), total)

        count = workers if workers is not None else (os.cpu_count() or 1)
        if count > 0 and len(todo) > BATCH:
            pool = ProcessPoolExecutor(
                max_workers=count,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=bulk_signing.worker_start,
                initargs=(key.seed(), key.controller, key.id.split("#", 1)[1]),
            )
        sign = _Signer(pool, key, count)

        def prepare(batch: Sequence[CheckedRow]) -> list[cert_services.PendingCertificate]:
            prepared = []
            for row in batch:
                pending = cert_services.prepare_certificate(
                    session, rt.context, org=org, competence_code=row.competence_code, level=row.level,
                    holder_name=row.holder_name, evidence=row.evidence, issued_on=row.issued_on,
                    supervisor=supervisor, shop=shop, external_ref=row.external_ref,
                    competence=competences[row.competence_code], allocate=allocate, key_row=key_row,
                )  # fmt: skip
                pending.idempotency_key = row.key
                prepared.append(pending)
            return prepared

        def store(
            batch: Sequence[CheckedRow], prepared: list[cert_services.PendingCertificate], signed: list[str]
        ) -> None:
            for attempt in range(3):
                try:
                    # Suspended or ended while this run signed: store nothing more (issuer.sector.trust.services).
                    trust.may_issue(session, org)
                    for pending, text in zip(prepared, signed, strict=True):
                        session.add(cert_services.certificate_row_json(pending, text))
                    audit_log.audit_many(session, actor=actor, events=[cert_services.issue_event(p) for p in prepared])
                    session.commit()
                    outcome.issued.extend((row.line, p.public_id) for row, p in zip(batch, prepared, strict=True))
                    return
                except IntegrityError:
                    # Another run took an index or issued one of these rows meanwhile: look again.
                    session.rollback()
                    if attempt == 2:
                        raise
                    allocate.reload()
                    issued_now = already_issued(session, org, [r.key for r in batch])
                    outcome.skipped.extend((r.line, issued_now[r.key]) for r in batch if r.key in issued_now)
                    batch = [r for r in batch if r.key not in issued_now]
                    prepared = prepare(batch)
                    signed = sign.now([p.unsigned for p in prepared])

        waiting: (
            tuple[Sequence[CheckedRow], list[cert_services.PendingCertificate], Future[list[str]] | list[str]] | None
        )
        waiting = None
        for batch in _batches(todo, BATCH):
            # Emits no SQL (everything was looked up above and commits do not expire it), so
            # no transaction and no lock is held while the workers sign.
            prepared = prepare(batch)
            signing = sign.start([p.unsigned for p in prepared])
            if waiting is not None:
                store(waiting[0], waiting[1], _result(waiting[2]))
                report(len(done) + len(outcome.skipped) + len(outcome.issued), total)
            waiting = (batch, prepared, signing)
        if waiting is not None:
            store(waiting[0], waiting[1], _result(waiting[2]))
            report(len(done) + len(outcome.skipped) + len(outcome.issued), total)
        return outcome
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        session.close()


def _result(signing: Future[list[str]] | list[str]) -> list[str]:
    return signing.result() if isinstance(signing, Future) else signing


class _Signer:
    """Signs a batch in the worker pool (split over the workers), or in this process."""

    def __init__(self, pool: ProcessPoolExecutor | None, key: Ed25519Multikey, workers: int):
        self.pool, self.key, self.workers = pool, key, max(1, workers)

    def now(self, documents: list[dict[str, Any]]) -> list[str]:
        return bulk_signing.signed_texts(documents, self.key)

    def start(self, documents: list[dict[str, Any]]) -> Future[list[str]] | list[str]:
        if self.pool is None:
            return self.now(documents)
        size = -(-len(documents) // self.workers)
        parts = [
            self.pool.submit(bulk_signing.sign_many, documents[i : i + size]) for i in range(0, len(documents), size)
        ]
        combined: Future[list[str]] = Future()

        def finish(_part: Future[list[str]]) -> None:
            if all(p.done() for p in parts) and not combined.done():
                try:
                    combined.set_result([text for p in parts for text in p.result()])
                except BaseException as exc:  # noqa: BLE001 - handed to whoever waits
                    combined.set_exception(exc)

        for part in parts:
            part.add_done_callback(finish)
        return combined
