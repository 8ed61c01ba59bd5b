"""Pages for labour-market regions and the regional figures (issue 9, part C).

The sector admin (role ``sector_admin`` only; partners may later get a read-only role of
their own) sees the anonymous figures per region (``/sector/regio-cijfers``, with a CSV
export of exactly what the page shows) and keeps the regions up to date
(``/sector/regios``: rename, (un)mark the sector partnership, add, remove an unused one,
import a file, put shops without a region in one). An organisation admin puts the
organisation's own shops in a region (``/organisatie/winkels``).

The staff pages' rules apply (:mod:`issuer.web`): CSRF on every POST, one transaction per
change, refused input back on the form next to its field with its status. The figures
page has no JavaScript: the trend per region is an SVG drawn here, with a title, a
description and a table of the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final
from urllib.parse import urlencode

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer import web
from issuer.accounts import access
from issuer.catalogue import load_catalogue
from issuer.core import errors as core_errors
from issuer.sector.regions import services as regions
from issuer.store.models import Region, Shop
from issuer.webkit import i18n, pages

bp = Blueprint("regions", __name__)

MAX_ROWS_ON_PAGE: Final = 500  # more: the page says so and the CSV has them all
DEFAULT_MONTHS: Final = 12
CHART_WIDTH: Final = 480
CHART_HEIGHT: Final = 120
CHART_TOP: Final = 16
CHART_BOTTOM: Final = 20


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


pages.guard(bp)


# --- the figures ---------------------------------------------------------------------------


def _default_filter() -> regions.FigureFilter:
    last = pages.today_local().replace(day=1)
    first = last
    for _ in range(DEFAULT_MONTHS - 1):
        first = (first.replace(year=first.year - 1, month=12) if first.month == 1
                 else first.replace(month=first.month - 1))  # fmt: skip
    return regions.FigureFilter(first, last)


def _filter_from_request() -> tuple[regions.FigureFilter, pages.FormState]:
    """The filter the form asks for; refused input raises :class:`web.FormInvalid`."""
    default = _default_filter()
    values = {
        "van": str(request.args.get("van", "")).strip() or default.first.strftime("%Y-%m"),
        "tot": str(request.args.get("tot", "")).strip() or default.last.strftime("%Y-%m"),
        "regio": str(request.args.get("regio", "")).strip(),
        "partnerschap": "1" if request.args.get("partnerschap") == "1" else "",
    }
    problems: list[core_errors.ServiceError] = []
    first = web.attempt(problems, lambda: regions.parse_month(values["van"], field_name="van"))
    last = web.attempt(problems, lambda: regions.parse_month(values["tot"], field_name="tot"))
    if first and last and (first > last or len(regions.FigureFilter(first, last).months()) > regions.MAX_MONTHS):
        problems.append(core_errors.ServiceError("bad period", code="bad_period", field="tot"))
    with web.transaction() as db:
        codes = {r.code for r in db.execute(select(Region)).scalars()} | {regions.UNKNOWN}
    if values["regio"] and values["regio"] not in codes:
        problems.append(core_errors.ServiceError("no such region", code="unknown_region", field="regio"))
    state = pages.FormState(values)
    if problems or first is None or last is None:
        raise web.FormInvalid(problems)
    flt = regions.FigureFilter(first, last, values["regio"] or None, values["partnerschap"] == "1")
    return flt, state


@dataclass(frozen=True)
class Bar:
    month: str
    label: str
    x: float
    y: float
    width: float
    height: float
    text: str
    hidden: bool


@dataclass(frozen=True)
class Chart:
    region: str
    title: str
    description: str
    bars: list[Bar]
    top_label: str
    first_label: str
    last_label: str
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    baseline: int = CHART_HEIGHT - CHART_BOTTOM


def month_label(month: str, language: str) -> str:
    year, number = month.split("-")
    return i18n.format_month(date(int(year), int(number), 1), language)


def trend_chart(figures: regions.Figures, region: regions.RegionInfo, name: str, language: str) -> Chart:
    """Bars of certificates per month for one region, scaled to that region's highest month
    (a hidden month is a short grey mark, not a bar)."""
    months = figures.months
    values = {m: figures.totals.get((region.code, m)) for m in months}
    top = max((t.certificates or 0 for t in values.values() if t is not None), default=0)
    slot = CHART_WIDTH / max(1, len(months))
    usable = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    bars = []
    for index, month in enumerate(months):
        total = values[month]
        count = total.certificates if total is not None else 0
        hidden = total is not None and total.hidden
        height = 0.0 if hidden or not top else usable * (count or 0) / top
        text = regions.shown(count, people=False) if total is not None else "0"
        bars.append(Bar(month, month_label(month, language), round(index * slot + slot * 0.15, 2),
                        round(CHART_HEIGHT - CHART_BOTTOM - (4.0 if hidden else height), 2), round(slot * 0.7, 2),
                        round(4.0 if hidden else height, 2), text, hidden))  # fmt: skip
    shown_values = [(t.certificates, m) for m, t in values.items() if t is not None and t.certificates is not None]
    if shown_values:
        best, best_month = max(shown_values)
        description = i18n.t("regions.chart.desc", region=name, first=month_label(months[0], language),
                             last=month_label(months[-1], language), top=best,
                             top_month=month_label(best_month, language))  # fmt: skip
    else:
        description = i18n.t("regions.chart.desc_none", region=name)
    return Chart(
        region=region.code, title=i18n.t("regions.chart.title", region=name), description=description, bars=bars,
        top_label=str(top), first_label=month_label(months[0], language), last_label=month_label(months[-1], language),
    )  # fmt: skip


def _names(language: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Competence names (the newest version's), group names and level names in ``language``."""
    catalogue = load_catalogue()
    with web.transaction() as db:
        names = regions.competence_names(db, language)
    groups = {group.code: group.name(language) for group in catalogue.groups}
    levels = {level.code: level.name(language) for level in catalogue.levels}
    return names, groups, levels


def region_name(info: regions.RegionInfo) -> str:
    return i18n.t("regions.unknown") if info.code == regions.UNKNOWN else info.name


@bp.get("/sector/regio-cijfers")
@access.roles_required("sector_admin")
def figures() -> ResponseReturnValue:
    with web.transaction() as db:
        choices = regions.list_regions(db)
    try:
        flt, form = _filter_from_request()
    except core_errors.ServiceError as exc:
        values = {k: str(request.args.get(k, "")) for k in ("van", "tot", "regio", "partnerschap")}
        form = pages.FormState.refused(values, web.problems_of(exc))
        return render_template("sector/regions/figures.html", form=form, choices=choices, figures=None), exc.status
    with web.transaction() as db:
        result = regions.regional_figures(db, flt)
    language = i18n.current_language()
    names, groups, levels = _names(language)
    charts = [trend_chart(result, info, region_name(info), language) for info in result.regions]
    return render_template(
        "sector/regions/figures.html", form=form, choices=choices, figures=result, charts=charts, names=names,
        groups=groups, levels=levels, region_names={r.code: region_name(r) for r in result.regions},
        month_label=lambda m: month_label(m, language), shown=regions.shown, shown_total=regions.shown_total,
        max_rows=MAX_ROWS_ON_PAGE,
        csv_url=f"{url_for('regions.figures_csv')}?{urlencode({k: v for k, v in form.values.items() if v})}",
    )  # fmt: skip


@bp.get("/sector/regio-cijfers.csv")
@access.roles_required("sector_admin")
def figures_csv() -> ResponseReturnValue:
    try:
        flt, _form = _filter_from_request()
    except core_errors.ServiceError as exc:
        return pages.error_page(exc.status, "regions.csv_refused")
    with web.transaction() as db:
        result = regions.regional_figures(db, flt)
    names, groups, levels = _names("nl")
    data = regions.figures_csv(result, names=names, groups=groups, levels=levels)
    stem = f"regio-cijfers-{flt.first:%Y-%m}-{flt.last:%Y-%m}"
    return pages.download(data, "text/csv", f"{stem}.csv")


# --- the regions as data (sector admin) ----------------------------------------------------------


FORM_FIELDS: Final = ("name", "in_partnership")


def _regions_page(
    *, add_form: pages.FormState | None = None, edit: tuple[str, pages.FormState] | None = None,
    import_form: pages.FormState | None = None, shop_form: tuple[int, pages.FormState] | None = None,
    import_problems: list[regions.ImportProblem] | None = None, status: int = 200,
) -> ResponseReturnValue:  # fmt: skip
    with web.transaction() as db:
        rows = regions.list_regions(db)
        unplaced = regions.shops_without_region(db)
    return render_template(
        "sector/regions/list.html", rows=rows, unplaced=unplaced,
        add_form=add_form or pages.FormState({"in_partnership": "no"}),
        edit=edit, import_form=import_form or pages.FormState(), shop_form=shop_form,
        import_problems=import_problems or [],
    ), status  # fmt: skip


def _form_region(values: dict[str, str]) -> tuple[str, bool]:
    problems: list[core_errors.ServiceError] = []
    name = web.attempt(problems, lambda: regions.clean_region_name(values["name"]))
    partnership = web.attempt(problems, lambda: regions.parse_partnership(values["in_partnership"]))
    web.raise_problems(problems)
    return name or "", bool(partnership)


@bp.get("/sector/regios")
@access.roles_required("sector_admin")
def region_list() -> ResponseReturnValue:
    return _regions_page()


@bp.get("/sector/regios.csv")
@access.roles_required("sector_admin")
def region_file() -> ResponseReturnValue:
    with web.transaction() as db:
        data = regions.regions_csv(db)
    return pages.download(data, "text/csv", "arbeidsmarktregios.csv")


@bp.post("/sector/regios")
@access.roles_required("sector_admin")
def region_add() -> ResponseReturnValue:
    user = access.staff()
    values = pages.form_values(*FORM_FIELDS)
    try:
        with web.transaction() as db:
            name, partnership = _form_region(values)
            regions.add_region(db, name=name, in_partnership=partnership, actor=user.email)
    except core_errors.ServiceError as exc:
        return _regions_page(add_form=pages.FormState.refused(values, web.problems_of(exc)), status=exc.status)
    flash("flash.region_added")
    return redirect(url_for("regions.region_list"))


@bp.post("/sector/regios/<region_code>")
@access.roles_required("sector_admin")
def region_update(region_code: str) -> ResponseReturnValue:
    user = access.staff()
    values = pages.form_values(*FORM_FIELDS)
    try:
        with web.transaction() as db:
            region = _own_region(db, region_code)
            name, partnership = _form_region(values)
            regions.update_region(db, region=region, name=name, in_partnership=partnership, actor=user.email)
    except core_errors.ServiceError as exc:
        form = pages.FormState.refused(values, web.problems_of(exc))
        return _regions_page(edit=(region_code, form), status=exc.status)
    flash("flash.region_saved")
    return redirect(url_for("regions.region_list"))


def _own_region(db: Session, code: str) -> Region:
    try:
        return regions.get_region(db, code)
    except core_errors.NotFound:
        raise pages.PageError(404, "regions.unknown_region") from None


@bp.post("/sector/regios/<region_code>/verwijderen")
@access.roles_required("sector_admin")
def region_delete(region_code: str) -> ResponseReturnValue:
    user = access.staff()
    try:
        with web.transaction() as db:
            regions.remove_region(db, region=_own_region(db, region_code), actor=user.email)
    except core_errors.ServiceError as exc:
        form = pages.FormState.refused({"name": "", "in_partnership": ""}, web.problems_of(exc))
        return _regions_page(edit=(region_code, form), status=exc.status)
    flash("flash.region_removed")
    return redirect(url_for("regions.region_list"))


@bp.post("/sector/regios/importeren")
@access.roles_required("sector_admin")
def region_import() -> ResponseReturnValue:
    user = access.staff()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        form = pages.FormState({}, errors={"file": i18n.t("regions.import.no_file")})
        return _regions_page(import_form=form, status=400)
    data = upload.read(regions.MAX_IMPORT_BYTES + 1)
    try:
        with web.transaction() as db:
            summary = regions.import_regions(db, data, actor=user.email)
    except regions.RegionImportRefused as exc:
        refused = i18n.tn("regions.import.refused.one", "regions.import.refused", len(exc.problems))
        form = pages.FormState({}, errors={"file": refused})
        return _regions_page(import_form=form, import_problems=exc.problems, status=400)
    except core_errors.ServiceError as exc:
        form = pages.FormState({}, errors={"file": i18n.error_message(exc.code, exc.field, exc.params)})
        return _regions_page(import_form=form, status=exc.status)
    changed = summary.added or summary.changed
    flash(i18n.N_("flash.regions_imported") if changed else i18n.N_("flash.regions_import_unchanged"))
    return redirect(url_for("regions.region_list"))


@bp.post("/sector/winkels/<int:shop_id>/regio")
@access.roles_required("sector_admin")
def sector_shop_region(shop_id: int) -> ResponseReturnValue:
    """The sector admin places a shop of any organisation (the ones without a region)."""
    user = access.staff()
    values = pages.form_values("region")
    try:
        with web.transaction() as db:
            shop = db.get(Shop, shop_id) if shop_id < 2**63 else None
            if shop is None:
                raise pages.PageError(404)
            regions.set_shop_region(db, shop=shop, region=_chosen_region(db, values["region"]), actor=user.email)
    except core_errors.ServiceError as exc:
        return _regions_page(shop_form=(shop_id, pages.FormState.refused(values, web.problems_of(exc))),
                             status=exc.status)  # fmt: skip
    flash("flash.shop_region_saved")
    return redirect(url_for("regions.region_list"))


def _chosen_region(db: Session, code: str) -> Region | None:
    if not code.strip():
        return None
    try:
        return regions.get_region(db, code)
    except core_errors.NotFound:
        raise core_errors.ServiceError("no such region", code="unknown_region", field="region") from None


# --- the organisation admin's shops ----------------------------------------------------------------


def _org_shops_page(form: tuple[int, pages.FormState] | None = None, status: int = 200) -> ResponseReturnValue:
    user = access.staff()
    with web.transaction() as db:
        org = access.own_organisation(db, user)
        shops = [(s.id, s.name, s.city, s.labour_region.code if s.labour_region else "", s.region) for s in org.shops]
        choices = regions.list_regions(db)
        return render_template("organisations/shops.html", org=org, shops=shops, choices=choices, form=form), status


@bp.get("/organisatie/winkels")
@access.roles_required("org_admin")
def org_shops() -> ResponseReturnValue:
    return _org_shops_page()


@bp.post("/organisatie/winkels/<int:shop_id>/regio")
@access.roles_required("org_admin")
def org_shop_region(shop_id: int) -> ResponseReturnValue:
    user = access.staff()
    values = pages.form_values("region")
    try:
        with web.transaction() as db:
            org = access.own_organisation(db, user)
            shop = db.get(Shop, shop_id) if shop_id < 2**63 else None
            if shop is None or shop.organisation_id != org.id:
                raise pages.PageError(404)
            regions.set_shop_region(db, shop=shop, region=_chosen_region(db, values["region"]), actor=user.email)
    except core_errors.ServiceError as exc:
        return _org_shops_page((shop_id, pages.FormState.refused(values, web.problems_of(exc))), exc.status)
    flash("flash.shop_region_saved")
    return redirect(url_for("regions.org_shops"))
