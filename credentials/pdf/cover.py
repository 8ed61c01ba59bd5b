"""The portfolio cover: the holder's certificates listed by group, with level, date and page number.

The list continues on further cover pages when it is long (a group heading never
ends a page); the certificate pages follow, one per certificate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from credentials.pdf.fonts import _Font
from credentials.pdf.layout import _level_line, _page_number_text
from credentials.pdf.page import (
    ACCENT,
    BOTTOM,
    INK,
    LEFT,
    MUTED,
    PAGE_H,
    PAGE_W,
    RIGHT,
    RULE,
    TOP,
    WIDTH,
    _column_height,
    _draw_column,
    _Line,
    _Page,
)
from credentials.pdf.sheet import CertificateSheet, _Certificate, _date_en, _date_nl, _local, _str
from credentials.pdf.text import DASH, _first_line, _fit_line, _fit_size, _one_line, _wrap


@dataclass(frozen=True)
class _CoverRow:
    group: tuple[str, str]
    name_nl: str
    name_en: str
    level_nl: str
    level_en: str
    date_nl: str
    date_en: str
    index: int  # position of the certificate in the portfolio (0-based)


_OTHER_GROUP: Final = ("Overig", "Other")


def _cover_rows(entries: Sequence[tuple[_Certificate, CertificateSheet]]) -> list[_CoverRow]:
    rows: list[_CoverRow] = []
    for index, (cert, sheet) in enumerate(entries):
        group_nl, group_en = _str(sheet.group_nl), _str(sheet.group_en)
        group = (group_nl or group_en, group_en or group_nl) if (group_nl or group_en) else _OTHER_GROUP
        level_nl, level_en = _level_line(cert, sheet.english)
        local = _local(cert.valid_from) if cert.valid_from is not None else None
        rows.append(
            _CoverRow(
                group=group,
                name_nl=cert.competence or DASH,
                name_en=sheet.english.name if sheet.english is not None else "",
                level_nl=level_nl,
                level_en=level_en,
                date_nl=_date_nl(local) if local else DASH,
                date_en=_date_en(local) if local else "",
                index=index,
            )
        )
    order: list[tuple[str, str]] = []
    for row in rows:
        if row.group not in order and row.group != _OTHER_GROUP:
            order.append(row.group)
    if any(row.group == _OTHER_GROUP for row in rows):
        order.append(_OTHER_GROUP)
    return sorted(rows, key=lambda r: (order.index(r.group), r.index))


_ROW_H: Final = 25.0
_GROUP_H: Final = 27.0
_HEAD_H: Final = 22.0  # the two-line column headings
# (x, width) of the columns competence, level and date; the page number is right-aligned at WIDTH
_COLS: Final = ((0.0, 226.0), (232.0, 170.0), (408.0, 68.0))


def _paginate_cover(
    rows: Sequence[_CoverRow], *, first_top: float, next_top: float, bottom: float
) -> list[list[_CoverRow | tuple[str, str]]]:
    """Rows and group headings per cover page (a heading never ends a page)."""
    pages: list[list[_CoverRow | tuple[str, str]]] = [[]]
    y = first_top
    current: tuple[str, str] | None = None
    for row in rows:
        need = _ROW_H + (_GROUP_H if row.group != current else 0.0)
        if y + need > bottom:
            pages.append([])
            y = next_top
            current = None
            need = _ROW_H + _GROUP_H
        if row.group != current:
            pages[-1].append(row.group)
            current = row.group
        pages[-1].append(row)
        y += need
    return pages


def _cover_pages(
    fonts: Mapping[str, _Font],
    holder: str,
    note: str | None,
    rows: Sequence[_CoverRow],
    certificate_count: int,
) -> list[_Page]:
    holder = _one_line(holder or DASH)
    bottom = BOTTOM - 16
    # the title block's height decides where the list starts on the first page
    title_lines: list[_Line] = []
    size = _fit_size(f"Portfolio van {holder}", fonts["bold"], 22, 13, WIDTH)
    if size is not None:
        title_lines.append(_Line(f"Portfolio van {holder}", "bold", size, INK, size * 1.3, 0, WIDTH))
    else:
        title_lines += [
            _Line(t, "bold", 13, INK, 17, 0, WIDTH)
            for t in _wrap(f"Portfolio van {holder}", fonts["bold"], 13, WIDTH, 2)
        ]
    title_lines += [
        _Line(t, "regular", 12, MUTED, 16, 0, WIDTH)
        for t in _wrap(f"Portfolio of {holder}", fonts["regular"], 12, WIDTH, 2)
    ]
    if note:
        title_lines.append(_Line("", "regular", 4, INK, 4))
        title_lines += [_Line(t, "regular", 9, MUTED, 12, 0, WIDTH) for t in _wrap(note, fonts["regular"], 9, WIDTH, 3)]
    count_nl = f"{certificate_count} certificaat" if certificate_count == 1 else f"{certificate_count} certificaten"
    count_en = f"{certificate_count} certificate" if certificate_count == 1 else f"{certificate_count} certificates"
    title_lines.append(_Line("", "regular", 6, INK, 6))
    title_lines.append(_Line(f"{count_nl} · {count_en}", "regular", 9, INK, 12, 0, WIDTH))
    first_top = TOP + 10 + _column_height(title_lines) + 14 + _HEAD_H
    next_top = TOP + 10 + 24 + _HEAD_H
    layout = _paginate_cover(rows, first_top=first_top, next_top=next_top, bottom=bottom)
    total_pages = len(layout) + certificate_count
    pages: list[_Page] = []
    for number, items in enumerate(layout, start=1):
        page = _Page(fonts, bookmark="Overzicht · Overview" if number == 1 else None)
        page.rect(20, 20, PAGE_W - 40, PAGE_H - 40, stroke=ACCENT, line=2.0)
        page.rect(25, 25, PAGE_W - 50, PAGE_H - 50, stroke=ACCENT, line=0.5)
        if number == 1:
            y = _draw_column(page, title_lines, LEFT, TOP + 10) + 14
        else:
            text = f"Portfolio van {holder} (vervolg) · Portfolio of {holder} (continued)"
            page.text(LEFT, TOP + 22, _first_line(text, fonts["bold"], 11, WIDTH), font="bold", size=11)
            y = TOP + 10 + 24
        for (x, _), (nl, en) in zip(
            _COLS, (("Vaardigheid", "Skill"), ("Niveau", "Level"), ("Datum", "Date")), strict=True
        ):
            page.text(LEFT + x, y + 7, nl, font="bold", size=7, color=MUTED)
            page.text(LEFT + x, y + 15, en, size=7, color=MUTED)
        page.text(LEFT, y + 7, "Pagina", font="bold", size=7, color=MUTED, align="right", width=WIDTH)
        page.text(LEFT, y + 15, "Page", size=7, color=MUTED, align="right", width=WIDTH)
        y += _HEAD_H
        for item in items:
            if isinstance(item, tuple):
                group_nl, group_en = item
                label = group_nl if group_nl == group_en else f"{group_nl} · {group_en}"
                page.text(
                    LEFT, y + 16, _first_line(label, fonts["bold"], 11, WIDTH), font="bold", size=11, color=ACCENT
                )
                page.hline(LEFT, RIGHT, y + 21, ACCENT, 0.8)
                y += _GROUP_H
                continue
            row = item
            cells = (
                ((row.name_nl, "bold", 8.5, INK), (row.name_en, "regular", 7.5, MUTED)),
                ((row.level_nl, "regular", 7.5, INK), (row.level_en, "regular", 7, MUTED)),
                ((row.date_nl, "regular", 7.5, INK), (row.date_en, "regular", 7, MUTED)),
            )
            for (x, w), ((t1, f1, s1, c1), (t2, f2, s2, c2)) in zip(_COLS, cells, strict=True):
                if t1:
                    size, text = _fit_line(_one_line(t1), fonts[f1], s1, s1 - 1, w)
                    page.text(LEFT + x, y + 10, text, font=f1, size=size, color=c1)
                if t2:
                    size, text = _fit_line(_one_line(t2), fonts[f2], s2, s2 - 1, w)
                    page.text(LEFT + x, y + 20, text, font=f2, size=size, color=c2)
            page_no = str(len(layout) + row.index + 1)
            page.text(LEFT, y + 10, page_no, size=8, align="right", width=WIDTH)
            page.hline(LEFT, RIGHT, y + _ROW_H - 1, RULE, 0.4)
            y += _ROW_H
        page.text(
            LEFT, BOTTOM - 2, _page_number_text(number, total_pages), size=6.5, color=MUTED, align="right", width=WIDTH
        )
        pages.append(page)
    return pages
