"""Staff pages for certificates: the dashboard, the list, issuing from the form, a certificate's page,
its PDF and JSON, and revoking, suspending and lifting.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as clock_time
from typing import Any, Final

from flask import (
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from issuer import staff_user, web
from issuer.accounts import access
from issuer.catalogue import load_catalogue
from issuer.certificates import documents
from issuer.certificates import services as cert_services
from issuer.core import basics, identity
from issuer.core import errors as core_errors
from issuer.runtime import runtime
from issuer.sector.framework import competences
from issuer.store.models import Certificate, Organisation, Participant, User
from issuer.webkit import i18n, pages

CERTIFICATES_PER_PAGE: Final = 25
RECENT_ON_DASHBOARD: Final = 10
EARLIEST_ISSUE_DATE: Final = date(2000, 1, 1)


def own_certificate(db: Session, org: Organisation, public_id: str) -> Certificate:
    try:
        return cert_services.get_certificate(db, public_id, org=org)
    except core_errors.NotFound:
        raise pages.PageError(404, "error.unknown_certificate") from None


@dataclass(frozen=True)
class CertificateView:
    """A certificate as the pages show it (built inside the transaction)."""

    public_id: str
    holder: str | None  # None: the holder's data was erased
    participant_id: int | None
    competence: str
    level_code: str
    level_name: str
    issued_on: datetime
    supervisor: str | None
    shop: str | None
    status: str  # valid, suspended or revoked
    revoked_at: datetime | None
    revocation_reason: str | None
    revocation_category: str | None
    suspended_at: datetime | None
    suspension_reason: str | None
    evidence: str | None
    verify_url: str
    public_page: bool = True
    short_code: str = ""


def certificate_view(cert: Certificate) -> CertificateView:
    language = i18n.current_language()
    entry = competences.competence_entry(cert.competence)
    level = next((lv for lv in entry.levels if lv.code == cert.level), None)
    document: dict[str, Any] = json.loads(cert.credential_json)
    holder = cert_services.holder_name(cert, document)
    evidence = next((e.get("narrative") for e in document.get("evidence", []) if e.get("narrative")), None)
    status = cert_services.certificate_state(cert)
    return CertificateView(
        public_id=cert.public_id, holder=holder, participant_id=cert.participant_id,
        competence=entry.name(language), level_code=cert.level,
        level_name=level.name(language) if level else cert.level, issued_on=cert.valid_from,
        supervisor=cert.supervisor.name if cert.supervisor else None, shop=cert.shop.name if cert.shop else None,
        status=status, revoked_at=cert.revoked_at, revocation_reason=cert.revocation_reason,
        revocation_category=cert.revocation_category,
        suspended_at=cert.suspended_at, suspension_reason=cert.suspension_reason, evidence=evidence,
        verify_url=identity.verify_url(runtime().settings, cert.public_id), public_page=cert.public_page,
        short_code=cert.short_code or cert_services.short_code_for(cert.public_id),
    )  # fmt: skip


# --- dashboard ---------------------------------------------------------------------------


@staff_user.bp.get("/")
@access.roles_required(*staff_user.ALL_STAFF)
def dashboard() -> ResponseReturnValue:
    user = access.staff()
    with web.transaction() as db:
        recent: list[CertificateView] = []
        if user.role != "sector_admin":
            org = access.own_organisation(db, user)
            rows = cert_services.certificates_for_org(db, org, limit=RECENT_ON_DASHBOARD)
            recent = [certificate_view(c) for c in rows]
    return render_template("dashboard/index.html", user=user, recent=recent)


# --- certificates ------------------------------------------------------------------------


@staff_user.bp.get("/certificaten")
@access.roles_required(*staff_user.ORG_STAFF)
def certificates() -> ResponseReturnValue:
    user = access.staff()
    with web.transaction() as db:
        org = access.own_organisation(db, user)
        page = web.Page.of(cert_services.count_certificates(db, org), CERTIFICATES_PER_PAGE)
        rows = cert_services.certificates_for_org(db, org, limit=CERTIFICATES_PER_PAGE,
                                             offset=page.start(CERTIFICATES_PER_PAGE))  # fmt: skip
        views = [certificate_view(c) for c in rows]
        return render_template("certificates/list.html", certificates=views, page=page, org=org)


ISSUE_FIELDS: Final = ("participant", "holder_name", "competence", "level", "evidence", "issued_on")


def parse_issue_date(raw: str) -> datetime | None:
    """The issue moment for a date typed in the form: None (now) for empty or today,
    noon Dutch time for an earlier day; refused when unreadable or in the future."""
    text = raw.strip()
    if not text:
        return None
    day: date | None = None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            day = datetime.strptime(text, pattern).date()
            break
        except ValueError:
            continue
    if day is None or day < EARLIEST_ISSUE_DATE:
        raise core_errors.ServiceError("not a date", code="bad_date", field="issued_on")
    today = pages.today_local()
    if day > today:
        raise core_errors.ServiceError("the issue date cannot be in the future", code="future_date", field="issued_on")
    if day == today:
        return None
    # Noon, so the day reads the same in every time zone a verifier may use.
    return datetime.combine(day, clock_time(12, 0), tzinfo=pages.LOCAL_TIME).astimezone(UTC)


def _issue_form(user: staff_user.StaffUser, form: pages.FormState, status: int = 200) -> ResponseReturnValue:
    language = i18n.current_language()
    catalogue = load_catalogue()
    with web.transaction() as db:
        org = access.own_organisation(db, user)
        people = db.execute(
            select(Participant).where(Participant.organisation_id == org.id, Participant.erased_at.is_(None))
            .options(selectinload(Participant.shop)).order_by(Participant.name, Participant.id)
        ).scalars().all()  # fmt: skip
        by_group: dict[str, list[tuple[str, str]]] = {}
        for row in competences.active_competences(db):
            entry = competences.competence_entry(row)
            by_group.setdefault(row.group, []).append((row.code, entry.name(language)))
    groups = [
        (group.name(language), sorted(by_group[group.code], key=lambda option: option[1].casefold()))
        for group in catalogue.groups
        if group.code in by_group
    ]
    levels = [(lv.code, lv.name(language), lv.description(language)) for lv in catalogue.levels]
    return render_template(
        "certificates/new.html", form=form, people=people, groups=groups, levels=levels,
        today=pages.today_local().isoformat(), max_evidence=basics.MAX_EVIDENCE,
    ), status  # fmt: skip


@staff_user.bp.route("/certificaten/nieuw", methods=["GET", "POST"])
@access.roles_required(*staff_user.ORG_STAFF)
def certificate_new() -> ResponseReturnValue:
    user = access.staff()
    if request.method == "GET":
        chosen = request.args.get("deelnemer", "")
        return _issue_form(user, pages.FormState({"participant": str(web.parse_id(chosen) or ""),
                                            "issued_on": pages.today_local().isoformat()}))  # fmt: skip
    values = pages.form_values(*ISSUE_FIELDS)
    try:
        with web.transaction() as db:
            public_id = issue_from_form(db, user, values)
    except core_errors.ServiceError as exc:
        return _issue_form(user, pages.FormState.refused(values, web.problems_of(exc)), exc.status)
    flash("flash.issued")
    return redirect(url_for("web.certificate", public_id=public_id))


def issue_from_form(db: Session, user: staff_user.StaffUser, values: dict[str, str]) -> str:
    """Check every field (all problems at once), then issue; returns the public id."""
    org = access.own_organisation(db, user)
    problems: list[core_errors.ServiceError] = []
    person = web.attempt(problems, lambda: access.chosen_participant(db, org, values["participant"]))
    if person is None and not problems:
        web.attempt(problems, lambda: basics.clean_text(values["holder_name"], field="holder_name",
                                                      max_length=basics.MAX_NAME))  # fmt: skip
    web.attempt(problems, lambda: competences.get_competence(db, values["competence"]))
    if values["level"].strip() not in basics.LEVELS:
        problems.append(core_errors.ServiceError("level must be 1, 2 or 3", code="bad_level", field="level"))
    web.attempt(problems, lambda: basics.clean_text(values["evidence"], field="evidence",
                                                  max_length=basics.MAX_EVIDENCE, required=False))  # fmt: skip
    issued_on = web.attempt(problems, lambda: parse_issue_date(values["issued_on"]))
    web.raise_problems(problems)
    supervisor = db.get(User, user.id)
    shop = (person.shop if person is not None else None) or (supervisor.shop if supervisor else None)
    cert = cert_services.issue_certificate(
        db, runtime().context, org=org, competence_code=values["competence"], level=values["level"],
        actor=user.email, participant=person, holder_name=None if person else values["holder_name"],
        evidence=values["evidence"], issued_on=issued_on, supervisor=supervisor, shop=shop,
    )  # fmt: skip
    return cert.public_id


def _certificate_page(
    user: staff_user.StaffUser,
    public_id: str,
    *,
    action: str | None = None,
    form: pages.FormState | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    g.page_path = url_for("web.certificate", public_id=public_id)
    with web.transaction() as db:
        cert = own_certificate(db, access.own_organisation(db, user), public_id)
        view = certificate_view(cert)
    forms = {name: pages.FormState({"reason": "", "confirm": "", "category": ""}) for name in STATUS_CHANGES}
    if action is not None and form is not None:
        forms[action] = form
    return render_template(
        "certificates/detail.html",
        cert=view,
        forms=forms,
        action=action,
        categories=cert_services.REVOCATION_CATEGORIES,
    ), status


@staff_user.bp.get("/certificaten/<public_id>")
@access.roles_required(*staff_user.ORG_STAFF)
def certificate(public_id: str) -> ResponseReturnValue:
    return _certificate_page(access.staff(), public_id)


def downloadable_certificate(db: Session, user: staff_user.StaffUser, public_id: str) -> Certificate:
    """The organisation's certificate, unless its holder's data was erased (what is stored
    then is no longer the certificate the holder has)."""
    cert = own_certificate(db, access.own_organisation(db, user), public_id)
    if cert.holder_erased:
        raise pages.PageError(404, "error.unknown_certificate")
    return cert


@staff_user.bp.get("/certificaten/<public_id>.pdf")
@access.roles_required(*staff_user.ORG_STAFF)
def certificate_pdf(public_id: str) -> ResponseReturnValue:
    user = access.staff()
    with web.transaction() as db:
        cert = downloadable_certificate(db, user, public_id)
        data, name = documents.certificate_pdf(runtime().settings, cert), documents.file_stem(cert) + ".pdf"
    return pages.download(data, "application/pdf", name)


@staff_user.bp.get("/certificaten/<public_id>.json")
@access.roles_required(*staff_user.ORG_STAFF)
def certificate_json(public_id: str) -> ResponseReturnValue:
    user = access.staff()
    with web.transaction() as db:
        cert = downloadable_certificate(db, user, public_id)
        signed = cert.credential_json
    return pages.download(signed.encode("utf-8"), "application/json", f"certificaat-{cert.public_id}.json")


StatusChange = Callable[..., Certificate]
STATUS_CHANGES: Final[dict[str, StatusChange]] = {
    "revoke": cert_services.revoke,
    "suspend": cert_services.suspend,
    "lift": cert_services.lift_suspension,
}


def change_status(public_id: str, action: str) -> ResponseReturnValue:
    """Revoke, suspend or lift, with a reason (revoking also needs a category, which the public
    page shows, and the confirmation box)."""
    user = access.staff()
    values = pages.form_values("reason", "confirm", "category")
    try:
        with web.transaction() as db:
            cert = own_certificate(db, access.own_organisation(db, user), public_id)
            problems: list[core_errors.ServiceError] = []
            web.attempt(problems, lambda: basics.clean_text(values["reason"], field="reason",
                                                          max_length=basics.MAX_REASON))  # fmt: skip
            extra: dict[str, str] = {}
            if action == "revoke":
                web.attempt(problems, lambda: cert_services.check_revocation_category(values["category"] or None))
                if values["confirm"] != "yes":
                    problems.append(core_errors.ServiceError("not confirmed", code="confirm_required", field="confirm"))
                extra["category"] = values["category"]
            web.raise_problems(problems)
            STATUS_CHANGES[action](db, runtime().context, cert=cert, reason=values["reason"], actor=user.email,
                                   **extra)  # fmt: skip
    except core_errors.ServiceError as exc:
        form = pages.FormState.refused(values, web.problems_of(exc))
        return _certificate_page(user, public_id, action=action, form=form, status=exc.status)
    flash(i18n.key_of("flash.*", action) or "flash.revoke")
    return redirect(url_for("web.certificate", public_id=public_id))


@staff_user.bp.post("/certificaten/<public_id>/intrekken")
@access.roles_required(*staff_user.ORG_STAFF)
def certificate_revoke(public_id: str) -> ResponseReturnValue:
    return change_status(public_id, "revoke")


@staff_user.bp.post("/certificaten/<public_id>/schorsen")
@access.roles_required(*staff_user.ORG_STAFF)
def certificate_suspend(public_id: str) -> ResponseReturnValue:
    return change_status(public_id, "suspend")


@staff_user.bp.post("/certificaten/<public_id>/opheffen")
@access.roles_required(*staff_user.ORG_STAFF)
def certificate_lift(public_id: str) -> ResponseReturnValue:
    return change_status(public_id, "lift")
