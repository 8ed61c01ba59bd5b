"""The certificate page: one A4 page, Dutch first with English beside or under it.

Top down: the organisation, the title, the holder, the competence and the
achieved level; bottom up: the footer (ESCO alignments, the Open Badges line),
the panel with the QR code and the ways to check, the details (issuer, workplace,
assessor, dates, number). The description and criteria take what is left,
shrunk and at worst cut to fit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from credentials.pdf.fonts import _Font
from credentials.pdf.page import (
    ACCENT,
    BOTTOM,
    INK,
    LEFT,
    MUTED,
    PAGE_H,
    PAGE_W,
    QR_SYMBOL_WIDTH,
    RGB,
    RIGHT,
    RULE,
    TINT,
    TOP,
    WHITE,
    WIDTH,
    _column_height,
    _draw_column,
    _Line,
    _n,
    _Page,
    _rgb,
    _Text,
    _truncate,
)
from credentials.pdf.sheet import (
    CertificateSheet,
    EnglishText,
    _Certificate,
    _date_en,
    _date_nl,
    _local,
    _str,
)
from credentials.pdf.text import DASH, _clean, _fit_line, _fit_size, _one_line, _wrap
from credentials.qr import QUIET_ZONE_MODULES, QrMatrix

ESCO_ATTRIBUTION: Final = "This service uses the ESCO classification of the European Commission."


def _level_line(cert: _Certificate, english: EnglishText | None) -> tuple[str, str]:
    if cert.level_position is None:
        return "Niveau: onbekend", "Level: unknown"
    nl = f"Niveau {cert.level_position} van {cert.level_count}"
    en = f"Level {cert.level_position} of {cert.level_count}"
    if cert.level_name:
        nl += f": {cert.level_name}"
    name_en = english.level_names.get(cert.level_code or "", "") if english is not None else ""
    if name_en:
        en += f": {name_en}"
    return nl, en


def _criteria_items(text: str) -> list[tuple[bool, str]]:
    """(is a bullet, text) per line of a criteria narrative ("- " lines are bullets)."""
    items: list[tuple[bool, str]] = []
    cleaned, _ = _clean(text)
    for raw in cleaned.split("\n"):
        if raw.startswith(("- ", "* ", "• ")):
            items.append((True, raw[2:].strip()))
        elif raw:
            items.append((False, raw))
    return items


@dataclass(frozen=True)
class _BodyLimits:
    """Caps used only when the body does not fit even at the smallest size."""

    description_lines: int
    lines_per_item: int


def _body_column(
    fonts: Mapping[str, _Font],
    *,
    heading_1: str,
    text_1: str,
    heading_2: str,
    criteria: str,
    size: float,
    color: RGB,
    width: float,
    limits: _BodyLimits | None = None,
) -> list[_Line]:
    lines: list[_Line] = []
    leading = size * 1.32
    heading_size = size + 0.5
    bullet_indent = size * 1.1
    description_lines = limits.description_lines if limits else None
    item_lines = limits.lines_per_item if limits else None

    def heading(text: str) -> None:
        for part in _wrap(text, fonts["bold"], heading_size, width, 2):
            lines.append(_Line(part, "bold", heading_size, ACCENT, heading_size * 1.35, 0.0, width))

    if text_1:
        heading(heading_1)
        for part in _wrap(text_1, fonts["regular"], size, width, description_lines):
            lines.append(_Line(part, "regular", size, color, leading, 0.0, width))
        lines.append(_Line("", "regular", size, color, size * 0.7))
    items = _criteria_items(criteria)
    if items:
        heading(heading_2)
        for bullet, text in items:
            if bullet:
                parts = _wrap(text, fonts["regular"], size, width - bullet_indent, item_lines)
                for i, part in enumerate(parts):
                    if i == 0:
                        lines.append(_Line("•", "regular", size, ACCENT, 0.0, 0.0, bullet_indent))
                    lines.append(_Line(part, "regular", size, color, leading, bullet_indent, width - bullet_indent))
            else:
                for part in _wrap(text, fonts["regular"], size, width, item_lines):
                    lines.append(_Line(part, "regular", size, color, leading, 0.0, width))
            lines.append(_Line("", "regular", size, color, size * 0.25))
    while lines and not lines[-1].text:
        lines.pop()
    return lines


_BODY_SIZES: Final = (9.5, 9.0, 8.5, 8.0, 7.5, 7.0)


def _layout_body(page: _Page, cert: _Certificate, english: EnglishText | None, *, top: float, bottom: float) -> None:
    """Description and criteria, Dutch left and English right, shrunk (and at worst cut) to fit."""
    fonts = page.fonts
    room = bottom - top
    if room <= 0:
        return
    gap = 22.0
    two = english is not None and bool(english.description or english.criteria)
    col_w = (WIDTH - gap) / 2 if two else WIDTH

    def build(size: float, limits: _BodyLimits | None) -> list[list[_Line]]:
        if two and english is not None:
            return [
                _body_column(
                    fonts,
                    heading_1="Wat houdt het in",
                    text_1=cert.description,
                    heading_2="Wat de persoon doet",
                    criteria=cert.criteria,
                    size=size,
                    color=INK,
                    width=col_w,
                    limits=limits,
                ),
                _body_column(
                    fonts,
                    heading_1="What it means",
                    text_1=english.description,
                    heading_2="What the person does",
                    criteria=english.criteria,
                    size=size - 0.5,
                    color=MUTED,
                    width=col_w,
                    limits=limits,
                ),
            ]
        return [
            _body_column(
                fonts,
                heading_1="Wat houdt het in · What it means",
                text_1=cert.description,
                heading_2="Wat de persoon doet · What the person does",
                criteria=cert.criteria,
                size=size,
                color=INK,
                width=col_w,
                limits=limits,
            )
        ]

    columns: list[list[_Line]] = []
    note: list[_Line] = []
    for size in _BODY_SIZES:
        note = _note_lines(fonts, cert.note, size)
        columns = build(size, None)
        if max(_column_height(c) for c in columns) + _column_height(note) <= room:
            break
    else:
        # Absurd input: give the description at most about a third of the room and
        # each criterion three lines, so the criteria still show; then cut.
        smallest = _BODY_SIZES[-1]
        note = _note_lines(fonts, cert.note, smallest)
        limits = _BodyLimits(description_lines=max(2, int(room * 0.3 / (smallest * 1.32))), lines_per_item=3)
        columns = [_truncate(c, room - _column_height(note), fonts) for c in build(smallest, limits)]
    for i, column in enumerate(columns):
        _draw_column(page, column, LEFT + i * (col_w + gap), top)
    if note:
        _draw_column(page, note, LEFT, top + max(_column_height(c) for c in columns))


NOTE_HEADING: Final = "Toelichting van de werkbegeleider · Supervisor's note"
NOTE_MAX_LINES: Final = 6  # the form states the note's length limit, so it fits these lines


def _note_lines(fonts: Mapping[str, _Font], note: str, size: float) -> list[_Line]:
    """The supervisor's note, full width under the columns, its line breaks kept."""
    if not note:
        return []
    heading = size + 0.5
    lines = [
        _Line("", "regular", size, INK, size * 0.9),
        _Line(
            "Toelichting van de werkbegeleider · Supervisor's note", "bold", heading, ACCENT, heading * 1.35, 0.0, WIDTH
        ),
    ]
    text: list[_Line] = []
    for paragraph in note.splitlines():
        for part in _wrap(paragraph, fonts["regular"], size, WIDTH, None) if paragraph.strip() else [""]:
            text.append(_Line(part, "regular", size, INK, size * 1.32, 0.0, WIDTH))
    if len(text) > NOTE_MAX_LINES:
        text = _truncate(text, _column_height(text[:NOTE_MAX_LINES]), fonts)
    return lines + text


def _level_panel(page: _Page, cert: _Certificate, english: EnglishText | None, *, top: float) -> float:
    """The achieved level with a staircase of steps; returns the bottom of the panel."""
    fonts = page.fonts
    pad = 9.0
    steps = max(1, min(cert.level_count, 6))
    step_w, step_gap, step_unit = 20.0, 4.0, 9.0
    visual_w = steps * step_w + (steps - 1) * step_gap
    visual_h = steps * step_unit + 4
    text_x = LEFT + pad + visual_w + 18
    text_w = RIGHT - pad - text_x
    nl, en = _level_line(cert, english)
    lines: list[_Line] = [_Line(t, "bold", 11, INK, 14.5, 0, text_w) for t in _wrap(nl, fonts["bold"], 11, text_w, 1)]
    lines += [_Line(t, "regular", 9, MUTED, 12, 0, text_w) for t in _wrap(en, fonts["regular"], 9, text_w, 1)]
    if cert.level_description:
        lines.append(_Line("", "regular", 3, INK, 3))
        lines += [
            _Line(t, "regular", 8.5, INK, 11, 0, text_w)
            for t in _wrap(cert.level_description, fonts["regular"], 8.5, text_w, 2)
        ]
    labels_h = 11.0
    height = max(visual_h + labels_h, _column_height(lines)) + 2 * pad
    page.rect(LEFT, top, WIDTH, height, fill=TINT)
    # the staircase: step i is i units high; steps up to the achieved level are filled
    base = top + pad + visual_h
    for i in range(steps):
        x = LEFT + pad + i * (step_w + step_gap)
        h = (i + 1) * step_unit + 4
        filled = cert.level_position is not None and i < cert.level_position
        page.rect(x, base - h, step_w, h, fill=ACCENT if filled else WHITE, stroke=ACCENT, line=0.9)
        page.text(
            x,
            base + 9.5,
            str(i + 1),
            font="bold" if filled else "regular",
            size=8,
            color=ACCENT,
            align="center",
            width=step_w,
        )
    _draw_column(page, lines, text_x, top + pad + max(0.0, (height - 2 * pad - _column_height(lines)) / 2))
    return top + height


# A value in a detail cell: text, font, size, colour, at most this many lines.
_Value = tuple[str, str, float, RGB, int]


def _cell_lines(fonts: Mapping[str, _Font], label: str, values: Sequence[_Value], width: float) -> list[_Line]:
    lines = [_Line(t, "regular", 7, MUTED, 9.5, 0, width) for t in _wrap(label, fonts["regular"], 7, width, 2)]
    for text, font, size, color, max_lines in values:
        for part in _wrap(text, fonts[font], size, width, max_lines):
            lines.append(_Line(part, font, size, color, size * 1.3, 0, width))
    return lines


def _details(cert: _Certificate, sheet: CertificateSheet) -> list[tuple[str, list[_Value]]]:
    cells: list[tuple[str, list[_Value]]] = []
    issuer: list[_Value] = [(cert.issuer_name or DASH, "bold", 9, INK, 2)]
    issuer += [(c, "regular", 7.5, MUTED, 1) for c in cert.issuer_contact]
    cells.append(("Gegeven door · Given by", issuer))
    if cert.shop:
        cells.append(("Werkplek · Workplace", [(cert.shop, "regular", 9, INK, 2)]))
    supervisor = _str(sheet.supervisor)
    if supervisor:
        cells.append(("Beoordeeld door · Assessed by", [(supervisor, "regular", 9, INK, 2)]))
    if cert.valid_from is not None:
        local = _local(cert.valid_from)
        cells.append(
            ("Datum · Date", [(_date_nl(local), "regular", 9, INK, 1), (_date_en(local), "regular", 7.5, MUTED, 1)])
        )
    if cert.signed_at is not None and cert.valid_from is not None:
        signed = _local(cert.signed_at)
        if signed.date() != _local(cert.valid_from).date():  # given earlier, signed later: say both
            cells.append(
                (
                    "Ondertekend · Signed",
                    [(_date_nl(signed), "regular", 9, INK, 1), (_date_en(signed), "regular", 7.5, MUTED, 1)],
                )
            )
    if cert.valid_until is not None:
        local = _local(cert.valid_until)
        cells.append(
            (
                "Geldig tot · Valid until",
                [(_date_nl(local), "regular", 9, INK, 1), (_date_en(local), "regular", 7.5, MUTED, 1)],
            )
        )
    group_nl, group_en = _str(sheet.group_nl), _str(sheet.group_en)
    if group_nl or group_en:
        group: list[_Value] = [(group_nl, "regular", 9, INK, 2)] if group_nl else []
        group += [(group_en, "regular", 7.5, MUTED, 2)] if group_en else []
        cells.append(("Soort vaardigheid · Type of skill", group))
    if cert.credential_id:
        cells.append(("Certificaatnummer · Certificate number", [(_display_id(cert.credential_id), "mono", 7, INK, 2)]))
    return cells


def _display_id(credential_id: str) -> str:
    # "urn:uuid:" is jargon on paper (docs/taalgids-b1.md); the number itself stays.
    return credential_id.removeprefix("urn:uuid:")


def _layout_details(page: _Page, cells: Sequence[tuple[str, list[_Value]]], *, bottom: float, draw: bool) -> float:
    """Lay out the detail cells three to a row, ending at ``bottom``; returns the top (draws if ``draw``)."""
    fonts = page.fonts
    per_row, gap = 3, 14.0
    cell_w = (WIDTH - gap * (per_row - 1)) / per_row
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    laid = [[_cell_lines(fonts, label, values, cell_w) for label, values in row] for row in rows]
    heights = [max(_column_height(c) for c in row) for row in laid]
    top = bottom - sum(heights) - 8.0 * (len(rows) - 1)
    if draw:
        y = top
        for row, height in zip(laid, heights, strict=True):
            for i, column in enumerate(row):
                _draw_column(page, column, LEFT + i * (cell_w + gap), y)
            y += height + 8.0
    return top


def _strip_https(url: str) -> str:
    return url.removeprefix("https://")


def _verify_panel(page: _Page, sheet: CertificateSheet, matrix: QrMatrix, *, bottom: float) -> float:
    """The QR code and the ways to check the certificate, ending at ``bottom``; returns the top."""
    fonts = page.fonts
    pad = 9.0
    module = QR_SYMBOL_WIDTH / matrix.size
    qr_total = QR_SYMBOL_WIDTH + 2 * QUIET_ZONE_MODULES * module
    text_x = LEFT + pad + qr_total + 12
    text_w = RIGHT - pad - text_x
    check = _strip_https(sheet.check_url.strip())
    code = sheet.short_code.strip()
    lines: list[_Line] = []

    def add(text: str, font: str, size: float, color: RGB, max_lines: int, *, leading: float = 1.28) -> None:
        for part in _wrap(text, fonts[font], size, text_w, max_lines):
            lines.append(_Line(part, font, size, color, size * leading, 0, text_w))

    add("Is dit certificaat echt? Scan de QR-code.", "bold", 10.5, INK, 2)
    add("Is this certificate genuine? Scan the QR code.", "regular", 8.5, MUTED, 2)
    add(sheet.verify_url.strip(), "mono", 7.5, ACCENT, 2, leading=1.4)
    lines.append(_Line("", "regular", 4, INK, 4))
    add(f"Geen camera? Ga naar {check} en typ de code:", "regular", 8.5, INK, 2)
    add(f"No camera? Go to {check} and type the code:", "regular", 7.5, MUTED, 2)
    code_size = _fit_size(code, fonts["mono"], 15, 8, text_w) or 8
    add(code, "mono", code_size, INK, 1, leading=1.45)
    lines.append(_Line("", "regular", 3, INK, 3))
    add(
        "Het certificaat zit ook als bestand (.json) in deze PDF, met de digitale handtekening van de organisatie.",
        "regular",
        7,
        INK,
        2,
    )
    add(
        "The certificate is also attached to this PDF as a file (.json), with the organisation's digital signature.",
        "regular",
        6.5,
        MUTED,
        2,
    )
    height = max(qr_total, _column_height(lines)) + 2 * pad
    top = bottom - height
    page.rect(LEFT, top, WIDTH, height, stroke=ACCENT, line=1.0)
    page.qr(LEFT + pad, top + pad + (height - 2 * pad - qr_total) / 2, matrix, QR_SYMBOL_WIDTH)
    _draw_column(page, lines, text_x, top + pad + max(0.0, (height - 2 * pad - _column_height(lines)) / 2))
    return top


def _footer_lines(fonts: Mapping[str, _Font], cert: _Certificate, width: float) -> list[_Line]:
    lines: list[_Line] = []
    regular = fonts["regular"]
    for name, url in cert.alignments[:3]:
        text = "Europese lijst van vaardigheden (ESCO) · European skills (ESCO): " + f" {DASH} ".join(
            p for p in (name, url) if p
        )
        lines += [_Line(t, "regular", 6.5, MUTED, 8.2, 0, width) for t in _wrap(text, regular, 6.5, width, 2)]
    closing = (
        "Dit certificaat volgt de open standaard Open Badges 3.0 · "
        "This certificate follows the open standard Open Badges 3.0."
    )
    if cert.alignments:
        closing += " " + ESCO_ATTRIBUTION
    lines += [_Line(t, "regular", 6.5, MUTED, 8.2, 0, width) for t in _wrap(closing, regular, 6.5, width, 2)]
    return lines


def _page_number_text(number: int, total: int) -> str:
    return f"Pagina {number} van {total} · Page {number} of {total}"


def _headline(page: _Page, text: str, *, top: float, largest: float, smallest: float) -> float:
    """A centred bold line, shrunk to fit, else wrapped on two lines; returns the new top."""
    font = page.fonts["bold"]
    text = _one_line(text or DASH)
    fitted = _fit_size(text, font, largest, smallest, WIDTH)
    if fitted is not None:
        page.text(LEFT, top + fitted, text, font="bold", size=fitted, align="center", width=WIDTH)
        return top + fitted * 1.3
    for part in _wrap(text, font, smallest, WIDTH, 2):
        page.text(LEFT, top + smallest, part, font="bold", size=smallest, align="center", width=WIDTH)
        top += smallest * 1.28
    return top


def _certificate_page(
    fonts: Mapping[str, _Font],
    cert: _Certificate,
    sheet: CertificateSheet,
    matrix: QrMatrix,
    *,
    page_number: tuple[int, int] | None = None,
) -> _Page:
    page = _Page(fonts)
    english = sheet.english
    # frame
    page.rect(20, 20, PAGE_W - 40, PAGE_H - 40, stroke=ACCENT, line=2.0)
    page.rect(25, 25, PAGE_W - 50, PAGE_H - 50, stroke=ACCENT, line=0.5)

    y = TOP + 4
    org = cert.issuer_name or ""
    if org:
        size, text = _fit_line(_one_line(org), fonts["bold"], 10.5, 8, WIDTH)
        page.text(LEFT, y + 10, text, font="bold", size=size, color=ACCENT, align="center", width=WIDTH)
    y += 18
    page.text(LEFT, y + 28, "Certificaat", font="bold", size=29, align="center", width=WIDTH)
    y += 36
    page.text(LEFT, y + 13, "Certificate", size=13, color=MUTED, align="center", width=WIDTH)
    y += 30
    page.text(
        LEFT,
        y + 8.5,
        "Dit certificaat is voor · This certificate is for",
        size=8.5,
        color=MUTED,
        align="center",
        width=WIDTH,
    )
    y += 14
    y = _headline(page, cert.holder, top=y, largest=26, smallest=14)
    y += 6
    page.hline(PAGE_W / 2 - 70, PAGE_W / 2 + 70, y, ACCENT, 1.2)
    y += 12
    page.text(LEFT, y + 8.5, "Vaardigheid · Skill", size=8.5, color=MUTED, align="center", width=WIDTH)
    y += 13
    y = _headline(page, cert.competence, top=y, largest=17, smallest=12)
    if english is not None and english.name:
        for part in _wrap(english.name, fonts["regular"], 11, WIDTH, 2):
            page.text(LEFT, y + 11, part, size=11, color=MUTED, align="center", width=WIDTH)
            y += 14
    y += 10
    y = _level_panel(page, cert, english, top=y) + 14

    # bottom-up: footer, verify panel, details; the body takes what is left
    footer = _footer_lines(fonts, cert, WIDTH - (150 if page_number else 0))
    footer_top = BOTTOM - _column_height(footer)
    _draw_column(page, footer, LEFT, footer_top)
    if page_number is not None:
        page.text(LEFT, BOTTOM - 2, _page_number_text(*page_number), size=6.5, color=MUTED, align="right", width=WIDTH)
    panel_top = _verify_panel(page, sheet, matrix, bottom=footer_top - 8)
    cells = _details(cert, sheet)
    details_top = _layout_details(page, cells, bottom=panel_top - 12, draw=False)
    body_bottom = details_top - 12
    page.hline(LEFT, RIGHT, details_top - 7, RULE, 0.5)
    _layout_body(page, cert, english, top=y, bottom=body_bottom - 4)
    _layout_details(page, cells, bottom=panel_top - 12, draw=True)
    if sheet.revoked_on is not None:
        _revoked_stamp(page, sheet.revoked_on)
    return page


STAMP_RED: Final = (0.72, 0.09, 0.09)
STAMP_ANGLE: Final = 32.0  # degrees, rising from bottom left to top right


def _revoked_stamp(page: _Page, revoked_on: date) -> None:
    """A diagonal stamp across the page: INGETROKKEN / REVOKED and the date, so a printed
    copy made after the revocation cannot pass for a valid one."""
    fonts = page.fonts
    day = datetime.combine(revoked_on, datetime.min.time())
    # Also in one plain line at the top, for screen readers and text extraction.
    page.text(LEFT, TOP - 8, f"INGETROKKEN op {_date_nl(day)} · REVOKED on {_date_en(day)}", font="bold", size=9,
              color=STAMP_RED, align="center", width=WIDTH)  # fmt: skip
    lines = [("INGETROKKEN · REVOKED", "bold", 30.0), (f"{_date_nl(day)} · {_date_en(day)}", "bold", 13.0)]
    widths = [fonts[font].width(text, size) for text, font, size in lines]
    box_w, box_h = max(widths) + 30, 30.0 + 13.0 * 1.6 + 28
    angle = math.radians(STAMP_ANGLE)
    cos, sin = math.cos(angle), math.sin(angle)
    # Rotate about the page centre; inside, (0, 0) is the centre of the stamp.
    page.items.append(f"q {_n(cos)} {_n(sin)} {_n(-sin)} {_n(cos)} {_n(PAGE_W / 2)} {_n(PAGE_H / 2)} cm")
    page.items.append(
        f"q {_rgb(STAMP_RED, stroke=True)} 3 w {_n(-box_w / 2)} {_n(-box_h / 2)} {_n(box_w)} {_n(box_h)} re S Q"
    )
    # A text item's baseline is measured from the page top (PAGE_H - y): here the local y.
    first = box_h / 2 - 14 - 30.0 * 0.78
    for (text, font, size), width, local_y in zip(lines, widths, (first, first - 13.0 * 1.6 - 4), strict=True):
        page.items.append(_Text(-width / 2, PAGE_H - local_y, font, size, text, STAMP_RED))
    page.items.append("Q")
