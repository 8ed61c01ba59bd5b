"""QR codes for printed certificates: the module matrix and its PDF drawing operators.

Choices, and why:

- **Error correction Q** (about 25 % of the code words can be restored). A
  certificate is printed, carried around, folded and photocopied; Q keeps a code
  readable through toner streaks, a crease or a coffee ring, which M (15 %) may
  not. The cost is density: a 64-character verify URL needs version 6 (41 x 41
  modules) instead of 5, which at 32 mm still gives 0.78 mm modules, well above
  what phone cameras and photocopiers resolve.
- **A fixed mask pattern (2).** The QR standard defines eight masks; a decoder
  reads whichever one the format information names, so any choice scans. Trying
  all eight and scoring them (the usual encoder behaviour) is about 85 % of the
  time ``qrcode`` needs for one URL in pure Python. Over 200 random verify URLs of
  the service's shape, mask 2 had the lowest mean penalty score of the eight
  (1150 against 1126 for the per-URL best; mask 5 scored 1553) and was the best
  one for 65 % of them, so fixing it loses almost nothing in robustness.
- **Vector output.** The matrix becomes filled rectangles in one PDF path, in a
  coordinate system of one unit per module: horizontal runs per row are merged,
  and a run that repeats in the next row grows downwards instead of starting a new
  rectangle. Integer coordinates, few operators, one fill: sharp at any zoom, and
  no hairline seams between rows (the whole path is filled at once).

Nothing is cached between URLs: every call builds its own matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import qrcode
from qrcode.constants import ERROR_CORRECT_Q
from qrcode.exceptions import DataOverflowError

from credentials.errors import CredentialError

QR_ERROR_CORRECTION: Final = "Q"
QR_MASK_PATTERN: Final = 2
QUIET_ZONE_MODULES: Final = 4
# Byte-mode capacity of a version-40 symbol at level Q is 1663 bytes; a verify URL is
# about 64. Anything near the limit is a mistake, not a URL someone will type.
MAX_QR_TEXT: Final = 1024


class QrError(CredentialError, ValueError):
    """The text cannot be put in a QR code (empty, or too long)."""


@dataclass(frozen=True)
class QrMatrix:
    """The modules of one QR symbol, without the quiet zone; ``rows[y][x]`` is True for dark."""

    version: int
    rows: tuple[tuple[bool, ...], ...]

    @property
    def size(self) -> int:
        """Modules per side, without the quiet zone."""
        return len(self.rows)

    def rectangles(self) -> list[tuple[int, int, int, int]]:
        """Dark areas as ``(x, y, width, height)`` in modules, ``y`` counted from the top.

        Each row is split into runs of dark modules; a run with the same start and
        length as one in the row above extends that rectangle instead of starting a
        new one. Together the rectangles cover exactly the dark modules.
        """
        done: list[tuple[int, int, int, int]] = []
        # (start, length) of a run -> row where its rectangle began
        open_runs: dict[tuple[int, int], int] = {}
        for y, row in enumerate(self.rows):
            current: dict[tuple[int, int], int] = {}
            for run in _runs(row):
                current[run] = open_runs.pop(run, y)
            for (x, width), top in open_runs.items():
                done.append((x, top, width, y - top))
            open_runs = current
        bottom = self.size
        for (x, width), top in open_runs.items():
            done.append((x, top, width, bottom - top))
        done.sort(key=lambda r: (r[1], r[0]))
        return done

    def pdf_path(self) -> str:
        """PDF path operators (``x y w h re`` …) for the dark modules, one unit per module.

        The caller sets up a transformation that maps module (0, 0), the top-left
        corner of the symbol, to the page with ``y`` pointing down, then fills.
        """
        return "\n".join(f"{x} {y} {w} {h} re" for x, y, w, h in self.rectangles())


def _runs(row: Sequence[bool]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start = -1
    for x, dark in enumerate(row):
        if dark and start < 0:
            start = x
        elif not dark and start >= 0:
            runs.append((start, x - start))
            start = -1
    if start >= 0:
        runs.append((start, len(row) - start))
    return runs


def qr_matrix(text: str, *, mask_pattern: int | None = QR_MASK_PATTERN) -> QrMatrix:
    """The QR symbol (level Q, smallest version that fits) for ``text``.

    ``mask_pattern`` None lets the encoder try all eight masks (slower; used by the
    benchmark as a reference). Raises QrError for empty text or text longer than
    MAX_QR_TEXT characters.
    """
    if not text:
        raise QrError("there is no text to put in the QR code")
    if len(text) > MAX_QR_TEXT:
        raise QrError(f"the QR text is {len(text)} characters long; at most {MAX_QR_TEXT} fit on a certificate")
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=0, mask_pattern=mask_pattern)
    code.add_data(text)
    try:
        code.make(fit=True)
    except DataOverflowError as exc:  # pragma: no cover - MAX_QR_TEXT keeps us far below the limit
        raise QrError("the text does not fit in a QR code") from exc
    rows = tuple(tuple(bool(module) for module in row) for row in code.modules)
    return QrMatrix(version=int(code.version), rows=rows)
