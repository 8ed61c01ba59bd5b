"""Staff pages for bulk issuance: a supervisor certifies a whole group from a spreadsheet.

The flow, for supervisors and organisation admins (a sector admin gets 403, another
organisation's upload is "not found"):

1. ``GET /meerdere-certificaten``: how it works, the template (``voorbeeld.csv``), the
   columns with their Dutch names, a link to the list of competence codes, the upload form.
2. ``POST /meerdere-certificaten``: the file is read (:func:`issuer.bulk.services.parse_csv`) and every
   row is checked (:func:`issuer.bulk.services.resolve_rows`); nothing is signed. With any problem
   the page lists them all (row, column, value, what to do) and nothing is stored. Without
   problems the upload is stored as a :class:`~issuer.store.models.BulkJob` in state ``checked``
   and the browser goes to its page: the preview.
3. ``GET /meerdere-certificaten/<job>``: the preview (how many certificates, how many rows
   were issued before and are skipped, the first rows, one button); while issuing a
   progress bar (the page reloads itself: the Content-Security-Policy allows no scripts);
   at the end the result per row, a PDF of the new certificates for printing and a CSV report.
4. ``POST /meerdere-certificaten/<job>/geven``: starts issuing in a background thread of
   this process (:func:`issuer.bulk.services.issue_rows`: batches, each one transaction, safe to run
   again). A job is started once; confirming a running or finished job only shows its page.
   A job whose progress has not moved for :data:`STALE_AFTER` (the process was restarted)
   can be started again: rows issued already are skipped.

The file holds holders' names: it is kept only from the preview until the job ends (or
:data:`PREVIEW_LIFETIME` when nobody confirms) and never logged; the result keeps line
numbers, public ids and messages.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import unicodedata
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from flask import Blueprint, Flask, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, defer, selectinload
from werkzeug.exceptions import RequestEntityTooLarge

from credentials.pdf import MAX_ATTACHMENTS, render_portfolio_pdf
from issuer import staff_user, web
from issuer.accounts import access
from issuer.bulk import services as bulk
from issuer.catalogue import load_catalogue
from issuer.certificates import documents
from issuer.certificates import views as certificate_views
from issuer.core import audit_log, basics, identity
from issuer.core import errors as core_errors
from issuer.core.keystore import KeyStoreError
from issuer.core.spreadsheet import csv_bytes
from issuer.organisations import services as org_services
from issuer.runtime import Runtime, runtime
from issuer.sector.framework import competences as framework_competences
from issuer.store.db import DatabaseUnavailable, aware_utc, session_scope
from issuer.store.models import BulkJob, Certificate, Organisation, User
from issuer.webkit import i18n, pages

log = logging.getLogger(__name__)

bp = Blueprint("bulk_pages", __name__, url_prefix="/meerdere-certificaten")

FILE_FIELD: Final = "file"
# The upload may be as large as the bulk engine reads (the app's limit for other requests is smaller).
MAX_UPLOAD_BYTES: Final = bulk.MAX_FILE_BYTES + 64 * 1024
SAMPLE_ROWS: Final = 10  # rows shown in the preview
PROBLEMS_SHOWN: Final = 1000  # more than this many problems: the first ones, and the count
RESULT_ROWS_SHOWN: Final = 500  # per list on the result page; the CSV report has every row
PDF_LIMIT: Final = MAX_ATTACHMENTS  # the renderer's cap (and what the verifier reads back)
JOBS_PER_PAGE: Final = 25
PROGRESS_INTERVAL: Final = 0.5  # seconds between progress writes (at most two a second)
REFRESH_SECONDS: Final = 2
STALE_AFTER: Final = timedelta(minutes=10)  # no progress for this long: the thread is gone
PREVIEW_LIFETIME: Final = timedelta(days=1)  # an unconfirmed upload (with names) is then forgotten
STATES: Final = ("checked", "running", "done", "failed")
# The Dutch column names the page shows (all accepted by bulk.parse_csv, as are the English ones).
DUTCH_COLUMNS: Final = {
    "holder_name": "naam",
    "competence": "competentie",
    "level": "niveau",
    "evidence": "toelichting",
    "issued_on": "datum",
    "external_ref": "referentie",
}
HEADER_PROBLEMS: Final = frozenset({"no_header", "missing_column", "unknown_column", "duplicate_column"})


def init_app(app: Flask) -> None:
    """Register the bulk pages (the full service only, next to the staff pages)."""
    app.register_blueprint(bp)


@bp.before_request
def _limits_and_csrf() -> None:
    # The size limit must be set before the CSRF check reads the form.
    if request.endpoint == "bulk_pages.upload":
        request.max_content_length = MAX_UPLOAD_BYTES
    pages.check_csrf()


pages.guard(bp, csrf=False)  # _limits_and_csrf checks it, after setting the upload limit


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: RequestEntityTooLarge) -> ResponseReturnValue:
    """A file over the limit: the upload page with a plain message (nothing was read or stored)."""
    if staff_user.current_user() is None:
        return pages.error_page(413)
    message = i18n.t("bulk.error.too_large", mb=bulk.MAX_FILE_BYTES // (1024 * 1024))
    return _upload_page(pages.FormState(errors={FILE_FIELD: message}), status=413)


# --- small helpers -----------------------------------------------------------------------


def _language() -> str:
    return i18n.current_language()


def column_label(column: str, code: str = "", language: str | None = None) -> str:
    """How the page names a problem's column: the Dutch or English column name, the header, or the row."""
    if column:
        return DUTCH_COLUMNS.get(column, column) if (language or _language()) == "nl" else column
    return i18n.t("bulk.column.header") if code in HEADER_PROBLEMS else i18n.t("bulk.column.row")


def clean_filename(raw: str | None) -> str:
    """The name of the uploaded file as the person knows it (no folders, no control characters)."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C").strip()
    return name[:200] or "upload.csv"


def own_job(db: Session, org: Organisation, job_id: str, *, lock: bool = False) -> BulkJob:
    """The organisation's upload; another organisation's (or an unknown) one is not found."""
    query = select(BulkJob).where(BulkJob.public_id == job_id[:32], BulkJob.organisation_id == org.id)
    job = db.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if job is None:
        raise pages.PageError(404, "bulk.error.unknown_job")
    return job


def _forget_old_previews(db: Session, org: Organisation) -> None:
    """Uploads nobody confirmed within a day: gone, with the names in them."""
    cutoff = basics.now() - PREVIEW_LIFETIME
    db.execute(
        delete(BulkJob).where(BulkJob.organisation_id == org.id, BulkJob.state == "checked",
                              BulkJob.created_at < cutoff)
    )  # fmt: skip


def _stale(job: BulkJob) -> bool:
    updated = aware_utc(job.updated_at)
    return job.state == "running" and updated is not None and updated < basics.now() - STALE_AFTER


def _workers() -> int | None:
    """Signing processes: none under TESTING (sign in the thread), else one per core."""
    return 0 if current_app.config.get("TESTING") else None


def reading() -> AbstractContextManager[Session]:
    """A unit of work that changes nothing: on SQLite it takes no write lock (a running job writes)."""
    return session_scope(runtime().sessions, reads_only=True)


def _check_org_may_issue(org: Organisation) -> None:
    if org.membership != "active":
        raise pages.PageError(403, "error.org_not_active")


# --- the upload page and the preview --------------------------------------------------------


@dataclass(frozen=True)
class ProblemView:
    line: int
    column: str
    value: str
    message: str


@dataclass(frozen=True)
class SampleRow:
    line: int
    holder_name: str
    competence_code: str
    competence_name: str
    level: str
    day: str
    external_ref: str
    issued_before: bool


@dataclass(frozen=True)
class Preview:
    """What the checked file will do: ``problems`` (then nothing may be issued), or how many
    rows are new and how many were issued before, with the first rows."""

    rows: int
    problems: list[ProblemView]
    problem_count: int
    new: int
    issued_before: int
    sample: list[SampleRow]


def problem_views(problems: Sequence[bulk.RowProblem], language: str) -> list[ProblemView]:
    ordered = sorted(problems, key=lambda p: p.line)
    return [ProblemView(p.line, column_label(p.column, p.code, language), p.value[:200], p.message(language))
            for p in ordered[:PROBLEMS_SHOWN]]  # fmt: skip


def make_preview(db: Session, org: Organisation, parsed: bulk.ParsedFile) -> Preview:
    """Check every row (nothing is written) and count what was issued before."""
    language = _language()
    checked, row_problems = bulk.resolve_rows(db, org, parsed.rows)
    problems = [*parsed.problems, *row_problems]
    if problems:
        return Preview(len(parsed.rows), problem_views(problems, language), len(problems), 0, 0, [])
    previous = bulk.already_issued(db, org, [r.key for r in checked])
    names = {
        c.code: framework_competences.competence_entry(c).name(language)
        for c in framework_competences.active_competences(db)
    }
    sample = [
        SampleRow(r.line, r.holder_name, r.competence_code, names.get(r.competence_code, ""), r.level,
                  i18n.format_date(r.day, language), r.external_ref or "", r.key in previous)
        for r in checked[:SAMPLE_ROWS]
    ]  # fmt: skip
    issued_before = sum(1 for r in checked if r.key in previous)
    return Preview(len(parsed.rows), [], 0, len(checked) - issued_before, issued_before, sample)


def _upload_page(form: pages.FormState, *, preview: Preview | None = None, filename: str = "",
                 status: int = 200) -> ResponseReturnValue:  # fmt: skip
    g.page_path = url_for("bulk_pages.upload_form")
    catalogue = load_catalogue()
    language = _language()
    levels = [(lv.code, lv.name(language)) for lv in catalogue.levels]
    columns = [(c, DUTCH_COLUMNS[c], c in bulk.REQUIRED) for c in bulk.COLUMNS]
    return render_template(
        "bulk/upload.html", form=form, preview=preview, filename=filename, columns=columns, levels=levels,
        max_mb=bulk.MAX_FILE_BYTES // (1024 * 1024), max_rows=f"{bulk.MAX_ROWS:,}".replace(",", "."),
        max_evidence=basics.MAX_EVIDENCE, file_field=FILE_FIELD,
    ), status  # fmt: skip


@bp.get("")
@access.roles_required(*staff_user.ORG_STAFF)
def upload_form() -> ResponseReturnValue:
    return _upload_page(pages.FormState())


@bp.post("")
@access.roles_required(*staff_user.ORG_STAFF)
def upload() -> ResponseReturnValue:
    """Read and check the file; store it for the preview only when every row is right."""
    user = access.staff()
    language = _language()
    storage = request.files.get(FILE_FIELD)
    if storage is None or not storage.filename:
        return _upload_page(pages.FormState(errors={FILE_FIELD: i18n.t("bulk.error.no_file")}), status=400)
    filename = clean_filename(storage.filename)
    data = storage.read(bulk.MAX_FILE_BYTES + 1)
    parsed = bulk.parse_csv(data)
    file_problem = next((p for p in parsed.problems if p.line == 0), None)
    message = file_problem.message(language) if file_problem is not None else None
    if message is None and not parsed.rows and not parsed.problems:
        message = i18n.t("bulk.error.no_rows")  # only a header
    if message is not None:
        return _upload_page(pages.FormState(errors={FILE_FIELD: message}), filename=filename, status=400)
    with reading() as db:
        org = access.own_organisation(db, user)
        _check_org_may_issue(org)
        preview = make_preview(db, org, parsed)
        if preview.problems:
            return _upload_page(pages.FormState(), preview=preview, filename=filename, status=400)
    with web.transaction() as db:
        org = access.own_organisation(db, user)
        _forget_old_previews(db, org)
        moment = basics.now()
        job = BulkJob(public_id=secrets.token_urlsafe(16), organisation_id=org.id, user_id=user.id,
                      filename=filename, source=data, state="checked", total=len(parsed.rows), done=0,
                      result=None, created_at=moment, updated_at=moment)  # fmt: skip
        db.add(job)
        job_id = job.public_id
    return redirect(url_for("bulk_pages.job", job_id=job_id))


@bp.get("/voorbeeld.csv")
@access.roles_required(*staff_user.ORG_STAFF)
def template() -> ResponseReturnValue:
    return pages.download(bulk.template_csv(), "text/csv", "voorbeeld-certificaten.csv")


@bp.get("/competenties")
@access.roles_required(*staff_user.ORG_STAFF)
def competences() -> ResponseReturnValue:
    """The codes to use in the file, by group, with the levels."""
    language = _language()
    catalogue = load_catalogue()
    with reading() as db:
        by_group: dict[str, list[tuple[str, str]]] = {}
        for row in framework_competences.active_competences(db):
            by_group.setdefault(row.group, []).append(
                (row.code, framework_competences.competence_entry(row).name(language))
            )
    groups = [(group.name(language), by_group[group.code]) for group in catalogue.groups if group.code in by_group]
    levels = [(lv.code, lv.name(language), lv.description(language)) for lv in catalogue.levels]
    return render_template("bulk/competences.html", groups=groups, levels=levels)


# --- one upload: preview, progress, result --------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    line: int
    public_id: str
    cert: certificate_views.CertificateView | None  # None: not found (any more)


@dataclass(frozen=True)
class Result:
    issued: list[ResultRow]
    skipped: list[ResultRow]
    failed: list[ProblemView]
    counts: dict[str, int]
    error: str | None
    printable: int  # certificates in the combined PDF


def result_lists(job: BulkJob) -> tuple[list[tuple[int, str]], list[tuple[int, str]], list[list[Any]]]:
    """(issued, skipped, failed) of a finished job, as stored."""
    data = job.result or {}
    issued = [(int(line), str(public_id)) for line, public_id in data.get("issued", [])]
    skipped = [(int(line), str(public_id)) for line, public_id in data.get("skipped", [])]
    failed = [list(item) for item in data.get("failed", [])]
    return issued, skipped, failed


def _certificates(db: Session, org: Organisation, public_ids: Sequence[str]) -> dict[str, Certificate]:
    found: dict[str, Certificate] = {}
    for start in range(0, len(public_ids), 500):
        chunk = public_ids[start : start + 500]
        rows = db.execute(
            select(Certificate).where(Certificate.organisation_id == org.id, Certificate.public_id.in_(chunk))
            .options(selectinload(Certificate.competence), selectinload(Certificate.participant),
                     selectinload(Certificate.supervisor), selectinload(Certificate.shop))
        ).scalars()  # fmt: skip
        found.update((c.public_id, c) for c in rows)
    return found


def printable_ids(db: Session, org: Organisation, issued: Sequence[tuple[int, str]]) -> list[str]:
    """The job's new certificates that go into the combined PDF, in file order: not revoked or
    replaced, at most :data:`PDF_LIMIT`."""
    wanted = [public_id for _, public_id in issued]
    kept: list[str] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        usable = set(db.execute(
            select(Certificate.public_id).where(
                Certificate.organisation_id == org.id, Certificate.public_id.in_(chunk),
                Certificate.revoked_at.is_(None), Certificate.replaced_by_id.is_(None),
            )
        ).scalars())  # fmt: skip
        kept.extend(public_id for public_id in chunk if public_id in usable)
        if len(kept) >= PDF_LIMIT:
            break
    return kept[:PDF_LIMIT]


def make_result(db: Session, org: Organisation, job: BulkJob) -> Result:
    language = _language()
    issued, skipped, failed = result_lists(job)
    shown_issued, shown_skipped = issued[:RESULT_ROWS_SHOWN], skipped[:RESULT_ROWS_SHOWN]
    certificates = _certificates(db, org, [p for _, p in shown_issued + shown_skipped])
    problems = [
        ProblemView(int(line), column_label(str(column), str(code), language), "",
                    str(nl) if language == "nl" else str(en))
        for line, column, code, nl, en in failed[:RESULT_ROWS_SHOWN]
    ]  # fmt: skip

    def rows(items: Sequence[tuple[int, str]]) -> list[ResultRow]:
        views = []
        for line, public_id in items:
            cert = certificates.get(public_id)
            view = certificate_views.certificate_view(cert) if cert is not None else None
            views.append(ResultRow(line, public_id, view))
        return views

    data = job.result or {}
    error = data.get("error")
    return Result(
        issued=rows(shown_issued), skipped=rows(shown_skipped), failed=problems,
        counts={"issued": len(issued), "skipped": len(skipped), "failed": len(failed)},
        error=str(error) if error else None, printable=len(printable_ids(db, org, issued)),
    )  # fmt: skip


@bp.get("/<job_id>")
@access.roles_required(*staff_user.ORG_STAFF)
def job(job_id: str) -> ResponseReturnValue:
    user = access.staff()
    with reading() as db:
        org = access.own_organisation(db, user)
        job = own_job(db, org, job_id)
        if job.state == "checked":
            preview = make_preview(db, org, bulk.parse_csv(job.source or b""))
            return render_template("bulk/preview.html", job=job, preview=preview)
        if job.state == "running":
            refresh = request.args.get("verversen") != "nee"
            return render_template("bulk/progress.html", job=job, stale=_stale(job), refresh=refresh,
                                   refresh_seconds=REFRESH_SECONDS)  # fmt: skip
        result = make_result(db, org, job)
        return render_template("bulk/result.html", job=job, result=result, pdf_limit=PDF_LIMIT,
                               rows_shown=RESULT_ROWS_SHOWN)  # fmt: skip


@bp.post("/<job_id>/geven")
@access.roles_required(*staff_user.ORG_STAFF)
def confirm(job_id: str) -> ResponseReturnValue:
    """Start issuing in the background, once (a running or finished job only shows its page)."""
    user = access.staff()
    rt = runtime()
    with web.transaction() as db:
        org = access.own_organisation(db, user)
        job = own_job(db, org, job_id, lock=True)  # a second confirmation waits here, then sees "running"
        if not (job.state == "checked" or _stale(job)) or job.source is None:
            return redirect(url_for("bulk_pages.job", job_id=job_id))
        _check_org_may_issue(org)
        parsed = bulk.parse_csv(job.source)
        if parsed.problems or bulk.check_rows(db, org, parsed.rows):
            # The catalogue changed since the preview: its page now shows the problems.
            return redirect(url_for("bulk_pages.job", job_id=job_id))
        started = basics.now()
        job.state, job.updated_at = "running", started
        audit_log.audit(db, actor=user.email, action="bulk_job.start", organisation_id=org.id, subject=job.public_id,
                       details={"rows": job.total})  # fmt: skip
        work = _Work(job_db_id=job.id, job_id=job.public_id, org_slug=org.slug, rows=parsed.rows,
                     actor=user.email, supervisor_id=user.id, started=started, workers=_workers())  # fmt: skip
    thread = threading.Thread(target=run_job, args=(rt, work), name=f"bulk-job-{work.job_db_id}", daemon=True)
    thread.start()
    return redirect(url_for("bulk_pages.job", job_id=job_id))


@bp.post("/<job_id>/annuleren")
@access.roles_required(*staff_user.ORG_STAFF)
def cancel(job_id: str) -> ResponseReturnValue:
    """Drop an upload that was not confirmed (with the names in it); others just show their page."""
    user = access.staff()
    with web.transaction() as db:
        job = own_job(db, access.own_organisation(db, user), job_id, lock=True)
        if job.state != "checked":
            return redirect(url_for("bulk_pages.job", job_id=job_id))
        db.delete(job)
    flash("bulk.flash.cancelled")
    return redirect(url_for("bulk_pages.upload_form"))


def _finished(db: Session, user: staff_user.StaffUser, job_id: str) -> tuple[Organisation, BulkJob]:
    org = access.own_organisation(db, user)
    job = own_job(db, org, job_id)
    if job.state not in ("done", "failed"):
        raise pages.PageError(404, "bulk.error.not_finished")
    return org, job


@bp.get("/<job_id>/certificaten.pdf")
@access.roles_required(*staff_user.ORG_STAFF)
def job_pdf(job_id: str) -> ResponseReturnValue:
    """The new certificates of the upload in one PDF for printing (at most :data:`PDF_LIMIT`)."""
    user = access.staff()
    settings = runtime().settings
    with reading() as db:
        org, job = _finished(db, user, job_id)
        issued, _, _ = result_lists(job)
        chosen = printable_ids(db, org, issued)
        if not chosen:
            raise pages.PageError(404, "bulk.error.nothing_to_print")
        found = _certificates(db, org, chosen)
        printed = [found[public_id] for public_id in chosen]
        note = (f"Certificaten uit het bestand {job.filename}, gegeven door {org.name}. "
                f"Certificates from the file {job.filename}, issued by {org.name}.")  # fmt: skip
        if len(issued) > len(printed):
            note += (f" Dit zijn er {len(printed)} van {len(issued)}. "
                     f"These are {len(printed)} of {len(issued)}.")  # fmt: skip
        data = render_portfolio_pdf(f"Certificaten {job.filename}",
                                    [documents.sheet_for(settings, c) for c in printed], title_note=note)  # fmt: skip
    return pages.download(data, "application/pdf", f"certificaten-{job_id}.pdf")


REPORT_COLUMNS: Final = {
    "nl": ("regel", "uitkomst", "naam", "competentie", "niveau", "certificaat", "controleadres", "kolom", "melding"),
    "en": ("line", "outcome", "holder_name", "competence", "level", "certificate", "verify_url", "column", "message"),
}


@bp.get("/<job_id>/verslag.csv")
@access.roles_required(*staff_user.ORG_STAFF)
def job_report(job_id: str) -> ResponseReturnValue:
    """What happened to each row, as CSV (UTF-8 with BOM, like the template)."""
    user = access.staff()
    language = _language()
    settings = runtime().settings
    with reading() as db:
        org, job = _finished(db, user, job_id)
        issued, skipped, failed = result_lists(job)
        certificates = _certificates(db, org, [p for _, p in issued + skipped])
        lines: list[tuple[int, list[str]]] = []
        for outcome, items in (("issued", issued), ("skipped", skipped)):
            for line, public_id in items:
                cert = certificates.get(public_id)
                holder = certificate_views.certificate_view(cert).holder if cert is not None else None
                competence = cert.competence.code if cert is not None else ""
                level = cert.level if cert is not None else ""
                said = i18n.t_choice("bulk.outcome.*", outcome)
                lines.append((line, [str(line), said, holder or "", competence, level,
                                     public_id, identity.verify_url(settings, public_id), "", ""]))  # fmt: skip
        for line, column, code, nl, en in failed:
            lines.append((int(line), [str(line), i18n.t("bulk.outcome.failed"), "", "", "", "", "",
                                      column_label(str(column), str(code), language),
                                      str(nl) if language == "nl" else str(en)]))  # fmt: skip
    data = csv_bytes(REPORT_COLUMNS[language], (cells for _, cells in sorted(lines, key=lambda item: item[0])))
    return pages.download(data, "text/csv", f"verslag-{job_id}.csv")


@dataclass(frozen=True)
class JobRow:
    job: BulkJob
    user_name: str | None
    counts: dict[str, int]


@bp.get("/uploads")
@access.roles_required(*staff_user.ORG_STAFF)
def jobs() -> ResponseReturnValue:
    """The organisation's uploads, newest first."""
    user = access.staff()
    with web.transaction() as db:
        org = access.own_organisation(db, user)
        _forget_old_previews(db, org)
        condition = BulkJob.organisation_id == org.id
        total = int(db.execute(select(func.count()).select_from(BulkJob).where(condition)).scalar_one())
        page = web.Page.of(total, JOBS_PER_PAGE)
        found = db.execute(
            select(BulkJob, User.name).outerjoin(User, User.id == BulkJob.user_id).where(condition)
            .options(defer(BulkJob.source))
            .order_by(BulkJob.created_at.desc(), BulkJob.id.desc())
            .limit(JOBS_PER_PAGE).offset(page.start(JOBS_PER_PAGE))
        ).all()  # fmt: skip
        rows = []
        for job, user_name in found:
            issued, skipped, failed = result_lists(job)
            counts = {"issued": len(issued), "skipped": len(skipped), "failed": len(failed)}
            rows.append(JobRow(job, user_name, counts))
        return render_template("bulk/jobs.html", rows=rows, page=page)


# --- issuing in the background ----------------------------------------------------------------


@dataclass(frozen=True)
class _Work:
    """What the background thread needs (no request, no session, no database objects)."""

    job_db_id: int
    job_id: str
    org_slug: str
    rows: list[bulk.BulkRow]
    actor: str
    supervisor_id: int
    started: datetime
    workers: int | None


class ProgressWriter:
    """The progress callback: writes ``done`` and ``total`` to the job row in its own short
    transaction, at most once per :data:`PROGRESS_INTERVAL`. Losing a write only delays the bar."""

    def __init__(self, rt: Runtime, job_db_id: int):
        self.rt, self.job_db_id = rt, job_db_id
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        # issue_rows reports only outside its own transactions, so this write never waits
        # for the run's lock.
        moment = time.monotonic()
        if moment - self.last < PROGRESS_INTERVAL:
            return
        self.last = moment
        try:
            with session_scope(self.rt.sessions) as db:
                db.execute(
                    update(BulkJob).where(BulkJob.id == self.job_db_id, BulkJob.state == "running")
                    .values(done=min(done, total), total=total, updated_at=basics.now())
                )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - progress is best effort; issuing goes on
            log.warning("bulk job %d: progress not saved (%s)", self.job_db_id, type(exc).__name__)


def result_json(outcome: bulk.BulkOutcome) -> dict[str, Any]:
    """Per-row outcomes as stored in ``BulkJob.result`` (no names: line numbers, ids, messages)."""
    failed = sorted(outcome.failed, key=lambda item: item[0])
    return {
        "issued": [[line, public_id] for line, public_id in sorted(outcome.issued)],
        "skipped": [[line, public_id] for line, public_id in sorted(outcome.skipped)],
        "failed": [[line, p.column, p.code, p.message("nl"), p.message("en")] for line, p in failed],
        "error": None,
    }


def failure_code(exc: BaseException) -> str:
    """A plain reason for a job that stopped (the page explains it); never the exception text."""
    if isinstance(exc, KeyStoreError):
        return "keystore"
    if isinstance(exc, core_errors.Forbidden) and exc.code == "org_not_active":
        return "org_not_active"
    if isinstance(exc, (DatabaseUnavailable, OperationalError, InterfaceError)):
        return "database"
    return "unknown"


def run_job(rt: Runtime, work: _Work) -> None:
    """The background thread: issue the rows, then store the outcome and drop the file."""
    log.info("bulk job %d: issuing %d rows", work.job_db_id, len(work.rows))
    try:
        outcome = bulk.issue_rows(rt, work.org_slug, work.rows, actor=work.actor, supervisor_id=work.supervisor_id,
                                  progress=ProgressWriter(rt, work.job_db_id), workers=work.workers)  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - whatever stops the run, the job must say so
        # The exception type only: messages can hold row contents (names).
        log.error("bulk job %d failed: %s", work.job_db_id, type(exc).__name__)
        result = {**_partial_result(rt, work), "error": failure_code(exc)}
        _finish(rt, work.job_db_id, "failed", result)
        return
    log.info("bulk job %d done: %d issued, %d skipped, %d failed", work.job_db_id, len(outcome.issued),
             len(outcome.skipped), len(outcome.failed))  # fmt: skip
    _finish(rt, work.job_db_id, "done", result_json(outcome))


def _partial_result(rt: Runtime, work: _Work) -> dict[str, Any]:
    """After a failure: the rows this run issued before it stopped (its batches are complete)."""
    try:
        with session_scope(rt.sessions, reads_only=True) as db:
            org = org_services.get_org(db, work.org_slug)
            checked, _ = bulk.resolve_rows(db, org, work.rows)
            by_key = {r.key: r.line for r in checked}
            issued: list[list[Any]] = []
            keys = list(by_key)
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                found = db.execute(
                    select(Certificate.idempotency_key, Certificate.public_id, Certificate.issued_at).where(
                        Certificate.organisation_id == org.id, Certificate.idempotency_key.in_(chunk)
                    )
                ).all()
                for key, public_id, issued_at in found:
                    moment = aware_utc(issued_at)
                    if key is not None and moment is not None and moment >= work.started:
                        issued.append([by_key[key], public_id])
            return {"issued": sorted(issued), "skipped": [], "failed": []}
    except Exception as exc:  # noqa: BLE001 - the failure itself is what the job must record
        log.warning("bulk job %d: partial result unknown (%s)", work.job_db_id, type(exc).__name__)
        return {"issued": [], "skipped": [], "failed": []}


def _finish(rt: Runtime, job_db_id: int, state: str, result: dict[str, Any]) -> None:
    try:
        with session_scope(rt.sessions) as db:
            job = db.get(BulkJob, job_db_id)
            if job is None:
                return
            job.state, job.result, job.source = state, result, None
            job.done = job.total if state == "done" else job.done
            job.updated_at = basics.now()
    except Exception as exc:  # noqa: BLE001 - nothing above to tell; the job stays "running" and turns stale
        log.error("bulk job %d: outcome not saved (%s)", job_db_id, type(exc).__name__)
