"""The page model: colours, A4 geometry, a display list of text runs and path operators, text columns.

Layout (:mod:`credentials.pdf.layout`, :mod:`credentials.pdf.cover`) fills a
:class:`_Page`; the writer (:mod:`credentials.pdf.writer`) turns it into PDF
operators. Coordinates are in points from the top of the page; the page turns
them into PDF's bottom-up coordinates.

QR code
    See :mod:`credentials.qr`: error correction level Q (survives a photocopy, a
    crease, a stain), a fixed mask pattern (any of the eight is valid; fixing it
    removes most of the encoding time), drawn as merged vector rectangles. The
    symbol is printed 32 mm wide with its 4-module quiet zone painted white.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from credentials.pdf.fonts import _Font
from credentials.pdf.text import _ellipsize
from credentials.qr import QUIET_ZONE_MODULES, QrMatrix

RGB = tuple[float, float, float]
INK: Final[RGB] = (0.09, 0.11, 0.13)
MUTED: Final[RGB] = (0.33, 0.36, 0.40)
ACCENT: Final[RGB] = (0.06, 0.37, 0.24)
TINT: Final[RGB] = (0.91, 0.95, 0.92)
RULE: Final[RGB] = (0.78, 0.81, 0.80)
WHITE: Final[RGB] = (1.0, 1.0, 1.0)

PAGE_W: Final = 595.2756  # A4 in points
PAGE_H: Final = 841.8898
MM: Final = 72 / 25.4
LEFT: Final = 46.0
RIGHT: Final = PAGE_W - 46.0
WIDTH: Final = RIGHT - LEFT
TOP: Final = 44.0
BOTTOM: Final = PAGE_H - 34.0
QR_SYMBOL_WIDTH: Final = 32 * MM  # the symbol itself; the quiet zone comes on top


def _n(value: float) -> str:
    text = f"{value:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _rgb(color: RGB, *, stroke: bool = False) -> str:
    return f"{_n(color[0])} {_n(color[1])} {_n(color[2])} {'RG' if stroke else 'rg'}"


@dataclass(frozen=True)
class _Text:
    x: float
    baseline: float  # from the top of the page
    font: str
    size: float
    text: str
    color: RGB


@dataclass
class _Page:
    """A display list: text runs and raw path operators, in drawing order."""

    fonts: Mapping[str, _Font]
    items: list[_Text | str] = field(default_factory=list)
    bookmark: str | None = None

    def text(
        self,
        x: float,
        baseline: float,
        text: str,
        *,
        font: str = "regular",
        size: float,
        color: RGB = INK,
        align: str = "left",
        width: float = 0.0,
    ) -> None:
        if not text:
            return
        if align != "left":
            w = self.fonts[font].width(text, size)
            x = x + (width - w) / 2 if align == "center" else x + width - w
        self.items.append(_Text(x, baseline, font, size, text, color))

    def rect(
        self,
        x: float,
        top: float,
        w: float,
        h: float,
        *,
        fill: RGB | None = None,
        stroke: RGB | None = None,
        line: float = 0.75,
    ) -> None:
        ops = ["q"]
        if fill is not None:
            ops.append(_rgb(fill))
        if stroke is not None:
            ops.append(f"{_rgb(stroke, stroke=True)} {_n(line)} w")
        ops.append(f"{_n(x)} {_n(PAGE_H - top - h)} {_n(w)} {_n(h)} re")
        ops.append("B" if fill is not None and stroke is not None else ("f" if fill is not None else "S"))
        ops.append("Q")
        self.items.append(" ".join(ops))

    def hline(self, x0: float, x1: float, y: float, color: RGB, line: float = 0.5) -> None:
        yy = _n(PAGE_H - y)
        self.items.append(f"q {_rgb(color, stroke=True)} {_n(line)} w {_n(x0)} {yy} m {_n(x1)} {yy} l S Q")

    def qr(self, x: float, top: float, matrix: QrMatrix, symbol_width: float) -> float:
        """Draw the QR symbol with its white quiet zone at (x, top); returns the total width."""
        module = symbol_width / matrix.size
        total = symbol_width + 2 * QUIET_ZONE_MODULES * module
        self.rect(x, top, total, total, fill=WHITE)
        x0 = x + QUIET_ZONE_MODULES * module
        y0 = PAGE_H - (top + QUIET_ZONE_MODULES * module)
        # one unit per module, y pointing down from the symbol's top-left corner
        self.items.append(f"q 0 0 0 rg {_n(module)} 0 0 {_n(-module)} {_n(x0)} {_n(y0)} cm\n{matrix.pdf_path()}\nf Q")
        return total


@dataclass(frozen=True)
class _Line:
    """One line of a text column: drawn at ``dx`` from the column's left edge."""

    text: str
    font: str
    size: float
    color: RGB
    height: float
    dx: float = 0.0
    width: float = 0.0  # room for the text (for an ellipsis)


def _column_height(lines: Sequence[_Line]) -> float:
    return sum(line.height for line in lines)


def _truncate(lines: list[_Line], room: float, fonts: Mapping[str, _Font]) -> list[_Line]:
    """The lines that fit in ``room``; the last kept text line ends in an ellipsis."""
    kept: list[_Line] = []
    used = 0.0
    for line in lines:
        if used + line.height > room:
            break
        kept.append(line)
        used += line.height
    if len(kept) < len(lines):
        # no trailing spacer, and no bullet without its text
        while kept and (not kept[-1].text or kept[-1].height == 0):
            kept.pop()
        if kept:
            last = kept[-1]
            font = fonts[last.font]
            shorter = _ellipsize(last.text, font, last.size, last.width)
            kept[-1] = _Line(shorter, last.font, last.size, last.color, last.height, last.dx, last.width)
    return kept


def _draw_column(page: _Page, lines: Sequence[_Line], x: float, top: float) -> float:
    y = top
    for line in lines:
        page.text(x + line.dx, y + line.size * 0.95, line.text, font=line.font, size=line.size, color=line.color)
        y += line.height
    return y
