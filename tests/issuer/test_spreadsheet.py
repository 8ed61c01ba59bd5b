"""CSV for spreadsheets: formula-like cells are defused, accents survive (BOM), CRLF lines."""

from __future__ import annotations

import csv
import io

from issuer.core.spreadsheet import csv_bytes, safe_cell


def test_cells_a_spreadsheet_would_run_as_formulas_get_an_apostrophe() -> None:
    for dangerous in ("=1+1", "+31 6", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'):
        assert safe_cell(dangerous) == "'" + dangerous
    for harmless in ("Zoë", "12", "", "a=b", "1-2"):
        assert safe_cell(harmless) == harmless
    assert safe_cell(None) == "" and safe_cell(7) == "7"


def test_a_whole_file_reads_back_with_excel_friendly_encoding() -> None:
    data = csv_bytes(["naam", "aantal"], [["Çelik", 5], ["=cmd|' /C calc'!A0", -3]])
    assert data.startswith("\ufeff".encode()) and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["naam", "aantal"], ["Çelik", "5"], ["'=cmd|' /C calc'!A0", "'-3"]]
