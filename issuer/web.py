"""Staff pages: log in, participants, certificates, the organisation and the sector.

Rules every view follows:

- ``roles_required`` checks the role; an anonymous visitor is sent to the login page.
- Data is looked up only inside the signed-in user's organisation. Another
  organisation's certificate or participant is "not found" (404), so ids cannot be
  probed. A sector admin sees no participants or certificates at all (403).
- Every POST carries the session's CSRF token (checked before the view runs).
- A request that changes data is one ``session_scope`` transaction. Refused input
  (:class:`issuer.services.ServiceError`) rolls it back and comes back on the form,
  the message next to its field, with the error's HTTP status.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import math
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any, Final, ParamSpec, TypeVar
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from flask import (
    Blueprint,
    Flask,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from issuer import documents, services
from issuer.catalogue import load_catalogue
from issuer.keystore import KeyStoreError
from issuer.runtime import runtime
from issuer.store.db import DatabaseUnavailable, aware_utc, session_scope
from issuer.store.models import Certificate, Organisation, Participant, Shop, User
from issuer.webkit import i18n, pages
from issuer.webkit.pages import (
    CSRF_FIELD,
    LOCAL_TIME,
    FormState,
    PageError,
    download,
    error_page,
    form_values,
    guard,
    has_endpoint,
    today_local,
)

log = logging.getLogger(__name__)

bp = Blueprint("web", __name__)
guard(bp)

ORG_STAFF: Final = ("org_admin", "supervisor")
ALL_STAFF: Final = ("sector_admin", "org_admin", "supervisor")
CERTIFICATES_PER_PAGE: Final = 25
PARTICIPANTS_PER_PAGE: Final = 50
RECENT_ON_DASHBOARD: Final = 10
MAX_FAILED_LOGINS: Final = 5
LOCK_DURATION: Final = timedelta(minutes=15)
LOCKOUT_ACTOR: Final = "login"  # the audit actor of a lockout (failed attempts, by whoever made them)
SESSION_MAX_AGE: Final = timedelta(hours=10)  # a working day; then log in again
EARLIEST_ISSUE_DATE: Final = date(2000, 1, 1)

P = ParamSpec("P")
T = TypeVar("T")
View = Callable[P, ResponseReturnValue]


def init_app(app: Flask) -> None:
    """Register the staff pages (the full service only)."""
    app.register_blueprint(bp)


def init_common(app: Flask) -> None:
    """The page toolkit (languages, template helpers, CSRF, error pages) for the staff pages
    and the public verifier pages alike, and the page for an unusable signing key."""
    pages.init_app(app, home_url=home_url, json_blueprints=API_BLUEPRINTS, signed_in_user=signed_in_user)
    app.register_error_handler(KeyStoreError, _keystore_error)


# --- errors ---------------------------------------------------------------------------


# Blueprints that answer in JSON; their errors are not turned into HTML pages.
API_BLUEPRINTS = frozenset({"verifier_api", "api_v1"})


class FormInvalid(services.ServiceError):
    """Several refused fields of one form at once (the status is the first one's)."""

    def __init__(self, problems: Sequence[services.ServiceError]):
        super().__init__("; ".join(p.message for p in problems), code="form_invalid")
        self.problems = list(problems)
        self.status = problems[0].status


def problems_of(exc: services.ServiceError) -> list[services.ServiceError]:
    return exc.problems if isinstance(exc, FormInvalid) else [exc]


def _keystore_error(exc: KeyStoreError) -> ResponseReturnValue:
    log.error("signing key unusable: %s", exc)
    return error_page(503, "error.keystore.text", i18n.N_("error.keystore.title"))


def attempt(problems: list[services.ServiceError], check: Callable[[], T]) -> T | None:
    """Run one input check; collect its ServiceError so a form can show every problem at once."""
    try:
        return check()
    except services.ServiceError as exc:
        problems.extend(problems_of(exc))
        return None


def raise_problems(problems: Sequence[services.ServiceError]) -> None:
    if problems:
        raise FormInvalid(problems)


# --- who is signed in -------------------------------------------------------------------


@dataclass(frozen=True)
class StaffUser:
    """The signed-in user, read once per request (no database object leaves its transaction)."""

    id: int
    email: str
    name: str
    role: str
    organisation_id: int | None
    organisation_name: str | None
    shop_id: int | None
    session_binding: str = field(repr=False)


def _session_binding(password_hash: str) -> str:
    # Ties the session to the current password: a password change ends every session.
    return hashlib.sha256(("staff-session:" + password_hash).encode("utf-8")).hexdigest()[:32]


def _staff_user(row: User) -> StaffUser:
    return StaffUser(
        id=row.id, email=row.email, name=row.name, role=row.role, organisation_id=row.organisation_id,
        organisation_name=row.organisation.name if row.organisation else None, shop_id=row.shop_id,
        session_binding=_session_binding(row.password_hash),
    )  # fmt: skip


def _usable_account(row: User | None) -> bool:
    if row is None or not row.active or row.role not in ALL_STAFF:
        return False
    return row.role == "sector_admin" or row.organisation_id is not None


def current_user() -> StaffUser | None:
    """The signed-in staff user of this request, or None (cached per request)."""
    if "staff_user" not in g:
        g.staff_user = _load_session_user()
    user: StaffUser | None = g.staff_user
    return user


def _load_session_user() -> StaffUser | None:
    user_id = session.get("user_id")
    started = session.get("login_at")
    if not isinstance(user_id, int) or not isinstance(started, int):
        return None
    if not 0 <= time.time() - started <= SESSION_MAX_AGE.total_seconds():
        return None
    with session_scope(runtime().sessions) as db:
        row = db.get(User, user_id)
        if row is None or not _usable_account(row):
            return None
        user = _staff_user(row)
    if not hmac.compare_digest(str(session.get("binding", "")), user.session_binding):
        return None
    return user


def signed_in_user() -> StaffUser | None:
    """For templates: the user, or None when unknown or the database cannot say."""
    try:
        return current_user()
    except DatabaseUnavailable:
        return None


def staff() -> StaffUser:
    """The signed-in user inside a view guarded by ``roles_required``."""
    user = current_user()
    if user is None:
        raise PageError(403)
    return user


def roles_required(*roles: str) -> Callable[[View[P]], View[P]]:
    """Only these roles may use the view; anonymous visitors go to the login page."""

    def decorator(view: View[P]) -> View[P]:
        @functools.wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
            user = current_user()
            if user is None:
                return redirect_to_login()
            if user.role not in roles:
                raise PageError(403)
            return view(*args, **kwargs)

        return guarded

    return decorator


def redirect_to_login() -> ResponseReturnValue:
    target = None
    if request.method == "GET":
        target = request.full_path.rstrip("?")
        if target != "/":
            flash("flash.login_needed")
    return redirect(url_for("web.login", next=safe_next(target)))


def safe_next(value: str | None) -> str | None:
    """``value`` when it is a path on this site, else None (no open redirects).

    Refused: absolute URLs, scheme-relative ``//host``, backslashes (browsers read
    ``/\\host`` as ``//host``) and control characters (browsers drop tabs and newlines).
    """
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(c) < 32 or ord(c) == 127 for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


# --- language and formatting ------------------------------------------------------------


def home_url() -> str:
    """The start page: the staff dashboard for staff (and on the staff pages), else the public verifier."""
    if has_endpoint("web.dashboard") and (request.blueprint == bp.name or signed_in_user() is not None):
        return url_for("web.dashboard")
    return url_for("verifier_pages.verify_form")


# --- small database helpers ----------------------------------------------------------------


@contextmanager
def transaction() -> Iterator[Session]:
    with session_scope(runtime().sessions) as db:
        yield db


def own_organisation(db: Session, user: StaffUser) -> Organisation:
    org = db.get(Organisation, user.organisation_id) if user.organisation_id is not None else None
    if org is None:
        raise PageError(403)
    return org


def own_certificate(db: Session, org: Organisation, public_id: str) -> Certificate:
    try:
        return services.get_certificate(db, public_id, org=org)
    except services.NotFound:
        raise PageError(404, "error.unknown_certificate") from None


def parse_id(raw: str) -> int | None:
    """A database id typed or posted as text (ASCII digits that fit a 64-bit column), else None."""
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


def own_participant(db: Session, org: Organisation, participant_id: int | None) -> Participant:
    participant = db.get(Participant, participant_id) if participant_id is not None and participant_id < 2**63 else None
    if participant is None or participant.organisation_id != org.id or participant.erased_at is not None:
        raise PageError(404)
    return participant


def chosen_participant(db: Session, org: Organisation, raw: str) -> Participant | None:
    """The participant picked in a form (None for "another name").

    Unknown and other organisations' ids get the same answer, so ids cannot be probed.
    """
    if not raw.strip():
        return None
    try:
        return own_participant(db, org, parse_id(raw))
    except PageError:
        raise services.NotFound("no such participant", code="unknown_participant", field="participant") from None


def chosen_shop(db: Session, org: Organisation, raw: str) -> Shop | None:
    if not raw.strip():
        return None
    shop_id = parse_id(raw)
    shop = db.get(Shop, shop_id) if shop_id is not None else None
    if shop is None or shop.organisation_id != org.id:
        raise services.NotFound("no such shop", code="unknown_shop", field="shop")
    return shop


@dataclass(frozen=True)
class Page:
    number: int
    pages: int
    total: int

    @classmethod
    def of(cls, total: int, per_page: int) -> Page:
        pages = max(1, math.ceil(total / per_page))
        number = parse_id(request.args.get("pagina", "")) or 1
        return cls(number=min(max(number, 1), pages), pages=pages, total=total)

    def start(self, per_page: int) -> int:
        return (self.number - 1) * per_page


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
    entry = services.competence_entry(cert.competence)
    level = next((lv for lv in entry.levels if lv.code == cert.level), None)
    document: dict[str, Any] = json.loads(cert.credential_json)
    holder = services.holder_name(cert, document)
    evidence = next((e.get("narrative") for e in document.get("evidence", []) if e.get("narrative")), None)
    status = services.certificate_state(cert)
    return CertificateView(
        public_id=cert.public_id, holder=holder, participant_id=cert.participant_id,
        competence=entry.name(language), level_code=cert.level,
        level_name=level.name(language) if level else cert.level, issued_on=cert.valid_from,
        supervisor=cert.supervisor.name if cert.supervisor else None, shop=cert.shop.name if cert.shop else None,
        status=status, revoked_at=cert.revoked_at, revocation_reason=cert.revocation_reason,
        revocation_category=cert.revocation_category,
        suspended_at=cert.suspended_at, suspension_reason=cert.suspension_reason, evidence=evidence,
        verify_url=services.verify_url(runtime().settings, cert.public_id), public_page=cert.public_page,
        short_code=cert.short_code or services.short_code_for(cert.public_id),
    )  # fmt: skip


# --- log in and out ----------------------------------------------------------------------


@functools.cache
def _decoy_hash() -> str:
    return PasswordHasher().hash(secrets.token_urlsafe(16))


def authenticate(email: str, password: str) -> StaffUser | None:
    """The user for these credentials, or None. Counts failures and locks the account
    for 15 minutes after 5; while locked even the right password is refused. Unknown
    users cost the same password check, so timing does not tell who has an account."""
    with transaction() as db:
        row = db.execute(select(User).where(User.email == email)).scalar_one_or_none()
        user_id, password_hash = (row.id, row.password_hash) if row is not None else (None, _decoy_hash())
    # The slow password check runs outside any transaction (it would hold SQLite's write lock).
    password_ok = services.check_password(User(password_hash=password_hash), password)
    if user_id is None:
        return None
    moment = services.now()
    with transaction() as db:
        row = db.execute(select(User).where(User.id == user_id).with_for_update()).scalar_one()
        locked_until = row.locked_until
        locked_until = aware_utc(row.locked_until)
        if locked_until is not None and locked_until > moment:
            return None
        if not (password_ok and _usable_account(row)):
            row.failed_logins = (row.failed_logins or 0) + 1
            if row.failed_logins >= MAX_FAILED_LOGINS:
                row.failed_logins, row.locked_until = 0, moment + LOCK_DURATION
                # In the lock's own transaction. Named by the user id, not the e-mail address: the
                # attempts came from whoever typed it, and the audit log is never erased.
                services.audit(db, actor=LOCKOUT_ACTOR, action="user.locked", organisation_id=row.organisation_id,
                               subject=str(row.id), details={"failed_logins": MAX_FAILED_LOGINS})  # fmt: skip
            return None
        row.failed_logins, row.locked_until = 0, None
        return _staff_user(row)


def start_session(user: StaffUser) -> None:
    """A fresh session at login: nothing from before survives (no session fixation)."""
    language = session.get(i18n.SESSION_KEY)
    session.clear()
    session.update(user_id=user.id, binding=user.session_binding, login_at=int(time.time()))
    session[CSRF_FIELD] = secrets.token_urlsafe(32)
    if language in i18n.LANGUAGES:
        session[i18n.SESSION_KEY] = language
    g.staff_user = user


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user() is not None:
            return redirect(next_url or url_for("web.dashboard"))
        return render_template("accounts/login.html", form=FormState({"email": ""}), next_url=next_url)
    values = {"email": request.form.get("email", "").strip().lower(), "password": ""}
    password = request.form.get("password", "")
    problems = [
        services.ServiceError(f"{name} must not be empty", code="required", field=name)
        for name, value in (("email", values["email"]), ("password", password))
        if not value
    ]
    if problems:
        return render_template("accounts/login.html", form=FormState.refused(values, problems), next_url=next_url), 400
    user = authenticate(values["email"], password)
    if user is None:
        form = FormState(values, general=[i18n.t("error.login_failed")])
        return render_template("accounts/login.html", form=form, next_url=next_url), 400
    start_session(user)
    return redirect(next_url or url_for("web.dashboard"))


@bp.post("/logout")
@roles_required(*ALL_STAFF)
def logout() -> ResponseReturnValue:
    language = session.get(i18n.SESSION_KEY)
    session.clear()
    if language in i18n.LANGUAGES:
        session[i18n.SESSION_KEY] = language
    g.staff_user = None
    flash("flash.logged_out")
    return redirect(url_for("web.login"))


# --- dashboard ---------------------------------------------------------------------------


@bp.get("/")
@roles_required(*ALL_STAFF)
def dashboard() -> ResponseReturnValue:
    user = staff()
    with transaction() as db:
        recent: list[CertificateView] = []
        if user.role != "sector_admin":
            org = own_organisation(db, user)
            recent = [certificate_view(c) for c in services.certificates_for_org(db, org, limit=RECENT_ON_DASHBOARD)]
    return render_template("dashboard/index.html", user=user, recent=recent)


# --- participants ----------------------------------------------------------------------


@bp.get("/deelnemers")
@roles_required(*ORG_STAFF)
def participants() -> ResponseReturnValue:
    user = staff()
    query = request.args.get("q", "").strip()[:100]
    with transaction() as db:
        org = own_organisation(db, user)
        condition = [Participant.organisation_id == org.id, Participant.erased_at.is_(None)]
        if query:
            condition.append(func.lower(Participant.name).contains(query.lower(), autoescape=True))
        total = int(db.execute(select(func.count()).select_from(Participant).where(*condition)).scalar_one())
        page = Page.of(total, PARTICIPANTS_PER_PAGE)
        rows = db.execute(
            select(Participant, func.count(Certificate.id))
            .outerjoin(Certificate, Certificate.participant_id == Participant.id)
            .where(*condition)
            .group_by(Participant.id)
            .order_by(Participant.name, Participant.id)
            .limit(PARTICIPANTS_PER_PAGE)
            .offset(page.start(PARTICIPANTS_PER_PAGE))
        ).all()
        return render_template("participants/list.html", rows=rows, page=page, query=query, org=org)


def _participant_form(user: StaffUser, form: FormState, status: int = 200) -> ResponseReturnValue:
    with transaction() as db:
        org = own_organisation(db, user)
        return render_template("participants/new.html", form=form, shops=org.shops), status


@bp.route("/deelnemers/nieuw", methods=["GET", "POST"])
@roles_required(*ORG_STAFF)
def participant_new() -> ResponseReturnValue:
    user = staff()
    if request.method == "GET":
        return _participant_form(user, FormState({"shop": str(user.shop_id or "")}))
    values = form_values("holder_name", "email", "shop")
    try:
        with transaction() as db:
            org = own_organisation(db, user)
            problems: list[services.ServiceError] = []
            attempt(problems, lambda: services.clean_text(values["holder_name"], field="holder_name",
                                                          max_length=services.MAX_NAME))  # fmt: skip
            # The column holds 254 characters; services checks only the e-mail's shape.
            attempt(problems, lambda: services.clean_text(values["email"], field="email", max_length=254,
                                                          required=False))  # fmt: skip
            shop = attempt(problems, lambda: chosen_shop(db, org, values["shop"]))
            raise_problems(problems)
            participant, code = services.add_participant(
                db, org=org, name=values["holder_name"], email=values["email"], shop=shop, actor=user.email
            )
            participant_id = participant.id
    except services.ServiceError as exc:
        return _participant_form(user, FormState.refused(values, problems_of(exc)), exc.status)
    show_code_once(participant_id, code)
    flash("flash.participant_added")
    return redirect(url_for("web.access_code", participant_id=participant_id))


def _participant_page(
    participant_id: int, erase_form: FormState | None = None, status: int = 200
) -> ResponseReturnValue:
    user = staff()
    g.page_path = url_for("web.participant", participant_id=participant_id)
    with transaction() as db:
        person = own_participant(db, own_organisation(db, user), participant_id)
        certificates = db.execute(
            select(Certificate).where(Certificate.participant_id == person.id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        ).scalars()  # fmt: skip
        views = [certificate_view(c) for c in certificates]
        form = erase_form or FormState({"confirm": ""})
        return render_template("participants/detail.html", person=person, certificates=views, erase_form=form), status


@bp.get("/deelnemers/<int:participant_id>")
@roles_required(*ORG_STAFF)
def participant(participant_id: int) -> ResponseReturnValue:
    return _participant_page(participant_id)


@bp.get("/deelnemers/<int:participant_id>/gegevens.json")
@roles_required(*ORG_STAFF)
def participant_data(participant_id: int) -> ResponseReturnValue:
    """Everything the service holds about the participant (on their behalf)."""
    user = staff()
    with transaction() as db:
        person = own_participant(db, own_organisation(db, user), participant_id)
        data = documents.holder_data_json(services.holder_data(db, person))
    return download(data, "application/json", f"gegevens-deelnemer-{participant_id}.json")


@bp.get("/deelnemers/<int:participant_id>/portfolio.pdf")
@roles_required(*ORG_STAFF)
def participant_portfolio(participant_id: int) -> ResponseReturnValue:
    user = staff()
    with transaction() as db:
        person = own_participant(db, own_organisation(db, user), participant_id)
        certificates = services.holder_certificates(db, person)
        data = documents.portfolio_pdf(runtime().settings, person.name or "", certificates)
    return download(data, "application/pdf", f"portfolio-deelnemer-{participant_id}.pdf")


@bp.post("/deelnemers/<int:participant_id>/wissen")
@roles_required(*ORG_STAFF)
def participant_erase(participant_id: int) -> ResponseReturnValue:
    """Erase the participant's personal data at their request (confirmation box required)."""
    user = staff()
    if request.form.get("confirm") != "yes":
        form = FormState({"confirm": ""}, errors={"confirm": i18n.t("participant.erase_confirm_required")})
        return _participant_page(participant_id, form, 400)
    with transaction() as db:
        person = own_participant(db, own_organisation(db, user), participant_id)
        services.erase_participant(db, participant=person, actor=user.email)
    flash("flash.participant_erased")
    return redirect(url_for("web.participants"))


@bp.post("/deelnemers/<int:participant_id>/nieuwe-code")
@roles_required(*ORG_STAFF)
def participant_new_code(participant_id: int) -> ResponseReturnValue:
    user = staff()
    with transaction() as db:
        person = own_participant(db, own_organisation(db, user), participant_id)
        code = services.replace_access_code(db, participant=person, actor=user.email)
    show_code_once(participant_id, code)
    return redirect(url_for("web.access_code", participant_id=participant_id))


def show_code_once(participant_id: int, code: str) -> None:
    """Keep a new access code for the next page only (it is never stored in the database)."""
    session["new_code"] = {"participant": participant_id, "code": code}


def take_shown_code(participant_id: int) -> str | None:
    stash = session.pop("new_code", None)
    if isinstance(stash, dict) and stash.get("participant") == participant_id:
        return str(stash["code"])
    return None


@bp.get("/deelnemers/<int:participant_id>/toegangscode")
@roles_required(*ORG_STAFF)
def access_code(participant_id: int) -> ResponseReturnValue:
    user = staff()
    with transaction() as db:
        org = own_organisation(db, user)
        person = own_participant(db, org, participant_id)
        code = take_shown_code(participant_id)
        return render_template(
            "participants/access_code.html", person=person, org=org, code=code,
            portfolio_url=f"{runtime().settings.base_url}/portfolio",
        )  # fmt: skip


# --- certificates ------------------------------------------------------------------------


@bp.get("/certificaten")
@roles_required(*ORG_STAFF)
def certificates() -> ResponseReturnValue:
    user = staff()
    with transaction() as db:
        org = own_organisation(db, user)
        page = Page.of(services.count_certificates(db, org), CERTIFICATES_PER_PAGE)
        rows = services.certificates_for_org(db, org, limit=CERTIFICATES_PER_PAGE,
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
        raise services.ServiceError("not a date", code="bad_date", field="issued_on")
    today = today_local()
    if day > today:
        raise services.ServiceError("the issue date cannot be in the future", code="future_date", field="issued_on")
    if day == today:
        return None
    # Noon, so the day reads the same in every time zone a verifier may use.
    return datetime.combine(day, clock_time(12, 0), tzinfo=LOCAL_TIME).astimezone(UTC)


def _issue_form(user: StaffUser, form: FormState, status: int = 200) -> ResponseReturnValue:
    language = i18n.current_language()
    catalogue = load_catalogue()
    with transaction() as db:
        org = own_organisation(db, user)
        people = db.execute(
            select(Participant).where(Participant.organisation_id == org.id, Participant.erased_at.is_(None))
            .options(selectinload(Participant.shop)).order_by(Participant.name, Participant.id)
        ).scalars().all()  # fmt: skip
        by_group: dict[str, list[tuple[str, str]]] = {}
        for row in services.active_competences(db):
            entry = services.competence_entry(row)
            by_group.setdefault(row.group, []).append((row.code, entry.name(language)))
    groups = [
        (group.name(language), sorted(by_group[group.code], key=lambda option: option[1].casefold()))
        for group in catalogue.groups
        if group.code in by_group
    ]
    levels = [(lv.code, lv.name(language), lv.description(language)) for lv in catalogue.levels]
    return render_template(
        "certificates/new.html", form=form, people=people, groups=groups, levels=levels,
        today=today_local().isoformat(), max_evidence=services.MAX_EVIDENCE,
    ), status  # fmt: skip


@bp.route("/certificaten/nieuw", methods=["GET", "POST"])
@roles_required(*ORG_STAFF)
def certificate_new() -> ResponseReturnValue:
    user = staff()
    if request.method == "GET":
        chosen = request.args.get("deelnemer", "")
        return _issue_form(user, FormState({"participant": str(parse_id(chosen) or ""),
                                            "issued_on": today_local().isoformat()}))  # fmt: skip
    values = form_values(*ISSUE_FIELDS)
    try:
        with transaction() as db:
            public_id = issue_from_form(db, user, values)
    except services.ServiceError as exc:
        return _issue_form(user, FormState.refused(values, problems_of(exc)), exc.status)
    flash("flash.issued")
    return redirect(url_for("web.certificate", public_id=public_id))


def issue_from_form(db: Session, user: StaffUser, values: dict[str, str]) -> str:
    """Check every field (all problems at once), then issue; returns the public id."""
    org = own_organisation(db, user)
    problems: list[services.ServiceError] = []
    person = attempt(problems, lambda: chosen_participant(db, org, values["participant"]))
    if person is None and not problems:
        attempt(problems, lambda: services.clean_text(values["holder_name"], field="holder_name",
                                                      max_length=services.MAX_NAME))  # fmt: skip
    attempt(problems, lambda: services.get_competence(db, values["competence"]))
    if values["level"].strip() not in services.LEVELS:
        problems.append(services.ServiceError("level must be 1, 2 or 3", code="bad_level", field="level"))
    attempt(problems, lambda: services.clean_text(values["evidence"], field="evidence",
                                                  max_length=services.MAX_EVIDENCE, required=False))  # fmt: skip
    issued_on = attempt(problems, lambda: parse_issue_date(values["issued_on"]))
    raise_problems(problems)
    supervisor = db.get(User, user.id)
    shop = (person.shop if person is not None else None) or (supervisor.shop if supervisor else None)
    cert = services.issue_certificate(
        db, runtime().context, org=org, competence_code=values["competence"], level=values["level"],
        actor=user.email, participant=person, holder_name=None if person else values["holder_name"],
        evidence=values["evidence"], issued_on=issued_on, supervisor=supervisor, shop=shop,
    )  # fmt: skip
    return cert.public_id


def _certificate_page(
    user: StaffUser, public_id: str, *, action: str | None = None, form: FormState | None = None, status: int = 200
) -> ResponseReturnValue:
    g.page_path = url_for("web.certificate", public_id=public_id)
    with transaction() as db:
        cert = own_certificate(db, own_organisation(db, user), public_id)
        view = certificate_view(cert)
    forms = {name: FormState({"reason": "", "confirm": "", "category": ""}) for name in STATUS_CHANGES}
    if action is not None and form is not None:
        forms[action] = form
    return render_template(
        "certificates/detail.html", cert=view, forms=forms, action=action, categories=services.REVOCATION_CATEGORIES
    ), status


@bp.get("/certificaten/<public_id>")
@roles_required(*ORG_STAFF)
def certificate(public_id: str) -> ResponseReturnValue:
    return _certificate_page(staff(), public_id)


def downloadable_certificate(db: Session, user: StaffUser, public_id: str) -> Certificate:
    """The organisation's certificate, unless its holder's data was erased (what is stored
    then is no longer the certificate the holder has)."""
    cert = own_certificate(db, own_organisation(db, user), public_id)
    if cert.holder_erased:
        raise PageError(404, "error.unknown_certificate")
    return cert


@bp.get("/certificaten/<public_id>.pdf")
@roles_required(*ORG_STAFF)
def certificate_pdf(public_id: str) -> ResponseReturnValue:
    user = staff()
    with transaction() as db:
        cert = downloadable_certificate(db, user, public_id)
        data, name = documents.certificate_pdf(runtime().settings, cert), documents.file_stem(cert) + ".pdf"
    return download(data, "application/pdf", name)


@bp.get("/certificaten/<public_id>.json")
@roles_required(*ORG_STAFF)
def certificate_json(public_id: str) -> ResponseReturnValue:
    user = staff()
    with transaction() as db:
        cert = downloadable_certificate(db, user, public_id)
        signed = cert.credential_json
    return download(signed.encode("utf-8"), "application/json", f"certificaat-{cert.public_id}.json")


StatusChange = Callable[..., Certificate]
STATUS_CHANGES: Final[dict[str, StatusChange]] = {
    "revoke": services.revoke,
    "suspend": services.suspend,
    "lift": services.lift_suspension,
}


def change_status(public_id: str, action: str) -> ResponseReturnValue:
    """Revoke, suspend or lift, with a reason (revoking also needs a category, which the public
    page shows, and the confirmation box)."""
    user = staff()
    values = form_values("reason", "confirm", "category")
    try:
        with transaction() as db:
            cert = own_certificate(db, own_organisation(db, user), public_id)
            problems: list[services.ServiceError] = []
            attempt(problems, lambda: services.clean_text(values["reason"], field="reason",
                                                          max_length=services.MAX_REASON))  # fmt: skip
            extra: dict[str, str] = {}
            if action == "revoke":
                attempt(problems, lambda: services.check_revocation_category(values["category"] or None))
                if values["confirm"] != "yes":
                    problems.append(services.ServiceError("not confirmed", code="confirm_required", field="confirm"))
                extra["category"] = values["category"]
            raise_problems(problems)
            STATUS_CHANGES[action](db, runtime().context, cert=cert, reason=values["reason"], actor=user.email,
                                   **extra)  # fmt: skip
    except services.ServiceError as exc:
        form = FormState.refused(values, problems_of(exc))
        return _certificate_page(user, public_id, action=action, form=form, status=exc.status)
    flash(i18n.key_of("flash.*", action) or "flash.revoke")
    return redirect(url_for("web.certificate", public_id=public_id))


@bp.post("/certificaten/<public_id>/intrekken")
@roles_required(*ORG_STAFF)
def certificate_revoke(public_id: str) -> ResponseReturnValue:
    return change_status(public_id, "revoke")


@bp.post("/certificaten/<public_id>/schorsen")
@roles_required(*ORG_STAFF)
def certificate_suspend(public_id: str) -> ResponseReturnValue:
    return change_status(public_id, "suspend")


@bp.post("/certificaten/<public_id>/opheffen")
@roles_required(*ORG_STAFF)
def certificate_lift(public_id: str) -> ResponseReturnValue:
    return change_status(public_id, "lift")


# --- organisation and sector -------------------------------------------------------------


@bp.get("/organisatie")
@roles_required("org_admin")
def organisation() -> ResponseReturnValue:
    user = staff()
    with transaction() as db:
        org = own_organisation(db, user)
        keys = services.org_keys(db, org)
        return render_template("organisations/detail.html", org=org, shops=org.shops, keys=list(reversed(keys)))


@bp.post("/organisatie/sleutels/vernieuwen")
@roles_required("org_admin")
def rotate_key() -> ResponseReturnValue:
    user = staff()
    with transaction() as db:
        services.rotate_key(db, runtime().context, org=own_organisation(db, user), actor=user.email)
    flash("flash.rotated")
    return redirect(url_for("web.organisation"))


@bp.get("/sector")
@roles_required("sector_admin")
def sector() -> ResponseReturnValue:
    with transaction() as db:
        shop_counts = (
            select(Shop.organisation_id, func.count(Shop.id).label("shops")).group_by(Shop.organisation_id).subquery()
        )
        rows = db.execute(
            select(Organisation, func.coalesce(shop_counts.c.shops, 0))
            .outerjoin(shop_counts, shop_counts.c.organisation_id == Organisation.id)
            .order_by(Organisation.name)
        ).all()  # fmt: skip
        return render_template("sector/index.html", rows=rows)
