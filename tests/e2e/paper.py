"""Reading a certificate the way a person does: from the printed page and from the page
its QR code opens (imported as ``tests.e2e.paper``).

Shared by the browser journeys (tests/e2e) and the paper test of the issuer
(tests/issuer/test_pdf_qr_service.py): a PDF page is rasterized like a print or a
scan (pdfium, or poppler's ``pdftoppm``), the QR code is decoded from the image by
zxing-cpp (a real decoder, as a phone camera app uses), and the verdict is read from
the page the code opens (``<main data-verification-status>``). Also: a copy of a
certificate PDF whose signed JSON inside was changed, as a forger would try.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

DPI = 150


def render_page(pdf: Path, tmp_path: Path, renderer: str = "pdfium", dpi: int = DPI) -> Image.Image:
    """Page 1 of ``pdf`` at ``dpi``, in grey, by pdfium or by poppler (``pdftoppm``).

    Poppler missing: skips locally, fails under CI=true (.ci/run installs poppler-utils).
    """
    if renderer == "pdfium":
        document = pypdfium2.PdfDocument(pdf)
        try:
            return document[0].render(scale=dpi / 72).to_pil().convert("L")
        finally:
            document.close()
    if shutil.which("pdftoppm") is None:
        message = "pdftoppm is not installed (apt-get install poppler-utils); .ci/run installs it"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: this test must run)")
        pytest.skip(message)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)  # fmt: skip
    return Image.open(tmp_path / "page.png").convert("L")


def qr_text(image: Image.Image) -> str:
    """The text of the one QR code in ``image`` (fails when there is none or more than one)."""
    codes = [c for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(codes) == 1, f"expected one QR code, found {len(codes)}"
    return codes[0].text


def verdict_in(html: str) -> str:
    """The verdict a result page carries in ``<main data-verification-status="...">``."""
    marker = 'data-verification-status="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def fetched_verdict(url: str) -> str:
    """Open ``url`` (a loopback test server) without a browser; the verdict of its page."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback test server
            html = response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:  # not found and withdrawn pages answer 404 with a verdict
        html = exc.read().decode("utf-8")
    return verdict_in(html)


def altered_pdf(pdf: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    """A copy of a certificate PDF whose embedded signed JSON was changed by ``change``
    (the printed page stays the same): what a forger who edits the file gets."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import StreamObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    names = writer.root_object["/Names"]["/EmbeddedFiles"]["/Names"]  # type: ignore[index]
    changed = 0
    for spec in list(names)[1::2]:  # [name, file spec, name, file spec, ...]
        stream = spec.get_object()["/EF"]["/F"].get_object()
        assert isinstance(stream, StreamObject)
        credential = json.loads(stream.get_data())
        change(credential)
        stream.set_data(json.dumps(credential, ensure_ascii=False).encode("utf-8"))
        changed += 1
    assert changed, "no embedded certificate found in the PDF"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
