"""The organisation page (shops, signing keys, key rotation) and the sector admin's overview of organisations.
"""

from __future__ import annotations

from flask import (
    flash,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from issuer import staff_user, web
from issuer.accounts import access
from issuer.organisations import services as org_services
from issuer.runtime import runtime
from issuer.store.models import Organisation, Shop

# --- organisation and sector -------------------------------------------------------------


@staff_user.bp.get("/organisatie")
@access.roles_required("org_admin")
def organisation() -> ResponseReturnValue:
    user = access.staff()
    with web.transaction() as db:
        org = access.own_organisation(db, user)
        keys = org_services.org_keys(db, org)
        return render_template("organisations/detail.html", org=org, shops=org.shops, keys=list(reversed(keys)))


@staff_user.bp.post("/organisatie/sleutels/vernieuwen")
@access.roles_required("org_admin")
def rotate_key() -> ResponseReturnValue:
    user = access.staff()
    with web.transaction() as db:
        org_services.rotate_key(db, runtime().context, org=access.own_organisation(db, user), actor=user.email)
    flash("flash.rotated")
    return redirect(url_for("web.organisation"))


@staff_user.bp.get("/sector")
@access.roles_required("sector_admin")
def sector() -> ResponseReturnValue:
    with web.transaction() as db:
        shop_counts = (
            select(Shop.organisation_id, func.count(Shop.id).label("shops")).group_by(Shop.organisation_id).subquery()
        )
        rows = db.execute(
            select(Organisation, func.coalesce(shop_counts.c.shops, 0))
            .outerjoin(shop_counts, shop_counts.c.organisation_id == Organisation.id)
            .order_by(Organisation.name)
        ).all()  # fmt: skip
        return render_template("sector/index.html", rows=rows)
