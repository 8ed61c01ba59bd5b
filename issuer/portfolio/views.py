"""The holder's portfolio: opened with the personal code from the access letter.

No account, no e-mail address, no app: the code on the letter opens the portfolio
for one hour in this browser. A wrong code, an unknown code and an erased holder's
old code all get the same answer, and attempts are rate-limited per client and in
total (the codes have 80 random bits; guessing is hopeless even without the limit).
A new code made by the supervisor ends every session opened with the old one.

The holder can download each certificate (PDF, JSON), one portfolio PDF and one ZIP
with everything, switch each certificate's public page on or off, download all data
the service holds about them and have it erased.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import timedelta
from typing import Final

from flask import Blueprint, Flask, Response, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from issuer.certificates import documents
from issuer.certificates import views as certificate_views
from issuer.core import errors as core_errors
from issuer.participants import services as participant_services
from issuer.runtime import runtime
from issuer.store.db import session_scope
from issuer.store.models import Certificate, Participant
from issuer.webkit import i18n, pages
from issuer.webkit.throttle import RateLimiter

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")

SESSION_KEY: Final = "holder"
SESSION_MAX_AGE: Final = timedelta(hours=1)  # often a shared computer (library, job centre)
CODE_FIELD: Final = "code"
ATTEMPTS_PER_MINUTE: Final = 10  # per client
ATTEMPTS_PER_MINUTE_ALL: Final = 600  # all clients together: spreads a guessing attack thin
ACTOR: Final = "holder"


def init_app(app: Flask) -> None:
    app.extensions["portfolio_limits"] = (
        RateLimiter(per_minute=ATTEMPTS_PER_MINUTE),
        RateLimiter(per_minute=ATTEMPTS_PER_MINUTE_ALL),
    )
    app.register_blueprint(bp)


pages.guard(bp)


# --- who is signed in ------------------------------------------------------------------


def _binding(participant: Participant) -> str:
    # Ties the session to the current code: a new code ends the old sessions.
    return hashlib.sha256(("holder-session:" + (participant.access_code_digest or "")).encode()).hexdigest()[:32]


def _start(participant: Participant) -> None:
    language = session.get(i18n.SESSION_KEY)
    session.clear()  # nothing of an earlier visitor (staff or holder) carries over
    if language in i18n.LANGUAGES:
        session[i18n.SESSION_KEY] = language
    session[SESSION_KEY] = {"id": participant.id, "binding": _binding(participant), "at": int(time.time())}


def _end() -> None:
    session.pop(SESSION_KEY, None)


def _holder(db: Session) -> Participant | None:
    """The signed-in holder of this request, or None."""
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    holder_id, binding, started = stored.get("id"), stored.get("binding"), stored.get("at")
    if not isinstance(holder_id, int) or not isinstance(binding, str) or not isinstance(started, int):
        return None
    if not 0 <= time.time() - started <= SESSION_MAX_AGE.total_seconds():
        return None
    participant = db.get(Participant, holder_id)
    if participant is None or participant.erased_at is not None or participant.access_code_digest is None:
        return None
    if not hmac.compare_digest(binding.encode(), _binding(participant).encode()):
        return None
    return participant


def _required(db: Session) -> Participant:
    holder = _holder(db)
    if holder is None:
        raise _SignedOut()
    return holder


class _SignedOut(Exception):
    """No (longer a) portfolio session: back to the code form."""


@bp.errorhandler(_SignedOut)
def _signed_out(_exc: _SignedOut) -> ResponseReturnValue:
    if SESSION_KEY in session:
        _end()
        flash("portfolio.flash.expired")
    return redirect(url_for("portfolio.home"))


def _limited() -> Response | None:
    per_client, overall = current_app.extensions["portfolio_limits"]
    if per_client.allow(request.remote_addr or "?") and overall.allow("all"):
        return None
    body, status = pages.error_page(429, "portfolio.limit.text", i18n.N_("portfolio.limit.title"))
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Retry-After"] = str(per_client.retry_after())
    return pages.protect_response(response)


# --- pages ---------------------------------------------------------------------------------


@bp.get("")
def home() -> ResponseReturnValue:
    with session_scope(runtime().sessions) as db:
        holder = _holder(db)
        if holder is None:
            return render_template("portfolio/login.html", form=pages.FormState({CODE_FIELD: ""}))
        certificates = participant_services.holder_certificates(db, holder)
        views = [certificate_views.certificate_view(c) for c in certificates]
        return render_template(
            "portfolio/index.html",
            holder=holder,
            certificates=views,
            bundled=len(documents.bundled(certificates)),
            verify_base=runtime().settings.base_url,
        )


@bp.post("")
def open_portfolio() -> ResponseReturnValue:
    limited = _limited()
    if limited is not None:
        return limited
    code = str(request.form.get(CODE_FIELD, ""))
    with session_scope(runtime().sessions, reads_only=True) as db:
        holder = participant_services.participant_by_code(db, code) if code.strip() else None
        if holder is not None:
            _start(holder)
            return redirect(url_for("portfolio.home"))
    # The same answer for an empty, unknown, wrong or erased code.
    key = i18n.N_("portfolio.error.required") if not code.strip() else i18n.N_("portfolio.error.wrong_code")
    form = pages.FormState({CODE_FIELD: ""}, errors={CODE_FIELD: i18n.t(key)})
    return render_template("portfolio/login.html", form=form), 400


@bp.post("/uitloggen")
def logout() -> ResponseReturnValue:
    _end()
    flash("portfolio.flash.logged_out")
    return redirect(url_for("portfolio.home"))


@bp.get("/certificaat/<public_id>.pdf")
def certificate_pdf(public_id: str) -> ResponseReturnValue:
    with session_scope(runtime().sessions, reads_only=True) as db:
        cert = _own(db, public_id)
        data = documents.certificate_pdf(runtime().settings, cert)
        name = documents.file_stem(cert) + ".pdf"
    return pages.download(data, "application/pdf", name)


@bp.get("/certificaat/<public_id>.json")
def certificate_json(public_id: str) -> ResponseReturnValue:
    with session_scope(runtime().sessions, reads_only=True) as db:
        cert = _own(db, public_id)
        data, name = cert.credential_json.encode("utf-8"), documents.file_stem(cert) + ".json"
    return pages.download(data, "application/json", name)


def _own(db: Session, public_id: str) -> Certificate:
    holder = _required(db)
    try:
        return participant_services.holder_certificate(db, holder, public_id)
    except core_errors.NotFound:
        raise pages.PageError(404, "error.unknown_certificate") from None


@bp.get("/portfolio.pdf")
def portfolio_pdf() -> ResponseReturnValue:
    with session_scope(runtime().sessions, reads_only=True) as db:
        holder = _required(db)
        held = participant_services.holder_certificates(db, holder)
        data = documents.portfolio_pdf(runtime().settings, holder.name or "", held)
    return pages.download(data, "application/pdf", "portfolio.pdf")


@bp.get("/certificaten.zip")
def portfolio_zip() -> ResponseReturnValue:
    with session_scope(runtime().sessions, reads_only=True) as db:
        holder = _required(db)
        data = documents.portfolio_zip(
            runtime().settings, holder.name or "", participant_services.holder_certificates(db, holder)
        )
    return pages.download(data, "application/zip", "certificaten.zip")


@bp.post("/certificaat/<public_id>/openbaar")
def public_page(public_id: str) -> ResponseReturnValue:
    shown = request.form.get("shown") == "1"
    with session_scope(runtime().sessions) as db:
        cert = _own(db, public_id)
        participant_services.set_public_page(db, cert=cert, shown=shown, actor=ACTOR)
    flash(i18n.N_("portfolio.flash.shown") if shown else i18n.N_("portfolio.flash.hidden"))
    return redirect(url_for("portfolio.home") + f"#c-{public_id}")


@bp.get("/mijn-gegevens.json")
def my_data() -> ResponseReturnValue:
    with session_scope(runtime().sessions, reads_only=True) as db:
        holder = _required(db)
        data = documents.holder_data_json(participant_services.holder_data(db, holder))
    return pages.download(data, "application/json", "mijn-gegevens.json")


@bp.get("/wissen")
def erase_form() -> ResponseReturnValue:
    with session_scope(runtime().sessions, reads_only=True) as db:
        holder = _required(db)
        return render_template("portfolio/erase.html", holder=holder, form=pages.FormState({"confirm": ""}))


@bp.post("/wissen")
def erase() -> ResponseReturnValue:
    with session_scope(runtime().sessions) as db:
        holder = _required(db)
        if request.form.get("confirm") != "yes":
            form = pages.FormState({"confirm": ""}, errors={"confirm": i18n.t("portfolio.erase.confirm_required")})
            return render_template("portfolio/erase.html", holder=holder, form=form), 400
        participant_services.erase_participant(db, participant=holder, actor=ACTOR)
    _end()
    return render_template("portfolio/erased.html")
