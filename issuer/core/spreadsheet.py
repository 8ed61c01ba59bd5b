"""CSV files that people open in a spreadsheet (reports, exports).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel and LibreOffice (CSV injection): such cells get a leading apostrophe,
which the spreadsheet shows as text. The file is UTF-8 with a byte-order mark, so Excel
reads accents correctly, and CRLF line ends.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell as text, defused when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = True) -> bytes:
    """A whole CSV file: the header and every row, each cell through :func:`safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")
