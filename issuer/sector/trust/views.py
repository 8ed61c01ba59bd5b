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

import logging
from typing import Any, Final

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from issuer import web
from issuer.accounts import access
from issuer.core import basics, errors
from issuer.organisations import services as org_services
from issuer.runtime import runtime
from issuer.sector.trust import services as trust
from issuer.store.db import session_scope
from issuer.store.models import QUALITY_MARKS, Organisation
from issuer.webkit import i18n, pages
from verifier.registry import DCC_REGISTRY_PATH, TRUST_LIST_PATH
from verifier.sql_records import periods_of

log = logging.getLogger(__name__)

bp = Blueprint("trust_pages", __name__, url_prefix="/sector")

ADMIT_FIELDS: Final = ("org_name", "slug", "contact_email", "contact_phone", "website", "quality_mark")
CHANGE_FIELDS: Final = ("reason", "confirm_membership")


def init_staff(app: Flask) -> None:
    """The sector admin's pages (the full service only)."""
    app.register_blueprint(bp)


pages.guard(bp)


def _org(db: Session, slug: str) -> Organisation:
    try:
        return org_services.get_org(db, slug)
    except errors.NotFound:
        raise pages.PageError(404, "error.unknown_org") from None


# --- admit ------------------------------------------------------------------------------------


def _admit_form(form: pages.FormState, status: int = 200) -> ResponseReturnValue:
    return render_template("sector/trust/admit.html", form=form, quality_marks=QUALITY_MARKS), status


@bp.route("/organisaties/nieuw", methods=["GET", "POST"])
@access.roles_required("sector_admin")
def admit() -> ResponseReturnValue:
    user = access.staff()
    if request.method == "GET":
        return _admit_form(pages.FormState({**dict.fromkeys(ADMIT_FIELDS, ""), "quality_mark": "geen"}))
    values = pages.form_values(*ADMIT_FIELDS)
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
        return _admit_form(pages.FormState.refused(values, _problems(exc)), exc.status)
    flash("flash.trust.admitted")
    return redirect(url_for("trust_pages.organisation", slug=slug))


def _problems(exc: errors.ServiceError) -> list[errors.ServiceError]:
    if isinstance(exc, trust.AdmissionRefused):
        return exc.problems
    return web.problems_of(exc)


# --- an organisation's page -------------------------------------------------------------------


def _organisation_page(
    slug: str, *, forms: dict[str, pages.FormState] | None = None, status: int = 200
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
            "forms": {a: forms.get(a) or pages.FormState(dict.fromkeys(CHANGE_FIELDS, "")) for a in actions},
            "mark_form": forms.get("quality_mark") or pages.FormState({"quality_mark": org.quality_mark}),
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
    values = pages.form_values(*CHANGE_FIELDS)
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
        form = pages.FormState.refused(values, web.problems_of(exc))
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
    values = pages.form_values("quality_mark")
    try:
        with web.transaction() as db:
            org = _org(db, slug)
            trust.set_quality_mark(db, org=org, quality_mark=values["quality_mark"], actor=user.email)
    except errors.ServiceError as exc:
        form = pages.FormState.refused(values, web.problems_of(exc))
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
            trust_list_url=settings.base_url + TRUST_LIST_PATH,
            dcc_url=settings.base_url + DCC_REGISTRY_PATH,
        )


# --- the signed trust list (served by the verifier's documents) --------------------------------


def signed_trust_list(db: Session) -> dict[str, Any] | None:
    """The trust list signed with the sector key (re-used while unchanged); None when it
    cannot be signed now (no sector key yet, or the key store refuses)."""
    rt = runtime()
    try:
        document = trust.TRUST_LISTS.get(db, rt.context)
    except errors.ServiceError as exc:
        log.error("trust list unavailable: %s", exc.code)
        return None
    if trust.TRUST_LISTS.needs_publishing(document):
        # A newly signed list: stored for verifier-only processes, which cannot sign.
        with session_scope(rt.sessions) as writer:
            trust.publish_trust_list(writer, document)
        trust.TRUST_LISTS.published(document)
    return document
