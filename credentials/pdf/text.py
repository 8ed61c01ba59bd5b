"""Text for the page: cleaned, measured, wrapped, shrunk to fit and cut with an ellipsis.

Everything here is pure layout arithmetic on the fonts' width tables; nothing
is drawn. Absurd input costs bounded time: text is cut at ``_MAX_TEXT``
characters before it is wrapped.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from credentials.pdf.fonts import _Font
from credentials.pdf.sheet import _SURROGATES

ELLIPSIS: Final = "…"
DASH: Final = "\u2013"  # en dash, for "nothing to show" and between parts of a title
# Far more than fits anywhere on the page at the smallest size; longer text is cut
# before wrapping so absurd input costs bounded time.
_MAX_TEXT: Final = 4000
_CONTROL_CHARS: Final = {c: " " for c in (*range(0, 32), *range(127, 160)) if c != 10}
_SPACES: Final = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")


def _clean(text: str, *, limit: int = _MAX_TEXT) -> tuple[str, bool]:
    """Text without control characters or runs of spaces; (text, was it cut)."""
    cut = len(text) > limit
    if cut:
        text = text[:limit]
    text = _SURROGATES.sub("\ufffd", text)
    # NFC: a name typed as "Zoe" plus a combining diaeresis prints (and copies) as "Zoë"
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).translate(_CONTROL_CHARS)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line), cut


def _ellipsize(text: str, font: _Font, size: float, width: float) -> str:
    """``text`` shortened to end in an ellipsis within ``width``."""
    text = text.removesuffix(ELLIPSIS)
    room = width - font.width(ELLIPSIS, size)
    if room <= 0:
        return ELLIPSIS
    end = len(text)
    while end > 0 and font.width(text[:end], size) > room:
        # jump most of the way on very long text, then step
        over = font.width(text[:end], size) - room
        end -= max(1, int(over / (size * 0.7)))
    return text[: max(end, 0)].rstrip(" ,;:-") + ELLIPSIS


def _wrap(text: str, font: _Font, size: float, width: float, max_lines: int | None = None) -> list[str]:
    """Greedy word wrap; words wider than the line are broken. With ``max_lines``,
    the last line ends in an ellipsis when text is left over."""
    text, cut = _clean(text)
    if not text:
        return []
    space = font.width(" ", size)
    lines: list[str] = []
    limit = max_lines if max_lines is not None else 10**9
    overflow = cut
    for paragraph in text.split("\n"):
        if len(lines) > limit:
            break
        words: list[str] = []
        used = 0.0
        for word in paragraph.split(" "):
            w = font.width(word, size)
            if w > width:
                if words:
                    lines.append(" ".join(words))
                    words, used = [], 0.0
                # break a long word (a URL, a very long name) at character level
                piece = ""
                for ch in word:
                    if font.width(piece + ch, size) > width and piece:
                        lines.append(piece)
                        piece = ""
                        if len(lines) > limit:
                            break
                    piece += ch
                if piece:
                    words, used = [piece], font.width(piece, size)
            elif not words:
                words, used = [word], w
            elif used + space + w <= width:
                words.append(word)
                used += space + w
            else:
                lines.append(" ".join(words))
                words, used = [word], w
            if len(lines) > limit:
                break
        if words:
            lines.append(" ".join(words))
    if len(lines) > limit:
        lines = lines[:limit]
        overflow = True
    if overflow and lines:
        lines[-1] = _ellipsize(lines[-1], font, size, width)
    return lines


def _fit_line(text: str, font: _Font, largest: float, smallest: float, width: float) -> tuple[float, str]:
    """(size, text) for one line: shrunk down to ``smallest``, then cut with an ellipsis."""
    size = _fit_size(text, font, largest, smallest, width)
    if size is not None:
        return size, text
    return smallest, _first_line(text, font, smallest, width)


def _one_line(text: str) -> str:
    """Text meant for one line (a name, a title): cleaned, line breaks become spaces."""
    return _clean(text, limit=400)[0].replace("\n", " ")


def _first_line(text: str, font: _Font, size: float, width: float) -> str:
    """``text`` on one line of ``width``, cut with an ellipsis if needed ("" for no text)."""
    lines = _wrap(text, font, size, width, 1)
    return lines[0] if lines else ""


def _fit_size(text: str, font: _Font, largest: float, smallest: float, width: float) -> float | None:
    """The largest size (in 0.5 pt steps) at which ``text`` fits on one line, or None."""
    natural = font.width(text, 1.0)
    if natural <= 0:
        return largest
    size = min(largest, int(width / natural * 2) / 2)
    return size if size >= smallest else None
