"""credentials.qr: the QR matrix (level Q, fixed mask) and its merged vector rectangles."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from credentials.qr import MAX_QR_TEXT, QR_MASK_PATTERN, QUIET_ZONE_MODULES, QrError, QrMatrix, qr_matrix

URLS = (
    "https://certificaten.kringloop.example/c/Q2x4Zm9vYmFyYmF6cXV4eQ",
    "https://certificaten.kringloop.example/c/AAAAAAAAAAAAAAAAAAAAAA",
    "http://127.0.0.1:5000/c/_-_-_-_-_-_-_-_-_-_-_-",
    "https://a.example/c/x",
)


def _image(matrix: QrMatrix, *, module_px: int = 6, from_rectangles: bool = True) -> Image.Image:
    """The symbol as a picture: from the merged rectangles (what the PDF draws), or module by module."""
    side = (matrix.size + 2 * QUIET_ZONE_MODULES) * module_px
    image = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(image)
    q = QUIET_ZONE_MODULES
    if from_rectangles:
        for x, y, w, h in matrix.rectangles():
            draw.rectangle(
                ((x + q) * module_px, (y + q) * module_px, (x + q + w) * module_px - 1, (y + q + h) * module_px - 1), 0
            )
    else:
        for y, row in enumerate(matrix.rows):
            for x, dark in enumerate(row):
                if dark:
                    box = (
                        (x + q) * module_px,
                        (y + q) * module_px,
                        (x + q + 1) * module_px - 1,
                        (y + q + 1) * module_px - 1,
                    )
                    draw.rectangle(box, 0)
    return image


@pytest.mark.parametrize("url", URLS)
def test_rectangles_cover_exactly_the_dark_modules_without_overlap(url: str) -> None:
    matrix = qr_matrix(url)
    covered = [[0] * matrix.size for _ in range(matrix.size)]
    for x, y, w, h in matrix.rectangles():
        assert w > 0 and h > 0
        for yy in range(y, y + h):
            for xx in range(x, x + w):
                covered[yy][xx] += 1
    assert [[bool(c) for c in row] for row in covered] == [list(row) for row in matrix.rows]
    assert max(max(row) for row in covered) == 1


def test_merging_needs_far_fewer_rectangles_than_modules() -> None:
    matrix = qr_matrix(URLS[0])
    dark = sum(sum(row) for row in matrix.rows)
    rectangles = matrix.rectangles()
    assert len(rectangles) < dark / 2
    assert matrix.pdf_path().count(" re") == len(rectangles)


@pytest.mark.parametrize("url", URLS)
def test_the_drawn_symbol_scans_with_error_correction_q(url: str) -> None:
    matrix = qr_matrix(url)
    found = zxingcpp.read_barcodes(_image(matrix), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [b.text for b in found] == [url]
    assert found[0].ec_level == "Q"
    # the picture drawn from rectangles is identical to one drawn module by module
    assert _image(matrix).tobytes() == _image(matrix, from_rectangles=False).tobytes()


def test_fixed_mask_and_automatic_mask_both_scan_and_differ_only_in_masking() -> None:
    fixed = qr_matrix(URLS[0])
    chosen = qr_matrix(URLS[0], mask_pattern=None)
    assert QR_MASK_PATTERN == 2
    assert fixed.version == chosen.version == 6  # a 64-character URL at level Q
    for matrix in (fixed, chosen):
        assert zxingcpp.read_barcodes(_image(matrix))[0].text == URLS[0]


def test_each_url_gets_its_own_symbol() -> None:
    first, second = qr_matrix(URLS[0]), qr_matrix(URLS[1])
    assert first.rows != second.rows
    assert qr_matrix(URLS[0]) == first  # and the same URL the same symbol


def test_empty_or_absurdly_long_text_is_refused() -> None:
    with pytest.raises(QrError):
        qr_matrix("")
    with pytest.raises(QrError, match="characters long"):
        qr_matrix("https://x.example/" + "a" * MAX_QR_TEXT)
    assert qr_matrix("https://x.example/" + "a" * (MAX_QR_TEXT - 20)).version > 20
