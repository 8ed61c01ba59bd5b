"""The sector admin's membership pages and the public trust documents.

Staff pages (``/sector/...``, the sector admin only; the staff pages' rules apply, see
:mod:`issuer.web`): admit an organisation, an organisation's page with its membership
periods, keys and quality mark, and suspending, ending or reinstating its membership
(a reason and a confirmation box; one transaction with an audit event). Refused input
comes back on the form next to its field and changes nothing.

Public documents (``/.well-known/...``, cacheable for a few minutes, no personal data):
the sector's DID document, the signed trust list and the DCC registry (see
:mod:`issuer.sector.trust.services` and docs/trust-list.md). The DID document and the DCC registry need
no private key and are served by a verifier-only process too; the trust list is signed
by the full service only.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Final

from flask import Blueprint, Flask, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from issuer import i18n, web
from issuer.accounts import access
from issuer.core import basics, errors
from issuer.organisations import services as org_services
from issuer.runtime import runtime
from issuer.sector.trust import services as trust
from issuer.store.db import session_scope
from issuer.store.models import QUALITY_MARKS, Organisation
from verifier.sql_records import periods_of

log = logging.getLogger(__name__)

bp = Blueprint("trust_pages", __name__, url_prefix="/sector")
public_bp = Blueprint("trust_public", __name__)

ADMIT_FIELDS: Final = ("org_name", "slug", "contact_email", "contact_phone", "website", "quality_mark")
CHANGE_FIELDS: Final = ("reason", "confirm_membership")
CACHE_SECONDS: Final = 300


def init_app(app: Flask) -> None:
    """The public documents (also in verifier-only mode)."""
    app.register_blueprint(public_bp)


def init_staff(app: Flask) -> None:
    """The sector admin's pages (the full service only)."""
    app.register_blueprint(bp)


web.guard(bp)


def _org(db: Session, slug: str) -> Organisation:
    try:
        return org_services.get_org(db, slug)
    except errors.NotFound:
        raise web.PageError(404, "error.unknown_org") from None


# --- admit ------------------------------------------------------------------------------------


def _admit_form(form: web.FormState, status: int = 200) -> ResponseReturnValue:
    return render_template("sector/trust/admit.html", form=form, quality_marks=QUALITY_MARKS), status


@bp.route("/organisaties/nieuw", methods=["GET", "POST"])
@access.roles_required("sector_admin")
def admit() -> ResponseReturnValue:
    user = access.staff()
    if request.method == "GET":
        return _admit_form(web.FormState({**dict.fromkeys(ADMIT_FIELDS, ""), "quality_mark": "geen"}))
    values = web.form_values(*ADMIT_FIELDS)
    admission = trust.Admission(
        slug=values["slug"],
        name=values["org_name"],
        contact_email=values["contact_email"],
        contact_phone=values["contact_phone"],
        website=values["website"],
        quality_mark=values["quality_mark"],
    )
    try:
        with web.transaction() as db:
            web.raise_problems(trust.check_admission(db, admission))
            org = trust.admit_organisation(db, runtime().context, admission, actor=user.email)
            slug = org.slug
    except errors.ServiceError as exc:
        return _admit_form(web.FormState.refused(values, _problems(exc)), exc.status)
    flash("flash.trust.admitted")
    return redirect(url_for("trust_pages.organisation", slug=slug))


def _problems(exc: errors.ServiceError) -> list[errors.ServiceError]:
    if isinstance(exc, trust.AdmissionRefused):
        return exc.problems
    return web.problems_of(exc)


# --- an organisation's page -------------------------------------------------------------------


def _organisation_page(
    slug: str, *, forms: dict[str, web.FormState] | None = None, status: int = 200
) -> ResponseReturnValue:
    with web.transaction() as db:
        org = _org(db, slug)
        periods = periods_of(db, org)
        keys = list(reversed(org_services.org_keys(db, org)))
        forms = forms or {}
        # The allowed changes, and a refused one whose messages must still show.
        actions = [a for a, (_, allowed) in trust.ACTIONS.items() if org.membership in allowed or a in forms]
        context: dict[str, Any] = {
            "org": org,
            "periods": list(reversed(periods)),
            "keys": keys,
            "actions": actions,
            "forms": {a: forms.get(a) or web.FormState(dict.fromkeys(CHANGE_FIELDS, "")) for a in actions},
            "mark_form": forms.get("quality_mark") or web.FormState({"quality_mark": org.quality_mark}),
            "quality_marks": QUALITY_MARKS,
        }
        return render_template("sector/trust/organisation.html", **context), status


@bp.get("/organisaties/<slug>")
@access.roles_required("sector_admin")
def organisation(slug: str) -> ResponseReturnValue:
    return _organisation_page(slug)


def _change(slug: str, action: str) -> ResponseReturnValue:
    """Suspend, end or reinstate with a reason and the confirmation box."""
    user = access.staff()
    values = web.form_values(*CHANGE_FIELDS)
    try:
        with web.transaction() as db:
            org = _org(db, slug)
            problems: list[errors.ServiceError] = []
            web.attempt(problems, lambda: basics.clean_text(values["reason"], field="reason",
                                                              max_length=basics.MAX_REASON))  # fmt: skip
            if values["confirm_membership"] != "yes":
                problems.append(errors.ServiceError("not confirmed", code="confirm_required",
                                                      field="confirm_membership"))  # fmt: skip
            web.raise_problems(problems)
            trust.change_membership(db, org=org, action=action, reason=values["reason"], actor=user.email)
    except errors.ServiceError as exc:
        form = web.FormState.refused(values, web.problems_of(exc))
        return _organisation_page(slug, forms={action: form}, status=exc.status)
    flash(i18n.key_of("flash.trust.*", action) or "flash.trust.suspend")
    return redirect(url_for("trust_pages.organisation", slug=slug))


@bp.post("/organisaties/<slug>/schorsen")
@access.roles_required("sector_admin")
def suspend(slug: str) -> ResponseReturnValue:
    return _change(slug, "suspend")


@bp.post("/organisaties/<slug>/beeindigen")
@access.roles_required("sector_admin")
def end(slug: str) -> ResponseReturnValue:
    return _change(slug, "end")


@bp.post("/organisaties/<slug>/herstellen")
@access.roles_required("sector_admin")
def reinstate(slug: str) -> ResponseReturnValue:
    return _change(slug, "reinstate")


@bp.post("/organisaties/<slug>/keurmerk")
@access.roles_required("sector_admin")
def quality_mark(slug: str) -> ResponseReturnValue:
    user = access.staff()
    values = web.form_values("quality_mark")
    try:
        with web.transaction() as db:
            org = _org(db, slug)
            trust.set_quality_mark(db, org=org, quality_mark=values["quality_mark"], actor=user.email)
    except errors.ServiceError as exc:
        form = web.FormState.refused(values, web.problems_of(exc))
        return _organisation_page(slug, forms={"quality_mark": form}, status=exc.status)
    flash("flash.trust.quality_mark")
    return redirect(url_for("trust_pages.organisation", slug=slug))


@bp.get("/ledenlijst")
@access.roles_required("sector_admin")
def overview() -> ResponseReturnValue:
    settings = runtime().settings
    with web.transaction() as db:
        keys = list(reversed(trust.sector_keys(db)))
        return render_template(
            "sector/trust/overview.html",
            sector_did=trust.sector_did(settings),
            keys=keys,
            did_url=settings.base_url + url_for("trust_public.did_document"),
            trust_list_url=settings.base_url + trust.TRUST_LIST_PATH,
            dcc_url=settings.base_url + trust.DCC_REGISTRY_PATH,
        )


# --- public documents -------------------------------------------------------------------------


def _json(document: dict[str, Any], media_type: str) -> Response:
    response = Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype=media_type)
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.add_etag()
    response.make_conditional(request)
    return response


@public_bp.get("/.well-known/did.json")
def did_document() -> Response:
    """The sector's own DID document (did:web of the service's host)."""
    with session_scope(runtime().sessions, reads_only=True) as db:
        document = trust.sector_did_document(db, runtime().settings)
    if not document["verificationMethod"]:
        abort(404)  # no sector key yet (credentials sector key init)
    return _json(document, "application/did+json")


@public_bp.get(trust.TRUST_LIST_PATH)
def trust_list() -> Response:
    """The member organisations with their membership periods, signed by the sector key."""
    rt = runtime()
    if rt.context.keystore is None:
        abort(404)  # a verifier-only process cannot sign; the full service publishes it
    try:
        with session_scope(rt.sessions, reads_only=True) as db:
            document = trust.TRUST_LISTS.get(db, rt.context)
    except errors.ServiceError as exc:
        log.error("trust list unavailable: %s", exc.code)
        abort(503)
    return _json(document, "application/vc")


@public_bp.get(trust.DCC_REGISTRY_PATH)
def dcc_registry() -> Response:
    """The active members in the DCC issuer registry format ("dcc-legacy")."""
    with session_scope(runtime().sessions, reads_only=True) as db:
        document = trust.dcc_registry(db, runtime().settings)
    return _json(document, "application/json")
