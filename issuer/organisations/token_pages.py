"""The organisation admin's pages for API tokens (``/organisatie/api-tokens``).

List the organisation's tokens, make one (name and scopes; the token is shown once, on
the next page, and never stored), and revoke one (with a confirmation box). Only an
organisation admin may: supervisors and the sector admin get 403; another
organisation's token is "not found" (404). The staff pages' rules apply (see
:mod:`issuer.web`): CSRF on every POST, one transaction per change, refused input back
on the form next to its field.
"""

from __future__ import annotations

from typing import Final

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from issuer import web
from issuer.accounts import access
from issuer.core import basics
from issuer.core import errors as core_errors
from issuer.organisations import tokens
from issuer.runtime import runtime
from issuer.store.models import ApiToken, Organisation, User
from issuer.webkit import i18n, pages

bp = Blueprint("api_tokens", __name__, url_prefix="/organisatie/api-tokens")

SESSION_KEY: Final = "new_api_token"
NEW_FIELDS: Final = ("name", "scopes")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


pages.guard(bp)


def own_token(db: Session, org: Organisation, token_id: int) -> ApiToken:
    try:
        return tokens.get_token(db, org, token_id)
    except core_errors.NotFound:
        raise pages.PageError(404, "error.unknown_token") from None


def show_token_once(token_id: int, plaintext: str) -> None:
    """Keep a new token for the next page only (it is never stored in the database)."""
    session[SESSION_KEY] = {"token_id": token_id, "token": plaintext}


def take_shown_token(token_id: int) -> str | None:
    stash = session.pop(SESSION_KEY, None)
    if isinstance(stash, dict) and stash.get("token_id") == token_id:
        return str(stash["token"])
    return None


@bp.get("")
@access.roles_required("org_admin")
def index() -> ResponseReturnValue:
    user = access.staff()
    with web.transaction() as db:
        org = access.own_organisation(db, user)
        views = tokens.list_tokens(db, org)
    openapi_url = runtime().settings.base_url + url_for("verifier_api.openapi")
    return render_template("organisations/api_tokens/list.html", org=org, tokens=views, openapi_url=openapi_url)


def _new_form(form: pages.FormState, status: int = 200) -> ResponseReturnValue:
    return render_template("organisations/api_tokens/new.html", form=form, scopes=tokens.SCOPES), status


@bp.route("/nieuw", methods=["GET", "POST"])
@access.roles_required("org_admin")
def new() -> ResponseReturnValue:
    user = access.staff()
    if request.method == "GET":
        return _new_form(pages.FormState({"name": "", "scopes": "issue"}))
    chosen = [str(s) for s in request.form.getlist("scopes")]
    values = {"name": str(request.form.get("name", "")), "scopes": ",".join(chosen)}
    try:
        with web.transaction() as db:
            org = access.own_organisation(db, user)
            problems: list[core_errors.ServiceError] = []
            web.attempt(problems, lambda: basics.clean_text(values["name"], field="name",
                                                              max_length=tokens.MAX_TOKEN_NAME))  # fmt: skip
            web.attempt(problems, lambda: tokens.clean_scopes(chosen))
            web.raise_problems(problems)
            token, plaintext = tokens.create_token(
                db, org, values["name"], chosen, actor=user.email, created_by=db.get(User, user.id)
            )
            token_id = token.id
    except core_errors.ServiceError as exc:
        return _new_form(pages.FormState.refused(values, web.problems_of(exc)), exc.status)
    show_token_once(token_id, plaintext)
    flash("flash.api_token_created")
    return redirect(url_for("api_tokens.token", token_id=token_id))


def _token_page(token_id: int, form: pages.FormState | None = None, status: int = 200) -> ResponseReturnValue:
    user = access.staff()
    g.page_path = url_for("api_tokens.token", token_id=token_id)
    with web.transaction() as db:
        org = access.own_organisation(db, user)
        token = tokens.token_view(own_token(db, org, token_id))
    # Only right after it was made, and only once (a reload shows it no more).
    plaintext = take_shown_token(token_id) if form is None else None
    form = form or pages.FormState({"confirm": ""})
    return render_template("organisations/api_tokens/token.html", token=token, plaintext=plaintext, form=form), status


@bp.get("/<int:token_id>")
@access.roles_required("org_admin")
def token(token_id: int) -> ResponseReturnValue:
    return _token_page(token_id)


@bp.post("/<int:token_id>/intrekken")
@access.roles_required("org_admin")
def revoke(token_id: int) -> ResponseReturnValue:
    """Revoke for good (the confirmation box is required): the token opens nothing any more."""
    user = access.staff()
    if request.form.get("confirm") != "yes":
        with web.transaction() as db:
            own_token(db, access.own_organisation(db, user), token_id)  # another organisation's: 404 first
        message = i18n.t("error.token_confirm_required")
        return _token_page(token_id, pages.FormState({"confirm": ""}, errors={"confirm": message}), 400)
    try:
        with web.transaction() as db:
            org = access.own_organisation(db, user)
            own_token(db, org, token_id)
            tokens.revoke_token(db, org, token_id, actor=user.email)
    except core_errors.Conflict:
        flash("flash.api_token_already_revoked")
        return redirect(url_for("api_tokens.token", token_id=token_id))
    flash("flash.api_token_revoked")
    return redirect(url_for("api_tokens.index"))
