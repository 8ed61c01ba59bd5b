"""Pages for the competence framework (see :mod:`issuer.sector.framework.services`).

- The sector admin (``/sector/competentiekader``): the versions and what each changed,
  the draft editor (add, reword, re-align, retire, undo), publishing with a confirmation
  and a change note, throwing a draft away; the organisations' proposals
  (``/sector/voorstellen``), each adopted into the draft or declined with a reason.
- The organisation admin (``/organisatie/competentievoorstellen``): propose a local
  competence and see what became of the organisation's proposals.
- Everyone (``/competentiekader``, ``.json``): the published versions, read-only, in plain
  Dutch (B1) or English, and as JSON for outside readers. No staff names on them.

The staff pages' rules apply (:mod:`issuer.web`): roles checked first, CSRF on every
POST, one transaction per change, refused input back on the form next to its field with
nothing changed, a change that does not fit (a published version, no draft) a 409 page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from flask import Blueprint, Flask, Response, flash, g, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from issuer import web
from issuer.accounts import access
from issuer.catalogue import load_catalogue
from issuer.core import errors
from issuer.runtime import runtime
from issuer.sector.framework import services as framework
from issuer.store.models import Competence, CompetenceProposal
from issuer.webkit import i18n, pages

bp = Blueprint("framework_pages", __name__)

COMPETENCE_FIELDS: Final = ("code", "group", *framework.TEXT_FIELDS, "esco")
PROPOSAL_FIELDS: Final = ("group", *framework.TEXT_FIELDS, "esco")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


pages.guard(bp)


def _problems(exc: errors.ServiceError) -> list[errors.ServiceError]:
    return exc.problems if isinstance(exc, framework.InvalidFields) else web.problems_of(exc)


def _refusal(exc: errors.ServiceError) -> ResponseReturnValue:
    """A change that does not fit the framework's state (409) or an unknown thing (404)."""
    return pages.error_page(exc.status, i18n.key_of("error.*", exc.code))


def _step(change: Callable[[Any, str], object], done: str, then: str = "framework_pages.draft") -> ResponseReturnValue:
    """One change to the draft by the signed-in sector admin, in one transaction: on
    success flash ``done`` and go to ``then``; a refusal becomes its error page."""
    user = access.staff()
    try:
        with web.transaction() as db:
            change(db, user.email)
    except errors.ServiceError as exc:
        return _refusal(exc)
    flash(done)
    return redirect(url_for(then))


def _form_values(names: tuple[str, ...]) -> dict[str, str]:
    values = pages.form_values(*names)
    values["esco"] = "\n".join(str(uri) for uri in request.form.getlist("esco"))
    return values


def _competence_values(row: Competence) -> dict[str, str]:
    data = row.data
    values = {name: str(data.get(name) or "") for name in framework.TEXT_FIELDS}
    for name in ("criteria_nl", "criteria_en"):
        values[name] = "\n".join(line[2:] if line.startswith("- ") else line for line in values[name].splitlines())
    return {**values, "code": row.code, "group": row.group, "esco": "\n".join(s["uri"] for s in data["esco"])}


def _esco_choices() -> list[tuple[str, str]]:
    return sorted(framework.esco_skills().items(), key=lambda item: item[1])


def _groups() -> dict[str, str]:
    language = i18n.current_language()
    return {group.code: group.name(language) for group in load_catalogue().groups}


# --- public ---------------------------------------------------------------------------------


@bp.get("/competentiekader")
def public() -> ResponseReturnValue:
    with web.transaction() as db:
        document = framework.published_document(db, runtime().settings.base_url)
    current = document["versions"][-1] if document["versions"] else None
    return render_template("sector/framework/public.html", document=document, current=current, groups=_groups())


@bp.get("/competentiekader.json")
def public_json() -> Response:
    with web.transaction() as db:
        document = framework.published_document(db, runtime().settings.base_url)
    return jsonify(document)


# --- the sector admin: versions -------------------------------------------------------------


@bp.get("/sector/competentiekader")
@access.roles_required("sector_admin")
def overview() -> ResponseReturnValue:
    with web.transaction() as db:
        rows = [(version, framework.changes(db, version.number)) for version in reversed(framework.versions(db))]
        pending = sum(1 for p in framework.proposals(db) if p.state == "pending")
        return render_template("sector/framework/overview.html", rows=rows, pending=pending)


@bp.get("/sector/competentiekader/versie/<int:version_number>")
@access.roles_required("sector_admin")
def version(version_number: int) -> ResponseReturnValue:
    with web.transaction() as db:
        try:
            row = framework.get_version(db, version_number)
        except errors.NotFound as exc:
            return _refusal(exc)
        return render_template(
            "sector/framework/version.html", version=row, changes=framework.changes(db, row.number),
            competences=framework.rows_of(db, row.number), groups=_groups(),
        )  # fmt: skip


@bp.post("/sector/competentiekader/concept/starten")
@access.roles_required("sector_admin")
def start_draft() -> ResponseReturnValue:
    return _step(lambda db, actor: framework.start_draft(db, actor=actor), i18n.N_("flash.framework_draft_started"))


@bp.get("/sector/competentiekader/concept")
@access.roles_required("sector_admin")
def draft() -> ResponseReturnValue:
    with web.transaction() as db:
        current = framework.current_draft(db)
        if current is None:
            return render_template("sector/framework/draft.html", draft=None, rows=[], changed={}, groups=_groups())
        changed: dict[str, list[str]] = {}
        for change in framework.changes(db, current.number):
            changed.setdefault(change.code, []).append(change.kind)
        rows = framework.rows_of(db, current.number)
        return render_template(
            "sector/framework/draft.html", draft=current, rows=rows, changed=changed, groups=_groups()
        )


def _competence_form(
    form: pages.FormState, *, code: str | None, status: int = 200, draft_number: int | None = None
) -> ResponseReturnValue:
    return render_template(
        "sector/framework/competence.html", form=form, code=code, groups=_groups(), esco=_esco_choices(),
        chosen=set(form.values.get("esco", "").split()), draft_number=draft_number,
    ), status  # fmt: skip


def _in_draft(
    change: Callable[[Any], object], values: dict[str, str], *, code: str | None
) -> ResponseReturnValue | None:
    """Run one draft change in a transaction; the form again with the problems when refused."""
    try:
        with web.transaction() as db:
            change(db)
    except errors.Conflict as exc:
        return _refusal(exc)
    except errors.NotFound as exc:
        if exc.field == "code" and code is not None:
            return _refusal(exc)
        return _competence_form(pages.FormState.refused(values, _problems(exc)), code=code, status=exc.status)
    except errors.ServiceError as exc:
        return _competence_form(pages.FormState.refused(values, _problems(exc)), code=code, status=exc.status)
    return None


@bp.route("/sector/competentiekader/concept/nieuw", methods=["GET", "POST"])
@access.roles_required("sector_admin")
def competence_new() -> ResponseReturnValue:
    user = access.staff()
    if request.method == "GET":
        with web.transaction() as db:
            try:
                current = framework.editable(db)
            except errors.ServiceError as exc:
                return _refusal(exc)
            return _competence_form(pages.FormState({"group": "circular"}), code=None, draft_number=current.number)
    values = _form_values(COMPETENCE_FIELDS)
    refused = _in_draft(lambda db: framework.add_competence(db, actor=user.email, fields=values), values, code=None)
    if refused is not None:
        return refused
    flash("flash.framework_competence_added")
    return redirect(url_for("framework_pages.draft"))


@bp.route("/sector/competentiekader/concept/<competence_code>", methods=["GET", "POST"])
@access.roles_required("sector_admin")
def competence_edit(competence_code: str) -> ResponseReturnValue:
    user = access.staff()
    g.page_path = url_for("framework_pages.competence_edit", competence_code=competence_code)
    if request.method == "GET":
        with web.transaction() as db:
            try:
                current = framework.editable(db)
                row = framework.draft_competence(db, current, competence_code)
            except errors.ServiceError as exc:
                return _refusal(exc)
            form = pages.FormState(_competence_values(row))
            return _competence_form(form, code=row.code, draft_number=current.number)
    values = {**_form_values(COMPETENCE_FIELDS), "code": competence_code}

    def change(db: Any) -> None:
        framework.reword_competence(db, code=competence_code, actor=user.email, fields=values)
        framework.set_alignments(db, code=competence_code, esco=values["esco"], actor=user.email)

    refused = _in_draft(change, values, code=competence_code)
    if refused is not None:
        return refused
    flash("flash.framework_competence_changed")
    return redirect(url_for("framework_pages.draft"))


@bp.post("/sector/competentiekader/concept/<competence_code>/intrekken")
@access.roles_required("sector_admin")
def competence_retire(competence_code: str) -> ResponseReturnValue:
    return _step(lambda db, actor: framework.retire_competence(db, code=competence_code, actor=actor),
                 i18n.N_("flash.framework_competence_retired"))  # fmt: skip


@bp.post("/sector/competentiekader/concept/<competence_code>/herstellen")
@access.roles_required("sector_admin")
def competence_undo(competence_code: str) -> ResponseReturnValue:
    return _step(lambda db, actor: framework.undo_changes(db, code=competence_code, actor=actor),
                 i18n.N_("flash.framework_competence_undone"))  # fmt: skip


def _publish_page(form: pages.FormState, status: int = 200) -> ResponseReturnValue:
    g.page_path = url_for("framework_pages.publish")
    with web.transaction() as db:
        try:
            current = framework.editable(db)
        except errors.ServiceError as exc:
            return _refusal(exc)
        changes = framework.changes(db, current.number)
        return render_template("sector/framework/publish.html", draft=current, changes=changes, form=form), status


@bp.route("/sector/competentiekader/concept/publiceren", methods=["GET", "POST"])
@access.roles_required("sector_admin")
def publish() -> ResponseReturnValue:
    user = access.staff()
    if request.method == "GET":
        return _publish_page(pages.FormState({"note": "", "confirm": ""}))
    values = pages.form_values("note", "confirm")
    if values["confirm"] != "yes":
        refused = errors.ServiceError("confirm", code="confirm_required", field="confirm")
        return _publish_page(pages.FormState.refused(values, [refused]), 400)
    try:
        with web.transaction() as db:
            published = framework.publish(db, note=values["note"], actor=user.email)
            number = published.number
    except errors.Conflict as exc:
        return _refusal(exc)
    except errors.ServiceError as exc:
        return _publish_page(pages.FormState.refused(values, _problems(exc)), exc.status)
    flash("flash.framework_published")
    return redirect(url_for("framework_pages.version", version_number=number))


@bp.post("/sector/competentiekader/concept/weggooien")
@access.roles_required("sector_admin")
def discard() -> ResponseReturnValue:
    if request.form.get("confirm") != "yes":
        return pages.error_page(400, "error.framework_discard_confirm")
    return _step(lambda db, actor: framework.discard_draft(db, actor=actor), i18n.N_("flash.framework_draft_discarded"),
                 then="framework_pages.overview")  # fmt: skip


# --- the sector admin: proposals -------------------------------------------------------------


@bp.get("/sector/voorstellen")
@access.roles_required("sector_admin")
def proposals() -> ResponseReturnValue:
    with web.transaction() as db:
        return render_template("sector/framework/proposals.html", proposals=framework.proposals(db), groups=_groups())


def _proposal_page(
    proposal_id: int,
    adopt_form: pages.FormState | None = None,
    decline_form: pages.FormState | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    g.page_path = url_for("framework_pages.proposal", proposal_id=proposal_id)
    with web.transaction() as db:
        try:
            proposal = framework.get_proposal(db, proposal_id)
        except errors.NotFound as exc:
            return _refusal(exc)
        adopt_form = adopt_form or pages.FormState(framework.proposal_fields(proposal))
        return render_template(
            "sector/framework/proposal.html", proposal=proposal, adopt_form=adopt_form,
            decline_form=decline_form or pages.FormState({"reason": ""}), groups=_groups(), esco=_esco_choices(),
            chosen=set(adopt_form.values.get("esco", "").split()), esco_labels=framework.esco_skills(),
        ), status  # fmt: skip


@bp.get("/sector/voorstellen/<int:proposal_id>")
@access.roles_required("sector_admin")
def proposal(proposal_id: int) -> ResponseReturnValue:
    return _proposal_page(proposal_id)


@bp.post("/sector/voorstellen/<int:proposal_id>/overnemen")
@access.roles_required("sector_admin")
def adopt(proposal_id: int) -> ResponseReturnValue:
    user = access.staff()
    values = _form_values(COMPETENCE_FIELDS)
    try:
        with web.transaction() as db:
            framework.adopt_proposal(db, proposal_id=proposal_id, actor=user.email, fields=values)
    except (errors.NotFound, errors.Conflict) as exc:
        return _refusal(exc)
    except errors.ServiceError as exc:
        form = pages.FormState.refused(values, _problems(exc))
        return _proposal_page(proposal_id, adopt_form=form, status=exc.status)
    flash("flash.framework_proposal_adopted")
    return redirect(url_for("framework_pages.draft"))


@bp.post("/sector/voorstellen/<int:proposal_id>/afwijzen")
@access.roles_required("sector_admin")
def decline(proposal_id: int) -> ResponseReturnValue:
    user = access.staff()
    values = pages.form_values("reason")
    try:
        with web.transaction() as db:
            framework.decline_proposal(db, proposal_id=proposal_id, reason=values["reason"], actor=user.email)
    except (errors.NotFound, errors.Conflict) as exc:
        return _refusal(exc)
    except errors.ServiceError as exc:
        form = pages.FormState.refused(values, _problems(exc))
        return _proposal_page(proposal_id, decline_form=form, status=exc.status)
    flash("flash.framework_proposal_declined")
    return redirect(url_for("framework_pages.proposals"))


# --- the organisation admin: proposals ---------------------------------------------------------


@bp.get("/organisatie/competentievoorstellen")
@access.roles_required("org_admin")
def my_proposals() -> ResponseReturnValue:
    user = access.staff()
    with web.transaction() as db:
        org = access.own_organisation(db, user)
        rows: list[CompetenceProposal] = framework.proposals(db, org=org)
        return render_template("sector/framework/my_proposals.html", proposals=rows, groups=_groups())


def _propose_form(form: pages.FormState, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "sector/framework/propose.html", form=form, groups=_groups(), esco=_esco_choices(),
        chosen=set(form.values.get("esco", "").split()),
    ), status  # fmt: skip


@bp.route("/organisatie/competentievoorstellen/nieuw", methods=["GET", "POST"])
@access.roles_required("org_admin")
def propose() -> ResponseReturnValue:
    user = access.staff()
    if request.method == "GET":
        return _propose_form(pages.FormState({"group": "circular"}))
    values = _form_values(PROPOSAL_FIELDS)
    try:
        with web.transaction() as db:
            framework.propose(db, org=access.own_organisation(db, user), actor=user.email, fields=values)
    except errors.ServiceError as exc:
        return _propose_form(pages.FormState.refused(values, _problems(exc)), exc.status)
    flash("flash.framework_proposal_sent")
    return redirect(url_for("framework_pages.my_proposals"))
