"""Public verifier pages: the page a certificate's QR code opens, and the upload form.

``GET /c/<public-id>``  the certificate behind a QR code, checked now (a short code
                        typed into the address bar leads there too)
``GET /controleren``    a form for the short code printed under the QR (no camera)
``GET /verify``         a form: upload the certificate file (JSON or PDF), or paste its text
``POST /verify``        check the uploaded or pasted certificate; the same result page
                        (a portfolio PDF: one short result per certificate)

Every result page says the verdict first (``<main data-verification-status=...>``
carries it for tests and assistive technology: valid, revoked, suspended, expired,
invalid, not-found, withdrawn), then what the certificate says, what each check
found in one plain sentence, and whom to contact. The pages show only what the
certificate itself says plus the issuing organisation's public contact details from
the sector's register; codes and reasons appear only under "Technische details".

Privacy: public ids are random and never listed; ``/c/`` and ``POST /verify`` are
rate limited per client; result pages are not cached and ask search engines not to
index them. A holder who withdrew the public page (or whose data was erased) gets a
"not shared publicly" page, while their file still verifies by upload.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from flask import Blueprint, Response, current_app, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from credentials.pdf import PdfError, extract_credentials
from credentials.timeutil import parse_datetime_stamp
from credentials.verify import (
    REGISTERED_ISSUER,
    STATUS,
    STRUCTURE,
    VALID_SIGNATURE,
    Check,
    Outcome,
    VerificationResult,
)
from issuer.store.codes import normalise_short_code
from issuer.store.db import session_scope
from issuer.webkit import i18n, pages
from issuer.webkit.throttle import RateLimiter
from verifier.context import verifier_context
from verifier.records import Contact, EnglishTexts
from verifier.service import (
    MAX_JSON_BYTES,
    InputRejected,
    ReaderOutcome,
    find_public,
    parse_credential_json,
    verify_with_records,
)
from verifier.sql_records import SqlRecords

bp = Blueprint("verifier_pages", __name__)

PAGE_RATE_PER_MINUTE: Final = 120
FILE_FIELD: Final = "bestand"
CODE_FIELD: Final = "code"
TEXT_FIELD: Final = "tekst"
# Verdicts where the signature held, so what the certificate says can be shown as fact.
TRUSTED_VERDICTS: Final = frozenset({"valid", "revoked", "suspended", "expired"})
MAX_SHOWN_CHARS: Final = 2000  # a hostile file cannot fill the page with one field
MAX_SHOWN_ITEMS: Final = 20
# Whatever a reader types or uploads never ends up in a shared cache or a referrer.
NO_REFERRER: Final = "no-referrer"


# --- what the certificate says ------------------------------------------------------------


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate says, read defensively from untrusted JSON (missing parts are None)."""

    holder: str | None = None
    competence: str | None = None
    description: str | None = None
    criteria: tuple[str, ...] = ()
    level_name: str | None = None
    level_description: str | None = None
    level_number: str | None = None
    level_count: int = 0
    organisation: str | None = None
    shop: str | None = None
    issued_on: datetime | None = None
    signed_at: datetime | None = None  # the proof's moment (shown when it is another day)
    valid_until: datetime | None = None
    evidence: tuple[tuple[str | None, str], ...] = ()


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value[:MAX_SHOWN_ITEMS]
    return [] if value is None else [value]


def _holder_name(subject: dict[str, Any]) -> str | None:
    """The holder's name: a plain (not hashed) name identifier, else ``name``."""
    for identifier in map(_dict, _list(subject.get("identifier"))):
        if identifier.get("identityType") == "name" and identifier.get("hashed") is False:
            name = _text(identifier.get("identityHash"))
            if name:
                return name
    return _text(subject.get("name"))


def _criteria(achievement: dict[str, Any]) -> tuple[str, ...]:
    """The criteria narrative as lines (the catalogue writes a Markdown list)."""
    return _criteria_lines(_text(_dict(achievement.get("criteria")).get("narrative")))


def _criteria_lines(narrative: str | None) -> tuple[str, ...]:
    if narrative is None:
        return ()
    lines = [line.strip().removeprefix("- ").removeprefix("* ").strip() for line in narrative.splitlines()]
    return tuple(line for line in lines if line)[:MAX_SHOWN_ITEMS]


def _level(subject: dict[str, Any], achievement: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The achieved rubric level (looked up in the achievement's ``resultDescription``) and how many levels exist."""
    descriptions = {
        d.get("id"): d for d in map(_dict, _list(achievement.get("resultDescription"))) if isinstance(d.get("id"), str)
    }
    for result in map(_dict, _list(subject.get("result"))):
        description = descriptions.get(result.get("resultDescription"))
        achieved = result.get("achievedLevel")
        if description is None or not isinstance(achieved, str):
            continue
        levels = [_dict(level) for level in _list(description.get("rubricCriterionLevel"))]
        for level in levels:
            if level.get("id") == achieved:
                return level, len(levels)
    return {}, 0


def certificate_facts(credential: Any) -> CertificateFacts:
    """What ``credential`` says about the holder, the competence, the level and the organisation."""
    document = _dict(credential)
    subject = _dict(next(iter(_list(document.get("credentialSubject"))), None))
    achievement = _dict(subject.get("achievement"))
    level, count = _level(subject, achievement)
    issued = parse_datetime_stamp(document.get("validFrom")) or parse_datetime_stamp(document.get("awardedDate"))
    evidence = tuple(
        (_text(item.get("name")), narrative)
        for item in map(_dict, _list(document.get("evidence")))
        if (narrative := _text(item.get("narrative")))
    )
    level_number = level.get("level")
    return CertificateFacts(
        holder=_holder_name(subject),
        competence=_text(achievement.get("name")) or _text(document.get("name")),
        description=_text(achievement.get("description")),
        criteria=_criteria(achievement),
        level_name=_text(level.get("name")),
        level_description=_text(level.get("description")),
        level_number=_text(level_number) if isinstance(level_number, str) else None,
        level_count=count,
        organisation=_text(_dict(document.get("issuer")).get("name")),
        shop=_text(_dict(subject.get("source")).get("name")),
        issued_on=issued,
        signed_at=parse_datetime_stamp(_dict(next(iter(_list(document.get("proof"))), None)).get("created")),
        valid_until=parse_datetime_stamp(document.get("validUntil")),
        evidence=evidence,
    )


def in_english(facts: CertificateFacts, english: EnglishTexts) -> CertificateFacts:
    """``facts`` with the competence, its criteria and the level in English, as the PDF has
    them: the texts of the framework version the certificate was issued under."""
    level = next((lv for lv in english.levels if lv[0] == facts.level_number), None)
    return dataclasses.replace(
        facts,
        competence=_text(english.name) or facts.competence,
        description=_text(english.description) or facts.description,
        criteria=_criteria_lines(_text(english.criteria)) or facts.criteria,
        level_name=(level[1] or facts.level_name) if level else facts.level_name,
        level_description=(level[2] or facts.level_description) if level else facts.level_description,
    )


# --- what the checks found, in plain words ----------------------------------------------------


@dataclass(frozen=True)
class CheckLine:
    """One check as a reader sees it (``sentence``), and as an expert does (the rest)."""

    id: str
    outcome: str
    sentence: str
    code: str
    reason: str


def _first_key(pattern: str, *values: str) -> str:
    """The key of the first of ``values`` that the table ``pattern`` has (else of the last)."""
    for value in values:
        key = i18n.key_of(pattern, value)
        if key is not None:
            return key
    return pattern.replace("*", values[-1])


def check_sentence_key(check: Check) -> str:
    """The i18n key of the plain sentence for ``check``: the most specific one that exists."""
    outcome = check.outcome.value
    values = [f"{check.id}.{outcome}"]
    if check.code:
        values.insert(0, f"{check.id}.{outcome}.{check.code}")
    return _first_key("verify.check.*", *values, f"any.{outcome}")


def check_lines(result: VerificationResult, contact: Contact | None) -> list[CheckLine]:
    organisation = contact.name if contact else i18n.t("verify.contact.the_organisation")
    return [
        CheckLine(c.id, c.outcome.value, i18n.t(check_sentence_key(c), org=organisation), c.code, c.reason)
        for c in result.checks
    ]


def verdict_text_key(outcome: ReaderOutcome) -> str:
    """The one-sentence explanation under the verdict (an invalid verdict says what kind)."""
    if outcome.verdict != "invalid":
        return _first_key("verify.verdict.*.text", outcome.verdict)
    result = outcome.result
    failed = {c.id: c for c in result.failed}
    structure = failed.get(STRUCTURE)
    if structure is not None and structure.code in ("not_an_object", "unprocessable"):
        return i18n.N_("verify.verdict.invalid.not_certificate")
    if outcome.contact is None:
        return i18n.N_("verify.verdict.invalid.unknown_org")
    if set(failed) == {STATUS}:
        return i18n.N_("verify.verdict.invalid.unchecked")
    if set(failed) == {REGISTERED_ISSUER}:
        return i18n.N_("verify.verdict.invalid.not_allowed")
    return i18n.N_("verify.verdict.invalid.text")


def _safe_website(url: str | None) -> str | None:
    return url if url and url.startswith(("https://", "http://")) else None


@dataclass(frozen=True)
class ResultPage:
    """Everything the result template needs, read inside the database transaction."""

    verdict: str
    verdict_text_key: str
    facts: CertificateFacts
    trusted: bool
    checks: list[CheckLine]
    contact: Contact | None
    website: str | None
    phone_link: str | None
    issuer: str | None
    verification_method: str | None
    fatal: tuple[str, ...]
    checked_at: datetime
    signature_failed: bool
    # Why it was revoked, from our records, in the fixed words a public page may show.
    revocation_category: str | None = None
    # Since when it is revoked or suspended, from our records.
    revoked_at: datetime | None = None
    suspended_at: datetime | None = None


def result_page(outcome: ReaderOutcome, credential: Any) -> ResultPage:
    contact = outcome.contact
    ours = outcome.certificate
    facts = certificate_facts(credential)
    if ours is not None and ours.english is not None and i18n.current_language() == "en":
        facts = in_english(facts, ours.english)
    phone = contact.phone if contact else None
    return ResultPage(
        verdict=outcome.verdict,
        verdict_text_key=verdict_text_key(outcome),
        facts=facts,
        trusted=outcome.verdict in TRUSTED_VERDICTS,
        checks=check_lines(outcome.result, contact),
        contact=contact,
        website=_safe_website(contact.website if contact else None),
        phone_link="tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+") if phone else None,
        issuer=outcome.result.issuer,
        verification_method=outcome.result.verification_method,
        fatal=outcome.result.fatal,
        checked_at=datetime.now(UTC),
        signature_failed=outcome.result.check(VALID_SIGNATURE).outcome is Outcome.FAILED,
        revocation_category=ours.revocation_category if ours and outcome.verdict == "revoked" else None,
        revoked_at=ours.revoked_at if ours and outcome.verdict == "revoked" else None,
        suspended_at=ours.suspended_at if ours and outcome.verdict == "suspended" else None,
    )


# --- uploads ----------------------------------------------------------------------------------


MAX_CREDENTIALS_PER_UPLOAD: Final = 50  # a portfolio PDF; each one costs a verification


def credentials_from_upload(filename: str | None, data: bytes) -> list[Any]:
    """The credentials in an uploaded file: a JSON credential, or the signed JSON files
    embedded in a certificate or portfolio PDF (in page order).

    Raises :class:`InputRejected`: ``empty``; for a PDF ``pdf_<code>`` (``pdf_not_a_pdf``,
    ``pdf_unreadable``, ``pdf_no_credential``, ``pdf_too_large``, ...) or ``pdf_too_many``;
    else one of :func:`parse_credential_json`'s codes (``too_large``, ``not_json``, ...).
    """
    if not data.strip():
        raise InputRejected("empty", "the file is empty")
    if b"%PDF-" in data[:1024] or (filename or "").lower().endswith(".pdf"):
        try:
            embedded = extract_credentials(data)
        except PdfError as exc:
            raise InputRejected(f"pdf_{exc.code}", str(exc)) from exc
        if len(embedded) > MAX_CREDENTIALS_PER_UPLOAD:
            raise InputRejected("pdf_too_many", f"the PDF holds more than {MAX_CREDENTIALS_PER_UPLOAD} certificates")
        return [parse_credential_json(item.removeprefix(b"\xef\xbb\xbf")) for item in embedded]
    return [parse_credential_json(data.removeprefix(b"\xef\xbb\xbf"))]  # a byte order mark from Windows editors


def _upload_message(exc: InputRejected) -> str:
    return i18n.t(_first_key("verify.error.*", exc.code, "unreadable"))


# --- responses ----------------------------------------------------------------------------------


def _limiter() -> RateLimiter:
    limiter: RateLimiter | None = current_app.extensions.get("verifier_page_limiter")
    if limiter is None:
        limiter = RateLimiter(per_minute=int(current_app.config.get("VERIFY_PAGE_PER_MINUTE", PAGE_RATE_PER_MINUTE)))
        current_app.extensions["verifier_page_limiter"] = limiter
    return limiter


def _too_many_requests() -> Response | None:
    """A 429 page when this client is over the limit, else None (and the request is counted)."""
    limiter = _limiter()
    if limiter.allow(request.remote_addr or "?"):
        return None
    body, status = pages.error_page(429, "verify.limit.text", i18n.N_("verify.limit.title"))
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Retry-After"] = str(limiter.retry_after())
    return response


@bp.context_processor
def _page_context() -> dict[str, Any]:
    # The address readers should see in their browser (against look-alike pages).
    return {"base_url": verifier_context().settings.base_url}


@bp.after_request
def _protect(response: Response) -> Response:
    # Result pages describe a person: never cached, never indexed, never framed.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = NO_REFERRER
    return pages.protect_response(response)


def _render_result(page: ResultPage) -> ResponseReturnValue:
    return render_template("verifier/result.html", page=page)


def _render_notice(verdict: str, status: int) -> ResponseReturnValue:
    return render_template("verifier/notice.html", verdict=verdict), status


def _render_form(*, errors: dict[str, str] | None = None, text: str = "", status: int = 200) -> ResponseReturnValue:
    form = pages.FormState(values={TEXT_FIELD: text}, errors=errors or {})
    return render_template(
        "verifier/form.html",
        form=form,
        file_field=FILE_FIELD,
        text_field=TEXT_FIELD,
    ), status


# --- views ----------------------------------------------------------------------------------------


@bp.get("/c/<public_id>")
def certificate(public_id: str) -> ResponseReturnValue:
    """The page a certificate's QR code opens."""
    limited = _too_many_requests()
    if limited is not None:
        return limited
    rt = verifier_context()
    with session_scope(rt.sessions, reads_only=True) as session:
        records = SqlRecords(session)
        cert = find_public(records, public_id)
        if cert is None:
            typed = records.by_short_code(public_id)
            if typed is not None:  # the short code typed into the address bar
                return redirect(url_for("verifier_pages.certificate", public_id=typed.public_id))
            return _render_notice("not-found", 404)
        if not cert.public_page or cert.holder_erased:
            # Not shared: say so, and show nothing of the certificate (the file still verifies).
            return _render_notice("withdrawn", 404)
        credential = json.loads(cert.credential_json)
        outcome = verify_with_records(records, base_url=rt.settings.base_url, credential=credential)
        page = result_page(outcome, credential)
    return _render_result(page)


@bp.get("/controleren")
def check_code() -> ResponseReturnValue:
    """Where a person without a camera types the code printed under the QR."""
    typed = str(request.args.get(CODE_FIELD, ""))
    if not typed.strip():
        return _render_code_form()
    limited = _too_many_requests()
    if limited is not None:
        return limited
    with session_scope(verifier_context().sessions, reads_only=True) as session:
        cert = SqlRecords(session).by_short_code(typed)
        if cert is not None:
            return redirect(url_for("verifier_pages.certificate", public_id=cert.public_id))
    unknown = normalise_short_code(typed) is not None
    key = i18n.N_("verify.code.error.unknown") if unknown else i18n.N_("verify.code.error.format")
    return _render_code_form(typed[:40], i18n.t(key), 404 if key.endswith("unknown") else 400)


def _render_code_form(typed: str = "", error: str | None = None, status: int = 200) -> ResponseReturnValue:
    form = pages.FormState(values={CODE_FIELD: typed}, errors={CODE_FIELD: error} if error else {})
    return render_template("verifier/code.html", form=form, code_field=CODE_FIELD), status


@bp.get("/verify")
def verify_form() -> ResponseReturnValue:
    """The upload form."""
    return _render_form()


@bp.post("/verify")
def verify_upload() -> ResponseReturnValue:
    """Check an uploaded file or pasted text; the result page, or the form with the problem."""
    g.page_path = url_for("verifier_pages.verify_form")  # the language switch returns to the form
    limited = _too_many_requests()
    if limited is not None:
        return limited
    try:
        upload: FileStorage | None = request.files.get(FILE_FIELD)
        pasted = str(request.form.get(TEXT_FIELD, ""))
    except RequestEntityTooLarge:
        return _render_form(errors={FILE_FIELD: i18n.t("verify.error.too_large")}, status=413)
    pages.check_csrf()
    has_file, has_text = bool(upload is not None and upload.filename), bool(pasted.strip())
    data = upload.read() if upload is not None and has_file else b""  # at most MAX_CONTENT_LENGTH
    shown_text = pasted if len(pasted) <= MAX_JSON_BYTES else ""
    if has_file and has_text:
        return _render_form(errors={FILE_FIELD: i18n.t("verify.error.both")}, text=shown_text, status=400)
    if not has_file and not has_text:
        return _render_form(errors={FILE_FIELD: i18n.t("verify.error.nothing")}, status=400)
    field = FILE_FIELD if has_file else TEXT_FIELD
    try:
        if has_file:
            found = credentials_from_upload(upload.filename if upload else None, data)
        else:
            found = [parse_credential_json(pasted.strip())]
    except InputRejected as exc:
        status = 413 if exc.code in ("too_large", "pdf_too_large") else 400
        return _render_form(errors={field: _upload_message(exc)}, text=shown_text, status=status)
    for _ in found[1:]:  # each further certificate counts as a request of its own
        limited = _too_many_requests()
        if limited is not None:
            return limited
    rt = verifier_context()
    with session_scope(rt.sessions, reads_only=True) as session:
        records = SqlRecords(session)
        results = [
            result_page(verify_with_records(records, base_url=rt.settings.base_url, credential=c), c) for c in found
        ]
    if len(results) == 1:
        return _render_result(results[0])
    return render_template("verifier/results.html", pages=results)
