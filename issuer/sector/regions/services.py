"""Labour-market regions and the anonymous figures per region (issue 9, part C).

Regions are data: migration 0006 seeds the 35 arbeidsmarktregio's from
``issuer/catalogue/arbeidsmarktregios.csv``; the sector admin renames them, marks the
regions of the current sector partnership, adds one when the government changes the map,
and removes one no shop uses (page or ``credentials regions``). An import file is checked
whole before anything changes: one problem per bad line, and nothing is stored.

The figures count certificates and distinct people per region, competence group,
competence, level and month, for the branch association and its partners. They are
anonymous by construction (see ``docs/regional-figures.md``):

- one grouped SQL query for the cells and one for the region-month totals, never a row
  per certificate, and nothing below region level (no names, ids or shops) leaves the
  query;
- a cell with fewer than :data:`THRESHOLD` people is hidden: "<5" people, "x"
  certificates, never the number;
- a region-month total is shown only when no hidden cell under it can be worked out by
  subtracting the shown cells from it (:func:`total_is_safe`), otherwise it is hidden too;
- no other sums are published: not per region over months, not per month over regions.

Revoked certificates are not counted (they no longer say anything); suspended ones are
(they may be lifted). Certificates whose shop has no region count under "onbekend".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, literal_column, select, true
from sqlalchemy.orm import Session

from issuer.core import audit_log, basics, errors
from issuer.core.region_names import match_key, region_code
from issuer.core.spreadsheet import csv_bytes
from issuer.sector.framework import competences
from issuer.store.models import Certificate, Competence, Organisation, Region, Shop
from issuer.webkit import texts

THRESHOLD: Final = 5  # people: a cell with fewer is hidden
UNKNOWN: Final = "onbekend"  # the code of the row for shops without a region
MAX_REGION_NAME: Final = 100
MAX_IMPORT_BYTES: Final = 1024 * 1024
MAX_IMPORT_LINES: Final = 1000
MAX_MONTHS: Final = 120
LOCAL_TIME: Final = ZoneInfo("Europe/Amsterdam")
PARTNERSHIP_VALUES: Final = {"yes": True, "ja": True, "no": False, "nee": False}
HIDDEN_PEOPLE: Final = "<5"
HIDDEN_COUNT: Final = "x"


# --- names and codes ------------------------------------------------------------------------


def clean_region_name(raw: object, *, field_name: str = "name") -> str:
    name = basics.clean_text(raw, field=field_name, max_length=MAX_REGION_NAME) or ""
    if not region_code(name) or name.casefold() == UNKNOWN or "\n" in name or "\t" in name:
        raise errors.ServiceError("not a usable region name", code="bad_region_name", field=field_name)
    return name


def parse_partnership(raw: object, *, field_name: str = "in_partnership") -> bool:
    value = str(raw or "").strip().casefold()
    if value not in PARTNERSHIP_VALUES:
        raise errors.ServiceError(
            "the partnership value must be yes or no", code="bad_partnership", field=field_name, value=str(raw or "")
        )
    return PARTNERSHIP_VALUES[value]


# --- the regions as data ----------------------------------------------------------------------


@dataclass(frozen=True)
class RegionRow:
    """A region as the pages and the command line show it."""

    id: int
    code: str
    name: str
    in_partnership: bool
    shops: int


def list_regions(session: Session) -> list[RegionRow]:
    """Every region by name, with how many shops are in it (one query)."""
    counts = select(Shop.region_id, func.count(Shop.id).label("shops")).group_by(Shop.region_id).subquery()
    rows = session.execute(
        select(Region, func.coalesce(counts.c.shops, 0))
        .outerjoin(counts, counts.c.region_id == Region.id)
        .order_by(Region.name)
    ).all()  # fmt: skip
    return [RegionRow(r.id, r.code, r.name, r.in_partnership, int(n)) for r, n in rows]


def get_region(session: Session, code: str) -> Region:
    region = session.execute(select(Region).where(Region.code == (code or "").strip())).scalar_one_or_none()
    if region is None:
        raise errors.NotFound("no such region", code="unknown_region", field="region")
    return region


def _name_taken(session: Session, name: str, *, other_than: int | None = None) -> bool:
    key = match_key(name)
    return any(r.id != other_than and match_key(r.name) == key for r in session.execute(select(Region)).scalars())


def add_region(session: Session, *, name: str, in_partnership: bool, actor: str, code: str | None = None) -> Region:
    """A new region; refused when its name (in any spelling) or code is taken."""
    clean = clean_region_name(name)
    key = region_code(code or clean)
    if _name_taken(session, clean) or session.execute(select(Region.id).where(Region.code == key)).first():
        raise errors.Conflict("a region with that name exists", code="region_exists", field="name", name=clean)
    moment = basics.now()
    region = Region(code=key, name=clean, in_partnership=in_partnership, created_at=moment, updated_at=moment)
    session.add(region)
    session.flush()
    audit_log.audit(session, actor=actor, action="region.create", subject=key,
                   details={"name": clean, "in_partnership": in_partnership})  # fmt: skip
    return region


def update_region(session: Session, *, region: Region, name: str, in_partnership: bool, actor: str) -> bool:
    """Rename and/or (un)mark a region; its code stays, so links and files keep working.
    Returns whether anything changed (nothing is audited when nothing did)."""
    clean = clean_region_name(name)
    if _name_taken(session, clean, other_than=region.id):
        raise errors.Conflict("a region with that name exists", code="region_exists", field="name", name=clean)
    if clean == region.name and in_partnership == region.in_partnership:
        return False
    details = {"name": [region.name, clean], "in_partnership": [region.in_partnership, in_partnership]}
    region.name, region.in_partnership, region.updated_at = clean, in_partnership, basics.now()
    session.flush()
    audit_log.audit(session, actor=actor, action="region.update", subject=region.code, details=details)
    return True


def remove_region(session: Session, *, region: Region, actor: str) -> None:
    """Delete a region no shop is in; a region in use is refused (its shops would lose it)."""
    in_use = session.execute(select(func.count(Shop.id)).where(Shop.region_id == region.id)).scalar_one()
    if in_use:
        raise errors.Conflict("shops are in this region", code="region_in_use", field="region", shops=in_use,
                                name=region.name)  # fmt: skip
    code, name = region.code, region.name
    session.delete(region)
    session.flush()
    audit_log.audit(session, actor=actor, action="region.delete", subject=code, details={"name": name})


def set_shop_region(session: Session, *, shop: Shop, region: Region | None, actor: str) -> None:
    """Put a shop in a region (None: no region). The old free text, if any, is dropped."""
    if shop.region_id == (region.id if region else None) and shop.region is None:
        return
    shop.region_id = region.id if region else None
    shop.region = None
    session.flush()
    audit_log.audit(session, actor=actor, action="shop.region", organisation_id=shop.organisation_id,
                   subject=str(shop.id), details={"region": region.code if region else None})  # fmt: skip


@dataclass(frozen=True)
class UnplacedShop:
    """A shop without a region: the sector admin fixes it (``legacy`` is its old free text)."""

    id: int
    organisation: str
    name: str
    city: str | None
    legacy: str | None


def shops_without_region(session: Session) -> list[UnplacedShop]:
    rows = session.execute(
        select(Shop, Organisation.name).join(Organisation, Organisation.id == Shop.organisation_id)
        .where(Shop.region_id.is_(None)).order_by(Organisation.name, Shop.name)
    ).all()  # fmt: skip
    return [UnplacedShop(s.id, org, s.name, s.city, s.region) for s, org in rows]


# --- importing a regions file ------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    line: int  # 1 is the header
    field: str
    code: str
    value: str


class RegionImportRefused(errors.ServiceError):
    """The file has problems: every one is listed, and nothing was changed."""

    def __init__(self, problems: Sequence[ImportProblem]):
        super().__init__(
            "the file was not imported, nothing changed:\n" + "\n".join(describe(p, "en") for p in problems),
            code="region_import_refused",
            field="file",
        )
        self.problems = list(problems)


def describe(problem: ImportProblem, language: str) -> str:
    """``line 3, column in_sector_partnership ("maybe"): Write yes or no ...`` in ``language``."""
    where = f"line {problem.line}, column {problem.field}" if problem.line else "file"
    value = f' ("{problem.value}")' if problem.value else ""
    key = texts.key_of("regions.import.problem.*", problem.code) or "error.unknown"
    return f"{where}{value}: {texts.translate(key, language)}"


@dataclass(frozen=True)
class RegionLine:
    line: int
    name: str
    in_partnership: bool
    code: str | None


@dataclass
class ImportSummary:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegionImportRefused([ImportProblem(0, "file", "not_utf8", "")]) from None


def parse_region_file(data: bytes) -> list[RegionLine]:
    """The lines of a regions file (columns ``name`` and ``in_sector_partnership...`` as in
    the shipped CSV, optionally ``code`` to rename a region; comma or semicolon separated,
    UTF-8). Every problem of the file is raised at once (:class:`RegionImportRefused`)."""
    if len(data) > MAX_IMPORT_BYTES:
        raise RegionImportRefused([ImportProblem(0, "file", "file_too_large", "")])
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        raise RegionImportRefused([ImportProblem(1, "file", "empty_file", "")])
    header = [cell.strip().casefold() for cell in rows[0]]
    partnership_column = next((i for i, h in enumerate(header) if h.startswith("in_sector_partnership")), None)
    if "name" not in header or partnership_column is None:
        raise RegionImportRefused([ImportProblem(1, "header", "bad_header", delimiter.join(rows[0]))])
    name_column = header.index("name")
    code_column = header.index("code") if "code" in header else None
    if len(rows) - 1 > MAX_IMPORT_LINES:
        raise RegionImportRefused([ImportProblem(0, "file", "too_many_lines", str(len(rows) - 1))])
    problems: list[ImportProblem] = []
    lines: list[RegionLine] = []
    seen_names: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # an empty line (a spreadsheet's trailing one) is no region
        cells = row + [""] * (len(header) - len(row))
        line = _parse_line(number, cells, (name_column, partnership_column, code_column), problems)
        key = match_key(cells[name_column])
        if key and key in seen_names:  # also after a line with another problem
            problems.append(ImportProblem(number, "name", "duplicate_name", cells[name_column].strip()))
            continue
        seen_names.setdefault(key, number)
        if line is None:
            continue
        if line.code is not None:
            if line.code in seen_codes:
                problems.append(ImportProblem(number, "code", "duplicate_code", line.code))
                continue
            seen_codes[line.code] = number
        lines.append(line)
    if problems:
        raise RegionImportRefused(problems)
    if not lines:
        raise RegionImportRefused([ImportProblem(2, "name", "no_regions", "")])
    return lines


def _parse_line(
    number: int, cells: list[str], columns: tuple[int, int, int | None], problems: list[ImportProblem]
) -> RegionLine | None:
    """One line's region (None when it has problems, which are added to ``problems``)."""
    name_column, partnership_column, code_column = columns
    found = len(problems)
    raw_name, raw_partnership = cells[name_column], cells[partnership_column]
    try:
        name = clean_region_name(raw_name)
    except errors.ServiceError as exc:
        problems.append(ImportProblem(number, "name", "empty_name" if exc.code == "required" else exc.code, raw_name))
        name = ""
    try:
        partnership = parse_partnership(raw_partnership)
    except errors.ServiceError:
        problems.append(ImportProblem(number, "in_sector_partnership", "bad_partnership", raw_partnership))
        partnership = False
    code = cells[code_column].strip() if code_column is not None else ""
    if code and region_code(code) != code:
        problems.append(ImportProblem(number, "code", "bad_code", code))
    if len(problems) > found:
        return None
    return RegionLine(number, name, partnership, code or None)


def import_regions(session: Session, data: bytes, *, actor: str) -> ImportSummary:
    """Apply a regions file: a line with a known ``code`` renames and (un)marks that region,
    a line with a known name (any spelling) (un)marks it, any other line adds a region.
    Regions the file does not name stay as they are (removing is a separate step). Every
    problem is raised before anything changes; the caller's transaction makes it all or
    nothing."""
    lines = parse_region_file(data)
    existing = {r.code: r for r in session.execute(select(Region)).scalars()}
    by_key = {match_key(r.name): r for r in existing.values()}
    problems: list[ImportProblem] = []
    plan: list[tuple[RegionLine, Region | None]] = []
    for line in lines:
        target = existing.get(line.code) if line.code else by_key.get(match_key(line.name))
        holder = by_key.get(match_key(line.name))
        # The name belongs to another region than the one the line changes (or adds).
        if holder is not None and (target is None or holder.id != target.id):
            problems.append(ImportProblem(line.line, "name", "region_exists", line.name))
        plan.append((line, target))
    if problems:
        raise RegionImportRefused(problems)
    summary = ImportSummary()
    for line, target in plan:
        if target is None:
            add_region(session, name=line.name, in_partnership=line.in_partnership, actor=actor, code=line.code)
            summary.added.append(line.name)
        elif update_region(session, region=target, name=line.name, in_partnership=line.in_partnership, actor=actor):
            summary.changed.append(line.name)
        else:
            summary.unchanged += 1
    return summary


def regions_csv(session: Session) -> bytes:
    """The regions in the import format (``code,name,in_sector_partnership``), to edit and import."""
    rows = [(r.code, r.name, "yes" if r.in_partnership else "no") for r in list_regions(session)]
    return csv_bytes(["code", "name", "in_sector_partnership"], rows)


# --- the figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureFilter:
    """Which figures: months ``first`` to ``last`` (first days of months, both included),
    one region (its code, or :data:`UNKNOWN`) or all, and only partnership regions."""

    first: date
    last: date
    region: str | None = None
    partnership_only: bool = False

    def months(self) -> list[str]:
        months, year, month = [], self.first.year, self.first.month
        while (year, month) <= (self.last.year, self.last.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months


def month_start_utc(day: date) -> datetime:
    """Midnight, Dutch time, on the first of ``day``'s month, in UTC."""
    return datetime.combine(day.replace(day=1), time(0, 0), tzinfo=LOCAL_TIME).astimezone(UTC)


def next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def parse_month(raw: str, *, field_name: str) -> date:
    """``2026-03`` (or ``03-2026``) as the first of that month; refused otherwise."""
    text = (raw or "").strip()
    for pattern in ("%Y-%m", "%m-%Y"):
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if day.year >= 2000:
            return day
    raise errors.ServiceError("not a month", code="bad_month", field=field_name, value=text)


@dataclass(frozen=True)
class Cell:
    """One published cell; ``certificates``/``people`` are None when hidden."""

    region: str  # code, or UNKNOWN
    month: str  # YYYY-MM, Dutch time
    group: str
    competence: str  # code
    level: str
    certificates: int | None
    people: int | None

    @property
    def hidden(self) -> bool:
        return self.people is None


@dataclass(frozen=True)
class Total:
    """A region's figures for one month over every competence and level; hidden (None)
    when fewer than 5 people (``small``) or when a hidden cell could be worked out from it."""

    region: str
    month: str
    certificates: int | None
    people: int | None
    small: bool = False

    @property
    def hidden(self) -> bool:
        return self.people is None


@dataclass(frozen=True)
class RegionInfo:
    code: str
    name: str
    in_partnership: bool


@dataclass(frozen=True)
class Figures:
    filter: FigureFilter
    months: list[str]
    regions: list[RegionInfo]  # the regions in the selection that have certificates, by name; unknown last
    cells: list[Cell]
    totals: dict[tuple[str, str], Total]


def _month_expression(dialect: str) -> ColumnElement[Any]:
    """The month of ``valid_from`` in Dutch time, as ``YYYY-MM``, in SQL."""
    if dialect == "postgresql":
        return literal_column("to_char(certificates.valid_from AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM')")
    # SQLite has no time zones. A month starts at 22:00 UTC the day before in summer time
    # (every first of April to October) and at 23:00 UTC in winter time (November to March),
    # and the clocks never change near a first: shift by two hours when that lands in April
    # to October, else by one.
    return literal_column(
        "CASE WHEN CAST(strftime('%m', certificates.valid_from, '+2 hours') AS INTEGER) BETWEEN 4 AND 10 "
        "THEN strftime('%Y-%m', certificates.valid_from, '+2 hours') "
        "ELSE strftime('%Y-%m', certificates.valid_from, '+1 hours') END"
    )


def _person_expression(dialect: str) -> ColumnElement[Any]:
    """Who a certificate is for, to count people: the participant, or (a certificate issued
    to a typed name) that name as the certificate carries it. Used only inside COUNT(DISTINCT)."""
    if dialect == "postgresql":
        name = ("lower(trim(CAST(certificates.credential_json AS jsonb) "
                "#>> '{credentialSubject,identifier,0,identityHash}'))")  # fmt: skip
        participant = "CAST(certificates.participant_id AS TEXT)"
    else:
        name = ("lower(trim(json_extract(certificates.credential_json, "
                "'$.credentialSubject.identifier[0].identityHash')))")  # fmt: skip
        participant = "CAST(certificates.participant_id AS TEXT)"
    return literal_column(
        f"CASE WHEN certificates.participant_id IS NOT NULL THEN 'p' || {participant} ELSE 'n' || {name} END"
    )


def _conditions(flt: FigureFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Certificate.revoked_at.is_(None),
        Certificate.valid_from >= month_start_utc(flt.first),
        Certificate.valid_from < month_start_utc(next_month(flt.last)),
    ]
    if flt.region == UNKNOWN:
        conditions.append(Region.id.is_(None))
    elif flt.region:
        conditions.append(Region.code == flt.region)
    if flt.partnership_only:
        conditions.append(Region.in_partnership == true())
    return conditions


def _grouped(session: Session, flt: FigureFilter, *detail: Any) -> list[Any]:
    """Certificates and distinct people per region and month (and ``detail`` columns), in one query."""
    dialect = session.get_bind().dialect.name
    month = _month_expression(dialect).label("month")
    query = (
        select(Region.code, month, *detail, func.count(Certificate.id),
               func.count(func.distinct(_person_expression(dialect))))
        .select_from(Certificate)
        .join(Competence, Competence.id == Certificate.competence_id)
        .outerjoin(Shop, Shop.id == Certificate.shop_id)
        .outerjoin(Region, Region.id == Shop.region_id)
        .where(and_(*_conditions(flt)))
        .group_by(Region.code, month, *detail)
    )  # fmt: skip
    return list(session.execute(query).all())


def regional_figures(session: Session, flt: FigureFilter) -> Figures:
    """The protected figures for ``flt`` (see the module's docstring)."""
    if len(flt.months()) > MAX_MONTHS or flt.first > flt.last:
        raise errors.ServiceError("the period is empty or too long", code="bad_period", field="last")
    raw_cells = [
        (code or UNKNOWN, month, group, competence, level, int(certs), int(people))
        for code, month, group, competence, level, certs, people in _grouped(
            session, flt, Competence.group, Competence.code, Certificate.level
        )
    ]
    raw_totals = {
        (code or UNKNOWN, month): (int(certs), int(people)) for code, month, certs, people in _grouped(session, flt)
    }
    cells, totals = protect(raw_cells, raw_totals)
    known = {r.code: r for r in session.execute(select(Region)).scalars()}
    present = {cell.region for cell in cells}
    regions = sorted(
        (RegionInfo(code, known[code].name, known[code].in_partnership) for code in present if code in known),
        key=lambda r: r.name.casefold(),
    )
    if UNKNOWN in present:
        regions.append(RegionInfo(UNKNOWN, UNKNOWN, False))
    return Figures(flt, flt.months(), regions, cells, totals)


RawCell = tuple[str, str, str, str, str, int, int]  # region, month, group, competence, level, certificates, people


def protect(
    raw_cells: Iterable[RawCell], raw_totals: dict[tuple[str, str], tuple[int, int]]
) -> tuple[list[Cell], dict[tuple[str, str], Total]]:
    """Hide every cell and total of fewer than :data:`THRESHOLD` people, and every total
    from which a hidden cell could be worked out (:func:`total_is_safe`)."""
    cells = sorted(
        (
            Cell(region, month, group, competence, level,
                 certs if people >= THRESHOLD else None, people if people >= THRESHOLD else None)
            for region, month, group, competence, level, certs, people in raw_cells
        ),
        key=lambda c: (c.region, c.month, c.group, c.competence, c.level),
    )  # fmt: skip
    by_total: dict[tuple[str, str], list[Cell]] = {}
    for cell in cells:
        by_total.setdefault((cell.region, cell.month), []).append(cell)
    totals: dict[tuple[str, str], Total] = {}
    for (region, month), (certs, people) in raw_totals.items():
        under = by_total.get((region, month), [])
        if people < THRESHOLD:
            totals[(region, month)] = Total(region, month, None, None, small=True)
        elif total_is_safe(certs, people, under):
            totals[(region, month)] = Total(region, month, certs, people)
        else:
            totals[(region, month)] = Total(region, month, None, None)
    return cells, totals


def total_is_safe(certificates: int, people: int, cells: Sequence[Cell]) -> bool:
    """Whether publishing a total (``certificates``, ``people``) next to its ``cells``
    reveals nothing about a hidden cell beyond "fewer than 5 people".

    Subtracting the shown cells from the total gives the hidden cells' certificates
    together (``rest``) and at least how many people they hold (``rest_people``; a person
    can be in several cells). With ``n`` hidden cells, each holding at least one certificate
    and at most four people, one of them holds at most ``rest - (n - 1)`` certificates and at
    least ``rest_people - 4 (n - 1)`` people. Safe when: no hidden cell; or at least two,
    with that upper bound at least 5 (could be any small number) and that lower bound at
    most 1 (could be a single person).
    """
    hidden = [cell for cell in cells if cell.hidden]
    if not hidden:
        return True
    n = len(hidden)
    rest = certificates - sum(cell.certificates or 0 for cell in cells)
    rest_people = people - sum(cell.people or 0 for cell in cells)
    return n >= 2 and rest - (n - 1) >= THRESHOLD and rest_people - (THRESHOLD - 1) * (n - 1) <= 1


# --- showing the figures ---------------------------------------------------------------------------


def competence_names(session: Session, language: str) -> dict[str, str]:
    """Every competence's name in ``language`` (the newest version's, also for retired ones)."""
    rows = session.execute(select(Competence).order_by(Competence.id)).scalars().all()
    return {row.code: competences.competence_entry(row).name(language) for row in rows}


def shown(value: int | None, *, people: bool) -> str:
    """A count as published: the number, or "<5" (people) / "x" (certificates) when hidden."""
    if value is None:
        return HIDDEN_PEOPLE if people else HIDDEN_COUNT
    return str(value)


def shown_total(total: Total, *, people: bool) -> str:
    """A total as published: "<5" people only when it really is a small group; "x" when it
    is hidden to protect the cells under it (it is not small then)."""
    if not total.hidden:
        return str(total.people if people else total.certificates)
    return HIDDEN_PEOPLE if people and total.small else HIDDEN_COUNT


def figures_csv(figures: Figures, *, names: dict[str, str], groups: dict[str, str], levels: dict[str, str]) -> bytes:
    """The figures as a CSV file with Dutch column names: first the cells, then the region
    totals per month (``soort`` tells them apart). ``names``/``groups``/``levels`` give
    the competence, group and level names to print."""
    info = {r.code: r for r in figures.regions}

    def region_columns(code: str) -> tuple[str, str, str]:
        region = info.get(code)
        if region is None or code == UNKNOWN:
            return (UNKNOWN, UNKNOWN, "")
        return (region.name, code, "ja" if region.in_partnership else "nee")

    rows: list[tuple[object, ...]] = []
    for cell in figures.cells:
        rows.append(("cel", *region_columns(cell.region), cell.month, groups.get(cell.group, cell.group),
                     cell.competence, names.get(cell.competence, cell.competence), cell.level,
                     levels.get(cell.level, cell.level), shown(cell.certificates, people=False),
                     shown(cell.people, people=True)))  # fmt: skip
    for (code, month), total in sorted(figures.totals.items()):
        rows.append(("regio en maand", *region_columns(code), month, "", "", "", "", "",
                     shown_total(total, people=False), shown_total(total, people=True)))  # fmt: skip
    header = ["soort", "arbeidsmarktregio", "regiocode", "sectorpartnerschap", "maand", "competentiegroep",
              "competentiecode", "competentie", "niveau", "niveaunaam", "certificaten", "personen"]  # fmt: skip
    return csv_bytes(header, rows)
