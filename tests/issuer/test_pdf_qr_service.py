"""From paper to verdict, with real parts only.

``credentials serve`` runs as a real process (SQLite, local keys); ``credentials issue``
and ``credentials pdf`` make a certificate PDF; the page is rasterized at 150 dpi by
pdfium (pypdfium2) and, when installed, by poppler (``pdftoppm``, installed in CI); the
QR code is decoded from the image by zxing-cpp; the URL it holds is opened on the
running service, which answers "valid". The same for a degraded copy of the image (a
photocopy) and after ``credentials revoke`` ("revoked").
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance, ImageFilter

from tests.e2e.paper import DPI, fetched_verdict, qr_text, render_page
from tests.support import cli, free_port, service_env, serving


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    home = tmp_path_factory.mktemp("paper")
    port = free_port()
    env = service_env(home, f"http://127.0.0.1:{port}")
    cli(env, "init")
    cli(env, "org", "add", "papier", "--name", "Kringloop Papier", "--email", "info@papier.example")
    with serving(env, port) as base:
        yield base, env


def _photocopy(image: Image.Image) -> Image.Image:
    """A worn copy: less contrast, blur, a slight skew, speckles and JPEG, twice over."""
    import random

    rng = random.Random(20261123)  # noqa: S311 - seeded noise for a test image
    for _ in range(2):
        image = ImageEnhance.Contrast(image).enhance(0.6)
        image = image.filter(ImageFilter.GaussianBlur(0.9))
        image = image.rotate(1.5, expand=True, fillcolor=255)
        pixels = image.load()
        assert pixels is not None
        for _ in range(image.width * image.height // 200):
            x, y = rng.randrange(image.width), rng.randrange(image.height)
            pixels[x, y] = rng.choice((0, 255))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=40)
        image = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    return image


@pytest.mark.parametrize("renderer", ["pdfium", "poppler"])
def test_the_qr_on_the_pdf_opens_a_valid_verdict_on_the_running_service(
    service: tuple[str, dict[str, str]], tmp_path: Path, renderer: str
) -> None:
    base, env = service
    url = cli(env, "issue", "--org", "papier", "--holder", "Nguyễn Thị Ánh", "--competence", "DIG-KASSA",
              "--level", "2").strip()  # fmt: skip
    public_id = url.rsplit("/", 1)[1]
    pdf = tmp_path / "certificaat.pdf"
    cli(env, "pdf", public_id, "--out", str(pdf))

    image = render_page(pdf, tmp_path, renderer)
    assert image.size[0] == pytest.approx(210 / 25.4 * DPI, abs=2)  # A4 at 150 dpi
    assert qr_text(image) == url == f"{base}/c/{public_id}"
    assert qr_text(_photocopy(image)) == url, "the photocopy does not scan"
    assert fetched_verdict(url) == "valid"

    cli(env, "revoke", public_id, "--reason", "Test: ingetrokken")
    assert fetched_verdict(qr_text(image)) == "revoked"
