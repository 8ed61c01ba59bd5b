"""Staff pages for participants: the list, recording one, their page, their data and portfolio, a new
access code (shown once) and erasure.
"""

from __future__ import annotations

from typing import Final

from flask import (
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

from issuer import staff_user, web
from issuer.accounts import access
from issuer.certificates import documents
from issuer.certificates import views as certificate_views
from issuer.core import basics
from issuer.core import errors as core_errors
from issuer.participants import services as participant_services
from issuer.runtime import runtime
from issuer.store.models import Certificate, Participant
from issuer.webkit import i18n, pages

PARTICIPANTS_PER_PAGE: Final = 50


# --- participants ----------------------------------------------------------------------


@staff_user.bp.get("/deelnemers")
@access.roles_required(*staff_user.ORG_STAFF)
def participants() -> ResponseReturnValue:
    user = access.staff()
    query = request.args.get("q", "").strip()[:100]
    with web.transaction() as db:
        org = access.own_organisation(db, user)
        condition = [Participant.organisation_id == org.id, Participant.erased_at.is_(None)]
        if query:
            condition.append(func.lower(Participant.name).contains(query.lower(), autoescape=True))
        total = int(db.execute(select(func.count()).select_from(Participant).where(*condition)).scalar_one())
        page = web.Page.of(total, PARTICIPANTS_PER_PAGE)
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


def _participant_form(user: staff_user.StaffUser, form: pages.FormState, status: int = 200) -> ResponseReturnValue:
    with web.transaction() as db:
        org = access.own_organisation(db, user)
        return render_template("participants/new.html", form=form, shops=org.shops), status


@staff_user.bp.route("/deelnemers/nieuw", methods=["GET", "POST"])
@access.roles_required(*staff_user.ORG_STAFF)
def participant_new() -> ResponseReturnValue:
    user = access.staff()
    if request.method == "GET":
        return _participant_form(user, pages.FormState({"shop": str(user.shop_id or "")}))
    values = pages.form_values("holder_name", "email", "shop")
    try:
        with web.transaction() as db:
            org = access.own_organisation(db, user)
            problems: list[core_errors.ServiceError] = []
            web.attempt(problems, lambda: basics.clean_text(values["holder_name"], field="holder_name",
                                                          max_length=basics.MAX_NAME))  # fmt: skip
            # The column holds 254 characters; services checks only the e-mail's shape.
            web.attempt(problems, lambda: basics.clean_text(values["email"], field="email", max_length=254,
                                                          required=False))  # fmt: skip
            shop = web.attempt(problems, lambda: access.chosen_shop(db, org, values["shop"]))
            web.raise_problems(problems)
            participant, code = participant_services.add_participant(
                db, org=org, name=values["holder_name"], email=values["email"], shop=shop, actor=user.email
            )
            participant_id = participant.id
    except core_errors.ServiceError as exc:
        return _participant_form(user, pages.FormState.refused(values, web.problems_of(exc)), exc.status)
    show_code_once(participant_id, code)
    flash("flash.participant_added")
    return redirect(url_for("web.access_code", participant_id=participant_id))


def _participant_page(
    participant_id: int, erase_form: pages.FormState | None = None, status: int = 200
) -> ResponseReturnValue:
    user = access.staff()
    g.page_path = url_for("web.participant", participant_id=participant_id)
    with web.transaction() as db:
        person = access.own_participant(db, access.own_organisation(db, user), participant_id)
        certificates = db.execute(
            select(Certificate).where(Certificate.participant_id == person.id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        ).scalars()  # fmt: skip
        views = [certificate_views.certificate_view(c) for c in certificates]
        form = erase_form or pages.FormState({"confirm": ""})
        return render_template("participants/detail.html", person=person, certificates=views, erase_form=form), status


@staff_user.bp.get("/deelnemers/<int:participant_id>")
@access.roles_required(*staff_user.ORG_STAFF)
def participant(participant_id: int) -> ResponseReturnValue:
    return _participant_page(participant_id)


@staff_user.bp.get("/deelnemers/<int:participant_id>/gegevens.json")
@access.roles_required(*staff_user.ORG_STAFF)
def participant_data(participant_id: int) -> ResponseReturnValue:
    """Everything the service holds about the participant (on their behalf)."""
    user = access.staff()
    with web.transaction() as db:
        person = access.own_participant(db, access.own_organisation(db, user), participant_id)
        data = documents.holder_data_json(participant_services.holder_data(db, person))
    return pages.download(data, "application/json", f"gegevens-deelnemer-{participant_id}.json")


@staff_user.bp.get("/deelnemers/<int:participant_id>/portfolio.pdf")
@access.roles_required(*staff_user.ORG_STAFF)
def participant_portfolio(participant_id: int) -> ResponseReturnValue:
    user = access.staff()
    with web.transaction() as db:
        person = access.own_participant(db, access.own_organisation(db, user), participant_id)
        certificates = participant_services.holder_certificates(db, person)
        data = documents.portfolio_pdf(runtime().settings, person.name or "", certificates)
    return pages.download(data, "application/pdf", f"portfolio-deelnemer-{participant_id}.pdf")


@staff_user.bp.post("/deelnemers/<int:participant_id>/wissen")
@access.roles_required(*staff_user.ORG_STAFF)
def participant_erase(participant_id: int) -> ResponseReturnValue:
    """Erase the participant's personal data at their request (confirmation box required)."""
    user = access.staff()
    if request.form.get("confirm") != "yes":
        form = pages.FormState({"confirm": ""}, errors={"confirm": i18n.t("participant.erase_confirm_required")})
        return _participant_page(participant_id, form, 400)
    with web.transaction() as db:
        person = access.own_participant(db, access.own_organisation(db, user), participant_id)
        participant_services.erase_participant(db, participant=person, actor=user.email)
    flash("flash.participant_erased")
    return redirect(url_for("web.participants"))


@staff_user.bp.post("/deelnemers/<int:participant_id>/nieuwe-code")
@access.roles_required(*staff_user.ORG_STAFF)
def participant_new_code(participant_id: int) -> ResponseReturnValue:
    user = access.staff()
    with web.transaction() as db:
        person = access.own_participant(db, access.own_organisation(db, user), participant_id)
        code = participant_services.replace_access_code(db, participant=person, actor=user.email)
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


@staff_user.bp.get("/deelnemers/<int:participant_id>/toegangscode")
@access.roles_required(*staff_user.ORG_STAFF)
def access_code(participant_id: int) -> ResponseReturnValue:
    user = access.staff()
    with web.transaction() as db:
        org = access.own_organisation(db, user)
        person = access.own_participant(db, org, participant_id)
        code = take_shown_code(participant_id)
        return render_template(
            "participants/access_code.html", person=person, org=org, code=code,
            portfolio_url=f"{runtime().settings.base_url}/portfolio",
        )  # fmt: skip
