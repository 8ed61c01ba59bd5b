"""The bundled fonts: checked against their checksums, registered with reportlab once per process.

DejaVu Sans (regular, bold) and DejaVu Sans Mono from ``credentials/fonts``,
SHA-256 checked against ``SHA256SUMS`` when first loaded, then registered with
reportlab once per process (lazily, under a lock). Never the standard-14 fonts
or system fonts: names such as "Nguyễn Thị Ánh", "Łukasz Wąsik" or "Ødegård"
need glyphs the base fonts lack, and a certificate must print the same on
every machine. Fonts are embedded as subsets; how the subsets are seeded is in
:mod:`credentials.pdf.writer`, how their programs are memoized in
:mod:`credentials.pdf._hooks`.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Callable
from importlib import resources
from typing import Any, Final

from credentials.pdf import _hooks
from credentials.pdf.errors import PdfError

_FONT_FILES: Final = {
    "regular": ("KringloopDejaVuSans", "DejaVuSans.ttf"),
    "bold": ("KringloopDejaVuSans-Bold", "DejaVuSans-Bold.ttf"),
    "mono": ("KringloopDejaVuSansMono", "DejaVuSansMono.ttf"),
}


class _Font:
    """One registered TrueType font: widths for layout, the reportlab font for drawing."""

    def __init__(self, ttfont: Any) -> None:
        self.ttf = ttfont
        self.name: str = ttfont.fontName
        metrics = _hooks.font_metrics(ttfont)
        self._widths: dict[int, int] = metrics.widths
        self._default: int = metrics.default_width
        self.covers: Callable[[int], bool] = metrics.covers

    def width(self, text: str, size: float) -> float:
        get = self._widths.get
        default = self._default
        return sum([get(c, default) for c in map(ord, text)]) * size / 1000.0


_fonts_lock = threading.Lock()
_fonts: dict[str, _Font] | None = None


def _expected_font_hashes() -> dict[str, str]:
    text = resources.files("credentials").joinpath("fonts", "SHA256SUMS").read_text(encoding="ascii")
    hashes: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2:
            hashes[parts[1].lstrip("*")] = parts[0].lower()
    return hashes


def _load_fonts() -> dict[str, _Font]:
    """The three fonts, loaded, checked and registered once per process (thread-safe)."""
    global _fonts  # noqa: PLW0603 - a once-per-process registry, guarded by _fonts_lock
    loaded = _fonts
    if loaded is not None:
        return loaded
    with _fonts_lock:
        if _fonts is not None:
            return _fonts
        from reportlab.pdfbase import pdfmetrics  # noqa: PLC0415 - reportlab loads only when a PDF is made
        from reportlab.pdfbase.ttfonts import TTFont  # noqa: PLC0415

        expected = _expected_font_hashes()
        fonts: dict[str, _Font] = {}
        for key, (name, filename) in _FONT_FILES.items():
            data = resources.files("credentials").joinpath("fonts", filename).read_bytes()
            if hashlib.sha256(data).hexdigest() != expected.get(filename):
                raise PdfError("font_damaged", f"credentials/fonts/{filename} does not match SHA256SUMS")
            ttfont = TTFont(name, io.BytesIO(data))
            _hooks.memoize_subsets(ttfont)
            pdfmetrics.registerFont(ttfont)
            fonts[key] = _Font(ttfont)
        _fonts = fonts
        return fonts
